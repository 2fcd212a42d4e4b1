// Records the provider deleted (Salesforce IsDeleted) or that an id reconciliation no longer found
// (ADR 021): a record the sync created goes, unless something of the user's hangs on it (their notes,
// their conversations, their meetings, records from other sources); anything else is unlinked and
// kept. Either way the link is marked deleted, so a record the provider restores links again.
import { Prisma } from "../../db/generated/client";
import { idKeys, linkKey, setLink, type CrmRun, type RecordType } from "./crm-links";
import { oneOf } from "./resolve";

/** Per record type: its table, and what of the user's keeps a sync-created record alive. */
function keepersSql(run: CrmRun, recordType: RecordType): { table: string; keep: Prisma.Sql } | null {
  const source = Prisma.sql`${run.context.source}::"RecordSource"`;
  switch (recordType) {
    case "account":
      return {
        table: "accounts",
        keep: Prisma.sql`
          EXISTS (SELECT 1 FROM notes n WHERE n."accountId" = t.id)
          OR EXISTS (SELECT 1 FROM conversations c WHERE c."accountId" = t.id AND c.source <> ${source})
          OR EXISTS (SELECT 1 FROM meetings m WHERE m."accountId" = t.id AND m.source <> ${source})
          OR EXISTS (SELECT 1 FROM prospects p WHERE p."accountId" = t.id AND p.source <> ${source})
          OR EXISTS (SELECT 1 FROM opportunities o WHERE o."accountId" = t.id AND o.source <> ${source})
          OR EXISTS (SELECT 1 FROM activities a WHERE a."accountId" = t.id AND a.source = 'manual'::"RecordSource")`,
      };
    case "prospect":
      return {
        table: "prospects",
        keep: Prisma.sql`
          EXISTS (SELECT 1 FROM notes n WHERE n."prospectId" = t.id)
          OR EXISTS (SELECT 1 FROM conversation_participants cp JOIN conversations c ON c.id = cp."conversationId"
                     WHERE cp."prospectId" = t.id AND c.source <> ${source})
          OR EXISTS (SELECT 1 FROM meeting_attendees ma JOIN meetings m ON m.id = ma."meetingId"
                     WHERE ma."prospectId" = t.id AND m.source <> ${source})
          OR EXISTS (SELECT 1 FROM activities a WHERE a."prospectId" = t.id AND a.source = 'manual'::"RecordSource")`,
      };
    case "opportunity":
      return {
        table: "opportunities",
        keep: Prisma.sql`
          EXISTS (SELECT 1 FROM notes n WHERE n."opportunityId" = t.id)
          OR EXISTS (SELECT 1 FROM conversations c WHERE c."opportunityId" = t.id AND c.source <> ${source})
          OR EXISTS (SELECT 1 FROM meetings m WHERE m."opportunityId" = t.id AND m.source <> ${source})
          OR EXISTS (SELECT 1 FROM activities a WHERE a."opportunityId" = t.id AND a.source = 'manual'::"RecordSource")
          OR EXISTS (SELECT 1 FROM opportunity_stage_changes s WHERE s."opportunityId" = t.id AND s.source = 'manual'::"RecordSource")`,
      };
    case "meeting":
      // The user's notes of the meeting keep it.
      return { table: "meetings", keep: Prisma.sql`EXISTS (SELECT 1 FROM notes n WHERE n."meetingId" = t.id)` };
    case "stage_change":
      return { table: "opportunity_stage_changes", keep: Prisma.sql`false` };
    case "deal_contact":
      return { table: "opportunity_contacts", keep: Prisma.sql`false` };
    case "sequence_enrollment":
      return { table: "sequence_enrollments", keep: Prisma.sql`false` };
    case "activity":
      return { table: "activities", keep: Prisma.sql`false` };
  }
}

/**
 * Applies removals of these provider records (already known as links of the run, loaded by the
 * caller). Counts deleted workspace records.
 */
export async function removeRecords(run: CrmRun, refs: { o: string; e: string }[], at: Date): Promise<void> {
  const { tx, context, stats } = run;
  const byType = new Map<RecordType, string[]>();
  const live = refs.flatMap((ref) => {
    const link = run.links.get(linkKey(ref.o, ref.e));
    return link && !link.deletedAt ? [link] : [];
  });
  for (const link of live)
    if (link.createdBySync && link.recordId)
      byType.set(link.recordType, [...(byType.get(link.recordType) ?? []), link.recordId]);
  const deleted = new Set<string>();
  for (const [recordType, ids] of byType) {
    const spec = keepersSql(run, recordType);
    if (!spec) continue;
    // Only what this source made (its own rows), and only when nothing of the user's hangs on it.
    const gone = await tx.$queryRaw<{ id: string }[]>`
      DELETE FROM ${Prisma.raw(spec.table)} t
      WHERE t."userId" = ${context.userId} AND t.id = ${oneOf(ids)} AND t.source = ${context.source}::"RecordSource"
        AND NOT (${spec.keep})
      RETURNING t.id`;
    for (const g of gone) deleted.add(g.id);
    stats.deleted += gone.length;
    if (recordType === "activity" && gone.length > 0) {
      // A call's conversation goes with its timeline entry (its message cascades).
      await tx.$executeRaw`
        DELETE FROM conversations c
        WHERE c."userId" = ${context.userId} AND c.source = ${context.source}::"RecordSource"
          AND c.channel = 'call'::"ConversationChannel"
          AND c."externalId" = ${oneOf(live.filter((l) => l.recordType === "activity").map((l) => `${l.objectType}/${l.externalId}`))}`;
    }
    if (recordType === "meeting" && gone.length > 0) {
      await tx.$executeRaw`
        DELETE FROM activities a WHERE a."userId" = ${context.userId} AND a.source = ${context.source}::"RecordSource"
          AND a.type = 'meeting_held'::"ActivityType" AND a."meetingId" IS NULL
          AND a."externalId" = ${oneOf(live.filter((l) => l.recordType === "meeting").map((l) => `${l.objectType}/${l.externalId}`))}`;
    }
    if (recordType === "stage_change" && gone.length > 0) {
      await tx.$executeRaw`
        DELETE FROM activities a WHERE a."userId" = ${context.userId} AND a.source = ${context.source}::"RecordSource"
          AND a.type = 'stage_changed'::"ActivityType"
          AND a."externalId" = ${oneOf(live.filter((l) => l.recordType === "stage_change").map((l) => `${l.objectType}/${l.externalId}`))}`;
    }
  }
  for (const link of live)
    setLink(
      run,
      { o: link.objectType, e: link.externalId },
      {
        recordType: link.recordType,
        recordId: link.recordId && deleted.has(link.recordId) ? null : link.recordId,
        createdBySync: link.createdBySync,
        remote: link.remote,
        remoteModifiedAt: link.remoteModifiedAt,
        deletedAt: at,
      },
    );
}

/** An id reconciliation's page: the links it names were seen at the sweep's start. */
export async function markPresent(run: CrmRun, objectType: string, externalIds: string[], sweepStartedAt: Date) {
  if (externalIds.length === 0) return;
  const { tx, context } = run;
  await tx.$executeRaw`
    UPDATE synced_records l SET "lastSeenAt" = ${sweepStartedAt}
    FROM ${idKeys(externalIds)}
    WHERE l."userId" = ${context.userId} AND l.source = ${context.source}::"RecordSource" AND l."objectType" = ${objectType}
      AND l."externalId" = k.v AND (l."lastSeenAt" IS NULL OR l."lastSeenAt" < ${sweepStartedAt})`;
}

/** The sweep's end: every live link of the type made before it and not seen by it is removed. */
export async function endSweep(run: CrmRun, objectType: string, sweepStartedAt: Date) {
  const { tx, context } = run;
  const missing = await tx.$queryRaw<{ externalId: string }[]>`
    SELECT "externalId" FROM synced_records
    WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource" AND "objectType" = ${objectType}
      AND "deletedAt" IS NULL AND "createdAt" < ${sweepStartedAt}
      AND ("lastSeenAt" IS NULL OR "lastSeenAt" < ${sweepStartedAt})`;
  return missing.map((m) => ({ o: objectType, e: m.externalId }));
}

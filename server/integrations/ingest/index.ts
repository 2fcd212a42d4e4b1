// Turning one page of synced changes into the workspace's own records (ADR 019): emails into
// conversations, messages and timeline entries; calendar events into meetings with attendees; people
// into prospects of known accounts. Runs inside the engine's transaction, set-based: a handful of
// statements per page whatever its size, the same SQL on PostgreSQL and PGlite.
//
// Idempotent: applying the same page twice writes nothing the second time, and the counts say so —
// `created` counts rows inserted, `updated` rows whose stored content changed, and an item already
// stored exactly as the page has it counts in neither.
import { isCrmChange, type CrmChange, type SyncChange } from "../types";
import { applyCrmChanges } from "./crm";
import { writeEmails } from "./emails";
import { meetingSummary, writeMeetings } from "./meetings";
import { cleanChange, type CleanEmail, type CleanMeeting } from "./normalize";
import { classify, createProspects, resolvePeople } from "./resolve";
import { selfFrom } from "./people";
import { newRecordId } from "./record-id";
import { skip, type IngestContext, type IngestRun, type IngestStats, type Tx } from "./run";

export type { IngestContext, IngestStats, Tx } from "./run";

export async function applyChanges(tx: Tx, context: IngestContext, changes: SyncChange[]): Promise<IngestStats> {
  const stats: IngestStats = { created: 0, updated: 0, deleted: 0, skipped: {} };
  const self = selfFrom(context.ownEmails);

  // The last word on each item wins: a message added then deleted in one page is deleted, an event
  // cancelled then restored is restored.
  const emails = new Map<string, CleanEmail | null>();
  const meetings = new Map<string, CleanMeeting | "cancelled">();
  const crm: CrmChange[] = [];
  for (const change of changes) {
    if (isCrmChange(change)) {
      crm.push(change);
      continue;
    }
    const cleaned = cleanChange(change);
    if (!cleaned.ok) {
      skip(stats, cleaned.reason);
      continue;
    }
    const item = cleaned.change;
    if (item.kind === "email") {
      emails.delete(item.externalId);
      emails.set(item.externalId, item);
    } else if (item.kind === "email_removed") {
      emails.delete(item.externalId);
      emails.set(item.externalId, null);
    } else if (item.kind === "meeting") {
      meetings.delete(item.externalId);
      meetings.set(item.externalId, item);
    } else {
      meetings.delete(item.externalId);
      meetings.set(item.externalId, "cancelled");
    }
  }
  const upsertEmails = [...emails.values()].filter((e): e is CleanEmail => e !== null);
  const removedEmails = [...emails.entries()].flatMap(([id, e]) => (e === null ? [id] : []));
  const upsertMeetings = [...meetings.values()].filter((m): m is CleanMeeting => m !== "cancelled");
  const cancelledMeetings = [...meetings.entries()].flatMap(([id, m]) => (m === "cancelled" ? [id] : []));

  if (upsertEmails.length > 0 || upsertMeetings.length > 0) {
    const addresses = new Set<string>();
    for (const e of upsertEmails) for (const p of [e.from, ...e.recipients]) addresses.add(p.email);
    for (const m of upsertMeetings) for (const p of m.people) addresses.add(p.email);
    const people = await resolvePeople(tx, context.userId, self, addresses);
    const run: IngestRun = { tx, context, self, people, stats, newId: newRecordId };
    // Who a new prospect is: the name the first item that names them gives.
    const names = new Map<string, string | null>();
    for (const e of upsertEmails)
      for (const p of [e.from, ...e.recipients])
        if (!names.has(p.email) || !names.get(p.email)) names.set(p.email, p.name);
    for (const m of upsertMeetings)
      for (const p of m.people) if (!names.has(p.email) || !names.get(p.email)) names.set(p.email, p.name);
    await writeEmails(run, upsertEmails, (stored) => createProspects(run, newPeopleOf(run, stored, names)));
    await writeMeetings(run, upsertMeetings, (stored) => createProspects(run, newPeopleOf(run, stored, names)));
  }
  if (removedEmails.length > 0) stats.deleted += await removeEmails(tx, context, removedEmails);
  if (cancelledMeetings.length > 0) stats.updated += await cancelMeetings(tx, context, cancelledMeetings);
  // CRM records after mail: a page holds one or the other (a provider sends one family), and a CRM
  // page's people and accounts are in place before the Outreach mailings of a later page.
  if (crm.length > 0) await applyCrmChanges(tx, context, crm, stats);
  return stats;
}

/** The outside people of stored items who should become prospects (at a known account's domain). */
function newPeopleOf(run: IngestRun, addresses: Iterable<string>, names: Map<string, string | null>) {
  const wanted = new Map<string, { email: string; name: string | null; accountId: string }>();
  for (const address of addresses) {
    const who = classify(run.self, run.people, address);
    if (who.kind === "account" && !wanted.has(address))
      wanted.set(address, { email: address, name: names.get(address) ?? null, accountId: who.accountId });
  }
  return [...wanted.values()];
}

async function removeEmails(tx: Tx, context: IngestContext, externalIds: string[]): Promise<number> {
  const ids = JSON.stringify(externalIds);
  const gone = await tx.$queryRaw<{ conversationId: string }[]>`
    DELETE FROM messages
    WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource"
      AND "externalId" IN (SELECT jsonb_array_elements_text(${ids}::jsonb))
    RETURNING "conversationId"`;
  await tx.$executeRaw`
    DELETE FROM activities
    WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource"
      AND type IN ('email_sent'::"ActivityType", 'email_received'::"ActivityType")
      AND "externalId" IN (SELECT jsonb_array_elements_text(${ids}::jsonb))`;
  if (gone.length === 0) return 0;
  const touched = JSON.stringify([...new Set(gone.map((g) => g.conversationId))]);
  // A conversation this source made goes when its last message goes; the user's own conversations
  // (a merged Message-ID can sit in one) stay whatever happens to the mail.
  await tx.$executeRaw`
    DELETE FROM conversations c
    WHERE c."userId" = ${context.userId} AND c.source = ${context.source}::"RecordSource"
      AND c.id IN (SELECT jsonb_array_elements_text(${touched}::jsonb))
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE m."conversationId" = c.id)`;
  await tx.$executeRaw`
    UPDATE conversations c
    SET "lastMessageAt" = (SELECT max(m."sentAt") FROM messages m WHERE m."conversationId" = c.id),
        "updatedAt" = ${context.now}
    WHERE c."userId" = ${context.userId} AND c.id IN (SELECT jsonb_array_elements_text(${touched}::jsonb))`;
  return gone.length;
}

async function cancelMeetings(tx: Tx, context: IngestContext, externalIds: string[]): Promise<number> {
  const ids = JSON.stringify(externalIds);
  const cancelled = await tx.$queryRaw<{ id: string; title: string }[]>`
    UPDATE meetings
    SET "cancelledAt" = ${context.now}, "updatedAt" = ${context.now}
    WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource"
      AND "externalId" IN (SELECT jsonb_array_elements_text(${ids}::jsonb))
      AND "cancelledAt" IS NULL
    RETURNING id, title`;
  if (cancelled.length > 0) {
    const rows = JSON.stringify(cancelled.map((m) => ({ id: m.id, summary: meetingSummary(m.title, true) })));
    await tx.$executeRaw`
      UPDATE activities a SET summary = x.summary, "updatedAt" = ${context.now}
      FROM jsonb_to_recordset(${rows}::jsonb) AS x(id text, summary text)
      WHERE a."userId" = ${context.userId} AND a."meetingId" = x.id
        AND a.source = ${context.source}::"RecordSource" AND a.type = 'meeting_held'::"ActivityType"`;
  }
  return cancelled.length;
}

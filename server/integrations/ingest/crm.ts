// CRM and engagement records (Salesforce, Outreach) into the workspace's own records, linked through
// SyncedRecord and merged field by field (ADR 021). Runs inside the engine's transaction, once per
// page, set-based: a few statements per kind of record whatever the page's size.
//
// Order within a page: accounts, people, deals (so references among them resolve at once), then
// what hangs on them (stage history, people on deals, tasks and calls, meetings, sequence states),
// then removals and id reconciliation, then the links, then references earlier pages left pending.
import type { CrmChange } from "../types";
import { cleanCrmChange, type Clean, type CleanCrm } from "./crm-clean";
import {
  writeCrmActivities,
  writeCrmMeetings,
  writeDealContacts,
  writeSequenceStates,
  writeStageChanges,
} from "./crm-events";
import {
  linkKey,
  loadLinks,
  refKey,
  saveLinks,
  setLink,
  storedRef,
  type CrmRun,
  type Json,
  type StoredRef,
} from "./crm-links";
import { REF_COLUMNS, writeAccounts, writeDeals, writeProspects } from "./crm-records";
import { endSweep, markPresent, removeRecords } from "./crm-removal";
import { newRecordId } from "./record-id";
import { skip, type IngestContext, type IngestStats, type Tx } from "./run";

type RecordChange = Exclude<CleanCrm, { kind: "present" } | { kind: "sweep_end" }>;

export async function applyCrmChanges(
  tx: Tx,
  context: IngestContext,
  changes: CrmChange[],
  stats: IngestStats,
): Promise<void> {
  // The last word on each record wins: changed then removed in one page is removed.
  const records = new Map<string, RecordChange>();
  const sweeps: (Clean<"present"> | Clean<"sweep_end">)[] = [];
  for (const raw of changes) {
    const cleaned = cleanCrmChange(raw);
    if (!cleaned.ok) {
      skip(stats, cleaned.reason);
      continue;
    }
    const change = cleaned.change;
    if (change.kind === "present" || change.kind === "sweep_end") sweeps.push(change);
    else {
      const key = linkKey(change.objectType, change.externalId);
      records.delete(key);
      records.set(key, change);
    }
  }
  const run: CrmRun = { tx, context, stats, newId: newRecordId, links: new Map() };
  const wanted: StoredRef[] = [];
  for (const change of records.values()) {
    wanted.push({ o: change.objectType, e: change.externalId });
    for (const ref of refsOf(change)) wanted.push(ref);
  }
  await loadLinks(run, wanted);
  await applyRecords(run, [...records.values()]);

  for (const sweep of sweeps) {
    if (sweep.kind === "present") await markPresent(run, sweep.objectType, sweep.externalIds, sweep.sweepStartedAt);
    else {
      const missing = await endSweep(run, sweep.objectType, sweep.sweepStartedAt);
      await loadLinks(run, missing);
      await removeRecords(run, missing, context.now);
    }
  }
  await saveLinks(run);
  const targets = [...records.values()].some((c) => c.kind === "account" || c.kind === "prospect" || c.kind === "deal");
  if (targets) await resolvePending(run);
}

async function applyRecords(run: CrmRun, changes: RecordChange[]): Promise<void> {
  const of = <K extends RecordChange["kind"]>(kind: K) =>
    changes.filter((c): c is Extract<RecordChange, { kind: K }> => c.kind === kind);
  await writeAccounts(run, of("account"));
  await writeProspects(run, of("prospect"));
  await writeDeals(run, of("deal"));
  await writeStageChanges(run, of("stage_change"));
  await writeDealContacts(run, of("deal_contact"));
  await writeCrmActivities(run, of("activity"));
  await writeCrmMeetings(run, of("crm_meeting"));
  await writeSequenceStates(run, of("sequence_state"));
  const removed = of("removed");
  if (removed.length > 0)
    await removeRecords(
      run,
      removed.map((r) => ({ o: r.objectType, e: r.externalId })),
      run.context.now,
    );
}

function refsOf(change: RecordChange): StoredRef[] {
  const refs: (StoredRef | null)[] = [];
  if ("account" in change) refs.push(storedRef(change.account));
  if ("person" in change) refs.push(storedRef(change.person));
  if ("deal" in change) refs.push(storedRef(change.deal));
  return refs.filter((r): r is StoredRef => r !== null);
}

// Dates travel through JSON as strings; these are the date fields of the change kinds.
const DATE_FIELDS = new Set(["modifiedAt", "at", "occurredAt", "startsAt", "endsAt"]);

/**
 * References earlier pages could not resolve, resolved now that their records may have arrived: an
 * empty column (a person's account, an activity's deal) is filled; a change that could not be stored
 * without its reference (a stage change without its deal) is applied now.
 */
async function resolvePending(run: CrmRun): Promise<void> {
  const { tx, context } = run;
  const pending = await tx.$queryRaw<
    {
      objectType: string;
      externalId: string;
      recordType: string;
      recordId: string | null;
      remote: { f: Record<string, Json>; r: Record<string, StoredRef | null>; p: string[] };
    }[]
  >`
    SELECT "objectType", "externalId", "recordType", "recordId", remote FROM synced_records
    WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource" AND "deletedAt" IS NULL
      AND remote ? 'p'`;
  if (pending.length === 0) return;
  const refOf = (row: (typeof pending)[number], name: string): StoredRef | null => {
    const change = row.remote.f.change as Record<string, Json> | undefined;
    if (change) {
      const ref = change[name] as { objectType: string; externalId: string } | null | undefined;
      return ref ? { o: ref.objectType, e: ref.externalId } : null;
    }
    return row.remote.r[name] ?? null;
  };
  await loadLinks(
    run,
    pending.flatMap((row) => [
      { o: row.objectType, e: row.externalId },
      ...row.remote.p.flatMap((name) => refOf(row, name) ?? []),
    ]),
  );
  const resolved = (ref: StoredRef | null) => {
    if (!ref) return null;
    const link = run.links.get(refKey(ref));
    return link && !link.deletedAt ? link.recordId : null;
  };
  const fills = new Map<string, { table: string; column: string; rows: { id: string; value: string }[] }>();
  const replay: CrmChange[] = [];
  for (const row of pending) {
    const change = row.remote.f.change as Record<string, unknown> | undefined;
    if (change) {
      if (row.remote.p.every((name) => resolved(refOf(row, name)))) {
        const revived: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(change))
          revived[k] = DATE_FIELDS.has(k) && typeof v === "string" ? new Date(v) : v;
        replay.push(revived as CrmChange);
      }
      continue;
    }
    if (!row.recordId) continue;
    const columns = REF_COLUMNS[row.recordType as keyof typeof REF_COLUMNS] ?? {};
    const still: string[] = [];
    for (const name of row.remote.p) {
      const target = resolved(refOf(row, name));
      const spec = columns[name];
      if (!target || !spec) {
        if (!target) still.push(name);
        continue;
      }
      const key = `${spec.table}.${spec.column}`;
      const group = fills.get(key) ?? { ...spec, rows: [] };
      group.rows.push({ id: row.recordId, value: target });
      fills.set(key, group);
    }
    if (still.length !== row.remote.p.length) {
      const link = run.links.get(linkKey(row.objectType, row.externalId))!;
      setLink(run, { o: row.objectType, e: row.externalId }, { ...link, remote: { ...link.remote, p: still } });
    }
  }
  for (const group of fills.values()) {
    // Only an empty column: the user may have filled it meanwhile.
    const changed = await tx.$executeRawUnsafe(
      `UPDATE ${group.table} t SET "${group.column}" = x.value, "updatedAt" = $3
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, value text)
       WHERE t.id = x.id AND t."userId" = $2 AND t."${group.column}" IS NULL`,
      JSON.stringify(group.rows),
      context.userId,
      context.now,
    );
    run.stats.updated += changed;
  }
  if (replay.length > 0) {
    const records: RecordChange[] = [];
    for (const raw of replay) {
      const cleaned = cleanCrmChange(raw);
      if (cleaned.ok && cleaned.change.kind !== "present" && cleaned.change.kind !== "sweep_end")
        records.push(cleaned.change);
    }
    await applyRecords(run, records);
  }
  await saveLinks(run);
}

// The links between provider records and workspace records (SyncedRecord, ADR 021): loaded for a
// page in one statement, changed in memory while the page is applied, written back in one statement.
import { Prisma } from "../../db/generated/client";
import type { ExternalRef } from "../types";
import type { IngestContext, IngestStats, Tx } from "./run";

export type RecordType =
  | "account"
  | "prospect"
  | "opportunity"
  | "stage_change"
  | "deal_contact"
  | "activity"
  | "meeting"
  | "sequence_enrollment";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A reference as the link stores it. */
export type StoredRef = { o: string; e: string };

/**
 * What a link remembers of the provider's record: `f` the fields as last synced (the base of the
 * three-way merge), `r` its references, `p` the references that did not resolve yet (by name).
 */
export type Remote = { f: { [field: string]: Json }; r: { [name: string]: StoredRef | null }; p?: string[] };

export type Link = {
  objectType: string;
  externalId: string;
  recordType: RecordType;
  recordId: string | null;
  createdBySync: boolean;
  remote: Remote;
  remoteModifiedAt: Date | null;
  deletedAt: Date | null;
  /** Whether the link row exists in the database (as loaded). */
  stored: boolean;
  /** Changed in memory: to be written. */
  dirty: boolean;
};

export const linkKey = (objectType: string, externalId: string) => `${objectType}\u0001${externalId}`;
export const refKey = (ref: ExternalRef | StoredRef) =>
  "o" in ref ? linkKey(ref.o, ref.e) : linkKey(ref.objectType, ref.externalId);
export const storedRef = (ref: ExternalRef | null): StoredRef | null =>
  ref ? { o: ref.objectType, e: ref.externalId } : null;

/** The page's shared state: the transaction, the context, the counts and the links it touched. */
export type CrmRun = {
  tx: Tx;
  context: IngestContext;
  stats: IngestStats;
  newId: () => string;
  links: Map<string, Link>;
};

/** Loads the links of these (objectType, externalId) keys of the run's source into `run.links`. */
export async function loadLinks(run: CrmRun, keys: Iterable<StoredRef>): Promise<void> {
  const wanted = new Map<string, StoredRef>();
  for (const key of keys) if (!run.links.has(refKey(key))) wanted.set(refKey(key), key);
  if (wanted.size === 0) return;
  const { tx, context } = run;
  // One probe of the unique index per key, the object type coming with the id rather than as a
  // constant: with a constant object type the planner trusted statistics of that column, and while a
  // first sync outgrows them (PGlite has no autovacuum; PostgreSQL's is late) it probed through the
  // (…, objectType, lastSeenAt) index and filtered every link of the type per id — 18 ms a probe at
  // 36,000 contacts. With both from the keys, only the unique index covers the condition.
  const pairs = JSON.stringify([...wanted.values()].map((key) => ({ o: key.o, e: key.e })));
  const rows = await tx.$queryRaw<
    {
      objectType: string;
      externalId: string;
      recordType: RecordType;
      recordId: string | null;
      createdBySync: boolean;
      remote: Remote;
      remoteModifiedAt: Date | null;
      deletedAt: Date | null;
    }[]
  >`
    SELECT l."objectType", l."externalId", l."recordType", l."recordId", l."createdBySync", l.remote,
           l."remoteModifiedAt", l."deletedAt"
    FROM jsonb_to_recordset(${pairs}::jsonb) AS k(o text, e text),
      LATERAL (SELECT * FROM synced_records
               WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource"
                 AND "objectType" = k.o AND "externalId" = k.e OFFSET 0) l`;
  for (const row of rows)
    run.links.set(linkKey(row.objectType, row.externalId), { ...row, stored: true, dirty: false });
}

/** The workspace record a reference names, when its link is live. */
export function resolveRef(run: CrmRun, ref: ExternalRef | StoredRef | null): string | null {
  if (!ref) return null;
  const link = run.links.get(refKey(ref));
  return link && !link.deletedAt ? link.recordId : null;
}

/** Sets a link's state; marks it dirty only when something it stores changes. */
export function setLink(
  run: CrmRun,
  ref: StoredRef,
  next: Pick<Link, "recordType" | "recordId" | "createdBySync" | "remote" | "remoteModifiedAt" | "deletedAt">,
): Link {
  const key = refKey(ref);
  const before = run.links.get(key);
  const remote = cleanRemote(next.remote);
  if (
    before &&
    before.recordType === next.recordType &&
    before.recordId === next.recordId &&
    before.createdBySync === next.createdBySync &&
    sameJson(before.remote, remote) &&
    sameTime(before.remoteModifiedAt, next.remoteModifiedAt) &&
    sameTime(before.deletedAt, next.deletedAt)
  )
    return before;
  const link: Link = {
    objectType: ref.o,
    externalId: ref.e,
    ...next,
    remote,
    stored: before?.stored ?? false,
    dirty: true,
  };
  run.links.set(key, link);
  return link;
}

function cleanRemote(remote: Remote): Remote {
  return remote.p && remote.p.length > 0
    ? { f: remote.f, r: remote.r, p: [...remote.p].sort() }
    : { f: remote.f, r: remote.r };
}

/** New links in one page past which the table's statistics are refreshed. */
const ANALYZE_AFTER = 1000;
/** …and only once the table has grown this much past what the statistics last counted. */
const ANALYZE_GROWTH = 1.25;

/** Writes every dirty link in one statement. */
export async function saveLinks(run: CrmRun): Promise<void> {
  const dirty = [...run.links.values()].filter((l) => l.dirty);
  if (dirty.length === 0) return;
  const { tx, context } = run;
  const rows = JSON.stringify(
    dirty.map((l) => ({
      id: run.newId(),
      objectType: l.objectType,
      externalId: l.externalId,
      recordType: l.recordType,
      recordId: l.recordId,
      createdBySync: l.createdBySync,
      remote: l.remote,
      remoteModifiedAt: l.remoteModifiedAt,
      deletedAt: l.deletedAt,
    })),
  );
  await tx.$executeRaw`
    INSERT INTO synced_records (id, "userId", source, "objectType", "externalId", "recordType", "recordId", "createdBySync",
                                remote, "remoteModifiedAt", "deletedAt", "createdAt", "updatedAt")
    SELECT x.id, ${context.userId}, ${context.source}::"RecordSource", x."objectType", x."externalId", x."recordType",
           x."recordId", x."createdBySync", x.remote, x."remoteModifiedAt", x."deletedAt", ${context.now}, ${context.now}
    FROM jsonb_to_recordset(${rows}::jsonb) AS x(id text, "objectType" text, "externalId" text, "recordType" text,
         "recordId" text, "createdBySync" boolean, remote jsonb, "remoteModifiedAt" timestamptz, "deletedAt" timestamptz)
    ON CONFLICT ("userId", source, "objectType", "externalId") DO UPDATE
    SET "recordType" = EXCLUDED."recordType", "recordId" = EXCLUDED."recordId", "createdBySync" = EXCLUDED."createdBySync",
        remote = EXCLUDED.remote, "remoteModifiedAt" = EXCLUDED."remoteModifiedAt", "deletedAt" = EXCLUDED."deletedAt",
        "updatedAt" = EXCLUDED."updatedAt"`;
  const added = dirty.filter((l) => !l.stored).length;
  for (const l of dirty) {
    l.stored = true;
    l.dirty = false;
  }
  // A first sync grows the table by thousands of links a page while its statistics still say
  // "empty"; the planner then probed links through the (…, objectType, lastSeenAt) index and filtered
  // every link of the type for each id (1 ms a probe at 10,000 links, growing). Fresh statistics
  // after a page that added many links keep the look-ups on the unique index (PGlite has no autovacuum).
  // Once the statistics know the table is big, the planner keeps to the unique index as it grows (it
  // scales the row estimate by the table's current size), so they are refreshed only when a page adds
  // a sizeable share of what they last counted: a handful of ANALYZEs over a whole first sync, not
  // one a page (each samples up to 30,000 rows, ~0.1 s at 100,000 links).
  if (added >= ANALYZE_AFTER) {
    // The planner's idea of the table's size now (it scales the counted rows by the pages since).
    const [stats] = await tx.$queryRaw<{ counted: number; now: number }[]>`
      SELECT reltuples::float8 AS counted,
             CASE WHEN relpages > 0 THEN reltuples * pg_relation_size(oid) / (relpages::float8 * current_setting('block_size')::int)
                  ELSE -1 END AS now
      FROM pg_class WHERE oid = 'synced_records'::regclass`;
    if (!stats || stats.counted < 0 || stats.now < 0 || stats.now >= stats.counted * ANALYZE_GROWTH)
      // The columns look-ups filter on: sampling the remote jsonb documents is most of a full ANALYZE.
      await tx.$executeRaw`
        ANALYZE synced_records ("userId", source, "objectType", "externalId", "recordType", "recordId", "lastSeenAt", "deletedAt")`;
  }
}

function sameTime(a: Date | string | null, b: Date | string | null): boolean {
  if (a === null || b === null) return a === b;
  return new Date(a).getTime() === new Date(b).getTime();
}

/** Deep equality of JSON values, whatever the key order (jsonb reorders keys). */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameJson(v, b[i]));
  }
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => k in b && sameJson(a[k], b[k]));
}

/** The record ids of these ids' table rows that exist for the user (one index probe each). */
export function idKeys(ids: Iterable<string>): Prisma.Sql {
  return Prisma.sql`jsonb_array_elements_text(${JSON.stringify([...ids])}::jsonb) AS k(v)`;
}

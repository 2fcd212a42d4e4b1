// Which connected tools know a workspace record: its links (SyncedRecord), read for the pages and the
// brain. A record can be linked to a Salesforce and an Outreach record at once; a link whose remote
// record was deleted stays (with `deletedAt`) so the page can say so. Reads only, scoped to the user.
import type { Queryable } from "../db/client";
import type { RecordSource } from "../db/generated/client";

/** The kinds of workspace record a link can point at (SyncedRecord.recordType). */
export type LinkedRecordType = "account" | "prospect" | "opportunity";

/** One tool's link to a record, as the pages show it: live, or removed at the tool. */
export type RecordLink = { source: RecordSource; objectType: string; removed: boolean };

/** Tools in the order badges name them: the CRM first, then the engagement tool, then Google. */
const SOURCE_ORDER: RecordSource[] = ["salesforce", "outreach", "gmail", "gcal", "manual"];

/**
 * The links of each of `ids` (records of one type), one entry per source and object type: a source
 * counts as removed only when every link it has to the record is removed.
 */
export async function linksOf(
  db: Queryable,
  userId: string,
  recordType: LinkedRecordType,
  ids: string[],
): Promise<Map<string, RecordLink[]>> {
  const byRecord = new Map<string, RecordLink[]>();
  if (ids.length === 0) return byRecord;
  const rows = await db.syncedRecord.findMany({
    where: { userId, recordType, recordId: { in: ids } },
    select: { recordId: true, source: true, objectType: true, deletedAt: true },
  });
  for (const row of rows) {
    if (!row.recordId) continue;
    const links = byRecord.get(row.recordId) ?? [];
    const same = links.find((link) => link.source === row.source && link.objectType === row.objectType);
    if (same) same.removed = same.removed && row.deletedAt !== null;
    else links.push({ source: row.source, objectType: row.objectType, removed: row.deletedAt !== null });
    byRecord.set(row.recordId, links);
  }
  for (const links of byRecord.values())
    links.sort(
      (a, b) =>
        SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) || a.objectType.localeCompare(b.objectType),
    );
  return byRecord;
}

/** The links of one record. */
export async function linksOfRecord(db: Queryable, userId: string, recordType: LinkedRecordType, id: string) {
  return (await linksOf(db, userId, recordType, [id])).get(id) ?? [];
}

/**
 * The tool whose stage a deal's `crmStage` is: Salesforce when the deal is linked to it (the system of
 * record), else the engagement tool that made or links it; null when no tool is known.
 */
export function crmSourceOf(source: RecordSource, links: RecordLink[]): "salesforce" | "outreach" | null {
  // A removed link still says where the stage came from.
  const known = new Set<RecordSource>([source, ...links.map((link) => link.source)]);
  if (known.has("salesforce")) return "salesforce";
  if (known.has("outreach")) return "outreach";
  return null;
}

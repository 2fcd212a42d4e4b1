// CRM and engagement records (Salesforce, Outreach) into the workspace's own records, linked through
// SyncedRecord (ADR 021). Built in #13; until then a CRM change is counted as skipped, never guessed.
import type { CrmChange } from "../types";
import { skip, type IngestContext, type IngestStats, type Tx } from "./run";

export function applyCrmChanges(
  _tx: Tx,
  _context: IngestContext,
  changes: CrmChange[],
  stats: IngestStats,
): Promise<void> {
  skip(stats, "unknown_value", changes.length);
  return Promise.resolve();
}

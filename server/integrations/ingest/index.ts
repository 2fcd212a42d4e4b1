// PLACEHOLDER from the engine branch: the ingest helper owns this file and replaces it wholesale at
// merge (take theirs). It holds only the contract the engine codes against (common.md, "Engine ↔
// ingest"), so the engine type-checks before ingest lands; it stores nothing.
import type { Prisma } from "../../db/generated/client";
import type { SkipReason, SyncChange } from "../types";

export type IngestContext = {
  userId: string;
  source: "gmail" | "gcal";
  /** The connected mailbox address and the user's sign-in email, lower-case. */
  ownEmails: string[];
  now: Date;
};

export type IngestStats = {
  created: number;
  updated: number;
  deleted: number;
  skipped: Partial<Record<SkipReason, number>>;
};

export function applyChanges(
  _tx: Prisma.TransactionClient,
  _context: IngestContext,
  _changes: SyncChange[],
): Promise<IngestStats> {
  return Promise.reject(new Error("ingest is not built on this branch (the engine branch carries only its contract)"));
}

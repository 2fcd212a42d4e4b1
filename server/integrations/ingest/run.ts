// The shapes ingest's parts share: the engine's context, the counts, and one run's state.
import type { IntegrationProvider, Prisma } from "../../db/generated/client";
import type { SkipReason } from "../types";
import type { Self } from "./people";
import type { PeopleIndex } from "./resolve";

export type IngestContext = {
  userId: string;
  /** The provider the changes come from: the `source` of every record they create. */
  source: IntegrationProvider;
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

export type Tx = Prisma.TransactionClient;

/** What the writers share: the transaction, the context, who is who, and the counts. */
export type IngestRun = {
  tx: Tx;
  context: IngestContext;
  self: Self;
  people: PeopleIndex;
  stats: IngestStats;
  newId: () => string;
};

export function skip(stats: IngestStats, reason: SkipReason, count = 1): void {
  stats.skipped[reason] = (stats.skipped[reason] ?? 0) + count;
}

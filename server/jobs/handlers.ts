// What each queue does. Kept apart from jobs.ts (the pg-boss plumbing) so a test can start the job
// system with exactly the handlers it wants, and the server starts it with all of these.
import { connectionOwnerHasPro, connectionsWithPro } from "../billing/gates";
import type { Db } from "../db/client";
import { purgeAccount, sweepDeletionRequests } from "../data-rights/delete-account";
import { dueConnections, rescueStuckSyncs, runSync, type RunOptions } from "../integrations/engine";
import { handlePasswordResetRequests } from "../auth/password-accounts";
import { sweepRateLimits } from "../auth/rate-limit";
import { billingSweep } from "../billing/sweep";
import { failAbandonedAnswers } from "../brain/answer";
import { env } from "../env";
import { kickMailDelivery, mailDeliveryIdle } from "../mail/outbox";
import { logger } from "../logger";
import { enqueue, QUEUES, type JobHandler, type QueueName } from "./jobs";

function stringField(data: Record<string, unknown>, field: string): string {
  const value = data[field];
  if (typeof value !== "string" || value.length === 0) throw new Error(`job data lacks ${field}`);
  return value;
}

export function jobHandlers(
  db: Db,
  /** How syncs run (tests of the engine alone pass their ingest stand-in here). */
  options: { sync?: Pick<RunOptions, "applyChanges" | "budgetMs"> } = {},
): Record<QueueName, JobHandler> {
  return {
    [QUEUES.purgeAccount]: async (data) => {
      const result = await purgeAccount(db, stringField(data, "userId"));
      if (result.status === "not_requested")
        logger().warn("purge job for an account whose deletion was not requested: ignored");
    },
    [QUEUES.purgeSweep]: async () => {
      const result = await sweepDeletionRequests(db);
      if (result.purged + result.failed > 0) logger().info(result, "deletion sweep");
    },
    [QUEUES.pollDue]: async () => {
      // Syncs whose worker died (kill -9) first get their lease back, so they are due again now.
      await rescueStuckSyncs(db);
      // One job per connection. The queue's singleton policy keeps at most one of them active per
      // connection; the lease in runSync is what guarantees one sync at a time (ADR 018). Only
      // connections whose owner has Pro (one plan query per batch): on Free they stay paused as they are.
      const now = new Date();
      for (const connectionId of await dueConnections(db, now, (batch) => connectionsWithPro(db, batch, now))) {
        await enqueue(QUEUES.pollConnection, { connectionId }, { singletonKey: connectionId });
      }
    },
    [QUEUES.pollConnection]: async (data) => {
      const connectionId = stringField(data, "connectionId");
      // Queued before a downgrade (or by a first connect, Sync now): on Free it does nothing at all —
      // no status change, no failure counted — so the connection is paused, not broken.
      if (!(await connectionOwnerHasPro(db, connectionId))) {
        logger().info({ connectionId }, "sync skipped: the account is not on Pro; the connection stays paused");
        return;
      }
      const result = await runSync(db, connectionId, { ...options.sync, workerId: `pid-${process.pid}` });
      // A long first sync goes on in the next bounded job right away, not at the next minute's sweep.
      // A couple of seconds later, so this job is completed first: pg-boss 10 keeps one ACTIVE job
      // per singleton key with a unique index, and activating the twin while this one is still
      // active fails that fetch (ADR 018).
      if (result.outcome === "continues")
        await enqueue(QUEUES.pollConnection, { connectionId }, { singletonKey: connectionId, startAfter: 2 });
    },
    [QUEUES.passwordResets]: async () => {
      if ((await handlePasswordResetRequests(db, { appUrl: env().APP_URL })) > 0) kickMailDelivery(db);
    },
    [QUEUES.maintenance]: async () => {
      // Requests whose kick was lost (a process with JOBS=false, a crash) wait at most a minute.
      await handlePasswordResetRequests(db, { appUrl: env().APP_URL });
      kickMailDelivery(db);
      await mailDeliveryIdle();
      await sweepRateLimits(db);
      // Answers a crashed or restarted process was writing end as failed, so Retry is offered.
      const abandoned = await failAbandonedAnswers(db, { timeoutMs: env().BRAIN_TIMEOUT_MS });
      if (abandoned > 0) logger().warn({ abandoned }, "brain answers abandoned mid-answer marked failed");
    },
    [QUEUES.billingSweep]: async () => {
      const result = await billingSweep(db);
      if (result.trialReminders > 0) kickMailDelivery(db);
      logger()[result.failed > 0 ? "warn" : "info"](result, "billing sweep");
    },
  };
}

// Background jobs with pg-boss, on PostgreSQL and on the embedded PGlite alike (the same code: pg-boss
// reaches either through our SQL executor), so N web processes and M workers can share one
// PostgreSQL, and the embedded default runs them in its one process (docs/decisions/009-jobs.md).
import PgBoss from "pg-boss";
import type { DatabaseHandle } from "../db/client";
import { logger } from "../logger";
import { singleton } from "../utils/singleton";

export const QUEUES = {
  /** Hard-delete one account now (P11). Retried with backoff. */
  purgeAccount: "account.purge",
  /** Every few minutes: purge what a failed job left, and log what cannot be purged in time. */
  purgeSweep: "account.purge-sweep",
  /** Every minute: enqueue a poll of each connection that is due. */
  pollDue: "connections.poll-due",
  /** Sync one connection (runSync: only while it is syncing; disconnect stops it at once, P12). */
  pollConnection: "connections.poll",
  /** Handle waiting "forgot password" requests (look the email up, mail a link): kicked by each request. */
  passwordResets: "password-reset.requests",
  /** Every minute: handle reset requests a kick missed, deliver waiting mail, drop old rate-limit windows. */
  maintenance: "maintenance.sweep",
  /** Every 15 minutes: re-read live Stripe subscriptions (a missed webhook heals), trial reminders. */
  billingSweep: "billing.sweep",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export type JobHandler = (data: Record<string, unknown>) => Promise<void>;

/** pg-boss sends multi-statement DDL without parameters; those go through exec, the rest through query. */
function executorFor(database: DatabaseHandle): PgBoss.Db {
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) return { rows: await database.sql.query(text, values) };
      return { rows: await database.sql.execRows(text) };
    },
  };
}

export type Jobs = {
  boss: PgBoss;
  send: (queue: QueueName, data: Record<string, unknown>, options?: PgBoss.SendOptions) => Promise<string | null>;
  stop: () => Promise<void>;
};

const queueOptions: Record<QueueName, Omit<PgBoss.Queue, "name">> = {
  [QUEUES.purgeAccount]: { retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInMinutes: 15 },
  [QUEUES.purgeSweep]: { retryLimit: 0, policy: "singleton" },
  [QUEUES.pollDue]: { retryLimit: 0, policy: "singleton" },
  // No pg-boss retries: the engine records a failed sync on the connection and schedules its own
  // backoff (honouring Retry-After); a job that dies outright leaves the connection due for the next sweep.
  [QUEUES.pollConnection]: { retryLimit: 0, policy: "singleton", expireInMinutes: 10 },
  // Stately: a kick while one run is busy queues one more run, and any further kicks fold into it.
  [QUEUES.passwordResets]: { retryLimit: 2, retryDelay: 5, policy: "stately" },
  [QUEUES.maintenance]: { retryLimit: 0, policy: "singleton" },
  [QUEUES.billingSweep]: { retryLimit: 0, policy: "singleton", expireInMinutes: 14 },
};

/** Crons (UTC). */
const SCHEDULES: [QueueName, string][] = [
  [QUEUES.purgeSweep, "*/10 * * * *"],
  [QUEUES.pollDue, "* * * * *"],
  [QUEUES.maintenance, "* * * * *"],
  [QUEUES.billingSweep, "*/15 * * * *"],
];

/**
 * Starts pg-boss on the database (creating its schema, `pgboss`, on first start), the queues,
 * the schedules, and a worker per handler given.
 */
export async function startJobs(
  database: DatabaseHandle,
  handlers: Partial<Record<QueueName, JobHandler>>,
  options: { schedule?: boolean; pollingIntervalSeconds?: number } = {},
): Promise<Jobs> {
  const boss = new PgBoss({
    db: executorFor(database),
    schema: "pgboss",
    schedule: options.schedule ?? true,
    supervise: true,
    migrate: true,
  });
  boss.on("error", (error) => logger().error({ err: error }, "job system error"));
  await boss.start();
  for (const [name, queue] of Object.entries(queueOptions)) await boss.createQueue(name, { name, ...queue });
  if (options.schedule ?? true) for (const [name, cron] of SCHEDULES) await boss.schedule(name, cron);
  for (const [name, handler] of Object.entries(handlers)) {
    await boss.work<Record<string, unknown>>(
      name,
      { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
      async (jobs) => {
        for (const job of jobs) {
          try {
            await handler(job.data ?? {});
          } catch (error) {
            logger().warn(
              { queue: name, jobId: job.id, err: error instanceof Error ? error.message : String(error) },
              "job failed; pg-boss retries it if it can",
            );
            throw error;
          }
        }
      },
    );
  }
  return {
    boss,
    send: (queue, data, sendOptions) => boss.send(queue, data, sendOptions ?? {}),
    stop: () => boss.stop({ graceful: true, timeout: 10_000, wait: true }),
  };
}

/** The process's job system, once started (null in tests that did not start one). */
const current = singleton<{ jobs: Jobs | null }>("jobs", () => ({ jobs: null }));

export function setJobs(jobs: Jobs | null): void {
  current.jobs = jobs;
}

/** Sends a job if this process runs the job system; otherwise the periodic sweeps pick the work up. */
export async function enqueue(
  queue: QueueName,
  data: Record<string, unknown>,
  options?: PgBoss.SendOptions,
): Promise<boolean> {
  if (!current.jobs) return false;
  await current.jobs.send(queue, data, options);
  return true;
}

// "Forgot password" must not tell whether an email has an account — not in its answer, and not in
// its timing. The request does the same work for every email and looks nobody up; a job does the rest.
import { afterEach, describe, expect, it } from "vitest";
import { getDatabase, getDb, setDatabaseOpener, type Db } from "../../server/db/client";
import { jobHandlers } from "../../server/jobs/handlers";
import { QUEUES, setJobs, startJobs } from "../../server/jobs/jobs";
import { watchedJob } from "../../tests/helpers/jobs";
import { post } from "../../tests/helpers/routes";
import { createUser, loadContext } from "../../tests/helpers/users";
import { action as forgotAction } from "./forgot-password";
import { RESET_REQUESTED } from "./forgot-password.server";

const args = (request: Request) => ({ request, context: loadContext(), params: {} });

/** Runs `work` with the process's database client replaced by one that records every operation. */
async function recordingOperations(work: () => Promise<unknown>): Promise<string[]> {
  const handle = await getDatabase();
  const operations: string[] = [];
  const recording = handle.prisma.$extends({
    query: {
      $allOperations({ model, operation, args: input, query }): Promise<unknown> {
        operations.push(`${model ?? "raw"}.${operation}`);
        return query(input) as Promise<unknown>;
      },
    },
  }) as unknown as Db;
  setDatabaseOpener(() => Promise.resolve({ ...handle, prisma: recording }));
  try {
    await work();
  } finally {
    setDatabaseOpener(() => Promise.resolve(handle));
  }
  return operations;
}

afterEach(() => setJobs(null));

describe("/forgot-password", () => {
  it("does the same database work for an account's email and an unknown one, and looks no user up", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const known = await recordingOperations(() => forgotAction(args(post("/forgot-password", { email: user.email }))));
    const unknown = await recordingOperations(() =>
      forgotAction(args(post("/forgot-password", { email: "nobody-here@example.test" }))),
    );
    expect(known).toEqual(unknown);
    expect(known.length).toBeGreaterThan(0);
    expect(known.filter((operation) => /^(User|PasswordResetToken|MailOutbox)\./.test(operation))).toEqual([]);
    // Nothing was mailed or issued on the request: that is the job's work.
    expect(await db.passwordResetToken.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.mailOutbox.count({ where: { userId: user.id } })).toBe(0);
  });

  it("P8: the job the request kicks mails the reset link to an account's email, and nothing to an unknown one", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const handled = watchedJob(jobHandlers(db)[QUEUES.passwordResets]);
    const jobs = await startJobs(
      await getDatabase(),
      { [QUEUES.passwordResets]: handled.handler },
      { schedule: false, pollingIntervalSeconds: 0.5 },
    );
    setJobs(jobs);
    try {
      const answer = (await forgotAction(
        args(post("/forgot-password", { email: ` ${user.email.toUpperCase()} ` })),
      )) as {
        data: unknown;
      };
      await forgotAction(args(post("/forgot-password", { email: "ghost-of-nobody@example.test" })));
      expect(answer.data).toEqual({ success: RESET_REQUESTED });
      await handled.finished;
      // One run may have taken the first request only; the queue's next run takes the other.
      await expect.poll(() => db.passwordResetRequest.count(), { timeout: 30_000 }).toBe(0);
      const mails = await db.mailOutbox.findMany({
        where: { kind: "password_reset", toEmail: { in: [user.email, "ghost-of-nobody@example.test"] } },
      });
      expect(mails.map((mail) => mail.toEmail)).toEqual([user.email]);
      expect(await db.passwordResetToken.count({ where: { userId: user.id } })).toBe(1);
    } finally {
      await jobs.stop();
    }
  });
});

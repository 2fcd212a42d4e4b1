// The Pro gate on connections, on the real engine and job system against a provider over real HTTP
// (tokens from the fake Google): Sync now over tRPC/HTTP answers 402 on Free; the scheduler passes
// Free owners' connections over and a queued poll does nothing, leaving them exactly as they were
// (paused, not failed); upgrading and resuming makes them due and they sync again.
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../app/utils/trpc";
import { makeDue, startSyncHarness, type SyncHarness } from "../../tests/fakes/provider/harness";
import { applyChangesStandIn } from "../../tests/fakes/provider/ingest-stand-in";
import { watchedJob } from "../../tests/helpers/jobs";
import { endTrial, makeFree, setSubscription } from "../../tests/helpers/plans";
import { startTestServer } from "../../tests/helpers/server";
import { loadContext, signIn } from "../../tests/helpers/users";
import { action as connectionsAction } from "../../app/routes/settings.connections";
import { getDatabase, getDb, type Db } from "../db/client";
import { resetEnvCache } from "../env";
import { listConnections } from "../integrations/connections";
import { dueConnections } from "../integrations/engine";
import { jobHandlers } from "../jobs/handlers";
import { QUEUES, setJobs, startJobs } from "../jobs/jobs";
import type { AppRouter } from "../trpc/root";
import { connectionsWithPro, onPlanChange } from "./gates";

let harness: SyncHarness;
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  harness = await startSyncHarness();
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
  await harness.close();
});

const SYNC_REFUSED =
  "Syncing your connected tools is part of the Pro plan. Upgrade under Settings → Billing to turn it back on; your data stays as it is.";

/** The connection's row, as the engine keeps it: what "left exactly as it was" compares. */
const rowOf = (db: Db, id: string) =>
  db.integrationConnection.findUniqueOrThrow({
    where: { id },
    select: {
      status: true,
      cursor: true,
      consecutiveFailures: true,
      lastSyncError: true,
      lastSyncStartedAt: true,
      lastSyncFinishedAt: true,
      nextSyncAt: true,
      stage: true,
      leaseId: true,
      accessTokenCipher: true,
      syncRequestedAt: true,
    },
  });

async function syncNow(userId: string, connectionId: string) {
  const db = await getDb();
  const { cookie } = await signIn(db, userId);
  const api = createApiClient(server.url, { headers: () => ({ cookie }) });
  return api.connections.syncNow.mutate({ connectionId }).catch((error: unknown) => error);
}

/** Runs the jobs: pollDue once, then every poll it queues, until the watched connection's poll ran. */
async function sweep(db: Db, watch: string) {
  const handlers = jobHandlers(db, { sync: { applyChanges: applyChangesStandIn } });
  const poll = watchedJob(handlers[QUEUES.pollConnection], { matching: (data) => data.connectionId === watch });
  const jobs = await startJobs(
    await getDatabase(),
    { [QUEUES.pollDue]: handlers[QUEUES.pollDue], [QUEUES.pollConnection]: poll.handler },
    { schedule: false, pollingIntervalSeconds: 0.5 },
  );
  setJobs(jobs);
  try {
    await jobs.send(QUEUES.pollDue, {});
    await poll.finished;
  } finally {
    setJobs(null);
    await jobs.stop();
  }
}

describe("Sync now over HTTP", () => {
  it("on Free answers 402 with the sentence, and changes nothing", async () => {
    const { db, user, connection } = await harness.connectedUser();
    await makeFree(db, user.id);
    const before = await rowOf(db, connection.id);
    const error = await syncNow(user.id, connection.id);
    expect(error).toBeInstanceOf(TRPCClientError);
    const failed = error as TRPCClientError<AppRouter>;
    expect(failed.data?.code).toBe("PAYMENT_REQUIRED");
    expect(failed.data?.httpStatus).toBe(402);
    expect(failed.message).toBe(SYNC_REFUSED);
    expect(await rowOf(db, connection.id)).toEqual(before);
  });

  it("the Connections page's Sync now button on Free: the sentence with a 402, never a 500, nothing changed", async () => {
    const { db, user, connection } = await harness.connectedUser();
    await makeFree(db, user.id);
    const before = await rowOf(db, connection.id);
    const { auth } = await signIn(db, user.id);
    const response = (await connectionsAction({
      request: new Request("http://localhost/settings/connections", {
        method: "POST",
        body: new URLSearchParams({ intent: "sync", connectionId: connection.id }),
      }),
      context: loadContext(auth),
      params: {},
    })) as unknown as { data: { error: string }; init: { status: number } };
    expect(response.init.status).toBe(402);
    expect(response.data.error).toBe(SYNC_REFUSED);
    expect(await rowOf(db, connection.id)).toEqual(before);
  });

  it("on the trial, on a paid subscription and inside a past-due grace period it is queued", async () => {
    for (const setUp of [
      async () => {},
      async (db: Db, userId: string) => {
        await endTrial(db, userId);
        await setSubscription(db, userId, "active");
      },
      async (db: Db, userId: string) => {
        await endTrial(db, userId);
        await setSubscription(db, userId, "past_due", { pastDueDays: 2 });
      },
    ]) {
      const { db, user, connection } = await harness.connectedUser();
      await setUp(db, user.id);
      const requested = await syncNow(user.id, connection.id);
      expect(requested).toMatchObject({ id: connection.id });
      expect((await rowOf(db, connection.id)).syncRequestedAt).toBeInstanceOf(Date);
    }
  });

  it("past due beyond the grace period is Free: 402", async () => {
    const { db, user, connection } = await harness.connectedUser();
    await endTrial(db, user.id);
    await setSubscription(db, user.id, "past_due", { pastDueDays: 8 });
    const error = (await syncNow(user.id, connection.id)) as TRPCClientError<AppRouter>;
    expect(error.data?.httpStatus).toBe(402);
  });

  it("on an instance without billing, everyone syncs (no trial to run out)", async () => {
    const saved = process.env.FAKE_STRIPE;
    process.env.FAKE_STRIPE = "false";
    resetEnvCache();
    try {
      const { db, user, connection } = await harness.connectedUser();
      await makeFree(db, user.id);
      expect(await syncNow(user.id, connection.id)).toMatchObject({ id: connection.id });
      const [entry] = (await listConnections(db, user.id)).filter((p) => p.connection);
      expect(entry!.connection!.pausedByPlan).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.FAKE_STRIPE;
      else process.env.FAKE_STRIPE = saved;
      resetEnvCache();
    }
  });
});

describe("the scheduler and the jobs on Free: paused, not broken", () => {
  it("pollDue passes Free owners over (one plan query per batch) and queues Pro ones", async () => {
    const db = await getDb();
    const pro = await harness.connectedUser(db);
    const free = await harness.connectedUser(db);
    await makeFree(db, free.user.id);
    harness.feed.addMessages(pro.mailbox, 2);
    harness.feed.addMessages(free.mailbox, 2);
    const freeBefore = await rowOf(db, free.connection.id);
    const freeRequests = harness.feed.requests.filter((r) => r.email === free.mailbox).length;

    const batch = [
      { id: pro.connection.id, userId: pro.user.id },
      { id: free.connection.id, userId: free.user.id },
    ];
    expect(await connectionsWithPro(db, batch)).toEqual([pro.connection.id]);
    const due = await dueConnections(db, new Date(), (rows) => connectionsWithPro(db, rows));
    expect(due).toContain(pro.connection.id);
    expect(due).not.toContain(free.connection.id);

    await sweep(db, pro.connection.id);
    expect(await db.providerEvent.count({ where: { userId: pro.user.id } })).toBe(2);
    // The Free one: nothing read from the tool, nothing stored, its row exactly as it was.
    expect(harness.feed.requests.filter((r) => r.email === free.mailbox).length).toBe(freeRequests);
    expect(await db.providerEvent.count({ where: { userId: free.user.id } })).toBe(0);
    expect(await rowOf(db, free.connection.id)).toEqual(freeBefore);
    const [entry] = (await listConnections(db, free.user.id)).filter((p) => p.connection);
    expect(entry!.connection!.pausedByPlan).toBe(true);
    const [proEntry] = (await listConnections(db, pro.user.id)).filter((p) => p.connection);
    expect(proEntry!.connection!.pausedByPlan).toBe(false);
  });

  it("a poll queued before the downgrade does nothing; upgrading and resuming syncs it again", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 3);
    await makeFree(db, user.id);
    const before = await rowOf(db, connection.id);
    const requests = harness.feed.requests.filter((r) => r.email === mailbox).length;
    // The job as the queue would run it (queued while the account still had Pro).
    await jobHandlers(db, { sync: { applyChanges: applyChangesStandIn } })[QUEUES.pollConnection]({
      connectionId: connection.id,
    });
    expect(await rowOf(db, connection.id)).toEqual(before);
    expect(harness.feed.requests.filter((r) => r.email === mailbox).length).toBe(requests);
    expect(await db.providerEvent.count({ where: { userId: user.id } })).toBe(0);

    // The subscription becomes active again: the billing module writes it and calls onPlanChange.
    await db.integrationConnection.update({
      where: { id: connection.id },
      data: { nextSyncAt: new Date(Date.now() + 3_600_000) },
    });
    await setSubscription(db, user.id, "active");
    expect(await onPlanChange(db, user.id, { plan: "free" }, { plan: "pro" })).toEqual({ resumed: 1 });
    expect((await rowOf(db, connection.id)).nextSyncAt!.getTime()).toBeLessThanOrEqual(Date.now());
    await sweep(db, connection.id);
    const after = await rowOf(db, connection.id);
    expect(after).toMatchObject({ status: "active", stage: "idle", consecutiveFailures: 0 });
    expect(await db.providerEvent.count({ where: { userId: user.id } })).toBe(3);
    // Staying on Pro, or losing it, resumes nothing.
    expect(await onPlanChange(db, user.id, { plan: "pro" }, { plan: "pro" })).toEqual({ resumed: 0 });
    expect(await onPlanChange(db, user.id, { plan: "pro" }, { plan: "free" })).toEqual({ resumed: 0 });
  });

  it("Free connections never crowd Pro ones out of the scheduler's batch", async () => {
    const db = await getDb();
    const free = await harness.connectedUser(db);
    await makeFree(db, free.user.id);
    // Long overdue (first in line), and more of them than one batch holds.
    const users = Array.from({ length: 501 }, (_, i) => ({
      email: `paused-${i}-${free.user.id}@example.test`,
      name: `Paused ${i}`,
      createdAt: new Date(0),
    }));
    await db.user.createMany({ data: users });
    const created = await db.user.findMany({
      where: { email: { in: users.map((u) => u.email) } },
      select: { id: true },
    });
    await db.integrationConnection.createMany({
      data: created.map((u) => ({
        userId: u.id,
        provider: "gmail" as const,
        status: "active" as const,
        scopes: [],
        nextSyncAt: new Date(0),
      })),
    });
    const pro = await harness.connectedUser(db);
    await makeDue(db, pro.connection.id);
    const due = await dueConnections(db, new Date(), (rows) => connectionsWithPro(db, rows));
    expect(due).toContain(pro.connection.id);
    expect(due).not.toContain(free.connection.id);
  });
});

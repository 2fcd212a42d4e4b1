// Disconnect (P12) and polling through the job system, on the sync engine, against a provider over
// real HTTP whose tokens the fake Google OAuth server issues and revokes (RFC 7009).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeDue, startSyncHarness, type SyncHarness } from "../../tests/fakes/provider/harness";
import { applyChangesStandIn } from "../../tests/fakes/provider/ingest-stand-in";
import { watchedJob } from "../../tests/helpers/jobs";
import { callerFor, createUser, loadContext, signIn } from "../../tests/helpers/users";
import { action as connectionsAction, loader as connectionsLoader } from "../../app/routes/settings.connections";
import { getDatabase, getDb } from "../db/client";
import { jobHandlers } from "../jobs/handlers";
import { QUEUES, setJobs, startJobs } from "../jobs/jobs";
import { disconnectConnection, storeConnection } from "./connections";
import { dueConnections, runSync } from "./engine";
import { PROVIDERS } from "./providers";

const GMAIL_SCOPES = PROVIDERS.find((p) => p.id === "gmail")!.scopes;
let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness();
});
afterEach(() => {
  harness.google.fake.failRevocationsWith = null;
});
afterAll(async () => {
  await harness.close();
});

const sync = (db: Awaited<ReturnType<typeof getDb>>, connectionId: string) =>
  runSync(db, connectionId, { applyChanges: applyChangesStandIn });
const syncedEvents = (db: Awaited<ReturnType<typeof getDb>>, userId: string) =>
  db.providerEvent.count({ where: { userId, provider: "gmail" } });
const feedRequestsOf = (mailbox: string) => harness.feed.requests.filter((r) => r.email === mailbox);

describe("P12: disconnect", () => {
  it("P12: disconnect stops polling at once, revokes and deletes the tokens, and keeps the events already synced", async () => {
    const { db, user, connection, tokens, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 3);
    expect(await sync(db, connection.id)).toMatchObject({ outcome: "caught_up" });
    const synced = await syncedEvents(db, user.id);
    expect(synced).toBe(3);

    const result = await (
      await callerFor((await signIn(db, user.id)).auth)
    ).connections.disconnect({ connectionId: connection.id });
    expect(result).toEqual({ id: connection.id, revoked: "yes" });
    // Revoked at Google (RFC 7009: the refresh token, which ends the whole grant)…
    expect(harness.google.fake.revocations.at(-1)).toEqual({ outcome: "revoked", tokenType: "refresh" });
    expect(harness.google.fake.isTokenLive(tokens.refreshToken)).toBe(false);
    expect(harness.google.fake.isTokenLive(tokens.accessToken)).toBe(false);
    // …and gone from our side.
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({
      status: "disconnected",
      accessTokenCipher: null,
      refreshTokenCipher: null,
      tokenKeyId: null,
      nextSyncAt: null,
      leaseId: null,
    });
    expect(row.disconnectedAt).toBeInstanceOf(Date);

    // Nothing more reaches the provider: not the scheduler, not a sync job that was already queued.
    const before = feedRequestsOf(mailbox).length;
    harness.feed.addMessages(mailbox, 2);
    expect(await dueConnections(db, new Date(Date.now() + 365 * 86_400_000))).not.toContain(connection.id);
    expect(await sync(db, connection.id)).toMatchObject({ outcome: "inactive", steps: 0 });
    expect(feedRequestsOf(mailbox).length).toBe(before);
    // What was already synced stays until the account is deleted.
    expect(await syncedEvents(db, user.id)).toBe(synced);
  });

  it("P12: a poll in flight when the user disconnects stores nothing", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 4);
    const held = harness.feed.holdNextRequest();
    const polling = sync(db, connection.id);
    await held.arrived;
    await disconnectConnection(db, user.id, connection.id);
    held.release();
    expect(await polling).toMatchObject({ outcome: "disconnected" });
    expect(await syncedEvents(db, user.id)).toBe(0);
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({ status: "disconnected", leaseId: null, accessTokenCipher: null });
    expect(row.cursor).toBeNull();
    expect(row.totalStats).toBeNull();
  });

  it("P12: a sync in flight that then fails leaves the connection disconnected, not in error or scheduled", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 2);
    const held = harness.feed.holdNextRequest();
    const polling = sync(db, connection.id);
    await held.arrived;
    await disconnectConnection(db, user.id, connection.id);
    harness.feed.fail({ status: 503 });
    held.release();
    expect(await polling).toMatchObject({ outcome: "disconnected", nextSyncAt: null });
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({
      status: "disconnected",
      nextSyncAt: null,
      consecutiveFailures: 0,
      lastSyncError: null,
    });
  });

  it("P12: when the provider fails to revoke, the tokens are deleted on our side anyway and the user is told", async () => {
    const { db, user, connection, tokens } = await harness.connectedUser();
    harness.google.fake.failRevocationsWith = 503;
    const { auth } = await signIn(db, user.id);
    const response = await connectionsAction({
      request: new Request("http://localhost/settings/connections", {
        method: "POST",
        body: new URLSearchParams({ connectionId: connection.id }),
      }),
      context: loadContext(auth),
      params: {},
    });
    expect(JSON.stringify(response)).toContain("did not confirm revoking our access");
    expect(harness.google.fake.isTokenLive(tokens.refreshToken)).toBe(true);
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({ status: "disconnected", accessTokenCipher: null, refreshTokenCipher: null });
  });

  it("P12: disconnecting one Google tool keeps the grant the other still uses on the same Google account, and the last one revokes it", async () => {
    const { db, user, connection, tokens, mailbox } = await harness.connectedUser();
    // Connecting Calendar with include_granted_scopes: Google answers with the same account's grant.
    const calendarScopes = PROVIDERS.find((p) => p.id === "gcal")!.scopes;
    const calendar = await storeConnection(db, user.id, {
      provider: "gcal",
      scopes: calendarScopes,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      externalAccountId: mailbox,
      externalAccountName: mailbox,
    });
    const revocationsBefore = harness.google.fake.revocations.length;

    const first = await disconnectConnection(db, user.id, connection.id);
    expect(first).toEqual({ id: connection.id, revoked: "shared_grant" });
    expect(harness.google.fake.revocations.length).toBe(revocationsBefore);
    expect(harness.google.fake.isTokenLive(tokens.refreshToken)).toBe(true);
    expect(await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } })).toMatchObject({
      status: "disconnected",
      accessTokenCipher: null,
      refreshTokenCipher: null,
    });

    const last = await disconnectConnection(db, user.id, calendar.id);
    expect(last).toEqual({ id: calendar.id, revoked: "yes" });
    expect(harness.google.fake.isTokenLive(tokens.refreshToken)).toBe(false);
  });

  it("P12: disconnecting someone else's or a missing connection is a 404 with a clear message, changing nothing", async () => {
    const { db, connection } = await harness.connectedUser();
    const other = await createUser(db);
    const { auth } = await signIn(db, other.id);
    const response = (await connectionsAction({
      request: new Request("http://localhost/settings/connections", {
        method: "POST",
        body: new URLSearchParams({ connectionId: connection.id }),
      }),
      context: loadContext(auth),
      params: {},
    })) as unknown as { data: { error: string }; init: { status: number } };
    expect(response.init.status).toBe(404);
    expect(response.data.error).toMatch(/does not exist/);
    expect((await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } })).status).toBe("active");
  });

  it("P12: reconnecting after a disconnect starts a fresh full sync that merges with what was kept", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 4);
    expect((await sync(db, connection.id)).outcome).toBe("caught_up");
    await disconnectConnection(db, user.id, connection.id);
    harness.feed.addMessages(mailbox, 1);

    const tokens = harness.google.fake.issueGrant(mailbox, GMAIL_SCOPES);
    const again = await storeConnection(db, user.id, {
      provider: "gmail",
      scopes: GMAIL_SCOPES,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
    });
    expect(again.id).toBe(connection.id);
    await makeDue(db, connection.id);
    const result = await sync(db, connection.id);
    expect(result).toMatchObject({ outcome: "caught_up" });
    // The full re-sync read all five again: four merged into what was kept, one new.
    expect(result.stats).toMatchObject({ fetched: 5, created: 1, updated: 4, deleted: 0 });
    expect(await syncedEvents(db, user.id)).toBe(5);
  });

  it("a provider that refuses our token marks the connection for reconnecting and stops polling it", async () => {
    const { db, connection, mailbox } = await harness.connectedUser();
    harness.google.fake.revokeGrantsOf(mailbox);
    expect(await sync(db, connection.id)).toMatchObject({ outcome: "needs_reauth" });
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({ status: "needs_reauth", nextSyncAt: null });
    expect(row.lastSyncError).toMatch(/reconnect/);
  });
});

describe("polling through the job system", () => {
  it("P2: the pollDue job enqueues a poll per due connection, and what the tool sends is stored server-side", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 2);
    const handlers = jobHandlers(db, { sync: { applyChanges: applyChangesStandIn } });
    const poll = watchedJob(handlers[QUEUES.pollConnection], {
      matching: (data) => data.connectionId === connection.id,
    });
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
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({ status: "active", stage: "idle", lastSyncItemCount: 2, leaseId: null });
    expect(row.nextSyncAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await syncedEvents(db, user.id)).toBe(2);
  });
});

describe("long first syncs through the job system", () => {
  it("a first sync longer than one job's budget goes on in the next job at once, until it is caught up", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 12);
    // Budget 0: every job does one step (5 messages) and hands over to the next job.
    const handlers = jobHandlers(db, { sync: { applyChanges: applyChangesStandIn, budgetMs: 0 } });
    let runs = 0;
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    const poll = async (data: Record<string, unknown>) => {
      await handlers[QUEUES.pollConnection](data);
      if (data.connectionId !== connection.id) return;
      runs += 1;
      const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
      if (row.firstSyncCompletedAt) caughtUp();
    };
    const jobs = await startJobs(
      await getDatabase(),
      { [QUEUES.pollConnection]: poll },
      { schedule: false, pollingIntervalSeconds: 0.5 },
    );
    setJobs(jobs);
    try {
      await jobs.send(QUEUES.pollConnection, { connectionId: connection.id }, { singletonKey: connection.id });
      await done;
    } finally {
      setJobs(null);
      await jobs.stop();
    }
    expect(runs).toBe(3);
    expect(await syncedEvents(db, user.id)).toBe(12);
    expect(
      (await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } })).totalStats,
    ).toMatchObject({
      fetched: 12,
      created: 12,
    });
  });
});

describe("P3: scopes", () => {
  it("P3: the connect screen lists, for every provider, exactly the scopes kept in the one list", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { auth } = await signIn(db, user.id);
    const { providers } = (await connectionsLoader({
      request: new Request("http://localhost/settings/connections"),
      context: loadContext(auth),
      params: {},
    })) as {
      providers: { provider: { id: string; scopes: string[] } }[];
    };
    expect(providers.map((p) => p.provider.id)).toEqual(PROVIDERS.map((p) => p.id));
    for (const entry of providers)
      expect(entry.provider.scopes).toEqual(PROVIDERS.find((p) => p.id === entry.provider.id)!.scopes);
  });

  it("P3: a grant wider than the listed scopes is refused, not stored", async () => {
    const db = await getDb();
    const user = await createUser(db);
    await expect(
      storeConnection(db, user.id, {
        provider: "gmail",
        scopes: [...GMAIL_SCOPES, "https://www.googleapis.com/auth/gmail.send"],
        accessToken: "a",
        refreshToken: "r",
      }),
    ).rejects.toThrow(/never ask for/);
    expect(await db.integrationConnection.count({ where: { userId: user.id } })).toBe(0);
  });
});

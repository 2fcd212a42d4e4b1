// The sync engine against a provider over real HTTP (tests/fakes/provider) whose bearer tokens the
// fake Google OAuth server issues, refreshes and revokes; real database (PGlite or PostgreSQL).
// Ingest is replaced by a stand-in with its contract (tests/fakes/provider/ingest-stand-in.ts).
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { killWorkerMidSync, makeDue, startSyncHarness, type SyncHarness } from "../../tests/fakes/provider/harness";
import { applyChangesStandIn } from "../../tests/fakes/provider/ingest-stand-in";
import { env } from "../env";
import { createLogger, setLogger } from "../logger";
import { setSyncProvider, syncProvider } from "./registry";
import { dueConnections, LEASE_MS, rescueStuckSyncs, runSync, type RunOptions, type SyncStats } from "./engine";
import { QuotaPausedError } from "./errors";
import { decryptToken, parseTokenKeys, setTokenKeys } from "./token-crypto";

let harness: SyncHarness;
const logLines: string[] = [];

beforeAll(async () => {
  harness = await startSyncHarness({ pageSize: 5, maxAttempts: 3 });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString("utf8"));
      done();
    },
  });
  setLogger(createLogger({ level: "debug", destination }));
});
beforeEach(() => {
  harness.feed.clearFaults();
  harness.feed.setPageSize(5);
});
afterAll(async () => {
  setLogger(createLogger({ level: "silent" }));
  await harness.close();
});

const run = (db: Parameters<typeof runSync>[0], id: string, options: RunOptions = {}) =>
  runSync(db, id, { applyChanges: applyChangesStandIn, ...options });

async function connectionRow(db: Parameters<typeof runSync>[0], id: string) {
  return db.integrationConnection.findUniqueOrThrow({ where: { id } });
}
const countEvents = (db: Parameters<typeof runSync>[0], userId: string) =>
  db.providerEvent.count({ where: { userId, provider: "gmail" } });

describe("first sync and incremental polling", () => {
  it("reads the whole window in bounded steps, then polls only what changed, with counts per run and in total", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    const [firstId] = harness.feed.addMessages(mailbox, 12);
    const before = Date.now();
    const first = await run(db, connection.id);
    expect(first).toMatchObject({ outcome: "caught_up", steps: 3 });
    expect(first.stats).toEqual({ fetched: 12, created: 12, updated: 0, deleted: 0, skipped: {} });
    let row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({
      status: "active",
      stage: "idle",
      leaseId: null,
      consecutiveFailures: 0,
      lastSyncError: null,
      cursor: { mode: "incremental", seq: expect.any(Number) },
    });
    expect(row.firstSyncCompletedAt).toBeInstanceOf(Date);
    expect(row.lastSyncFinishedAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(row.nextSyncAt!.getTime()).toBeGreaterThanOrEqual(before + env().sync.pollIntervalMs);
    expect(await countEvents(db, user.id)).toBe(12);

    harness.feed.addMessages(mailbox, 2);
    // Deleted at the provider: the change log says so, and the record goes.
    harness.feed.removeMessage(mailbox, firstId!);
    await makeDue(db, connection.id);
    const requestsBefore = harness.feed.requests.length;
    const second = await run(db, connection.id);
    expect(second).toMatchObject({ outcome: "caught_up", steps: 1, requests: 1 });
    expect(second.stats).toEqual({ fetched: 3, created: 2, updated: 0, deleted: 1, skipped: {} });
    expect(harness.feed.requests.length - requestsBefore).toBe(1);
    row = await connectionRow(db, connection.id);
    expect(row.lastRunStats).toEqual(second.stats);
    expect(row.totalStats).toEqual({ fetched: 15, created: 14, updated: 0, deleted: 1, skipped: {} });
    expect(await countEvents(db, user.id)).toBe(13);
  });

  it("a malformed item is skipped and counted with its reason; the sync goes on", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    const ids = harness.feed.addMessages(mailbox, 4);
    harness.feed.malform(mailbox, ids[1]!);
    const result = await run(db, connection.id);
    expect(result.outcome).toBe("caught_up");
    expect(result.stats).toMatchObject({ fetched: 4, created: 3, skipped: { malformed: 1 } });
    expect((await connectionRow(db, connection.id)).totalStats).toMatchObject({ skipped: { malformed: 1 } });
    expect(await countEvents(db, user.id)).toBe(3);
  });
});

describe("a provider that hands over from its listing to its change feed", () => {
  it("completes the first sync with the first caught-up step after the listing (Gmail reads history before it is caught up)", async () => {
    const { db, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 7);
    const listing = (await syncProvider("gmail"))!;
    // Like Gmail: the listing's last page moves the cursor to the change feed without being caught up.
    setSyncProvider("gmail", {
      ...listing,
      connectedAccount: (token, signal) => listing.connectedAccount(token, signal),
      step: async (input) => {
        const step = await listing.step(input);
        return step.mode === "full" ? { ...step, caughtUp: false } : step;
      },
    });
    try {
      const first = await run(db, connection.id);
      expect(first).toMatchObject({ outcome: "caught_up" });
      const row = await connectionRow(db, connection.id);
      expect(row).toMatchObject({ status: "active", stage: "idle" });
      expect(row.firstSyncCompletedAt).toBeInstanceOf(Date);
    } finally {
      setSyncProvider("gmail", listing);
    }
  });
});

describe("one sync per connection", () => {
  it("two runs at once: one syncs, the other finds the lease taken and does nothing", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 3);
    const held = harness.feed.holdNextRequest();
    const first = run(db, connection.id, { workerId: "a" });
    await held.arrived;
    const requests = harness.feed.requests.length;
    const second = await run(db, connection.id, { workerId: "b" });
    expect(second.outcome).toBe("busy");
    expect(harness.feed.requests.length).toBe(requests);
    const leased = await connectionRow(db, connection.id);
    expect(leased.leaseId).toMatch(/^a:/);
    expect(leased.stage).toBe("first_sync");
    expect(await dueConnections(db, new Date())).not.toContain(connection.id);
    held.release();
    expect((await first).outcome).toBe("caught_up");
    expect(await countEvents(db, user.id)).toBe(3);
  });

  it("five workers racing for one connection: exactly one syncs, and nothing is stored twice", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 8);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => run(db, connection.id, { workerId: `w${n}` })));
    expect(results.filter((r) => r.outcome === "caught_up")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "busy")).toHaveLength(4);
    expect(await countEvents(db, user.id)).toBe(8);
    expect((await connectionRow(db, connection.id)).totalStats).toMatchObject({ fetched: 8, created: 8 });
  });

  it("a run that is not due (already synced) does nothing", async () => {
    const { db, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 1);
    expect((await run(db, connection.id)).outcome).toBe("caught_up");
    const requests = harness.feed.requests.length;
    expect((await run(db, connection.id)).outcome).toBe("busy");
    expect(harness.feed.requests.length).toBe(requests);
  });
});

describe("exactly once", () => {
  it("the cursor moves only with the page it covers: a failed step leaves the last saved cursor, and nothing is counted twice", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 10);
    const first = await run(db, connection.id, { budgetMs: 0 });
    expect(first.outcome).toBe("continues");
    const saved = (await connectionRow(db, connection.id)).cursor;
    expect(saved).toMatchObject({ mode: "full", offset: 5 });
    expect(await countEvents(db, user.id)).toBe(5);

    harness.feed.fail({ status: 503 });
    expect((await run(db, connection.id)).outcome).toBe("retry_scheduled");
    let row = await connectionRow(db, connection.id);
    expect(row.cursor).toEqual(saved);
    expect(row.totalStats).toMatchObject({ fetched: 5, created: 5 });

    await makeDue(db, connection.id);
    expect((await run(db, connection.id)).outcome).toBe("caught_up");
    row = await connectionRow(db, connection.id);
    expect(row.totalStats).toMatchObject({ fetched: 10, created: 10, updated: 0 });
    expect(await countEvents(db, user.id)).toBe(10);
  });
});

// A worker in another process needs a database both processes reach: PostgreSQL. (The embedded
// PGlite is one process by design; a kill -9 there kills the whole app, and ADR 004 measured its data
// directory surviving SIGKILL mid-write.)
describe.skipIf(!process.env.TEST_DATABASE_URL)("crash in the middle of a sync", () => {
  it("kill -9 of the worker mid-sync, then the sweep and a new run: nothing lost, nothing duplicated, counts exact", async () => {
    // The child process must open the tokens this process stores: both use one key, passed by env.
    const keys = `crash-1:${randomBytes(32).toString("base64")}`;
    setTokenKeys(parseTokenKeys(keys));
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 40);
    // Three pages go through and are committed; the fourth request is held, and the worker killed.
    const held = harness.feed.holdAfter(3);
    expect(
      await killWorkerMidSync(db, connection.id, held, {
        TOKEN_ENCRYPTION_KEYS: keys,
        SYNC_WORKER_FEED: harness.feed.base,
      }),
    ).toBe("SIGKILL");

    let row = await connectionRow(db, connection.id);
    expect(row.leaseId).toMatch(/^child:/);
    expect(row.stage).toBe("first_sync");
    expect(await countEvents(db, user.id)).toBe(15);
    expect(row.totalStats).toMatchObject({ fetched: 15, created: 15, updated: 0 });
    expect(row.cursor).toMatchObject({ mode: "full", offset: 15 });
    // The dead worker's lease blocks others until it expires; then the sweep gives it back.
    expect((await run(db, connection.id)).outcome).toBe("busy");
    const later = new Date(Date.now() + LEASE_MS + 1000);
    expect(await rescueStuckSyncs(db, later)).toBeGreaterThanOrEqual(1);
    const resumed = await run(db, connection.id, { now: () => later });
    expect(resumed).toMatchObject({ outcome: "caught_up" });
    expect(resumed.stats).toMatchObject({ fetched: 25, created: 25, updated: 0 });
    row = await connectionRow(db, connection.id);
    expect(await countEvents(db, user.id)).toBe(40);
    expect(row.totalStats).toEqual({ fetched: 40, created: 40, updated: 0, deleted: 0, skipped: {} });
    expect(row).toMatchObject({ stage: "idle", leaseId: null, status: "active" });
  });
});

describe("long syncs run in bounded jobs", () => {
  it("when the time budget is spent, progress is saved and the continuation is due at once", async () => {
    const { db, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 12);
    const result = await run(db, connection.id, { budgetMs: 0 });
    expect(result).toMatchObject({ outcome: "continues", steps: 1 });
    expect(result.nextSyncAt!.getTime()).toBeLessThanOrEqual(Date.now());
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({
      stage: "first_sync",
      progressDone: 5,
      progressTotal: 12,
      leaseId: null,
      firstSyncCompletedAt: null,
    });
    expect(await dueConnections(db, new Date())).toContain(connection.id);
    expect((await run(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    expect((await run(db, connection.id, { budgetMs: 0 })).outcome).toBe("caught_up");
    expect((await connectionRow(db, connection.id)).firstSyncCompletedAt).toBeInstanceOf(Date);
  });
});

describe("temporary errors", () => {
  it("a 429 backs off for at least its Retry-After; after N failures in a row the connection is failed and polling stops", async () => {
    const { db, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 2);
    const interval = env().sync.pollIntervalMs;

    harness.feed.fail({ status: 429, retryAfterSeconds: 7200 });
    let at = Date.now();
    let result = await run(db, connection.id);
    expect(result.outcome).toBe("retry_scheduled");
    let row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({
      status: "error",
      consecutiveFailures: 1,
      lastErrorKind: "rate_limited",
      leaseId: null,
    });
    expect(row.lastSyncError).toMatch(/slow down/);
    expect(row.nextSyncAt!.getTime()).toBeGreaterThanOrEqual(at + 7_200_000);
    // Not due until then: the scheduler leaves it alone.
    expect(await dueConnections(db, new Date(at + 3_600_000))).not.toContain(connection.id);

    // Without Retry-After: the poll interval doubling (with up to 20% jitter).
    harness.feed.fail({ status: 503 });
    await makeDue(db, connection.id);
    at = Date.now();
    result = await run(db, connection.id);
    row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "error", consecutiveFailures: 2, lastErrorKind: "unavailable" });
    expect(row.nextSyncAt!.getTime()).toBeGreaterThanOrEqual(at + 2 * interval);
    expect(row.nextSyncAt!.getTime()).toBeLessThanOrEqual(Date.now() + 2 * interval * 1.2);

    harness.feed.fail({ status: 500 });
    await makeDue(db, connection.id);
    result = await run(db, connection.id);
    expect(result.outcome).toBe("failed");
    row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "failed", consecutiveFailures: 3, nextSyncAt: null });
    expect(row.lastSyncError).toMatch(/Gave up after 3 tries/);
    expect(await dueConnections(db, new Date(Date.now() + 365 * 86_400_000))).not.toContain(connection.id);
  });

  it("a success after errors clears the error and the failure count", async () => {
    const { db, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 1);
    harness.feed.fail({ status: 502 });
    expect((await run(db, connection.id)).outcome).toBe("retry_scheduled");
    await makeDue(db, connection.id);
    expect((await run(db, connection.id)).outcome).toBe("caught_up");
    expect(await connectionRow(db, connection.id)).toMatchObject({
      status: "active",
      consecutiveFailures: 0,
      lastSyncError: null,
      lastErrorKind: null,
    });
  });
});

describe("an allowance used up", () => {
  it("pauses the connection until the provider's allowance returns: not a failure, no backoff, the reason stored for the Connections page", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 3);
    const real = (await syncProvider("gmail"))!;
    const resumeAt = new Date(Date.now() + 5 * 3_600_000);
    setSyncProvider("gmail", {
      ...real,
      step: () => Promise.reject(new QuotaPausedError("The daily API allowance is nearly used.", resumeAt)),
    });
    try {
      const result = await run(db, connection.id);
      expect(result).toMatchObject({ outcome: "paused", nextSyncAt: resumeAt });
      const row = await connectionRow(db, connection.id);
      expect(row).toMatchObject({
        status: "active",
        consecutiveFailures: 0,
        lastErrorKind: "quota_paused",
        nextSyncAt: resumeAt,
        leaseId: null,
        stage: "idle",
      });
      expect(row.lastSyncError).toMatch(/allowance/);
      expect(await dueConnections(db, new Date(resumeAt.getTime() - 60_000))).not.toContain(connection.id);
      expect(await dueConnections(db, resumeAt)).toContain(connection.id);
    } finally {
      setSyncProvider("gmail", real);
    }
    // Once the allowance is back the sync goes on, and the pause is cleared.
    await makeDue(db, connection.id);
    expect((await run(db, connection.id)).outcome).toBe("caught_up");
    expect(await connectionRow(db, connection.id)).toMatchObject({ lastErrorKind: null, lastSyncError: null });
    expect(await countEvents(db, user.id)).toBe(3);
  });
});

describe("tokens", () => {
  it("P15: an access token refused mid-sync (401) is refreshed once, stored re-encrypted under the connection's id, and the step retried", async () => {
    const { db, user, connection, tokens, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 10);
    expect((await run(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    // The token dies at Google although our expiry says it is good for an hour (revoked early, skew).
    harness.google.fake.expireAccessTokens();
    const refreshes = harness.google.fake.tokenRequests.filter((r) => r.grantType === "refresh_token").length;
    const result = await run(db, connection.id);
    expect(result.outcome).toBe("caught_up");
    expect(harness.google.fake.tokenRequests.filter((r) => r.grantType === "refresh_token")).toHaveLength(
      refreshes + 1,
    );
    expect(harness.google.fake.tokenRequests.at(-1)).toMatchObject({
      grantType: "refresh_token",
      clientAuth: "basic",
      outcome: "ok",
    });
    expect(await countEvents(db, user.id)).toBe(10);

    const row = await connectionRow(db, connection.id);
    const stored = Buffer.from(row.accessTokenCipher!);
    const renewed = decryptToken(stored, row.tokenKeyId!, connection.id);
    expect(renewed).not.toBe(tokens.accessToken);
    expect(harness.google.fake.verifyAccessToken(renewed)).not.toBeNull();
    expect(stored.includes(Buffer.from(renewed))).toBe(false);
    expect(() => decryptToken(stored, row.tokenKeyId!, "another-connection-id")).toThrow();
    expect(decryptToken(Buffer.from(row.refreshTokenCipher!), row.tokenKeyId!, connection.id)).toBe(
      tokens.refreshToken,
    );
    expect(row.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it("an access token about to expire is refreshed before the step, so the provider never sees it refused", async () => {
    const { db, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 1);
    await db.integrationConnection.update({
      where: { id: connection.id },
      data: { accessTokenExpiresAt: new Date(Date.now() + 60_000) },
    });
    const refused = harness.feed.requests.filter((r) => r.status === 401).length;
    expect((await run(db, connection.id)).outcome).toBe("caught_up");
    expect(harness.feed.requests.filter((r) => r.status === 401).length).toBe(refused);
    expect((await connectionRow(db, connection.id)).accessTokenExpiresAt!.getTime()).toBeGreaterThan(
      Date.now() + 50 * 60_000,
    );
  });

  it("invalid_grant (access revoked, a Testing app's expired refresh token): needs reconnect, said in words, and polling stops", async () => {
    const { db, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 1);
    harness.google.fake.revokeGrantsOf(mailbox);
    const result = await run(db, connection.id);
    expect(result.outcome).toBe("needs_reauth");
    expect(harness.google.fake.tokenRequests.at(-1)).toMatchObject({
      grantType: "refresh_token",
      outcome: "invalid_grant",
    });
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "needs_reauth", nextSyncAt: null, lastErrorKind: "permission", leaseId: null });
    expect(row.lastSyncError).toMatch(/reconnect/i);
    expect(await dueConnections(db, new Date(Date.now() + 365 * 86_400_000))).not.toContain(connection.id);
    const requests = harness.feed.requests.length;
    expect((await run(db, connection.id)).outcome).toBe("inactive");
    expect(harness.feed.requests.length).toBe(requests);
  });

  it("a 403 (a scope taken away) needs reconnect without retrying", async () => {
    const { db, connection } = await harness.connectedUser();
    harness.feed.fail({ status: 403 });
    expect((await run(db, connection.id)).outcome).toBe("needs_reauth");
    expect(await connectionRow(db, connection.id)).toMatchObject({ status: "needs_reauth", consecutiveFailures: 0 });
  });
});

describe("bad cursor", () => {
  it("a cursor the provider no longer knows (410) starts a full re-sync that merges: nothing wiped, nothing duplicated, not an error", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 6);
    expect((await run(db, connection.id)).outcome).toBe("caught_up");
    const firstCompleted = (await connectionRow(db, connection.id)).firstSyncCompletedAt;
    harness.feed.expireLog(mailbox);
    harness.feed.addMessages(mailbox, 2);
    await makeDue(db, connection.id);
    const result = await run(db, connection.id, { budgetMs: 0 });
    // The re-sync's first page is committed; the stage says what is going on.
    expect(result.outcome).toBe("continues");
    expect(await connectionRow(db, connection.id)).toMatchObject({
      stage: "full_resync",
      status: "active",
      lastErrorKind: null,
    });
    let stats: SyncStats = result.stats;
    for (;;) {
      const next = await run(db, connection.id, { budgetMs: 0 });
      stats = { ...stats, created: stats.created + next.stats.created, updated: stats.updated + next.stats.updated };
      if (next.outcome === "caught_up") break;
      expect(next.outcome).toBe("continues");
    }
    expect(stats).toMatchObject({ created: 2, updated: 6 });
    expect(await countEvents(db, user.id)).toBe(8);
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ stage: "idle", status: "active", cursor: { mode: "incremental" } });
    expect(row.firstSyncCompletedAt).toEqual(firstCompleted);
  });
});

describe("the sweep", () => {
  it("rescues a sync whose worker died holding the lease: lease cleared, stage reset, due at once, logged with its stage", async () => {
    const { db, user, connection, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 7);
    expect((await run(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    // A worker took the lease and was killed (kill -9) before it could release it.
    const since = new Date(Date.now() - 2 * LEASE_MS);
    await db.integrationConnection.update({
      where: { id: connection.id },
      data: {
        leaseId: "dead-worker",
        leaseExpiresAt: new Date(Date.now() + 60_000),
        stage: "first_sync",
        stageStartedAt: since,
      },
    });
    // Until the lease expires, nobody else syncs it…
    expect((await run(db, connection.id)).outcome).toBe("busy");
    expect(await rescueStuckSyncs(db, new Date())).toBe(0);
    logLines.splice(0);
    // …then the sweep gives it back.
    const later = new Date(Date.now() + 61_000);
    expect(await rescueStuckSyncs(db, later)).toBeGreaterThanOrEqual(1);
    const rescued = logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((l) => l.connectionId === connection.id);
    expect(rescued).toMatchObject({ stage: "first_sync", since: since.toISOString() });
    expect(await connectionRow(db, connection.id)).toMatchObject({
      leaseId: null,
      leaseExpiresAt: null,
      stage: "idle",
    });
    expect(await dueConnections(db, later)).toContain(connection.id);
    expect((await run(db, connection.id, { now: () => later })).outcome).toBe("caught_up");
    expect(await countEvents(db, user.id)).toBe(7);
  });
});

describe("P5: logs", () => {
  it("P5: no token, code or message content reaches the logs of a sync, a refresh or a failure", async () => {
    logLines.splice(0);
    const { db, connection, tokens, mailbox } = await harness.connectedUser();
    harness.feed.addMessages(mailbox, 3);
    harness.google.fake.expireAccessTokens();
    expect((await run(db, connection.id)).outcome).toBe("caught_up");
    harness.feed.fail({ status: 503 });
    harness.feed.addMessages(mailbox, 1);
    await makeDue(db, connection.id);
    expect((await run(db, connection.id)).outcome).toBe("retry_scheduled");
    harness.google.fake.revokeGrantsOf(mailbox);
    harness.google.fake.expireAccessTokens();
    await makeDue(db, connection.id);
    expect((await run(db, connection.id)).outcome).toBe("needs_reauth");

    const row = await connectionRow(db, connection.id);
    const renewed = decryptToken(Buffer.from(row.accessTokenCipher!), row.tokenKeyId!, connection.id);
    const text = logLines.join("");
    expect(text).toContain("access token renewed");
    expect(text).toContain("sync failed");
    for (const secret of [tokens.accessToken, tokens.refreshToken, renewed, "sync-client-secret", "Message "])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/ya29\.|1\/\/fake-/);
  });
});

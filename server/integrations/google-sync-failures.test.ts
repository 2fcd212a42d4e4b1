// The issue's failure scenarios and promises, end to end with the REAL Google providers (see
// google-sync.test.ts for the setting): 429 storms, a token expired mid-sync (P15), a revoked grant,
// a disconnect in the middle of a Gmail sync (P12), the connect flow's scopes (P3), what reaches the
// logs (P5), and a worker killed with SIGKILL mid-sync. Proven by counts of records in the database.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  BODY_MARKER,
  captureLogs,
  connectionRow,
  customerMessage,
  gmailCounts,
  googleWorkspace,
  syncToEnd,
} from "../../tests/fakes/provider/google-workspace";
import {
  CALENDAR_SCOPES,
  GMAIL_SCOPES,
  killWorkerMidSync,
  makeDue,
  startSyncHarness,
  type SyncHarness,
} from "../../tests/fakes/provider/harness";
import { createUser } from "../../tests/helpers/users";
import { beginGoogleConnect, completeGoogleConnect, googleRedirectUri } from "../auth/google";
import { getDb } from "../db/client";
import { createLogger, setLogger } from "../logger";
import { connectTool } from "./connect";
import { disconnectConnection, requestSync } from "./connections";
import { dueConnections, LEASE_MS, rescueStuckSyncs, runSync } from "./engine";
import { decryptToken, parseTokenKeys, setTokenKeys } from "./token-crypto";

const APP_URL = "http://127.0.0.1:3999";
const MAX_ATTEMPTS = 4;
const CONNECTING = { sub: "10987654321", email: "mara@northbeam.example", name: "Mara North" };

let harness: SyncHarness;
let workspace: ReturnType<typeof googleWorkspace>;
let logLines: string[];
/** Codes and tokens seen outside `workspace.secrets` (connect flow, renewed tokens): never logged (P5). */
const secrets: string[] = [];

beforeAll(async () => {
  harness = await startSyncHarness({
    googleApis: true,
    maxAttempts: MAX_ATTEMPTS,
    accounts: [CONNECTING],
    redirectUris: [googleRedirectUri(APP_URL)],
  });
  workspace = googleWorkspace(harness);
  logLines = captureLogs();
});
beforeEach(() => apis().clearFaults());
afterAll(async () => {
  setLogger(createLogger({ level: "silent" }));
  await harness.close();
});

const apis = () => harness.googleApis!.apis;
const gmailRequestsOf = (mailbox: string) => apis().requests.filter((r) => r.email === mailbox);

describe("429 storms", () => {
  it("a run of 429s with Retry-After: no attempt before it; after they stop the sync completes with exact counts", async () => {
    const { db, user, connection, mailbox } = await workspace.seller();
    const { expected } = workspace.mailboxFor(mailbox, 150, 41);
    // One page committed, then Gmail throttles three requests in a row, asking for two hours (longer
    // than the engine's own backoff would wait, so only honouring Retry-After passes).
    expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    const committed = (await gmailCounts(db, user.id)).messages;
    expect(committed).toBeGreaterThan(0);
    apis().injectFault({
      pathPrefix: "/gmail/v1",
      status: 429,
      reason: "rateLimitExceeded",
      retryAfterSeconds: 7200,
      times: 3,
    });
    for (let storm = 1; storm <= 3; storm += 1) {
      const at = Date.now();
      expect((await runSync(db, connection.id)).outcome).toBe("retry_scheduled");
      const row = await connectionRow(db, connection.id);
      expect(row).toMatchObject({ status: "error", consecutiveFailures: storm, lastErrorKind: "rate_limited" });
      expect(row.nextSyncAt!.getTime()).toBeGreaterThanOrEqual(at + 7_200_000);
      expect(await dueConnections(db, new Date(at + 7_190_000))).not.toContain(connection.id);
      // Not due: a poll now does nothing and asks Gmail nothing.
      const asked = apis().requests.length;
      expect((await runSync(db, connection.id)).outcome).toBe("busy");
      expect(apis().requests.length).toBe(asked);
      expect((await gmailCounts(db, user.id)).messages).toBe(committed);
      // Time passes past Retry-After.
      await makeDue(db, connection.id);
    }
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    expect(await gmailCounts(db, user.id)).toEqual({
      messages: expected.stored.size,
      distinctMessages: expected.stored.size,
      conversations: expected.threads.size,
    });
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "active", consecutiveFailures: 0, lastErrorKind: null, lastSyncError: null });
    expect(row.totalStats).toMatchObject({ fetched: expected.fetched, skipped: expected.skipped });
  });

  it(`${MAX_ATTEMPTS} temporary failures in a row: failed, polling stops; Sync now brings it back`, async () => {
    const { db, user, connection, mailbox } = await workspace.seller();
    const { expected } = workspace.mailboxFor(mailbox, 40, 42);
    apis().injectFault({
      pathPrefix: "/gmail/v1",
      status: 403,
      reason: "userRateLimitExceeded",
      retryAfterSeconds: 5,
      times: MAX_ATTEMPTS,
    });
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
      expect((await runSync(db, connection.id)).outcome).toBe("retry_scheduled");
      await makeDue(db, connection.id);
    }
    expect((await runSync(db, connection.id)).outcome).toBe("failed");
    const failed = await connectionRow(db, connection.id);
    expect(failed).toMatchObject({ status: "failed", nextSyncAt: null, consecutiveFailures: MAX_ATTEMPTS });
    expect(failed.lastSyncError).toMatch(/slow down.*Gave up after 4 tries/s);
    expect(await dueConnections(db, new Date(Date.now() + 365 * 86_400_000))).not.toContain(connection.id);
    const asked = apis().requests.length;
    expect((await runSync(db, connection.id)).outcome).toBe("inactive");
    expect(apis().requests.length).toBe(asked);

    await requestSync(db, user.id, connection.id);
    expect(await connectionRow(db, connection.id)).toMatchObject({ status: "active", consecutiveFailures: 0 });
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    expect((await gmailCounts(db, user.id)).messages).toBe(expected.stored.size);
  });
});

describe("tokens", () => {
  it("P15: a token expired mid-sync is refreshed through Google's refresh grant, the sync completes, and the new token is stored re-encrypted", async () => {
    const { db, user, connection, mailbox, tokens } = await workspace.seller();
    const { expected } = workspace.mailboxFor(mailbox, 150, 43);
    expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    const before = await connectionRow(db, connection.id);
    harness.google.fake.expireAccessTokens();
    const refreshes = harness.google.fake.tokenRequests.filter((r) => r.grantType === "refresh_token").length;

    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    expect(harness.google.fake.tokenRequests.filter((r) => r.grantType === "refresh_token")).toHaveLength(
      refreshes + 1,
    );
    // Gmail refused the expired token once (401), and took the renewed one.
    expect(gmailRequestsOf(mailbox).length).toBeGreaterThan(0);
    expect(apis().requests.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(await gmailCounts(db, user.id)).toEqual({
      messages: expected.stored.size,
      distinctMessages: expected.stored.size,
      conversations: expected.threads.size,
    });

    const row = await connectionRow(db, connection.id);
    const stored = Buffer.from(row.accessTokenCipher!);
    expect(stored.equals(Buffer.from(before.accessTokenCipher!))).toBe(false);
    const renewed = decryptToken(stored, row.tokenKeyId!, connection.id);
    secrets.push(renewed);
    expect(renewed).not.toBe(tokens.accessToken);
    expect(harness.google.fake.verifyAccessToken(renewed)).toMatchObject({ email: mailbox });
    expect(stored.includes(Buffer.from(renewed))).toBe(false);
    expect(() => decryptToken(stored, row.tokenKeyId!, "another-connection")).toThrow();
  });

  it("a revoked grant: needs reconnect, said in words, and polling stops (no further request to the APIs)", async () => {
    const { db, connection, mailbox } = await workspace.seller("gcal");
    workspace.calendarFor(mailbox, 44);
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    harness.google.fake.revokeGrantsOf(mailbox);
    await makeDue(db, connection.id);
    expect((await runSync(db, connection.id)).outcome).toBe("needs_reauth");
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "needs_reauth", nextSyncAt: null, lastErrorKind: "permission" });
    expect(row.lastSyncError).toMatch(/reconnect/i);

    const asked = apis().requests.length;
    expect(await dueConnections(db, new Date(Date.now() + 365 * 86_400_000))).not.toContain(connection.id);
    await makeDue(db, connection.id);
    expect((await runSync(db, connection.id)).outcome).toBe("inactive");
    expect(apis().requests.length).toBe(asked);
  });
});

describe("P12: disconnect", () => {
  it("P12: disconnect while a Gmail sync is in flight: nothing of the step stored, tokens revoked at Google, no further request, synced records stay", async () => {
    const { db, user, connection, mailbox, tokens } = await workspace.seller();
    workspace.mailboxFor(mailbox, 150, 45);
    expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    const kept = await gmailCounts(db, user.id);
    expect(kept.messages).toBeGreaterThan(0);
    const row = await connectionRow(db, connection.id);

    // The next step's listing is held at Gmail while the user disconnects.
    const held = harness.googleApis!.holdRequest((path) => /\/users\/me\/messages$/.test(path));
    const running = runSync(db, connection.id);
    await held.arrived;
    const revocations = harness.google.fake.revocations.length;
    expect(await disconnectConnection(db, user.id, connection.id)).toMatchObject({ revoked: "yes" });
    expect(harness.google.fake.revocations.slice(revocations)).toEqual([
      expect.objectContaining({ outcome: "revoked" }),
    ]);
    expect(harness.google.fake.isTokenLive(tokens.refreshToken)).toBe(false);
    const afterDisconnect = apis().requests.length;
    held.release();
    expect((await running).outcome).toBe("disconnected");

    // Whatever the run sent after the disconnect, Gmail refused: the grant was gone.
    expect(
      apis()
        .requests.slice(afterDisconnect)
        .every((r) => r.status === 401),
    ).toBe(true);
    expect(await gmailCounts(db, user.id)).toEqual(kept);
    const disconnected = await connectionRow(db, connection.id);
    expect(disconnected).toMatchObject({
      status: "disconnected",
      accessTokenCipher: null,
      refreshTokenCipher: null,
      leaseId: null,
      nextSyncAt: null,
    });
    expect(disconnected.totalStats).toEqual(row.totalStats);
    const asked = apis().requests.length;
    expect(await dueConnections(db, new Date(Date.now() + 365 * 86_400_000))).not.toContain(connection.id);
    expect((await runSync(db, connection.id)).outcome).toBe("inactive");
    expect(apis().requests.length).toBe(asked);
  });

  it("P12: a step read in full while the user disconnects (revocation failing at Google) is dropped at commit, and polling stops", async () => {
    const { db, user, connection, mailbox, tokens } = await workspace.seller();
    workspace.mailboxFor(mailbox, 150, 49);
    expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    const kept = await gmailCounts(db, user.id);
    const row = await connectionRow(db, connection.id);

    // Google is down for revocation: the tokens stay live there, so the step in flight reads its
    // whole page. Only the engine's check at commit stands between that page and the database.
    harness.google.fake.failRevocationsWith = 503;
    const held = harness.googleApis!.holdRequest((path) => /\/users\/me\/messages$/.test(path));
    const running = runSync(db, connection.id);
    await held.arrived;
    try {
      expect(await disconnectConnection(db, user.id, connection.id)).toMatchObject({ revoked: "failed" });
    } finally {
      harness.google.fake.failRevocationsWith = null;
    }
    expect(harness.google.fake.isTokenLive(tokens.refreshToken)).toBe(true);
    const afterDisconnect = apis().requests.length;
    held.release();
    expect((await running).outcome).toBe("disconnected");
    // The page was read (with the still-live token)…
    expect(
      apis()
        .requests.slice(afterDisconnect)
        .filter((r) => r.status === 200).length,
    ).toBeGreaterThan(1);
    // …and none of it stored.
    expect(await gmailCounts(db, user.id)).toEqual(kept);
    expect((await connectionRow(db, connection.id)).totalStats).toEqual(row.totalStats);
    const asked = apis().requests.length;
    expect((await runSync(db, connection.id)).outcome).toBe("inactive");
    expect(apis().requests.length).toBe(asked);
  });
});

describe("P3: scopes", () => {
  it("P3: the stored scopes are exactly Gmail's listed ones although Google's answer also names earlier grants (include_granted_scopes)", async () => {
    const db = await getDb();
    const user = await createUser(db);
    // This Google account granted Calendar (and sign-in) to this client before.
    const earlier = harness.google.fake.issueGrant(CONNECTING.email, ["openid", "email", ...CALENDAR_SCOPES]);
    secrets.push(earlier.accessToken, earlier.refreshToken);
    workspace.mailboxFor(CONNECTING.email, 20, 46);

    const begun = beginGoogleConnect(harness.google.config, {
      appUrl: APP_URL,
      secure: false,
      provider: "gmail",
      userId: user.id,
    });
    expect(new URL(begun.url).searchParams.get("scope")).toBe(GMAIL_SCOPES.join(" "));
    const callback = await harness.google.choose(begun.url, CONNECTING.sub);
    secrets.push(callback.searchParams.get("code")!);
    const granted = await completeGoogleConnect(harness.google.config, user.id, {
      appUrl: APP_URL,
      query: callback.searchParams,
      cookieHeader: begun.cookie.split(";")[0]!,
    });
    if (!granted.ok) throw new Error(granted.message);
    secrets.push(granted.accessToken, granted.refreshToken);
    // Google's grant is wider than what we asked…
    expect(harness.google.fake.verifyAccessToken(granted.accessToken)!.scopes).toEqual(
      expect.arrayContaining([...CALENDAR_SCOPES, ...GMAIL_SCOPES]),
    );
    const connected = await connectTool(db, user.id, granted);
    if (!connected.ok) throw new Error(connected.message);
    // …what we store is exactly the listed scope.
    const row = await connectionRow(db, connected.connectionId);
    expect(row.scopes).toEqual(GMAIL_SCOPES);
    expect(row).toMatchObject({ provider: "gmail", externalAccountId: CONNECTING.email, status: "active" });
    expect((await syncToEnd(db, connected.connectionId)).outcome).toBe("caught_up");
  });
});

// A worker in another process needs a database both processes reach: PostgreSQL. The embedded
// PGlite is one process by design (a kill -9 there kills the whole app, and ADR 004 measured its
// data directory surviving SIGKILL mid-write), so this runs only with TEST_DATABASE_URL.
describe.skipIf(!process.env.TEST_DATABASE_URL)("crash in the middle of a Gmail sync (PostgreSQL only)", () => {
  it("kill -9 of the worker after some pages are committed, then the sweep and a new run: nothing lost, nothing duplicated", async () => {
    // The child must open the tokens this process stores: both use one key, passed by env.
    const keys = `crash-google:${randomBytes(32).toString("base64")}`;
    setTokenKeys(parseTokenKeys(keys));
    const { db, user, connection, mailbox } = await workspace.seller();
    const { expected } = workspace.mailboxFor(mailbox, 320, 47);
    // The third listing request is held: the steps before it are committed, and the worker killed.
    const held = harness.googleApis!.holdRequest((path) => /\/users\/me\/messages$/.test(path), 2);
    expect(await killWorkerMidSync(db, connection.id, held, { TOKEN_ENCRYPTION_KEYS: keys })).toBe("SIGKILL");

    const partial = await gmailCounts(db, user.id);
    expect(partial.messages).toBeGreaterThan(0);
    expect(partial.messages).toBeLessThan(expected.stored.size);
    let row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ stage: "first_sync", cursor: { mode: "full" } });
    expect(row.leaseId).toMatch(/^child:/);
    const committed = row.totalStats as { fetched: number };
    // The dead worker's lease blocks others until it expires; then the sweep gives it back.
    expect((await runSync(db, connection.id)).outcome).toBe("busy");
    const later = new Date(Date.now() + LEASE_MS + 1000);
    expect(await rescueStuckSyncs(db, later)).toBeGreaterThanOrEqual(1);
    let resumed = await runSync(db, connection.id, { now: () => later });
    while (resumed.outcome === "continues") resumed = await runSync(db, connection.id, { now: () => later });
    expect(resumed.outcome).toBe("caught_up");

    expect(await gmailCounts(db, user.id)).toEqual({
      messages: expected.stored.size,
      distinctMessages: expected.stored.size,
      conversations: expected.threads.size,
    });
    row = await connectionRow(db, connection.id);
    // Read once in total: what the dead worker committed, and the rest by the new run.
    expect(committed.fetched + resumed.stats.fetched).toBe(expected.fetched);
    expect(row.totalStats).toMatchObject({ fetched: expected.fetched, skipped: expected.skipped, deleted: 0 });
    expect(row).toMatchObject({ stage: "idle", leaseId: null, status: "active" });
    expect(row.firstSyncCompletedAt).toBeInstanceOf(Date);
  });
});

describe("P5: logs", () => {
  it("P5: across all of the above, no access or refresh token, no code and no message body reached a log line", async () => {
    // A failure, a refresh and a revoked grant of its own, so this test stands alone too.
    const { db, connection, mailbox } = await workspace.seller();
    const { store } = workspace.mailboxFor(mailbox, 30, 48);
    store.addMessage(customerMessage("Pricing", `${BODY_MARKER}: 40 seats at the agreed price.`));
    harness.google.fake.expireAccessTokens();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    apis().injectFault({ pathPrefix: "/gmail/v1", status: 503, reason: "backendError" });
    await makeDue(db, connection.id);
    expect((await runSync(db, connection.id)).outcome).toBe("retry_scheduled");
    harness.google.fake.revokeGrantsOf(mailbox);
    await makeDue(db, connection.id);
    expect((await runSync(db, connection.id)).outcome).toBe("needs_reauth");

    const text = logLines.join("");
    expect(text).toContain("access token renewed");
    expect(text).toContain("sync failed");
    expect(text).toContain("the user must reconnect");
    const all = [...workspace.secrets, ...secrets];
    expect(all.length).toBeGreaterThan(10);
    for (const secret of all) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/ya29\.|1\/\/fake-/);
    // Message bodies: the marker, and sentences the generator writes into every mailbox.
    for (const body of [BODY_MARKER, "Budget is approved for the first phase", "Could you share the latest numbers"])
      expect(text).not.toContain(body);
  });
});

// Salesforce's failure scenarios and promises, end to end with the REAL provider, engine and ingest
// (see salesforce-sync.test.ts for the setting): an expired session mid-sync, a revoked grant,
// REQUEST_LIMIT_EXCEEDED, the daily allowance nearly used (paused), bad records, Disconnect in the
// middle of a step (P12), Sync now, and a worker killed with SIGKILL mid-sync (PostgreSQL only).
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { linksOf, startSalesforceWorld, type SalesforceWorld } from "../../tests/fakes/provider/crm-world";
import { captureLogs, connectionRow, syncToEnd } from "../../tests/fakes/provider/google-workspace";
import { killWorkerMidSync, makeDue } from "../../tests/fakes/provider/harness";
import type { FakeOrg } from "../../tests/fakes/salesforce";
import { SyncNowTooSoonError } from "./connections";
import { disconnectConnection, listConnections, requestSync } from "./connections";
import { dueConnections, LEASE_MS, rescueStuckSyncs, runSync } from "./engine";
import { createLogger, setLogger } from "../logger";
import { decryptToken, parseTokenKeys, setTokenKeys } from "./token-crypto";

const SIZES = { accounts: 8, contactsPerAccount: 3, leads: 4, opportunities: 7, tasks: 40, events: 6 };
const OBJECTS = [
  "Account",
  "Contact",
  "Lead",
  "Opportunity",
  "OpportunityContactRole",
  "OpportunityHistory",
  "Task",
  "Event",
];

let world: SalesforceWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

/** Every live record the sync links (open tasks are to-dos, skipped), less `without`. */
function expectedLinks(org: FakeOrg, without: string[] = []) {
  const out: Record<string, string[]> = {};
  for (const object of OBJECTS) {
    const ids = org
      .live(object)
      .filter((r) => !(object === "Task" && r.IsClosed === false) && !without.includes(r.Id))
      .map((r) => r.Id)
      .sort();
    if (ids.length > 0) out[object] = ids;
  }
  return out;
}
const linkCount = (links: Record<string, string[]>) => Object.values(links).reduce((n, ids) => n + ids.length, 0);
const refreshes = (w: SalesforceWorld) =>
  w.oauth.requests.filter((r) => r.endpoint === "token" && r.grantType === "refresh_token");

describe("tokens", () => {
  it("a session expired mid-sync (401 INVALID_SESSION_ID; Salesforce tokens carry no expiry) is refreshed once and the sync goes on, exact", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { db, user, connection } = await world.connectedSeller();
    expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    const before = (await connectionRow(db, connection.id)).accessTokenCipher;
    world.oauth.expireAccessTokens();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    expect(refreshes(world)).toHaveLength(1);
    expect(world.api.requests.filter((r) => r.status === 401)).toHaveLength(1);
    expect(await linksOf(db, user.id, "salesforce")).toEqual(expectedLinks(world.org));
    const row = await connectionRow(db, connection.id);
    expect(Buffer.from(row.accessTokenCipher!).equals(Buffer.from(before!))).toBe(false);
    expect(row).toMatchObject({ status: "active", lastErrorKind: null, apiBaseUrl: world.base });
  });

  it("a revoked grant (the refresh refused): needs_reauth, said in words, polling stops", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { db, connection } = await world.connectedSeller();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    world.oauth.revokeGrantsOf(world.account.email);
    await makeDue(db, connection.id);
    expect((await runSync(db, connection.id)).outcome).toBe("needs_reauth");
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "needs_reauth", nextSyncAt: null, lastErrorKind: "permission" });
    expect(row.lastSyncError).toMatch(/reconnect/i);
    const asked = world.api.requests.length;
    expect(await dueConnections(db, new Date(Date.now() + 365 * 86_400_000))).not.toContain(connection.id);
    expect((await runSync(db, connection.id)).outcome).toBe("inactive");
    expect(world.api.requests.length).toBe(asked);
  });
});

describe("limits", () => {
  it("REQUEST_LIMIT_EXCEEDED: throttled with backoff, nothing asked before it; then the sync completes exact", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { db, user, connection } = await world.connectedSeller();
    expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    world.api.injectFault({
      status: 403,
      errorCode: "REQUEST_LIMIT_EXCEEDED",
      message: "TotalRequests Limit exceeded.",
    });
    const at = Date.now();
    expect((await runSync(db, connection.id)).outcome).toBe("retry_scheduled");
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "error", consecutiveFailures: 1, lastErrorKind: "rate_limited" });
    expect(row.nextSyncAt!.getTime()).toBeGreaterThan(at);
    const health = (await listConnections(db, user.id)).find((c) => c.connection?.id === connection.id)?.connection;
    expect(health?.health).toMatchObject({ state: "throttled" });
    const asked = world.api.requests.length;
    expect((await runSync(db, connection.id)).outcome).toBe("busy");
    expect(world.api.requests.length).toBe(asked);
    await makeDue(db, connection.id);
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    expect(await linksOf(db, user.id, "salesforce")).toEqual(expectedLinks(world.org));
  });

  it("the daily allowance nearly used (Sforce-Limit-Info): paused until the next day, status active, shown as paused", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { db, user, connection } = await world.connectedSeller();
    expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    world.api.setApiUsage(99_990, 100_000);
    const result = await runSync(db, connection.id);
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "active", lastErrorKind: "quota_paused" });
    expect(result.outcome).not.toBe("failed");
    // Until the next day (UTC midnight at the earliest): not due before.
    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    expect(row.nextSyncAt!.getTime()).toBeGreaterThanOrEqual(tomorrow.getTime() - 1000);
    expect(await dueConnections(db, new Date(tomorrow.getTime() - 60_000))).not.toContain(connection.id);
    const shown = (await listConnections(db, user.id)).find((c) => c.connection?.id === connection.id)?.connection;
    expect(shown?.health).toMatchObject({ state: "paused" });
    // The next day the allowance renews and the sync completes, exact.
    world.api.setApiUsage(0, 100_000);
    const nextDay = new Date(tomorrow.getTime() + 60_000);
    await makeDue(db, connection.id);
    // Before then, the stored pause holds even if the connection is made due by hand.
    expect((await runSync(db, connection.id)).outcome).toBe("paused");
    await makeDue(db, connection.id);
    let resumed = await runSync(db, connection.id, { now: () => nextDay });
    while (resumed.outcome === "continues") resumed = await runSync(db, connection.id, { now: () => nextDay });
    expect(resumed.outcome).toBe("caught_up");
    expect(await linksOf(db, user.id, "salesforce")).toEqual(expectedLinks(world.org));
    expect(await connectionRow(db, connection.id)).toMatchObject({ status: "active", lastErrorKind: null });
  });
});

describe("bad input", () => {
  it("a record without a required field, a malformed one and an unknown picklist value: skipped and counted, the rest stored", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { org } = world;
    const account = org.live("Account")[0]!;
    const contact = org.live("Contact").find((c) => c.AccountId !== account.Id)!;
    const task = org.live("Task").find((t) => t.IsClosed === true && t.AccountId !== account.Id)!;
    org.corrupt(account.Id, { Name: null });
    org.corrupt(contact.Id, { Email: 42 });
    org.corrupt(task.Id, { TaskSubtype: "Fax" });
    const { db, user, connection } = await world.connectedSeller();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const row = await connectionRow(db, connection.id);
    const openTasks = org.live("Task").filter((t) => t.IsClosed === false).length;
    expect(row.totalStats).toMatchObject({
      skipped: { missing_field: 1, malformed: 1, unknown_value: 1, not_done: openTasks },
    });
    // Everything else is stored. (What hangs on the skipped account waits for it, unresolved.)
    const links = await linksOf(db, user.id, "salesforce");
    expect(links.Account).toEqual(expectedLinks(org, [account.Id]).Account);
    expect(links.Contact).toEqual(expectedLinks(org, [contact.Id]).Contact);
    expect(links.Task).toEqual(expectedLinks(org, [task.Id]).Task);
    expect(row).toMatchObject({ status: "active", lastErrorKind: null });
  });
});

describe("P12: disconnect, and Sync now", () => {
  it("P12: disconnect while a step is in flight: the step is dropped, tokens deleted and revoked at Salesforce, polling stops, synced records stay", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { db, user, connection, tokens } = await world.connectedSeller();
    // Step by step until some records are committed (the first steps read the stage picklist).
    let kept = await linksOf(db, user.id, "salesforce");
    while (linkCount(kept) === 0) {
      expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
      kept = await linksOf(db, user.id, "salesforce");
    }
    expect(linkCount(kept)).toBeGreaterThan(0);
    const statsBefore = (await connectionRow(db, connection.id)).totalStats;

    const held = world.holdRequest((path) => path.includes("/query"));
    const running = runSync(db, connection.id);
    await held.arrived;
    expect(await disconnectConnection(db, user.id, connection.id)).toMatchObject({ revoked: "yes" });
    expect(world.oauth.isTokenLive(tokens.refreshToken!)).toBe(false);
    expect(world.oauth.requests.filter((r) => r.endpoint === "revoke")).toHaveLength(1);
    held.release();
    expect((await running).outcome).toBe("disconnected");

    expect(await linksOf(db, user.id, "salesforce")).toEqual(kept);
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({
      status: "disconnected",
      accessTokenCipher: null,
      refreshTokenCipher: null,
      leaseId: null,
      nextSyncAt: null,
    });
    expect(row.totalStats).toEqual(statsBefore);
    const asked = world.api.requests.length;
    expect(await dueConnections(db, new Date(Date.now() + 365 * 86_400_000))).not.toContain(connection.id);
    expect((await runSync(db, connection.id)).outcome).toBe("inactive");
    expect(world.api.requests.length).toBe(asked);
    await expect(requestSync(db, user.id, connection.id)).rejects.toThrow(/disconnected/);
  });

  it("Sync now makes the connection due at once, and is rate-limited as for Google", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { db, user, connection } = await world.connectedSeller();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const created = world.org.create("Account", { Name: "Arrived Now", Website: "arrived-now.example" });
    await requestSync(db, user.id, connection.id);
    expect(await dueConnections(db, new Date())).toContain(connection.id);
    expect((await syncToEnd(db, connection.id)).stats.created).toBe(1);
    expect(await db.account.count({ where: { userId: user.id, externalId: created.Id } })).toBe(1);
    await expect(requestSync(db, user.id, connection.id)).rejects.toBeInstanceOf(SyncNowTooSoonError);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("crash in the middle of a Salesforce sync (PostgreSQL only)", () => {
  it("kill -9 of the worker after some steps are committed, then the sweep and a new run: nothing lost, nothing duplicated", async () => {
    const keys = `crash-salesforce:${randomBytes(32).toString("base64")}`;
    setTokenKeys(parseTokenKeys(keys));
    world = await startSalesforceWorld({ sizes: SIZES });
    const { db, user, connection } = await world.connectedSeller();
    // The fourth query is held (Account, Contact and Lead committed), and the worker killed there.
    const held = world.holdRequest((path) => path.includes("/query"), 3);
    expect(await killWorkerMidSync(db, connection.id, held, { TOKEN_ENCRYPTION_KEYS: keys })).toBe("SIGKILL");

    const partial = linkCount(await linksOf(db, user.id, "salesforce"));
    const all = linkCount(expectedLinks(world.org));
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(all);
    let row = await connectionRow(db, connection.id);
    expect(row.leaseId).toMatch(/^child:/);
    const committed = row.totalStats as { created: number };
    expect((await runSync(db, connection.id)).outcome).toBe("busy");
    const later = new Date(Date.now() + LEASE_MS + 1000);
    expect(await rescueStuckSyncs(db, later)).toBeGreaterThanOrEqual(1);
    let resumed = await runSync(db, connection.id, { now: () => later });
    while (resumed.outcome === "continues") resumed = await runSync(db, connection.id, { now: () => later });
    expect(resumed.outcome).toBe("caught_up");

    expect(await linksOf(db, user.id, "salesforce")).toEqual(expectedLinks(world.org));
    expect(committed.created + resumed.stats.created).toBe(all);
    const accounts = await db.account.findMany({ where: { userId: user.id }, select: { externalId: true } });
    expect(new Set(accounts.map((a) => a.externalId)).size).toBe(world.org.live("Account").length);
    expect(accounts).toHaveLength(world.org.live("Account").length);
    row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ stage: "idle", leaseId: null, status: "active" });
    expect(row.firstSyncCompletedAt).toBeInstanceOf(Date);
  });
});

describe("P5: logs", () => {
  it("P5: a sync with a refresh, a throttle and a disconnect logs no access or refresh token", async () => {
    const lines = captureLogs();
    try {
      world = await startSalesforceWorld({ sizes: SIZES });
      const { db, user, connection, tokens } = await world.connectedSeller();
      expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
      world.oauth.expireAccessTokens();
      world.api.injectFault({
        status: 403,
        errorCode: "REQUEST_LIMIT_EXCEEDED",
        message: "TotalRequests Limit exceeded.",
      });
      expect((await runSync(db, connection.id)).outcome).toBe("retry_scheduled");
      await makeDue(db, connection.id);
      expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
      const row = await connectionRow(db, connection.id);
      const renewed = decryptToken(Buffer.from(row.accessTokenCipher!), row.tokenKeyId!, connection.id);
      expect(renewed).not.toBe(tokens.accessToken);
      await disconnectConnection(db, user.id, connection.id);
      const text = lines.join("");
      expect(text).toContain("access token renewed");
      for (const secret of [tokens.accessToken, tokens.refreshToken!, renewed]) expect(text).not.toContain(secret);
      expect(text).not.toContain("00Dfake!");
    } finally {
      setLogger(createLogger({ level: "silent" }));
    }
  });
});

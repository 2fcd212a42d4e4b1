// Outreach's failure scenarios and promises, end to end with the REAL provider, engine and ingest
// (see outreach-sync.test.ts for the setting): an access token expired mid-sync (refreshed, with
// Outreach's rotating refresh tokens), a revoked grant, a 429 that waits until Outreach's reset, a
// malformed record, Disconnect in the middle of a step (P12) and a worker killed with SIGKILL
// mid-sync (PostgreSQL only).
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { linksOf, startOutreachWorld, type OutreachWorld } from "../../tests/fakes/provider/crm-world";
import { connectionRow, syncToEnd } from "../../tests/fakes/provider/google-workspace";
import { killWorkerMidSync, makeDue } from "../../tests/fakes/provider/harness";
import { disconnectConnection, requestSync } from "./connections";
import { dueConnections, LEASE_MS, rescueStuckSyncs, runSync } from "./engine";
import { decryptToken, parseTokenKeys, setTokenKeys } from "./token-crypto";

const OPTIONS = { accounts: 5, prospectsPerAccount: 3, mailingsPerEnrollment: 2, callsPerAccount: 1, pageSize: 5 };

let world: OutreachWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

function expectedLinks(w: OutreachWorld, without: string[] = []) {
  const ids = (type: "account" | "prospect" | "opportunity" | "sequenceState" | "call") =>
    w.data
      .all(type)
      .map((r) => String(r.id))
      .filter((id) => !without.includes(`${type}:${id}`))
      .sort();
  return {
    account: ids("account"),
    prospect: ids("prospect"),
    opportunity: ids("opportunity"),
    sequenceState: ids("sequenceState"),
    call: ids("call"),
  };
}
const linkCount = (links: Record<string, string[]>) => Object.values(links).reduce((n, ids) => n + ids.length, 0);

describe("tokens", () => {
  it("an access token expired mid-sync is refreshed (the rotated refresh token stored) and the sync goes on, exact", async () => {
    world = await startOutreachWorld(OPTIONS);
    const { db, user, connection, tokens } = await world.connectedSeller();
    expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    world.oauth.expireAccessTokens();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    expect(world.oauth.requests.filter((r) => r.endpoint === "token" && r.grantType === "refresh_token")).toHaveLength(
      1,
    );
    expect(world.api.requests.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(await linksOf(db, user.id, "outreach")).toMatchObject(expectedLinks(world));
    const row = await connectionRow(db, connection.id);
    const refresh = decryptToken(Buffer.from(row.refreshTokenCipher!), row.tokenKeyId!, connection.id);
    expect(refresh).not.toBe(tokens.refreshToken);
    expect(world.oauth.isTokenLive(refresh)).toBe(true);
    expect(world.oauth.isTokenLive(tokens.refreshToken!)).toBe(false);
  });

  it("a revoked grant: needs_reauth, polling stops", async () => {
    world = await startOutreachWorld(OPTIONS);
    const { db, connection } = await world.connectedSeller();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    world.oauth.revokeGrantsOf(world.account.email);
    await makeDue(db, connection.id);
    expect((await runSync(db, connection.id)).outcome).toBe("needs_reauth");
    expect(await connectionRow(db, connection.id)).toMatchObject({ status: "needs_reauth", nextSyncAt: null });
    const asked = world.api.requests.length;
    expect((await runSync(db, connection.id)).outcome).toBe("inactive");
    expect(world.api.requests.length).toBe(asked);
  });
});

describe("rate limit and bad input", () => {
  it("a 429: the retry waits until X-RateLimit-Reset; an hour later the sync completes exact", async () => {
    world = await startOutreachWorld(OPTIONS);
    const { db, user, connection } = await world.connectedSeller();
    expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
    world.api.spendAllowance(world.account.userId, 10_000);
    const at = Date.now();
    const limited = await runSync(db, connection.id);
    expect(limited.outcome).toBe("retry_scheduled");
    expect(world.api.requests.some((r) => r.status === 429)).toBe(true);
    const row = await connectionRow(db, connection.id);
    expect(row.lastErrorKind).toBe("rate_limited");
    // The fake's hour began with this seller's first request: no retry before it ends.
    const firstRequest = world.api.requests[0]!.at;
    expect(row.nextSyncAt!.getTime()).toBeGreaterThanOrEqual(Math.min(at, firstRequest) + 3_600_000 - 2_000);
    expect(await dueConnections(db, new Date(firstRequest + 3_500_000))).not.toContain(connection.id);

    world.advanceApiClock(3_600_000 + 1000);
    const later = new Date(Date.now() + 3_600_000 + 1000);
    let resumed = await runSync(db, connection.id, { now: () => later });
    while (resumed.outcome === "continues") resumed = await runSync(db, connection.id, { now: () => later });
    expect(resumed.outcome).toBe("caught_up");
    expect(await linksOf(db, user.id, "outreach")).toMatchObject(expectedLinks(world));
  });

  it("a malformed prospect is skipped and counted; the rest is stored and the sync goes on", async () => {
    world = await startOutreachWorld(OPTIONS);
    const broken = world.data.all("prospect")[4]!;
    world.data.corrupt("prospect", broken.id, { type: "prospect", id: broken.id, attributes: "not an object" });
    const { db, user, connection } = await world.connectedSeller();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const row = await connectionRow(db, connection.id);
    expect(row.totalStats).toMatchObject({ skipped: { malformed: 1 } });
    const links = await linksOf(db, user.id, "outreach");
    expect(links.prospect).toEqual(expectedLinks(world, [`prospect:${broken.id}`]).prospect);
    expect(links.account).toEqual(expectedLinks(world).account);
    expect(row).toMatchObject({ status: "active", lastErrorKind: null });
  });
});

describe("P12: disconnect", () => {
  it("P12: disconnect while a step is in flight: the step is dropped, tokens deleted, polling stops, synced records stay", async () => {
    world = await startOutreachWorld(OPTIONS);
    const { db, user, connection } = await world.connectedSeller();
    let kept = await linksOf(db, user.id, "outreach");
    while (linkCount(kept) === 0) {
      expect((await runSync(db, connection.id, { budgetMs: 0 })).outcome).toBe("continues");
      kept = await linksOf(db, user.id, "outreach");
    }
    const statsBefore = (await connectionRow(db, connection.id)).totalStats;
    const held = world.holdRequest((path) => path.startsWith("/api/v2/"));
    const running = runSync(db, connection.id);
    await held.arrived;
    // Outreach documents no revocation endpoint: the tokens are deleted here, and said so.
    expect(await disconnectConnection(db, user.id, connection.id)).toMatchObject({ revoked: "not_available" });
    held.release();
    expect((await running).outcome).toBe("disconnected");
    expect(await linksOf(db, user.id, "outreach")).toEqual(kept);
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
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("crash in the middle of an Outreach sync (PostgreSQL only)", () => {
  it("kill -9 of the worker after some steps are committed, then the sweep and a new run: nothing lost, nothing duplicated", async () => {
    const keys = `crash-outreach:${randomBytes(32).toString("base64")}`;
    setTokenKeys(parseTokenKeys(keys));
    world = await startOutreachWorld(OPTIONS);
    const { db, user, connection } = await world.connectedSeller();
    const held = world.holdRequest((path) => path.startsWith("/api/v2/"), 4);
    expect(await killWorkerMidSync(db, connection.id, held, { TOKEN_ENCRYPTION_KEYS: keys })).toBe("SIGKILL");
    const partial = linkCount(await linksOf(db, user.id, "outreach"));
    const all = linkCount(expectedLinks(world));
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(all);
    expect((await connectionRow(db, connection.id)).leaseId).toMatch(/^child:/);
    expect((await runSync(db, connection.id)).outcome).toBe("busy");
    const later = new Date(Date.now() + LEASE_MS + 1000);
    expect(await rescueStuckSyncs(db, later)).toBeGreaterThanOrEqual(1);
    let resumed = await runSync(db, connection.id, { now: () => later });
    while (resumed.outcome === "continues") resumed = await runSync(db, connection.id, { now: () => later });
    expect(resumed.outcome).toBe("caught_up");
    expect(await linksOf(db, user.id, "outreach")).toMatchObject(expectedLinks(world));
    expect(await db.prospect.count({ where: { userId: user.id } })).toBe(world.data.all("prospect").length);
    const delivered = world.data
      .all("mailing")
      .filter((m) => ["delivered", "opened", "replied"].includes(String(m.attributes.state))).length;
    expect(await db.message.count({ where: { userId: user.id, conversation: { channel: "email" } } })).toBe(delivered);
    expect(await db.sequenceEnrollment.count({ where: { userId: user.id } })).toBe(
      world.data.all("sequenceState").length,
    );
    expect(await connectionRow(db, connection.id)).toMatchObject({ stage: "idle", leaseId: null, status: "active" });
  });
});

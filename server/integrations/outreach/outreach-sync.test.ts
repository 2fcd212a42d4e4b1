// The Outreach connector driven by the real sync engine, against the fake Outreach API over HTTP,
// with a stored, encrypted connection in the real database (PGlite or PostgreSQL). Ingest is the
// stand-in with its contract (ingest of CRM changes is built and tested on its own).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/helpers/users";
import { OutreachData } from "../../../tests/fakes/outreach/data";
import { startFakeOutreachApi } from "../../../tests/fakes/outreach/index";
import { applyChangesStandIn } from "../../../tests/fakes/provider/ingest-stand-in";
import { StaticApiTokens } from "../../../tests/fakes/provider/api-tokens";
import { getDb } from "../../db/client";
import { storeConnection } from "../connections";
import { runSync } from "../engine";
import { PROVIDERS } from "../providers";
import { setSyncProvider } from "../registry";
import { createOutreachProvider } from "./provider";

const SCOPES = PROVIDERS.find((p) => p.id === "outreach")!.scopes;
const tokens = new StaticApiTokens();
const data = new OutreachData({ seed: 11, accounts: 3, prospectsPerAccount: 2 });
let api: Awaited<ReturnType<typeof startFakeOutreachApi>>;

beforeAll(async () => {
  api = await startFakeOutreachApi({ verifyToken: tokens.verify, data });
  setSyncProvider("outreach", createOutreachProvider({ baseUrl: api.baseUrl, pageSize: 4 }));
});
afterAll(async () => {
  setSyncProvider("outreach", null);
  await api.close();
});

async function connected(token: string, scopes = SCOPES) {
  tokens.add(token, { userId: token, email: "seller@example.com", scopes });
  const db = await getDb();
  const user = await createUser(db);
  const stored = await storeConnection(db, user.id, {
    provider: "outreach",
    scopes,
    accessToken: token,
    refreshToken: null,
    accessTokenExpiresAt: new Date(Date.now() + 2 * 3_600_000),
    externalAccountId: "seller@example.com",
  });
  await db.integrationConnection.update({ where: { id: stored.id }, data: { nextSyncAt: new Date() } });
  return { db, id: stored.id };
}

describe("Outreach on the sync engine", () => {
  it("syncs in full to caught-up, then polls incrementally from the stored cursor", async () => {
    const { db, id } = await connected("engine-token");
    const first = await runSync(db, id, { applyChanges: applyChangesStandIn });
    expect(first.outcome).toBe("caught_up");
    expect(first.steps).toBeGreaterThan(6);
    let row = await db.integrationConnection.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("active");
    expect(row.firstSyncCompletedAt).not.toBeNull();
    expect(row.cursor).toMatchObject({ version: 1, phase: "incremental", index: 0, next: null });

    const before = api.fake.requests.length;
    const second = await runSync(db, id, {
      applyChanges: applyChangesStandIn,
      now: () => new Date(Date.now() + 10 * 60_000),
    });
    expect(second.outcome).toBe("caught_up");
    const listings = api.fake.requests.slice(before).filter((r) => r.path === "/accounts");
    expect(listings.every((r) => new Map(r.query).get("filter[updatedAt]")?.endsWith("..inf"))).toBe(true);
    row = await db.integrationConnection.findUniqueOrThrow({ where: { id } });
    expect(row.stage).toBe("idle");
  });

  it("waits out a 429 until Outreach's reset instead of failing", async () => {
    const { db, id } = await connected("limited-token");
    api.fake.spendAllowance("limited-token", 10_000);
    const started = Date.now();
    const result = await runSync(db, id, { applyChanges: applyChangesStandIn });
    expect(result.outcome).toBe("retry_scheduled");
    // The fake's hour started with this user's first request: the retry is due no sooner than its end.
    expect(result.nextSyncAt!.getTime()).toBeGreaterThanOrEqual(started + 3_600_000 - 5_000);
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id } });
    expect(row.lastErrorKind).toBe("rate_limited");
  });

  it("asks the user to reconnect when the token lacks a scope the sync reads", async () => {
    const { db, id } = await connected(
      "narrow-token",
      SCOPES.filter((s) => s !== "prospects.read"),
    );
    const result = await runSync(db, id, { applyChanges: applyChangesStandIn });
    expect(result.outcome).toBe("needs_reauth");
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id } });
    expect(row.lastSyncError).toMatch(/Reconnect Outreach/);
  });
});

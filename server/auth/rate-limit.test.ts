import { describe, expect, it } from "vitest";
import { getDb } from "../db/client";
import { consumeRateLimit, consumeRateLimits, sweepRateLimits } from "./rate-limit";

const rule = { name: "test", limit: 3, windowMs: 60_000 };
const t0 = new Date("2026-11-01T10:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("rate limits", () => {
  it("allows `limit` attempts per window, then refuses until the window ends", async () => {
    const db = await getDb();
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await consumeRateLimit(db, rule, "10.0.0.1", at(i * 1000)));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(results[3]!.retryAfterSeconds).toBe(57);
    expect((await consumeRateLimit(db, rule, "10.0.0.1", at(60_000))).allowed).toBe(true);
    // Another subject has its own window.
    expect((await consumeRateLimit(db, rule, "10.0.0.2", at(1000))).allowed).toBe(true);
  });

  it("keeps only hashes: no IP or email in the table", async () => {
    const db = await getDb();
    await consumeRateLimit(db, rule, "someone@example.test", t0);
    const rows = await db.rateLimitBucket.findMany();
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.key))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain("someone@example.test");
  });

  it("with several rules, the first exceeded decides and every rule counts the attempt", async () => {
    const db = await getDb();
    const perIp = { name: "ip", limit: 100, windowMs: 60_000 };
    const perAccount = { name: "account", limit: 1, windowMs: 60_000 };
    expect(
      (
        await consumeRateLimits(
          db,
          [
            [perIp, "1.1.1.1"],
            [perAccount, "a@x.test"],
          ],
          t0,
        )
      ).allowed,
    ).toBe(true);
    expect(
      (
        await consumeRateLimits(
          db,
          [
            [perIp, "1.1.1.1"],
            [perAccount, "a@x.test"],
          ],
          t0,
        )
      ).allowed,
    ).toBe(false);
    expect((await consumeRateLimit(db, perIp, "1.1.1.1", t0)).remaining).toBe(97);
  });

  it("sweeps windows that ended long ago", async () => {
    const db = await getDb();
    await consumeRateLimit(db, { name: "old", limit: 1, windowMs: 1000 }, "x", new Date("2020-01-01T00:00:00Z"));
    expect(await sweepRateLimits(db, t0)).toBeGreaterThanOrEqual(1);
  });
});

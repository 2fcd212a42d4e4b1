import { describe, expect, it } from "vitest";
import { getDb } from "../db/client";
import {
  clearBackoff,
  consumeBackoff,
  consumeRateLimit,
  consumeRateLimits,
  sweepRateLimits,
  tooManyAttemptsMessage,
  type BackoffRule,
} from "./rate-limit";

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

  it("says how long to wait in words: seconds, a minute, minutes", () => {
    expect(tooManyAttemptsMessage(1)).toBe("Too many attempts. For your security, wait 1 second and try again.");
    expect(tooManyAttemptsMessage(4)).toMatch(/wait 4 seconds/);
    expect(tooManyAttemptsMessage(60)).toMatch(/wait a minute/);
    expect(tooManyAttemptsMessage(61)).toMatch(/wait 2 minutes/);
  });
});

describe("backoff", () => {
  const backoff: BackoffRule = {
    name: "test-backoff",
    freeFailures: 3,
    firstDelayMs: 1000,
    maxDelayMs: 8000,
    forgetAfterMs: 3_600_000,
  };
  it("doubles the wait after the free failures, up to the cap; refused attempts are not counted", async () => {
    const db = await getDb();
    const times = [0, 1, 2].map(at);
    for (const time of times) expect((await consumeBackoff(db, backoff, "s", time)).allowed).toBe(true);
    // The third failure (freeFailures) leaves a 1 s wait; refusals inside it change nothing.
    for (let i = 0; i < 5; i += 1)
      expect(await consumeBackoff(db, backoff, "s", at(500))).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    const waits: number[] = [];
    let now = 2 + 1000;
    for (let i = 0; i < 6; i += 1) {
      expect((await consumeBackoff(db, backoff, "s", at(now))).allowed).toBe(true);
      const refused = await consumeBackoff(db, backoff, "s", at(now + 1));
      waits.push(refused.retryAfterSeconds);
      now += refused.retryAfterSeconds * 1000;
    }
    expect(waits).toEqual([2, 4, 8, 8, 8, 8]);
  });

  it("forgets after a quiet period, and when cleared", async () => {
    const db = await getDb();
    for (let i = 0; i < 3; i += 1) await consumeBackoff(db, backoff, "q", at(i));
    expect((await consumeBackoff(db, backoff, "q", at(10))).allowed).toBe(false);
    expect((await consumeBackoff(db, backoff, "q", at(3_600_000 + 10))).remaining).toBe(2);
    for (let i = 0; i < 3; i += 1) await consumeBackoff(db, backoff, "c", at(i));
    await clearBackoff(db, backoff, "c");
    expect((await consumeBackoff(db, backoff, "c", at(10))).allowed).toBe(true);
  });

  it("admits one of many parallel attempts once the free failures are used up", async () => {
    const db = await getDb();
    for (let i = 0; i < 2; i += 1) await consumeBackoff(db, backoff, "p", at(i));
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeBackoff(db, backoff, "p", at(10))));
    expect(results.filter((r) => r.allowed)).toHaveLength(1);
  });
});

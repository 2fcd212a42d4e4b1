import { describe, expect, it } from "vitest";
import { getDb } from "../db/client";
import {
  forgetRateLimitsOf,
  isKnownClient,
  KNOWN_CLIENT_TTL_MS,
  rateLimits,
  rememberKnownClient,
  sweepRateLimits,
} from "./rate-limit";
import { admitSignInAttempt, signInSucceeded, type SignInClient } from "./sign-in-throttle";

const t0 = new Date("2026-12-01T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const DAY = 86_400_000;
const client = (ip: string): SignInClient => ({ ip });

/** Unknown clients from fresh addresses use up the account's ceiling at `now`. */
async function fillCeiling(email: string, prefix: string, now: Date) {
  const db = await getDb();
  for (let i = 0; i < rateLimits.signInPerAccount.limit; i += 1) {
    expect((await admitSignInAttempt(db, email, client(`${prefix}.${i}`), now)).allowed).toBe(true);
  }
  expect((await admitSignInAttempt(db, email, client(`${prefix}.200`), now)).allowed).toBe(false);
}

describe("sign-in throttle", () => {
  it("slows one client of one account exponentially: 5 tries, then 1 s, 2 s, 4 s", async () => {
    const db = await getDb();
    const email = "slow@example.test";
    const ip = client("203.0.113.1");
    for (let i = 0; i < 5; i += 1) expect((await admitSignInAttempt(db, email, ip, at(i))).allowed).toBe(true);
    // After the fifth failure: one second.
    const early = await admitSignInAttempt(db, email, ip, at(500));
    expect(early).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect((await admitSignInAttempt(db, email, ip, at(1_004))).allowed).toBe(true);
    // After the sixth: two seconds; after the seventh: four.
    expect(await admitSignInAttempt(db, email, ip, at(2_000))).toMatchObject({ allowed: false, retryAfterSeconds: 2 });
    expect((await admitSignInAttempt(db, email, ip, at(3_004))).allowed).toBe(true);
    expect(await admitSignInAttempt(db, email, ip, at(3_005))).toMatchObject({ allowed: false, retryAfterSeconds: 4 });
    // Another address is a different client: not slowed by these failures.
    expect((await admitSignInAttempt(db, email, client("203.0.113.2"), at(3_006))).allowed).toBe(true);
  });

  it("forgets a client's failures when it signs in, and knows it from then on", async () => {
    const db = await getDb();
    const email = "forgets@example.test";
    const ip = client("203.0.113.9");
    let last = await admitSignInAttempt(db, email, ip, t0);
    for (let i = 1; i < 5; i += 1) last = await admitSignInAttempt(db, email, ip, at(i));
    expect(await isKnownClient(db, email, ip.ip, at(5))).toBe(false);
    await signInSucceeded(db, last, at(5));
    expect(await isKnownClient(db, email, ip.ip, at(6))).toBe(true);
    for (let i = 0; i < 4; i += 1) expect((await admitSignInAttempt(db, email, ip, at(10 + i))).allowed).toBe(true);
  });

  it("a client that never signed in to this account is held by the account's ceiling — its known client is not", async () => {
    const db = await getDb();
    const email = "owner@example.test";
    await rememberKnownClient(db, email, "192.0.2.7", t0);
    await fillCeiling(email, "198.51.100", at(1));
    // A new address, right password or not, waits for the ceiling ...
    expect((await admitSignInAttempt(db, email, client("192.0.2.8"), at(100))).allowed).toBe(false);
    // ... the owner's known address is judged by its own attempts alone.
    expect((await admitSignInAttempt(db, email, client("192.0.2.7"), at(200))).allowed).toBe(true);
  });

  it("a known client is exempt from the per-IP window too, but slowed by its own failures", async () => {
    const db = await getDb();
    const email = "clumsy@example.test";
    const ip = "192.0.2.1";
    await rememberKnownClient(db, email, ip, t0);
    // The address tried many other accounts (an office NAT): the per-IP window is full.
    for (let i = 0; i <= rateLimits.signInPerIp.limit; i += 1)
      await admitSignInAttempt(db, `other${i}@example.test`, client(ip), at(i));
    expect((await admitSignInAttempt(db, "another@example.test", client(ip), at(40))).allowed).toBe(false);
    for (let i = 0; i < 5; i += 1)
      expect((await admitSignInAttempt(db, email, client(ip), at(50 + i))).allowed).toBe(true);
    expect((await admitSignInAttempt(db, email, client(ip), at(60))).allowed).toBe(false);
  });

  it("an address known to one account does not exempt it for another", async () => {
    const db = await getDb();
    const ip = "192.0.2.44";
    await rememberKnownClient(db, "attacker@example.test", ip, t0);
    expect(await isKnownClient(db, "victim@example.test", ip, at(1))).toBe(false);
    await fillCeiling("victim@example.test", "10.44.0", at(2));
    expect((await admitSignInAttempt(db, "victim@example.test", client(ip), at(3))).allowed).toBe(false);
    expect((await admitSignInAttempt(db, "attacker@example.test", client(ip), at(4))).allowed).toBe(true);
  });

  it("a client stays known for 180 days after its last success, each success renewing it", async () => {
    const db = await getDb();
    const email = "traveller@example.test";
    const ip = "192.0.2.90";
    expect(KNOWN_CLIENT_TTL_MS).toBe(180 * DAY);
    await rememberKnownClient(db, email, ip, t0);
    expect(await isKnownClient(db, email, ip, at(179 * DAY))).toBe(true);
    expect(await isKnownClient(db, email, ip, at(181 * DAY))).toBe(false);
    // Expired: held by the ceiling like any stranger.
    await fillCeiling(email, "10.90.0", at(181 * DAY));
    expect((await admitSignInAttempt(db, email, client(ip), at(181 * DAY + 1))).allowed).toBe(false);
    // A success on day 100 carries it to day 280.
    await rememberKnownClient(db, email, ip, at(100 * DAY));
    expect(await isKnownClient(db, email, ip, at(279 * DAY))).toBe(true);
    expect(await isKnownClient(db, email, ip, at(281 * DAY))).toBe(false);
  });

  it("keeps known clients as hashes only, swept after expiry and forgotten with the account", async () => {
    const db = await getDb();
    const email = "hashed@example.test";
    await db.rateLimitBucket.deleteMany();
    await rememberKnownClient(db, email, "198.51.100.123", t0);
    await rememberKnownClient(db, "Other@Example.test", "198.51.100.123", t0);
    const rows = await db.rateLimitBucket.findMany();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.key).toMatch(/^[0-9a-f]{64}:[0-9a-f]{64}$/);
      expect(row.resetAt).toEqual(at(180 * DAY));
    }
    const dump = JSON.stringify(rows).toLowerCase();
    for (const clear of ["198.51.100.123", "hashed@example.test", "other@example.test", "hashed", "other@"])
      expect(dump).not.toContain(clear);
    // Deleting an account forgets its known clients (P11), not those of others.
    await forgetRateLimitsOf(db, ["some-user-id", email]);
    expect(await isKnownClient(db, email, "198.51.100.123", at(1))).toBe(false);
    expect(await isKnownClient(db, "other@example.test", "198.51.100.123", at(1))).toBe(true);
    // The sweep removes expired ones (a day after expiry, like ended windows).
    expect(await sweepRateLimits(db, at(179 * DAY))).toBe(0);
    expect(await sweepRateLimits(db, at(182 * DAY))).toBe(1);
    expect(await db.rateLimitBucket.count()).toBe(0);
  });
});

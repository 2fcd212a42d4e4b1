import { describe, expect, it } from "vitest";
import { getDb } from "../db/client";
import { knownDeviceCookie } from "./known-device";
import { rateLimits } from "./rate-limit";
import { admitSignInAttempt, signInSucceeded, type SignInClient } from "./sign-in-throttle";

const t0 = new Date("2026-12-01T09:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const unknownClient = (ip: string): SignInClient => ({ ip, deviceCookie: null });

async function deviceOf(email: string, now = t0): Promise<string> {
  const header = await knownDeviceCookie(await getDb(), email, { secure: false, now });
  return header.split(";")[0]!.slice("si_device=".length);
}

describe("sign-in throttle", () => {
  it("slows one client of one account exponentially: 5 tries, then 1 s, 2 s, 4 s", async () => {
    const db = await getDb();
    const email = "slow@example.test";
    const client = unknownClient("203.0.113.1");
    for (let i = 0; i < 5; i += 1) expect((await admitSignInAttempt(db, email, client, at(i))).allowed).toBe(true);
    // After the fifth failure: one second.
    const early = await admitSignInAttempt(db, email, client, at(500));
    expect(early).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect((await admitSignInAttempt(db, email, client, at(1_004))).allowed).toBe(true);
    // After the sixth: two seconds; after the seventh: four.
    expect(await admitSignInAttempt(db, email, client, at(2_000))).toMatchObject({
      allowed: false,
      retryAfterSeconds: 2,
    });
    expect((await admitSignInAttempt(db, email, client, at(3_004))).allowed).toBe(true);
    expect(await admitSignInAttempt(db, email, client, at(3_005))).toMatchObject({
      allowed: false,
      retryAfterSeconds: 4,
    });
    // Another address is a different client: not slowed by these failures.
    expect((await admitSignInAttempt(db, email, unknownClient("203.0.113.2"), at(3_006))).allowed).toBe(true);
  });

  it("forgets a client's failures when it signs in", async () => {
    const db = await getDb();
    const email = "forgets@example.test";
    const client = unknownClient("203.0.113.9");
    let last = await admitSignInAttempt(db, email, client, t0);
    for (let i = 1; i < 5; i += 1) last = await admitSignInAttempt(db, email, client, at(i));
    await signInSucceeded(db, last);
    for (let i = 0; i < 4; i += 1) expect((await admitSignInAttempt(db, email, client, at(10 + i))).allowed).toBe(true);
  });

  it("stops unknown clients from many addresses at the account's ceiling — never its known device", async () => {
    const db = await getDb();
    const email = "owner@example.test";
    const device = await deviceOf(email);
    for (let i = 0; i < rateLimits.signInPerAccount.limit; i += 1) {
      expect((await admitSignInAttempt(db, email, unknownClient(`198.51.100.${i}`), at(i))).allowed).toBe(true);
    }
    expect((await admitSignInAttempt(db, email, unknownClient("198.51.100.200"), at(100))).allowed).toBe(false);
    // The owner's browser, even from an address the attacker used, is judged by its own attempts.
    expect((await admitSignInAttempt(db, email, { ip: "198.51.100.0", deviceCookie: device }, at(200))).allowed).toBe(
      true,
    );
  });

  it("a known device is slowed by its own failures, like any client", async () => {
    const db = await getDb();
    const email = "clumsy@example.test";
    const client = { ip: "192.0.2.1", deviceCookie: await deviceOf(email) };
    for (let i = 0; i < 5; i += 1) expect((await admitSignInAttempt(db, email, client, at(i))).allowed).toBe(true);
    expect((await admitSignInAttempt(db, email, client, at(10))).allowed).toBe(false);
  });

  it("trusts no cookie of another account, a forged or tampered one, or one older than half a year", async () => {
    const db = await getDb();
    const email = "target@example.test";
    const genuine = await deviceOf(email);
    const [nonce, issued] = genuine.split(".");
    const untrusted = [
      await deviceOf("someone-else@example.test"),
      `${nonce}.${issued}.${"A".repeat(43)}`,
      `${nonce}x.${issued}.${genuine.split(".")[2]}`,
      await deviceOf(email, new Date(t0.getTime() - 181 * 86_400_000)),
      "not-a-cookie",
    ];
    for (const [i, deviceCookie] of untrusted.entries()) {
      // Each fills the account's ceiling from a fresh address, then is refused with it.
      await db.rateLimitBucket.deleteMany();
      for (let j = 0; j < rateLimits.signInPerAccount.limit; j += 1)
        await admitSignInAttempt(db, email, unknownClient(`10.${i}.0.${j}`), at(j));
      expect(
        (await admitSignInAttempt(db, email, { ip: "10.99.0.1", deviceCookie }, at(50))).allowed,
        deviceCookie,
      ).toBe(false);
    }
    expect((await admitSignInAttempt(db, email, { ip: "10.99.0.1", deviceCookie: genuine }, at(60))).allowed).toBe(
      true,
    );
  });
});

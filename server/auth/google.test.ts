import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGoogle } from "../../tests/fakes/google-oauth";
import { signIn } from "../../tests/helpers/users";
import { getDb } from "../db/client";
import { hashPassword } from "./password";
import { beginGoogleSignIn, completeGoogleSignIn, OAUTH_STATE_COOKIE, type GoogleConfig } from "./google";
import { validateSessionToken } from "./session";

const APP_URL = "http://app.test";
let google: Awaited<ReturnType<typeof startFakeGoogle>>;
let config: GoogleConfig;

beforeAll(async () => {
  google = await startFakeGoogle({
    clientId: "client-1",
    clientSecret: "secret-1",
    redirectUris: [`${APP_URL}/auth/google/callback`],
    accounts: [
      { sub: "sub-ana", email: "Ana@Example.test", name: "Ana Ruiz" },
      { sub: "sub-ben", email: "ben@example.test", name: "Ben Okafor" },
      { sub: "sub-unverified", email: "cy@example.test", name: "Cy", emailVerified: false },
    ],
  });
  config = google.config;
});
afterAll(async () => {
  await google.close();
});

/** Starts a sign-in, lets the fake Google's user pick `account`, and returns the callback's inputs. */
async function authorize(account: string, options: { redirectTo?: string } = {}) {
  const start = beginGoogleSignIn(config, { appUrl: APP_URL, secure: false, redirectTo: options.redirectTo ?? null });
  const url = new URL(start.url);
  const chooser = await fetch(url);
  expect(chooser.status).toBe(200);
  const callback = await google.choose(start.url, account);
  const cookieHeader = start.cookie.split(";")[0]!;
  return { start, url, query: callback.searchParams, cookieHeader };
}

describe("Sign in with Google", () => {
  it("redirects with state, PKCE (S256) and only the sign-in scopes, and sets a short-lived HttpOnly state cookie (P13)", () => {
    const { url, cookie } = beginGoogleSignIn(config, { appUrl: APP_URL, secure: true, redirectTo: "/accounts" });
    const target = new URL(url);
    expect(target.origin + target.pathname).toBe(google.endpoints.authorization);
    expect(target.searchParams.get("client_id")).toBe("client-1");
    expect(target.searchParams.get("redirect_uri")).toBe(`${APP_URL}/auth/google/callback`);
    expect(target.searchParams.get("scope")).toBe("openid email profile");
    expect(target.searchParams.get("code_challenge_method")).toBe("S256");
    expect(target.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(target.searchParams.get("state")!.length).toBeGreaterThanOrEqual(32);
    expect(cookie).toMatch(
      new RegExp(
        `^${OAUTH_STATE_COOKIE}=[A-Za-z0-9_-]+; Path=/auth/google; HttpOnly; SameSite=Lax; Max-Age=600; Secure$`,
      ),
    );
  });

  it("P1: creates the user keyed on Google's sub, and signs the same person in again by sub", async () => {
    const db = await getDb();
    const first = await authorize("sub-ana", { redirectTo: "/accounts?x=1" });
    const result = await completeGoogleSignIn(db, config, { appUrl: APP_URL, ...first });
    expect(result).toMatchObject({ ok: true, outcome: "created", redirectTo: "/accounts?x=1" });
    if (!result.ok) return;
    const user = await db.user.findUniqueOrThrow({ where: { id: result.userId }, include: { identities: true } });
    expect(user.email).toBe("ana@example.test");
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(user.identities).toEqual([expect.objectContaining({ provider: "google", providerAccountId: "sub-ana" })]);
    expect(google.fake.tokenRequests.at(-1)).toMatchObject({ clientAuth: "basic", hadVerifier: true, outcome: "ok" });

    const again = await completeGoogleSignIn(db, config, { appUrl: APP_URL, ...(await authorize("sub-ana")) });
    expect(again).toMatchObject({ ok: true, outcome: "signed_in", userId: result.userId });
    expect(await db.user.count({ where: { email: "ana@example.test" } })).toBe(1);
  });

  it("links to an existing email-password user with the same verified email instead of duplicating", async () => {
    const db = await getDb();
    const existing = await db.user.create({
      data: { email: "ben@example.test", name: "Ben", passwordHash: await hashPassword("an old password 1") },
    });
    const session = await signIn(db, existing.id);
    const result = await completeGoogleSignIn(db, config, { appUrl: APP_URL, ...(await authorize("sub-ben")) });
    expect(result).toMatchObject({ ok: true, outcome: "linked", userId: existing.id });
    expect(await db.user.count({ where: { email: "ben@example.test" } })).toBe(1);
    const linked = await db.user.findUniqueOrThrow({ where: { id: existing.id }, include: { identities: true } });
    expect(linked.identities.map((i) => i.providerAccountId)).toEqual(["sub-ben"]);
    // The address was never proven before: whoever set that password loses it and every session.
    expect(linked.passwordHash).toBeNull();
    expect(linked.emailVerifiedAt).not.toBeNull();
    expect(await validateSessionToken(db, session.token)).toBeNull();
  });

  it("refuses an account whose email Google has not verified", async () => {
    const db = await getDb();
    const result = await completeGoogleSignIn(db, config, { appUrl: APP_URL, ...(await authorize("sub-unverified")) });
    expect(result).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/not verified/) });
    expect(await db.user.count({ where: { email: "cy@example.test" } })).toBe(0);
  });

  it("refuses a missing, mismatched or expired state with a clear 400 and creates nothing", async () => {
    const db = await getDb();
    const users = await db.user.count();
    const flow = await authorize("sub-ana");
    const missing = await completeGoogleSignIn(db, config, { appUrl: APP_URL, query: flow.query, cookieHeader: null });
    expect(missing).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringMatching(/expired or was already used/),
    });

    const other = await authorize("sub-ana");
    const mismatched = await completeGoogleSignIn(db, config, {
      appUrl: APP_URL,
      query: flow.query,
      cookieHeader: other.cookieHeader,
    });
    expect(mismatched).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/does not match/) });

    const late = await completeGoogleSignIn(db, config, {
      appUrl: APP_URL,
      ...flow,
      now: new Date(Date.now() + 11 * 60_000),
    });
    expect(late).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/expired/) });
    expect(await db.user.count()).toBe(users);
  });

  it("refuses a reused callback: the code works once", async () => {
    const db = await getDb();
    const flow = await authorize("sub-ana");
    expect((await completeGoogleSignIn(db, config, { appUrl: APP_URL, ...flow })).ok).toBe(true);
    const replay = await completeGoogleSignIn(db, config, { appUrl: APP_URL, ...flow });
    expect(replay).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/used already/) });
    expect(google.fake.tokenRequests.at(-1)?.outcome).toBe("invalid_grant");
  });

  it("fails PKCE when the verifier does not match the challenge, and signs nobody in", async () => {
    const db = await getDb();
    const flow = await authorize("sub-ben");
    const saved = JSON.parse(Buffer.from(flow.cookieHeader.split("=")[1]!, "base64url").toString()) as {
      verifier: string;
    };
    saved.verifier = "x".repeat(43);
    const tampered = `${OAUTH_STATE_COOKIE}=${Buffer.from(JSON.stringify(saved)).toString("base64url")}`;
    const result = await completeGoogleSignIn(db, config, {
      appUrl: APP_URL,
      query: flow.query,
      cookieHeader: tampered,
    });
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(google.fake.tokenRequests.at(-1)?.outcome).toBe("invalid_grant");
  });

  it("rejects an ID token for another audience, from another issuer, or signed with an unknown key", async () => {
    const db = await getDb();
    for (const tamper of [
      () => (google.fake.nextIdTokenOverrides = { aud: "someone-else" }),
      () => (google.fake.nextIdTokenOverrides = { iss: "https://evil.example" }),
      () => (google.fake.nextIdTokenOverrides = { exp: Math.floor(Date.now() / 1000) - 3600 }),
      () => (google.fake.signNextWithUnknownKey = true),
    ]) {
      const flow = await authorize("sub-ana");
      tamper();
      const result = await completeGoogleSignIn(db, config, { appUrl: APP_URL, ...flow });
      expect(result).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/could not be verified/) });
    }
  });

  it("says so when the user cancels at Google", async () => {
    const db = await getDb();
    const flow = await authorize("denied");
    expect(flow.query.get("error")).toBe("access_denied");
    expect(await completeGoogleSignIn(db, config, { appUrl: APP_URL, ...flow })).toMatchObject({
      ok: false,
      message: "You cancelled signing in with Google.",
    });
  });
});

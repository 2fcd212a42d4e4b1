// Connecting Gmail and Google Calendar, over real HTTP: the Express app serving the real routes
// (/auth/google/connect, /auth/google/callback, /settings/connections) with its same-origin check,
// session, request log and Remix, against a Google consent server on a loopback port that speaks
// the OAuth wire protocol (authorization code + PKCE S256, client authentication, single-use codes,
// granular consent, include_granted_scopes).
//
// The consent server is written here, not taken from tests/fakes/google-oauth: that fake (sign-in)
// insists on `openid` and issues no refresh token on this branch; the engine's branch extends it for
// connecting, and these tests can move onto it then.
import { createHash, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { completeGoogleConnect, OAUTH_STATE_COOKIE, type GoogleConfig } from "../../server/auth/google";
import { getDatabase, getDb } from "../../server/db/client";
import { resetEnvCache } from "../../server/env";
import { QUEUES, setJobs, startJobs, type Jobs } from "../../server/jobs/jobs";
import { ProviderAuthError } from "../../server/integrations/errors";
import { PROVIDERS } from "../../server/integrations/providers";
import { setSyncProvider } from "../../server/integrations/registry";
import type { SyncProvider } from "../../server/integrations/types";
import { decryptToken } from "../../server/integrations/token-crypto";
import { createLogger, setLogger } from "../../server/logger";
import { startRemixTestServer, type RenderedPage } from "../../tests/helpers/remix-server";
import { createUser, signIn } from "../../tests/helpers/users";

const APP_URL = "http://app.test";
const CLIENT = { id: "connect-client.apps.example", secret: "connect-client-secret" };
const scopesOf = (id: string) => PROVIDERS.find((p) => p.id === id)!.scopes;
const GMAIL = scopesOf("gmail");
const CALENDAR = scopesOf("gcal");
/** What an earlier "Continue with Google" granted this client; include_granted_scopes names it again. */
const SIGN_IN_GRANT = ["openid", "https://www.googleapis.com/auth/userinfo.email"];

type IssuedCode = { challenge: string; redirectUri: string; scope: string; used: boolean };

/** Google's consent flow, as far as connecting needs it. */
async function startConsentServer() {
  const codes = new Map<string, IssuedCode>();
  const fake = {
    url: "",
    /** The query of every authorization request the browser brought. */
    authorizations: [] as URLSearchParams[],
    tokenRequests: 0,
    issued: [] as { code: string; accessToken: string; refreshToken: string }[],
    /** What the user granted this client before: include_granted_scopes adds it to the answer. */
    alreadyGranted: [] as string[],
    omitRefreshToken: false,
    close: async () => {},
  };
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.get("/authorize", (req, res) => {
    fake.authorizations.push(new URL(req.originalUrl, "http://consent").searchParams);
    res.type("text/html").send("<h1>Sales-as-Code wants to read your Gmail</h1>");
  });
  // The person's choice on the consent screen: the boxes left ticked, or Cancel.
  app.post("/consent", (req, res) => {
    const params = req.body as Record<string, string>;
    const back = new URL(params.redirect_uri!);
    back.searchParams.set("state", params.state!);
    if (params.grant === "denied") {
      back.searchParams.set("error", "access_denied");
      return void res.redirect(302, back.toString());
    }
    const ticked = (params.grant ?? "").split(" ").filter(Boolean);
    const earlier = params.include_granted_scopes === "true" ? fake.alreadyGranted : [];
    const scope = [...new Set([...earlier, ...ticked])].join(" ");
    const code = `4/${randomBytes(18).toString("base64url")}`;
    codes.set(code, { challenge: params.code_challenge!, redirectUri: params.redirect_uri!, scope, used: false });
    back.searchParams.set("code", code);
    back.searchParams.set("scope", scope);
    res.redirect(302, back.toString());
  });
  app.post("/token", (req, res) => {
    fake.tokenRequests += 1;
    const body = req.body as Record<string, string>;
    const basic = Buffer.from((req.get("authorization") ?? "").replace(/^Basic /, ""), "base64").toString("utf8");
    if (basic !== `${encodeURIComponent(CLIENT.id)}:${encodeURIComponent(CLIENT.secret)}`)
      return void res.status(401).json({ error: "invalid_client" });
    const issued = codes.get(body.code ?? "");
    if (body.grant_type !== "authorization_code" || !issued || issued.used)
      return void res.status(400).json({ error: "invalid_grant", error_description: "Malformed auth code." });
    issued.used = true;
    const challenge = createHash("sha256")
      .update(body.code_verifier ?? "")
      .digest("base64url");
    if (body.redirect_uri !== issued.redirectUri || challenge !== issued.challenge)
      return void res.status(400).json({ error: "invalid_grant", error_description: "Invalid code verifier." });
    const accessToken = `ya29.connect-${randomBytes(16).toString("hex")}`;
    const refreshToken = `1//connect-${randomBytes(16).toString("hex")}`;
    fake.issued.push({ code: body.code!, accessToken, refreshToken });
    res.json({
      access_token: accessToken,
      expires_in: 3599,
      token_type: "Bearer",
      scope: issued.scope,
      ...(fake.omitRefreshToken ? {} : { refresh_token: refreshToken }),
    });
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

let consent: Awaited<ReturnType<typeof startConsentServer>>;
let app: Awaited<ReturnType<typeof startRemixTestServer>>;
let jobs: Jobs;
const logLines: string[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  consent = await startConsentServer();
  const variables = {
    APP_URL,
    GOOGLE_CLIENT_ID: CLIENT.id,
    GOOGLE_CLIENT_SECRET: CLIENT.secret,
    GOOGLE_AUTHORIZATION_ENDPOINT: `${consent.url}/authorize`,
    GOOGLE_TOKEN_ENDPOINT: `${consent.url}/token`,
    FAKE_GOOGLE: "false",
  };
  // The route modules read the process's environment; the Express app gets the same variables.
  Object.assign(process.env, variables);
  resetEnvCache();
  app = await startRemixTestServer({
    routes: {
      "auth/google/connect": "auth.google.connect.tsx",
      "auth/google/callback": "auth.google.callback.tsx",
      "settings/connections": "settings.connections.tsx",
    },
    env: variables,
  });
  // Every line the server writes, at every level (P5 reads them).
  setLogger(
    createLogger({
      level: "trace",
      destination: new Writable({
        write(chunk, _encoding, callback) {
          logLines.push(...String(chunk).trim().split("\n"));
          callback();
        },
      }),
    }),
  );
  // The job system without workers: a queued first sync stays in pg-boss's table for the test to read.
  jobs = await startJobs(await getDatabase(), {}, { schedule: false });
  setJobs(jobs);
});
afterAll(async () => {
  setJobs(null);
  await jobs.stop();
  await app.close();
  await consent.close();
  setLogger(createLogger({ level: "silent" }));
  process.env = savedEnv;
  resetEnvCache();
});
beforeEach(() => {
  consent.alreadyGranted = [];
  consent.omitRefreshToken = false;
});

async function signedInSeller() {
  const db = await getDb();
  const user = await createUser(db);
  const { cookie } = await signIn(db, user.id);
  return { db, user, sessionCookie: cookie };
}

/** Settings → Connections → Connect <tool>: the form post, and where it sends the browser. */
async function pressConnect(sessionCookie: string | null, provider = "gmail") {
  const response = await fetch(`${app.url}/auth/google/connect`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "Sec-Fetch-Site": "same-origin",
      ...(sessionCookie ? { Cookie: sessionCookie } : {}),
    },
    body: new URLSearchParams({ provider }),
    redirect: "manual",
  });
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${OAUTH_STATE_COOKIE}=`)) ?? null;
  return {
    response,
    location: response.headers.get("location"),
    setCookie,
    stateCookie: setCookie?.split(";")[0] ?? null,
  };
}

/** The browser at Google: loads the consent screen, then ticks `grant` (or cancels). Returns where Google sends it back. */
async function atGoogle(location: string, grant: string[] | "denied"): Promise<URL> {
  expect((await fetch(location)).status).toBe(200);
  const form = new URLSearchParams(new URL(location).searchParams);
  form.set("grant", grant === "denied" ? "denied" : grant.join(" "));
  const answer = await fetch(`${consent.url}/consent`, { method: "POST", body: form, redirect: "manual" });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location")!);
}

/** Back at our callback with whatever cookies the browser has. */
async function callback(back: URL, cookies: (string | null)[]) {
  expect(back.origin).toBe(APP_URL);
  const response = await fetch(`${app.url}${back.pathname}${back.search}`, {
    headers: { Cookie: cookies.filter(Boolean).join("; ") },
    redirect: "manual",
  });
  const page = response.status === 302 ? null : ((await response.json()) as RenderedPage);
  const shown = (page?.loaderData as Record<string, unknown> | undefined)?.["routes/auth.google.callback"] as
    { title: string; message: string; back: { to: string } } | undefined;
  return { response, shown };
}

async function queuedPolls(connectionId: string): Promise<{ singleton_key: string | null }[]> {
  const { sql } = await getDatabase();
  return sql.query<{ singleton_key: string | null }>(
    `SELECT singleton_key FROM pgboss.job WHERE name = $1 AND data->>'connectionId' = $2`,
    [QUEUES.pollConnection, connectionId],
  );
}

describe("Connect Gmail / Google Calendar: the authorization request (P3, P13)", () => {
  it("P3: asks for exactly the tool's listed scopes, offline access with fresh consent, include_granted_scopes and PKCE S256 — and no login_hint", async () => {
    const { sessionCookie } = await signedInSeller();
    for (const [provider, scopes] of [
      ["gmail", GMAIL],
      ["gcal", CALENDAR],
    ] as const) {
      const { response, location } = await pressConnect(sessionCookie, provider);
      expect(response.status).toBe(302);
      const url = new URL(location!);
      expect(`${url.origin}${url.pathname}`).toBe(`${consent.url}/authorize`);
      const params = url.searchParams;
      expect(params.get("scope")!.split(" ")).toEqual(scopes);
      expect(params.get("response_type")).toBe("code");
      expect(params.get("client_id")).toBe(CLIENT.id);
      // One redirect URI for sign-in and connecting: the only one a Google client needs registered.
      expect(params.get("redirect_uri")).toBe(`${APP_URL}/auth/google/callback`);
      expect(params.get("access_type")).toBe("offline");
      expect(params.get("prompt")).toBe("consent");
      expect(params.get("include_granted_scopes")).toBe("true");
      expect(params.get("code_challenge_method")).toBe("S256");
      expect(params.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(params.get("state")!.length).toBeGreaterThanOrEqual(32);
      // The mailbox's Google account need not be the one the seller signs in with.
      expect(params.has("login_hint")).toBe(false);
    }
  });

  it("P13: the state goes into the short-lived HttpOnly state cookie, never in a page", async () => {
    const { sessionCookie } = await signedInSeller();
    const { setCookie, response } = await pressConnect(sessionCookie);
    expect(setCookie).toMatch(
      new RegExp(`^${OAUTH_STATE_COOKIE}=[A-Za-z0-9_-]+; Path=/auth/google; HttpOnly; SameSite=Lax; Max-Age=600$`),
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("needs a signed-in user, a known tool and a POST", async () => {
    const signedOut = await pressConnect(null);
    expect(signedOut.response.status).toBe(302);
    expect(signedOut.location).toMatch(/^\/login\?redirectTo=/);
    expect(signedOut.setCookie).toBeNull();

    const { sessionCookie } = await signedInSeller();
    for (const provider of ["salesforce", "dropbox", "__proto__"]) {
      const unknown = await pressConnect(sessionCookie, provider);
      expect(unknown.response.status).toBe(400);
      expect(unknown.setCookie).toBeNull();
    }

    const get = await fetch(`${app.url}/auth/google/connect`, {
      headers: { Cookie: sessionCookie },
      redirect: "manual",
    });
    expect(get.status).toBe(302);
    expect(get.headers.get("location")).toBe("/settings/connections");
    expect(get.headers.getSetCookie().some((c) => c.startsWith(OAUTH_STATE_COOKIE))).toBe(false);

    // A form on another site cannot start it (the same-origin check every POST passes through).
    const forged = await fetch(`${app.url}/auth/google/connect`, {
      method: "POST",
      headers: {
        Cookie: sessionCookie,
        "Sec-Fetch-Site": "cross-site",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "provider=gmail",
      redirect: "manual",
    });
    expect(forged.status).toBe(403);
  });
});

describe("Connect Gmail / Google Calendar: the callback", () => {
  it("connects: exactly the listed scopes stored, tokens encrypted (P15), a fresh sync state, the first sync queued, the state cookie cleared", async () => {
    const { db, user, sessionCookie } = await signedInSeller();
    // Signed in with Google and connected Calendar before: Google's answer names those grants too.
    consent.alreadyGranted = [...SIGN_IN_GRANT, ...CALENDAR];
    const before = Date.now();
    const started = await pressConnect(sessionCookie);
    const back = await atGoogle(started.location!, GMAIL);
    const { response } = await callback(back, [sessionCookie, started.stateCookie]);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/settings/connections?connected=gmail");
    // The state cookie is single use: cleared on the way out.
    expect(response.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(new RegExp(`^${OAUTH_STATE_COOKIE}=; .*Max-Age=0`)),
    );

    const row = await db.integrationConnection.findUniqueOrThrow({
      where: { userId_provider: { userId: user.id, provider: "gmail" } },
    });
    // P3: only Gmail's own listed scope; the sign-in and Calendar scopes belong to other grants.
    expect(row.scopes).toEqual(GMAIL);
    expect(row).toMatchObject({
      status: "active",
      cursor: null,
      stage: "idle",
      firstSyncCompletedAt: null,
      consecutiveFailures: 0,
      disconnectedAt: null,
    });
    expect(row.nextSyncAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(row.accessTokenExpiresAt!.getTime()).toBeGreaterThanOrEqual(before + 3599_000 - 1000);
    expect(row.accessTokenExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 3599_000);

    // P15: ciphertext at rest that decrypts (bound to this row) to exactly what Google issued.
    const issued = consent.issued.at(-1)!;
    for (const [cipher, token] of [
      [row.accessTokenCipher!, issued.accessToken],
      [row.refreshTokenCipher!, issued.refreshToken],
    ] as const) {
      expect(Buffer.from(cipher).includes(Buffer.from(token))).toBe(false);
      expect(decryptToken(cipher, row.tokenKeyId!, row.id)).toBe(token);
    }

    // The first sync is queued, one job per connection (its singleton key).
    expect(await queuedPolls(row.id)).toEqual([{ singleton_key: row.id }]);

    // The page it lands on says so.
    const page = await fetch(`${app.url}/settings/connections?connected=gmail`, { headers: { Cookie: sessionCookie } });
    const rendered = (await page.json()) as RenderedPage;
    expect(rendered.loaderData).toMatchObject({ "routes/settings.connections": { justConnected: "Gmail" } });
  });

  it("an unticked box on Google's consent screen: refused in words, nothing stored", async () => {
    const { db, user, sessionCookie } = await signedInSeller();
    consent.alreadyGranted = [...SIGN_IN_GRANT];
    const started = await pressConnect(sessionCookie);
    const back = await atGoogle(started.location!, []);
    const { response, shown } = await callback(back, [sessionCookie, started.stateCookie]);
    expect(response.status).toBe(400);
    expect(shown!.message).toMatch(/You didn't allow Sales-as-Code to read your Gmail .*Try again and tick/);
    expect(shown!.back.to).toBe("/settings/connections");
    expect(await db.integrationConnection.count({ where: { userId: user.id } })).toBe(0);
  });

  it("cancel at Google, a code used twice, and an answer without a refresh token: each a message in words, nothing stored", async () => {
    const { db, user, sessionCookie } = await signedInSeller();

    const cancelled = await pressConnect(sessionCookie, "gcal");
    const cancelledAnswer = await callback(await atGoogle(cancelled.location!, "denied"), [
      sessionCookie,
      cancelled.stateCookie,
    ]);
    expect(cancelledAnswer.response.status).toBe(400);
    expect(cancelledAnswer.shown!.message).toBe("You cancelled connecting Google Calendar, so nothing was connected.");

    consent.omitRefreshToken = true;
    const noRefresh = await pressConnect(sessionCookie, "gcal");
    const noRefreshAnswer = await callback(await atGoogle(noRefresh.location!, CALENDAR), [
      sessionCookie,
      noRefresh.stateCookie,
    ]);
    expect(noRefreshAnswer.response.status).toBe(502);
    expect(noRefreshAnswer.shown!.message).toMatch(/did not give us lasting access to Google Calendar/);
    expect(await db.integrationConnection.count({ where: { userId: user.id } })).toBe(0);
    consent.omitRefreshToken = false;

    // A code Google refuses (here: replayed after it was used) changes nothing that was stored.
    const started = await pressConnect(sessionCookie, "gcal");
    const back = await atGoogle(started.location!, CALENDAR);
    expect((await callback(back, [sessionCookie, started.stateCookie])).response.status).toBe(302);
    const stored = await db.integrationConnection.findFirstOrThrow({ where: { userId: user.id } });
    const replay = await callback(back, [sessionCookie, started.stateCookie]);
    expect(replay.response.status).toBe(400);
    expect(replay.shown!.message).toMatch(/Google did not accept this connection/);
    expect(await db.integrationConnection.findFirstOrThrow({ where: { userId: user.id } })).toEqual(stored);
  });

  it("a second user cannot finish another's handshake, and the code is not even spent", async () => {
    const a = await signedInSeller();
    const b = await signedInSeller();
    const started = await pressConnect(a.sessionCookie);
    const back = await atGoogle(started.location!, GMAIL);
    const requestsBefore = consent.tokenRequests;
    // B's session with A's state cookie (A signed out and B signed in, in the same browser).
    const { response, shown } = await callback(back, [b.sessionCookie, started.stateCookie]);
    expect(response.status).toBe(403);
    expect(shown!.message).toMatch(/started by another Sales-as-Code account/);
    expect(consent.tokenRequests).toBe(requestsBefore);
    expect(await a.db.integrationConnection.count({ where: { userId: { in: [a.user.id, b.user.id] } } })).toBe(0);

    // Signed out by the time Google answers: nothing connected either.
    const signedOut = await callback(back, [started.stateCookie]);
    expect(signedOut.response.status).toBe(401);
    expect(signedOut.shown!.message).toMatch(/signed out before Google answered/);

    // A callback without the state cookie, or with another handshake's state, is refused too.
    expect((await callback(back, [a.sessionCookie])).response.status).toBe(400);
    const other = await pressConnect(a.sessionCookie);
    expect((await callback(back, [a.sessionCookie, other.stateCookie])).response.status).toBe(400);
    expect(await a.db.integrationConnection.count({ where: { userId: a.user.id } })).toBe(0);
  });

  it("a handshake older than the state cookie's 10 minutes is refused before the code is exchanged", async () => {
    const { user, sessionCookie } = await signedInSeller();
    const started = await pressConnect(sessionCookie);
    const back = await atGoogle(started.location!, GMAIL);
    const requestsBefore = consent.tokenRequests;
    const config: GoogleConfig = {
      kind: "google",
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      authorizationEndpoint: `${consent.url}/authorize`,
      tokenEndpoint: `${consent.url}/token`,
      jwksUri: `${consent.url}/certs`,
      issuer: consent.url,
    };
    const result = await completeGoogleConnect(config, user.id, {
      appUrl: APP_URL,
      query: back.searchParams,
      cookieHeader: started.stateCookie,
      now: new Date(Date.now() + 11 * 60_000),
    });
    expect(result).toMatchObject({ ok: false, status: 400, message: expect.stringMatching(/more than 10 minutes/) });
    expect(consent.tokenRequests).toBe(requestsBefore);
  });

  it("names the connected account when the tool's provider can tell, and refuses a grant its API rejects", async () => {
    // The real Gmail provider joins the registry on the Gmail branch; here a provider that answers
    // from the token it is given stands in, through the registry's own override.
    const seen: string[] = [];
    let answer: "account" | "refused" | "unreachable" = "account";
    const provider: SyncProvider = {
      id: "gmail",
      connectedAccount(accessToken) {
        seen.push(accessToken);
        if (answer === "refused")
          return Promise.reject(new ProviderAuthError("Gmail API has not been used in project 1 before"));
        if (answer === "unreachable") return Promise.reject(new TypeError("fetch failed"));
        return Promise.resolve({ id: "robin@mailbox.example", name: "robin@mailbox.example" });
      },
      step: () => Promise.reject(new Error("not used here")),
    };
    setSyncProvider("gmail", provider);
    try {
      const { db, user, sessionCookie } = await signedInSeller();
      const connect = async () => {
        const started = await pressConnect(sessionCookie);
        return callback(await atGoogle(started.location!, GMAIL), [sessionCookie, started.stateCookie]);
      };

      answer = "refused";
      const refused = await connect();
      expect(refused.response.status).toBe(502);
      expect(refused.shown!.message).toMatch(/Gmail refused to let us read it/);
      expect(await db.integrationConnection.count({ where: { userId: user.id } })).toBe(0);

      answer = "unreachable";
      expect((await connect()).response.status).toBe(302);
      const unnamed = await db.integrationConnection.findFirstOrThrow({ where: { userId: user.id } });
      expect(unnamed).toMatchObject({ externalAccountId: null, externalAccountName: null, status: "active" });

      answer = "account";
      expect((await connect()).response.status).toBe(302);
      const named = await db.integrationConnection.findFirstOrThrow({ where: { userId: user.id } });
      expect(named).toMatchObject({
        id: unnamed.id,
        externalAccountId: "robin@mailbox.example",
        externalAccountName: "robin@mailbox.example",
      });
      // It was asked with the access token Google had just issued.
      expect(seen.at(-1)).toBe(consent.issued.at(-1)!.accessToken);
    } finally {
      setSyncProvider("gmail", null);
    }
  });

  it("P5: no authorization code, state, PKCE verifier, token or cookie reaches the logs", async () => {
    logLines.length = 0;
    const issuedBefore = consent.issued.length;
    const { sessionCookie } = await signedInSeller();
    const started = await pressConnect(sessionCookie);
    const back = await atGoogle(started.location!, GMAIL);
    await callback(back, [sessionCookie, started.stateCookie]);
    const failed = await pressConnect(sessionCookie, "gcal");
    const failedBack = await atGoogle(failed.location!, []);
    await callback(failedBack, [sessionCookie, failed.stateCookie]);

    const cookieValue = (pair: string | null) => pair!.slice(pair!.indexOf("=") + 1);
    const saved = JSON.parse(Buffer.from(cookieValue(started.stateCookie), "base64url").toString("utf8")) as {
      verifier: string;
    };
    const secrets = [
      back.searchParams.get("code")!,
      back.searchParams.get("state")!,
      failedBack.searchParams.get("code")!,
      failedBack.searchParams.get("state")!,
      saved.verifier,
      cookieValue(started.stateCookie),
      cookieValue(sessionCookie),
      ...consent.issued.slice(issuedBefore).flatMap((issued) => [issued.accessToken, issued.refreshToken]),
    ];
    expect(secrets).toHaveLength(11);
    // The capture works: the callback's request line is there, with its query redacted.
    const text = logLines.join("\n");
    expect(text).toContain("/auth/google/callback?state=[REDACTED]&code=[REDACTED]");
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

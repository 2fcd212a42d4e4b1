// Connecting Salesforce, over real HTTP: the app's real routes against the fake Salesforce login host
// (tests/fakes/salesforce/oauth.ts) on a loopback port, which checks what we send as Salesforce does
// (registered redirect URI, PKCE S256, client authentication, single-use codes) and answers in
// Salesforce's shape (instance_url, identity URL, signature, no expires_in). Then refreshing and
// revoking that grant (P12) against the same server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OAUTH_STATE_COOKIE } from "../../server/auth/oauth-state";
import { disconnectConnection } from "../../server/integrations/connections";
import { ProviderAuthError } from "../../server/integrations/errors";
import { refreshConnectionTokens } from "../../server/integrations/oauth-tokens";
import { PROVIDERS } from "../../server/integrations/providers";
import { setSyncProvider } from "../../server/integrations/registry";
import { decryptToken } from "../../server/integrations/token-crypto";
import type { GrantDetails, SyncProvider } from "../../server/integrations/types";
import { startFakeOAuthServer } from "../../tests/fakes/provider/oauth-server";
import { FakeSalesforceOAuth } from "../../tests/fakes/salesforce/oauth";
import { APP_URL, startToolConnectApp, type ToolBrowser } from "../../tests/helpers/tool-connect";

const CLIENT = { id: "3MVG9-connect-test", secret: "salesforce-connect-secret" };
const SCOPES = PROVIDERS.find((p) => p.id === "salesforce")!.scopes;
const ALEX = {
  userId: "005000000000001AAA",
  orgId: "00D000000000001AAA",
  email: "alex@acme.example",
  name: "Alex Morgan",
};

let salesforce: Awaited<ReturnType<typeof startFakeOAuthServer<FakeSalesforceOAuth>>>;
let browser: ToolBrowser;
/** What the stand-in provider was asked: the access token and the grant details. */
const lookups: { token: string; grant: GrantDetails | undefined; live: boolean }[] = [];
let lookupAnswer: "account" | "refused" = "account";

beforeAll(async () => {
  salesforce = await startFakeOAuthServer(
    (baseUrl) =>
      new FakeSalesforceOAuth({
        baseUrl,
        clientId: CLIENT.id,
        clientSecret: CLIENT.secret,
        redirectUris: [`${APP_URL}/auth/salesforce/callback`],
        accounts: [ALEX],
      }),
  );
  browser = await startToolConnectApp("salesforce", {
    SALESFORCE_CLIENT_ID: CLIENT.id,
    SALESFORCE_CLIENT_SECRET: CLIENT.secret,
    SALESFORCE_LOGIN_URL: salesforce.baseUrl,
    FAKE_SALESFORCE: "false",
  });
  // The real Salesforce provider is built by others; this stand-in asks the fake whether the token
  // it is given is live, as the API would.
  const standIn: SyncProvider = {
    id: "salesforce",
    connectedAccount: (token, _signal, grant) => {
      const caller = salesforce.fake.verify(token);
      lookups.push({ token, grant, live: caller !== null });
      if (lookupAnswer === "refused" || !caller) return Promise.reject(new ProviderAuthError("INVALID_SESSION_ID"));
      return Promise.resolve({ id: caller.userId, name: ALEX.name });
    },
    step: () => Promise.reject(new Error("not used here")),
  };
  setSyncProvider("salesforce", standIn);
});
afterAll(async () => {
  setSyncProvider("salesforce", null);
  await browser.close();
  await salesforce.close();
});

/** Connect → the fake's chooser → pick `who` (or deny) → where the fake sends the browser back. */
async function connectAs(sessionCookie: string, who: string = ALEX.userId) {
  const started = await browser.pressConnect(sessionCookie, { environment: "production" });
  expect(started.response.status).toBe(302);
  const back = await salesforce.choose(started.location!, who);
  return { started, back };
}

describe("Connect Salesforce: the authorization request", () => {
  it("P3: asks the configured login host for exactly `api refresh_token`, with PKCE S256 and a fresh state", async () => {
    const { sessionCookie } = await browser.signedInSeller();
    const { response, location, setCookie } = await browser.pressConnect(sessionCookie, { environment: "production" });
    expect(response.status).toBe(302);
    const url = new URL(location!);
    expect(`${url.origin}${url.pathname}`).toBe(`${salesforce.baseUrl}/services/oauth2/authorize`);
    const params = url.searchParams;
    expect(params.get("scope")!.split(" ")).toEqual(SCOPES);
    expect(SCOPES).toEqual(["api", "refresh_token"]);
    expect(params.get("response_type")).toBe("code");
    expect(params.get("client_id")).toBe(CLIENT.id);
    expect(params.get("redirect_uri")).toBe(`${APP_URL}/auth/salesforce/callback`);
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get("state")!.length).toBeGreaterThanOrEqual(32);
    // P13: the state rides in the short-lived HttpOnly cookie, scoped to this tool's routes.
    expect(setCookie).toMatch(
      new RegExp(`^${OAUTH_STATE_COOKIE}=[A-Za-z0-9_-]+; Path=/auth/salesforce; HttpOnly; SameSite=Lax; Max-Age=600$`),
    );
    // The fake accepts the request as Salesforce would (it checks the client, URI, scopes and challenge).
    expect((await fetch(location!)).status).toBe(200);
  });

  it("the seller picks Sandbox or their My Domain; anything but a *.my.salesforce.com https host is refused", async () => {
    const { sessionCookie } = await browser.signedInSeller();
    const sandbox = await browser.pressConnect(sessionCookie, { environment: "sandbox" });
    expect(new URL(sandbox.location!).origin + new URL(sandbox.location!).pathname).toBe(
      "https://test.salesforce.com/services/oauth2/authorize",
    );
    for (const myDomain of [
      "https://acme.my.salesforce.com",
      "acme.my.salesforce.com",
      "https://acme--uat.sandbox.my.salesforce.com/",
    ]) {
      const chosen = await browser.pressConnect(sessionCookie, { environment: "my_domain", myDomain });
      expect(chosen.response.status, myDomain).toBe(302);
      expect(new URL(chosen.location!).hostname).toMatch(/^acme(--uat\.sandbox)?\.my\.salesforce\.com$/);
      expect(new URL(chosen.location!).protocol).toBe("https:");
    }
    for (const myDomain of [
      "",
      "http://acme.my.salesforce.com",
      "https://acme.my.salesforce.com.evil.example",
      "https://evil.example/acme.my.salesforce.com",
      "https://acme.my.salesforce.com:8443",
      "https://user:pw@acme.my.salesforce.com",
      "https://127.0.0.1",
    ]) {
      const refused = await browser.pressConnect(sessionCookie, { environment: "my_domain", myDomain });
      expect(refused.response.status, `my domain: ${myDomain} -> ${refused.location}`).toBe(400);
      expect(refused.shown!.message).toMatch(/My Domain login URL/);
      expect(refused.setCookie).toBeNull();
    }
    const unknown = await browser.pressConnect(sessionCookie, { environment: "elsewhere" });
    expect(unknown.response.status).toBe(400);
  });

  it("a GET does not start a handshake, and a signed-out post goes to sign in", async () => {
    const { sessionCookie } = await browser.signedInSeller();
    const get = await fetch(`${browser.app.url}/auth/salesforce/connect`, {
      headers: { Cookie: sessionCookie },
      redirect: "manual",
    });
    expect(get.status).toBe(200);
    expect(get.headers.getSetCookie().some((c) => c.startsWith(OAUTH_STATE_COOKIE))).toBe(false);
    const signedOut = await browser.pressConnect(null, { environment: "production" });
    expect(signedOut.response.status).toBe(302);
    expect(signedOut.location).toMatch(/^\/login/);
  });
});

describe("Connect Salesforce: the callback", () => {
  it("connects: instance_url as the API host, the login host kept, tokens encrypted (P15), no expiry guessed, the first sync queued", async () => {
    const { db, user, sessionCookie } = await browser.signedInSeller();
    const requestsBefore = salesforce.fake.requests.length;
    const { back, started } = await connectAs(sessionCookie);
    const finished = await browser.callback(back, [sessionCookie, started.stateCookie]);
    expect(finished.response.status).toBe(302);
    expect(finished.response.headers.get("location")).toBe("/settings/connections?connected=salesforce");
    expect(finished.response.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(new RegExp(`^${OAUTH_STATE_COOKIE}=; Path=/auth/salesforce; .*Max-Age=0`)),
    );

    const row = await db.integrationConnection.findUniqueOrThrow({
      where: { userId_provider: { userId: user.id, provider: "salesforce" } },
    });
    expect(row.scopes).toEqual(SCOPES);
    expect(row).toMatchObject({
      status: "active",
      apiBaseUrl: salesforce.baseUrl,
      authBaseUrl: salesforce.baseUrl,
      accessTokenExpiresAt: null,
      externalAccountId: ALEX.userId,
      externalAccountName: ALEX.name,
      cursor: null,
      stage: "idle",
    });
    const access = decryptToken(row.accessTokenCipher!, row.tokenKeyId!, row.id);
    const refresh = decryptToken(row.refreshTokenCipher!, row.tokenKeyId!, row.id);
    expect(Buffer.from(row.accessTokenCipher!).includes(Buffer.from(access))).toBe(false);
    expect(salesforce.fake.verify(access)).toMatchObject({ userId: ALEX.userId, scopes: SCOPES });
    expect(salesforce.fake.isTokenLive(refresh)).toBe(true);
    // The account lookup got the grant's instance_url and identity URL, and a live token.
    expect(lookups.at(-1)).toEqual({
      token: access,
      live: true,
      grant: { apiBaseUrl: salesforce.baseUrl, identityUrl: `${salesforce.baseUrl}/id/${ALEX.orgId}/${ALEX.userId}` },
    });
    // The code went with its PKCE verifier and our client's credentials.
    const tokenRequest = salesforce.fake.requests.slice(requestsBefore).find((r) => r.endpoint === "token")!;
    expect(tokenRequest).toMatchObject({ grantType: "authorization_code", hadVerifier: true, outcome: "ok" });
    expect(tokenRequest.clientAuth).not.toBe("none");
    expect(await browser.queuedPolls(row.id)).toEqual([{ singleton_key: row.id }]);
  });

  it("refuses, in words and with nothing stored: a denied consent, a missing code, a replayed code, no cookie, another handshake's state", async () => {
    const { db, user, sessionCookie } = await browser.signedInSeller();
    const count = () => db.integrationConnection.count({ where: { userId: user.id } });

    const denied = await browser.pressConnect(sessionCookie, { environment: "production" });
    const deniedBack = await salesforce.choose(denied.location!, "denied");
    expect(deniedBack.searchParams.get("error")).toBe("access_denied");
    const deniedAnswer = await browser.callback(deniedBack, [sessionCookie, denied.stateCookie]);
    expect(deniedAnswer.response.status).toBe(400);
    expect(deniedAnswer.shown!.message).toBe("You cancelled connecting Salesforce, so nothing was connected.");

    const noCode = await browser.pressConnect(sessionCookie, { environment: "production" });
    const noCodeBack = new URL(`${APP_URL}/auth/salesforce/callback`);
    noCodeBack.searchParams.set("state", new URL(noCode.location!).searchParams.get("state")!);
    const noCodeAnswer = await browser.callback(noCodeBack, [sessionCookie, noCode.stateCookie]);
    expect(noCodeAnswer.response.status).toBe(400);
    expect(noCodeAnswer.shown!.message).toMatch(/missing its authorization code/);

    const started = await browser.pressConnect(sessionCookie, { environment: "production" });
    const back = await salesforce.choose(started.location!, ALEX.userId);
    expect((await browser.callback(back, [started.stateCookie])).response.status).toBe(401);
    expect((await browser.callback(back, [sessionCookie])).response.status).toBe(400);
    const other = await browser.pressConnect(sessionCookie, { environment: "production" });
    const mismatch = await browser.callback(back, [sessionCookie, other.stateCookie]);
    expect(mismatch.response.status).toBe(400);
    expect(mismatch.shown!.message).toMatch(/does not match the connection you started/);
    expect(await count()).toBe(0);

    // The code works once: the first callback connects, a replay is refused and changes nothing.
    expect((await browser.callback(back, [sessionCookie, started.stateCookie])).response.status).toBe(302);
    const stored = await db.integrationConnection.findFirstOrThrow({ where: { userId: user.id } });
    const replay = await browser.callback(back, [sessionCookie, started.stateCookie]);
    expect(replay.response.status).toBe(400);
    expect(replay.shown!.message).toMatch(/Salesforce did not accept this connection/);
    expect(await db.integrationConnection.findFirstOrThrow({ where: { userId: user.id } })).toEqual(stored);
  });

  it("another user cannot finish the handshake, and the code is not even spent", async () => {
    const a = await browser.signedInSeller();
    const b = await browser.signedInSeller();
    const started = await browser.pressConnect(a.sessionCookie, { environment: "production" });
    const back = await salesforce.choose(started.location!, ALEX.userId);
    const tokenRequests = () => salesforce.fake.requests.filter((r) => r.endpoint === "token").length;
    const before = tokenRequests();
    const answer = await browser.callback(back, [b.sessionCookie, started.stateCookie]);
    expect(answer.response.status).toBe(403);
    expect(answer.shown!.message).toMatch(/started by another Sales-as-Code account/);
    expect(tokenRequests()).toBe(before);
    // A can still finish it.
    expect((await browser.callback(back, [a.sessionCookie, started.stateCookie])).response.status).toBe(302);
  });

  it("a Salesforce user whose API access the org refuses is told why, and nothing is stored", async () => {
    const { db, user, sessionCookie } = await browser.signedInSeller();
    lookupAnswer = "refused";
    try {
      const { back, started } = await connectAs(sessionCookie);
      const answer = await browser.callback(back, [sessionCookie, started.stateCookie]);
      expect(answer.response.status).toBe(502);
      expect(answer.shown!.message).toMatch(/^Salesforce accepted the connection, but its API refused/);
      expect(answer.shown!.message).not.toMatch(/Google/);
      expect(await db.integrationConnection.count({ where: { userId: user.id } })).toBe(0);
    } finally {
      lookupAnswer = "account";
    }
  });
});

describe("A Salesforce connection's tokens: refresh and revocation", () => {
  async function connected() {
    const { db, user, sessionCookie } = await browser.signedInSeller();
    const { back, started } = await connectAs(sessionCookie);
    expect((await browser.callback(back, [sessionCookie, started.stateCookie])).response.status).toBe(302);
    const row = await db.integrationConnection.findUniqueOrThrow({
      where: { userId_provider: { userId: user.id, provider: "salesforce" } },
    });
    const tokens = {
      accessToken: decryptToken(row.accessTokenCipher!, row.tokenKeyId!, row.id),
      refreshToken: decryptToken(row.refreshTokenCipher!, row.tokenKeyId!, row.id),
    };
    return { db, user, row, tokens };
  }

  it("refreshes at the login host that issued the grant: no expires_in, so no expiry is guessed; a new instance_url becomes the API host", async () => {
    const { db, row, tokens } = await connected();
    // The org moved (or we had a stale host): the refresh answer names where its API is now.
    await db.integrationConnection.update({
      where: { id: row.id },
      data: { apiBaseUrl: "https://old.my.salesforce.com" },
    });
    salesforce.fake.expireAccessTokens();
    expect(salesforce.fake.verify(tokens.accessToken)).toBeNull();
    const requestsBefore = salesforce.fake.requests.length;
    const refreshed = await refreshConnectionTokens(db, row.id);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.accessTokenExpiresAt).toBeNull();
    expect(salesforce.fake.verify(refreshed.accessToken)).toMatchObject({ userId: ALEX.userId });
    expect(salesforce.fake.requests.slice(requestsBefore)).toEqual([
      expect.objectContaining({ endpoint: "token", grantType: "refresh_token", outcome: "ok" }),
    ]);
    const after = await db.integrationConnection.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.apiBaseUrl).toBe(salesforce.baseUrl);
    expect(after.accessTokenExpiresAt).toBeNull();
    expect(decryptToken(after.accessTokenCipher!, after.tokenKeyId!, row.id)).toBe(refreshed.accessToken);
    // Salesforce does not rotate refresh tokens: the same one is kept (re-encrypted) and still works.
    expect(decryptToken(after.refreshTokenCipher!, after.tokenKeyId!, row.id)).toBe(tokens.refreshToken);
    expect(salesforce.fake.isTokenLive(tokens.refreshToken)).toBe(true);
  });

  it("a grant the user or an admin revoked in Salesforce is a reconnect (invalid_grant), in words", async () => {
    const { db, row } = await connected();
    salesforce.fake.revokeGrantsOf(ALEX.email);
    const refreshing = refreshConnectionTokens(db, row.id);
    await expect(refreshing).rejects.toBeInstanceOf(ProviderAuthError);
    await expect(refreshing).rejects.toThrow(/reconnect/);
  });

  it("P12: Disconnect revokes the grant at Salesforce (RFC 7009 at the login host): neither token works afterwards, and ours are deleted", async () => {
    const { db, user, row, tokens } = await connected();
    const requestsBefore = salesforce.fake.requests.length;
    const result = await disconnectConnection(db, user.id, row.id);
    expect(result).toEqual({ id: row.id, revoked: "yes" });
    expect(salesforce.fake.requests.slice(requestsBefore)).toEqual([
      { endpoint: "revoke", tokenType: "refresh", outcome: "revoked" },
    ]);
    expect(salesforce.fake.isTokenLive(tokens.refreshToken)).toBe(false);
    expect(salesforce.fake.verify(tokens.accessToken)).toBeNull();
    const after = await db.integrationConnection.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({
      status: "disconnected",
      accessTokenCipher: null,
      refreshTokenCipher: null,
      tokenKeyId: null,
      nextSyncAt: null,
    });
  });

  it("P12: a grant already gone at Salesforce counts as revoked; a refusal is reported, and our tokens are deleted either way", async () => {
    const gone = await connected();
    salesforce.fake.revokeGrantsOf(ALEX.email);
    expect(await disconnectConnection(gone.db, gone.user.id, gone.row.id)).toEqual({ id: gone.row.id, revoked: "yes" });
    expect(salesforce.fake.requests.at(-1)).toMatchObject({ endpoint: "revoke", outcome: "invalid_token" });

    const refused = await connected();
    salesforce.fake.failRevocationsWith = 503;
    try {
      expect(await disconnectConnection(refused.db, refused.user.id, refused.row.id)).toEqual({
        id: refused.row.id,
        revoked: "failed",
      });
    } finally {
      salesforce.fake.failRevocationsWith = null;
    }
    const after = await refused.db.integrationConnection.findUniqueOrThrow({ where: { id: refused.row.id } });
    expect(after).toMatchObject({ status: "disconnected", accessTokenCipher: null, refreshTokenCipher: null });
  });
});

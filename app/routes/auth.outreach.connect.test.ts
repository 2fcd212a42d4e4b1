// Connecting Outreach, over real HTTP: the app's real routes against the fake Outreach OAuth server
// (tests/fakes/outreach/oauth.ts) on a loopback port — PKCE S256, registered redirect URI, client
// authentication, single-use codes, two-hour access tokens and refresh tokens that rotate on every
// use. Then refreshing (the rotated token stored, the old one dead) and Disconnect (P12: Outreach
// documents no revocation endpoint, so ours are deleted and the page says to remove the app there).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OAUTH_STATE_COOKIE } from "../../server/auth/oauth-state";
import { disconnectConnection } from "../../server/integrations/connections";
import { ProviderAuthError } from "../../server/integrations/errors";
import { refreshConnectionTokens } from "../../server/integrations/oauth-tokens";
import { PROVIDERS } from "../../server/integrations/providers";
import { setSyncProvider } from "../../server/integrations/registry";
import { decryptToken } from "../../server/integrations/token-crypto";
import type { SyncProvider } from "../../server/integrations/types";
import { FakeOutreachOAuth } from "../../tests/fakes/outreach/oauth";
import { startFakeOAuthServer } from "../../tests/fakes/provider/oauth-server";
import { APP_URL, startToolConnectApp, type ToolBrowser } from "../../tests/helpers/tool-connect";

const CLIENT = { id: "outreach-connect-test", secret: "outreach-connect-secret" };
const SCOPES = PROVIDERS.find((p) => p.id === "outreach")!.scopes;
const ROBIN = { userId: "42", email: "robin@acme.example", name: "Robin Lee" };

let outreach: Awaited<ReturnType<typeof startFakeOAuthServer<FakeOutreachOAuth>>>;
let browser: ToolBrowser;

beforeAll(async () => {
  outreach = await startFakeOAuthServer(
    (baseUrl) =>
      new FakeOutreachOAuth({
        baseUrl,
        clientId: CLIENT.id,
        clientSecret: CLIENT.secret,
        redirectUris: [`${APP_URL}/auth/outreach/callback`],
        accounts: [ROBIN],
      }),
  );
  browser = await startToolConnectApp("outreach", {
    OUTREACH_CLIENT_ID: CLIENT.id,
    OUTREACH_CLIENT_SECRET: CLIENT.secret,
    OUTREACH_AUTHORIZATION_ENDPOINT: `${outreach.baseUrl}/oauth/authorize`,
    OUTREACH_TOKEN_ENDPOINT: `${outreach.baseUrl}/oauth/token`,
    OUTREACH_API_BASE_URL: `${outreach.baseUrl}/api/v2`,
    FAKE_OUTREACH: "false",
  });
  // The real Outreach provider is built by others: this stand-in names the user the live token belongs to.
  const standIn: SyncProvider = {
    id: "outreach",
    connectedAccount: (token) => {
      const caller = outreach.fake.verify(token);
      if (!caller) return Promise.reject(new ProviderAuthError("401"));
      return Promise.resolve({ id: caller.userId, name: caller.email });
    },
    step: () => Promise.reject(new Error("not used here")),
  };
  setSyncProvider("outreach", standIn);
});
afterAll(async () => {
  setSyncProvider("outreach", null);
  await browser.close();
  await outreach.close();
});

async function connected() {
  const { db, user, sessionCookie } = await browser.signedInSeller();
  const started = await browser.pressConnect(sessionCookie);
  const back = await outreach.choose(started.location!, ROBIN.userId);
  const finished = await browser.callback(back, [sessionCookie, started.stateCookie]);
  expect(finished.response.status).toBe(302);
  const row = await db.integrationConnection.findUniqueOrThrow({
    where: { userId_provider: { userId: user.id, provider: "outreach" } },
  });
  const tokens = {
    accessToken: decryptToken(row.accessTokenCipher!, row.tokenKeyId!, row.id),
    refreshToken: decryptToken(row.refreshTokenCipher!, row.tokenKeyId!, row.id),
  };
  return { db, user, row, tokens, finished };
}

describe("Connect Outreach", () => {
  it("P3: asks Outreach's authorization endpoint for exactly the listed read scopes, with PKCE S256 and a fresh state", async () => {
    const { sessionCookie } = await browser.signedInSeller();
    const { response, location, setCookie } = await browser.pressConnect(sessionCookie);
    expect(response.status).toBe(302);
    const url = new URL(location!);
    expect(`${url.origin}${url.pathname}`).toBe(`${outreach.baseUrl}/oauth/authorize`);
    const params = url.searchParams;
    expect(params.get("scope")!.split(" ")).toEqual(SCOPES);
    expect(SCOPES.every((scope) => scope.endsWith(".read"))).toBe(true);
    expect(params.get("response_type")).toBe("code");
    expect(params.get("client_id")).toBe(CLIENT.id);
    expect(params.get("redirect_uri")).toBe(`${APP_URL}/auth/outreach/callback`);
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get("state")!.length).toBeGreaterThanOrEqual(32);
    expect(setCookie).toMatch(
      new RegExp(`^${OAUTH_STATE_COOKIE}=[A-Za-z0-9_-]+; Path=/auth/outreach; HttpOnly; SameSite=Lax; Max-Age=600$`),
    );
    expect((await fetch(location!)).status).toBe(200);
  });

  it("connects: the listed scopes, tokens encrypted (P15), a two-hour expiry from expires_in, no API host of its own, the first sync queued", async () => {
    const before = Date.now();
    const { row, tokens, finished } = await connected();
    expect(finished.response.headers.get("location")).toBe("/settings/connections?connected=outreach");
    expect(row.scopes).toEqual(SCOPES);
    expect(row).toMatchObject({
      status: "active",
      apiBaseUrl: null,
      authBaseUrl: null,
      externalAccountId: ROBIN.userId,
      externalAccountName: ROBIN.email,
    });
    expect(row.accessTokenExpiresAt!.getTime()).toBeGreaterThanOrEqual(before + 7200_000 - 1000);
    expect(row.accessTokenExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 7200_000);
    expect(Buffer.from(row.refreshTokenCipher!).includes(Buffer.from(tokens.refreshToken))).toBe(false);
    expect(outreach.fake.verify(tokens.accessToken)).toMatchObject({ userId: ROBIN.userId, scopes: SCOPES });
    expect(await browser.queuedPolls(row.id)).toEqual([{ singleton_key: row.id }]);
  });

  it("refuses a cancelled consent and a replayed code in words, with nothing stored", async () => {
    const { db, user, sessionCookie } = await browser.signedInSeller();
    const denied = await browser.pressConnect(sessionCookie);
    const deniedAnswer = await browser.callback(await outreach.choose(denied.location!, "denied"), [
      sessionCookie,
      denied.stateCookie,
    ]);
    expect(deniedAnswer.response.status).toBe(400);
    expect(deniedAnswer.shown!.message).toBe("You cancelled connecting Outreach, so nothing was connected.");
    expect(await db.integrationConnection.count({ where: { userId: user.id } })).toBe(0);

    const started = await browser.pressConnect(sessionCookie);
    const back = await outreach.choose(started.location!, ROBIN.userId);
    expect((await browser.callback(back, [sessionCookie, started.stateCookie])).response.status).toBe(302);
    const replay = await browser.callback(back, [sessionCookie, started.stateCookie]);
    expect(replay.response.status).toBe(400);
    expect(replay.shown!.message).toMatch(/Outreach did not accept this connection/);
  });

  it("refreshes with rotation: the new refresh token is stored, the old one stops working, the expiry moves", async () => {
    const { db, row, tokens } = await connected();
    const refreshed = await refreshConnectionTokens(db, row.id);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 7100_000);
    const after = await db.integrationConnection.findUniqueOrThrow({ where: { id: row.id } });
    const rotated = decryptToken(after.refreshTokenCipher!, after.tokenKeyId!, row.id);
    expect(rotated).not.toBe(tokens.refreshToken);
    expect(outreach.fake.isTokenLive(rotated)).toBe(true);
    expect(outreach.fake.isTokenLive(tokens.refreshToken)).toBe(false);
    // Refreshing again works only because the rotated token was kept.
    const again = await refreshConnectionTokens(db, row.id);
    expect(outreach.fake.verify(again.accessToken)).not.toBeNull();
    expect(outreach.fake.requests.filter((r) => r.endpoint === "token").slice(-2)).toEqual([
      expect.objectContaining({ grantType: "refresh_token", outcome: "ok" }),
      expect.objectContaining({ grantType: "refresh_token", outcome: "ok" }),
    ]);
  });

  it("a refresh token that was already used (rotated away) or withdrawn in Outreach is a reconnect", async () => {
    const { db, row, tokens } = await connected();
    await refreshConnectionTokens(db, row.id);
    // Someone restores the old token (a backup, a race): Outreach refuses it.
    const { encryptToken } = await import("../../server/integrations/token-crypto");
    const old = encryptToken(tokens.refreshToken, row.id);
    await db.integrationConnection.update({
      where: { id: row.id },
      data: { refreshTokenCipher: old.cipher, tokenKeyId: old.keyId },
    });
    await expect(refreshConnectionTokens(db, row.id)).rejects.toBeInstanceOf(ProviderAuthError);
  });

  it("P12: Disconnect deletes our tokens and stops polling; Outreach has no revocation endpoint, so it says so (not_available)", async () => {
    const { db, user, row } = await connected();
    const requestsBefore = outreach.fake.requests.length;
    expect(await disconnectConnection(db, user.id, row.id)).toEqual({ id: row.id, revoked: "not_available" });
    // Nothing was sent to Outreach: there is no documented endpoint to send it to.
    expect(outreach.fake.requests.length).toBe(requestsBefore);
    const after = await db.integrationConnection.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({
      status: "disconnected",
      accessTokenCipher: null,
      refreshTokenCipher: null,
      tokenKeyId: null,
      nextSyncAt: null,
    });
  });
});

// Token refresh and revocation against the fake Google OAuth server over real HTTP, and the fake's
// own connect-flow behaviour that the connect and API fakes rely on (offline grants, scope unions,
// expiry, revocation ending a grant).
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client } from "arctic";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGoogle } from "../../tests/fakes/google-oauth";
import { startSyncHarness, GMAIL_SCOPES, type SyncHarness } from "../../tests/fakes/provider/harness";
import { ProviderAuthError } from "./errors";
import { refreshConnectionTokens, revokeConnectionTokens } from "./oauth-tokens";
import { decryptToken } from "./token-crypto";

const CALENDAR_SCOPES = ["https://www.googleapis.com/auth/calendar.readonly"];
const REDIRECT = "http://127.0.0.1:9/connect/callback";
let harness: SyncHarness;
let google: Awaited<ReturnType<typeof startFakeGoogle>>;

beforeAll(async () => {
  harness = await startSyncHarness();
  google = await startFakeGoogle({
    clientId: "connect-client",
    clientSecret: "connect-secret",
    redirectUris: [REDIRECT],
    accounts: [{ sub: "1001", email: "rep@northbeam.example", name: "Rep" }],
    accessTokenTtlSeconds: 1,
  });
});
afterAll(async () => {
  await google.close();
  await harness.close();
});

describe("refreshing a connection's access token", () => {
  it("P15: the refreshed token is stored encrypted under the connection's id, with its expiry", async () => {
    const { db, connection, tokens } = await harness.connectedUser();
    const refreshed = await refreshConnectionTokens(db, connection.id);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(harness.google.fake.verifyAccessToken(refreshed.accessToken)).toEqual({
      email: expect.stringContaining("@"),
      scopes: GMAIL_SCOPES,
    });
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    const cipher = Buffer.from(row.accessTokenCipher!);
    expect(cipher.includes(Buffer.from(refreshed.accessToken))).toBe(false);
    expect(decryptToken(cipher, row.tokenKeyId!, connection.id)).toBe(refreshed.accessToken);
    expect(() => decryptToken(cipher, row.tokenKeyId!, `${connection.id}x`)).toThrow();
    expect(row.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
  });

  it("invalid_grant (revoked, or a Testing app's refresh token past 7 days) is a reconnect, in words", async () => {
    const { db, connection, mailbox } = await harness.connectedUser();
    harness.google.fake.revokeGrantsOf(mailbox);
    const refreshing = refreshConnectionTokens(db, connection.id);
    await expect(refreshing).rejects.toBeInstanceOf(ProviderAuthError);
    await expect(refreshing).rejects.toThrow(/reconnect/);
  });

  it("a connection disconnected meanwhile gets no token stored", async () => {
    const { db, connection } = await harness.connectedUser();
    await db.integrationConnection.update({ where: { id: connection.id }, data: { status: "disconnected" } });
    await expect(refreshConnectionTokens(db, connection.id)).rejects.toBeInstanceOf(ProviderAuthError);
  });

  it("revoking ends the whole grant at Google (RFC 7009): neither token works afterwards", async () => {
    const { tokens } = await harness.connectedUser();
    expect(await revokeConnectionTokens("gmail", tokens)).toBe(true);
    expect(harness.google.fake.isTokenLive(tokens.refreshToken)).toBe(false);
    expect(harness.google.fake.verifyAccessToken(tokens.accessToken)).toBeNull();
    // Outreach documents no revocation endpoint: nothing to call, said as such (not_available).
    expect(await revokeConnectionTokens("outreach", tokens)).toBe(false);
  });

  it("a grant the user already removed at Google counts as revoked; a refusal does not", async () => {
    const { tokens, mailbox } = await harness.connectedUser();
    harness.google.fake.revokeGrantsOf(mailbox);
    expect(await revokeConnectionTokens("gmail", tokens)).toBe(true);
    expect(harness.google.fake.revocations.at(-1)).toEqual({ outcome: "unknown_token", tokenType: null });
    harness.google.fake.failRevocationsWith = 503;
    try {
      await expect(revokeConnectionTokens("gmail", tokens)).rejects.toThrow(/HTTP 503/);
    } finally {
      harness.google.fake.failRevocationsWith = null;
    }
  });
});

describe("the fake Google's connect flow", () => {
  async function connect(scopes: string[], extra: Record<string, string>) {
    const client = new OAuth2Client("connect-client", "connect-secret", REDIRECT);
    const verifier = generateCodeVerifier();
    const url = client.createAuthorizationURLWithPKCE(
      google.endpoints.authorization,
      generateState(),
      CodeChallengeMethod.S256,
      verifier,
      scopes,
    );
    for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
    const back = await google.choose(url.toString(), "1001");
    return client.validateAuthorizationCode(google.endpoints.token, back.searchParams.get("code")!, verifier);
  }

  it("grants exactly the scopes asked (no openid needed), and a refresh token for offline + consent", async () => {
    const tokens = await connect(GMAIL_SCOPES, { access_type: "offline", prompt: "consent" });
    expect(tokens.scopes()).toEqual(GMAIL_SCOPES);
    expect(tokens.hasRefreshToken()).toBe(true);
    expect("id_token" in tokens.data).toBe(false);
    expect(google.fake.verifyAccessToken(tokens.accessToken())).toEqual({
      email: "rep@northbeam.example",
      scopes: GMAIL_SCOPES,
    });
    expect(google.fake.tokenRequests.at(-1)).toMatchObject({ grantType: "authorization_code", scope: GMAIL_SCOPES[0] });
    expect(JSON.stringify(google.fake.tokenRequests)).not.toContain(tokens.accessToken());

    const online = await connect(GMAIL_SCOPES, {});
    expect(online.hasRefreshToken()).toBe(false);
  });

  it("include_granted_scopes=true answers with the union of this account's grants to the client", async () => {
    await connect(GMAIL_SCOPES, { access_type: "offline", prompt: "consent" });
    const tokens = await connect(CALENDAR_SCOPES, {
      access_type: "offline",
      prompt: "consent",
      include_granted_scopes: "true",
    });
    expect(tokens.scopes().sort()).toEqual([...GMAIL_SCOPES, ...CALENDAR_SCOPES].sort());
  });

  it("access tokens expire after their lifetime; the refresh_token grant issues a new one; unknown refresh tokens are invalid_grant", async () => {
    const tokens = await connect(CALENDAR_SCOPES, { access_type: "offline", prompt: "consent" });
    expect(google.fake.verifyAccessToken(tokens.accessToken())).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(google.fake.verifyAccessToken(tokens.accessToken())).toBeNull();
    const client = new OAuth2Client("connect-client", "connect-secret", null);
    const renewed = await client.refreshAccessToken(google.endpoints.token, tokens.refreshToken(), []);
    expect(google.fake.verifyAccessToken(renewed.accessToken())).not.toBeNull();
    await expect(client.refreshAccessToken(google.endpoints.token, "1//not-issued", [])).rejects.toMatchObject({
      code: "invalid_grant",
    });
  });
});

// The OAuth side of a connection, per provider: refreshing an access token before it expires, and
// revoking a grant at disconnect (P12). A refreshed token is stored re-encrypted under the
// connection's own id (P15) in the same statement that records its expiry.
//   Google: expires_in; RFC 7009 revocation of the refresh token ends the grant.
//   Salesforce: the token endpoint and the revocation endpoint are at the login host the grant was
//     issued by (the connection's authBaseUrl); a refresh answer has no expires_in (the expiry stays
//     unknown, so the engine refreshes on a 401 INVALID_SESSION_ID) and may name a new instance_url,
//     which becomes the connection's apiBaseUrl.
//   Outreach: expires_in (two hours), and every refresh hands out a new refresh token, which is
//     stored (the old one stops working). Outreach documents no revocation endpoint.
import { ArcticFetchError, OAuth2Client, OAuth2RequestError } from "arctic";
import { z } from "zod";
import type { Db } from "../db/client";
import type { IntegrationProvider } from "../db/generated/client";
import { env, isLoopbackHost } from "../env";
import { ProviderAuthError, TemporaryProviderError } from "./errors";
import { RevocationError, revokeOAuthToken } from "./providers";
import { decryptToken, encryptToken } from "./token-crypto";

const GOOGLE_PROVIDERS: IntegrationProvider[] = ["gmail", "gcal"];

/** Whether one grant at the provider can serve several of our connections (Google's tools can). */
export function sharesGrant(provider: IntegrationProvider): boolean {
  return GOOGLE_PROVIDERS.includes(provider);
}

/** The tools whose connections can share a grant with `provider`'s (itself excluded). */
export function grantSharers(provider: IntegrationProvider): IntegrationProvider[] {
  return sharesGrant(provider) ? GOOGLE_PROVIDERS.filter((p) => p !== provider) : [];
}

/** Refresh this long before the access token's expiry, so a step never starts with a dying token. */
export const REFRESH_MARGIN_MS = 2 * 60_000;

/** Google's token answer to a refresh_token grant (a trust boundary: checked before it is stored). */
const refreshAnswer = z.object({
  access_token: z.string().min(1).max(4096),
  /** Salesforce: where the org's API is now (it can move on an org migration). */
  instance_url: z
    .string()
    .max(2048)
    .url()
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
    })
    .transform((value) => value.replace(/\/+$/, ""))
    .optional(),
  expires_in: z
    .number()
    .int()
    .positive()
    .max(366 * 86_400)
    .optional(),
  refresh_token: z.string().min(1).max(4096).optional(),
  scope: z.string().optional(),
  token_type: z.string().optional(),
});

type OAuthClientConfig = { clientId: string; clientSecret: string; tokenEndpoint: string };

function oauthClientFor(provider: IntegrationProvider, authBaseUrl: string | null): OAuthClientConfig | null {
  switch (provider) {
    case "gmail":
    case "gcal": {
      const google = env().google;
      return google
        ? { clientId: google.clientId, clientSecret: google.clientSecret, tokenEndpoint: google.tokenEndpoint }
        : null;
    }
    case "salesforce": {
      const salesforce = env().salesforce;
      if (!salesforce) return null;
      // The login host that issued the grant refreshes it (a sandbox's grant is unknown to production).
      const loginUrl = authBaseUrl ?? salesforce.loginUrl;
      return {
        clientId: salesforce.clientId,
        clientSecret: salesforce.clientSecret,
        tokenEndpoint: `${loginUrl}/services/oauth2/token`,
      };
    }
    case "outreach": {
      const outreach = env().outreach;
      return outreach
        ? { clientId: outreach.clientId, clientSecret: outreach.clientSecret, tokenEndpoint: outreach.tokenEndpoint }
        : null;
    }
  }
}

export type RefreshedTokens = {
  accessToken: string;
  accessTokenExpiresAt: Date | null;
  /** The connection's API host after the refresh (Salesforce's instance_url), when it has one. */
  apiBaseUrl?: string | null;
};

/**
 * Trades the connection's refresh token for a new access token at the provider and stores it (and a
 * rotated refresh token, when the provider sends one) encrypted under the connection's id.
 * Throws ProviderAuthError when the user must reconnect (no refresh token, `invalid_grant`: a
 * "Testing" OAuth app's 7-day tokens, revoked access), TemporaryProviderError when trying later can help.
 */
export async function refreshConnectionTokens(
  db: Db,
  connectionId: string,
  options: { now?: Date; leaseId?: string } = {},
): Promise<RefreshedTokens> {
  const connection = await db.integrationConnection.findUnique({
    where: { id: connectionId },
    select: {
      id: true,
      provider: true,
      status: true,
      refreshTokenCipher: true,
      tokenKeyId: true,
      authBaseUrl: true,
      apiBaseUrl: true,
    },
  });
  if (!connection || connection.status === "disconnected" || !connection.tokenKeyId)
    throw new ProviderAuthError("The connection has no credentials any more; connect it again.");
  if (!connection.refreshTokenCipher)
    throw new ProviderAuthError(
      "The provider gave us no refresh token, so access cannot be renewed; reconnect to grant it again.",
    );
  const client = oauthClientFor(connection.provider, connection.authBaseUrl);
  if (!client)
    throw new ProviderAuthError(
      `Access to ${connection.provider} cannot be renewed: no OAuth client is configured for it; reconnect once it is.`,
    );
  const refreshToken = decryptToken(connection.refreshTokenCipher, connection.tokenKeyId, connection.id);
  let answer: z.infer<typeof refreshAnswer>;
  try {
    const tokens = await new OAuth2Client(client.clientId, client.clientSecret, null).refreshAccessToken(
      client.tokenEndpoint,
      refreshToken,
      [],
    );
    const parsed = refreshAnswer.safeParse(tokens.data);
    if (!parsed.success)
      throw new TemporaryProviderError("The provider's token answer did not have the documented shape.", "unavailable");
    answer = parsed.data;
  } catch (error) {
    if (error instanceof OAuth2RequestError) {
      if (error.code === "invalid_grant")
        throw new ProviderAuthError(
          "The provider no longer accepts our access (it was revoked, or it expired); reconnect to continue syncing.",
        );
      if (error.code === "invalid_client" || error.code === "unauthorized_client")
        throw new ProviderAuthError(
          `The provider refused our OAuth client (${error.code}); reconnect once the app's settings are fixed.`,
        );
      throw new TemporaryProviderError(`Renewing access failed (${error.code}).`, "unavailable");
    }
    if (error instanceof ArcticFetchError)
      throw new TemporaryProviderError("The provider's token endpoint could not be reached.", "network");
    if (error instanceof TemporaryProviderError) throw error;
    throw new TemporaryProviderError(
      "Renewing access failed: the token endpoint answered unexpectedly.",
      "unavailable",
    );
  }
  const now = options.now ?? new Date();
  const access = encryptToken(answer.access_token, connection.id);
  const rotated = answer.refresh_token ? encryptToken(answer.refresh_token, connection.id) : null;
  // Re-encrypting the refresh token too keeps both ciphertexts under the current key id (one column
  // names the key for both).
  const refresh = rotated ?? encryptToken(refreshToken, connection.id);
  const accessTokenExpiresAt = answer.expires_in ? new Date(now.getTime() + answer.expires_in * 1000) : null;
  const apiBaseUrl =
    connection.provider === "salesforce" ? (answer.instance_url ?? connection.apiBaseUrl) : connection.apiBaseUrl;
  // Stored only while the connection is still connected: a disconnect that landed meanwhile wins.
  const stored = await db.integrationConnection.updateMany({
    where: {
      id: connection.id,
      status: { not: "disconnected" },
      ...(options.leaseId ? { leaseId: options.leaseId } : {}),
    },
    data: {
      accessTokenCipher: access.cipher,
      refreshTokenCipher: refresh.cipher,
      tokenKeyId: access.keyId,
      accessTokenExpiresAt,
      apiBaseUrl,
    },
  });
  if (stored.count === 0) throw new ProviderAuthError("The connection was disconnected while its access was renewed.");
  return { accessToken: answer.access_token, accessTokenExpiresAt, apiBaseUrl };
}

export type ConnectionTokens = { accessToken: string | null; refreshToken: string | null };

/**
 * Revokes a grant at the provider (RFC 7009). Revoking the refresh token ends the whole grant (at
 * Google, and at Salesforce, where it also revokes the access tokens issued from it); the access
 * token is the fallback when there is no refresh token. Returns false when this provider has no
 * revocation we can call (Outreach documents none; a Salesforce grant whose login host is unknown).
 * Throws when the provider refused or was unreachable.
 */
export async function revokeConnectionTokens(
  provider: IntegrationProvider,
  tokens: ConnectionTokens,
  options: { authBaseUrl?: string | null; signal?: AbortSignal } = {},
): Promise<boolean> {
  const { signal } = options;
  if (provider === "salesforce") {
    const loginUrl = options.authBaseUrl ?? env().salesforce?.loginUrl ?? null;
    const token = tokens.refreshToken ?? tokens.accessToken;
    if (!token) return true;
    if (!loginUrl) return false;
    try {
      // Salesforce's revocation takes the token alone (no client authentication).
      await revokeOAuthToken(`${loginUrl}/services/oauth2/revoke`, token, {
        tokenTypeHint: tokens.refreshToken ? "refresh_token" : "access_token",
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      // 400 invalid_token: the grant is already gone (the user or an admin revoked the app, or the
      // refresh token expired under the app's policy): nothing is left to revoke.
      if (error instanceof RevocationError && error.status === 400 && error.code === "invalid_token") return true;
      throw error;
    }
    return true;
  }
  if (GOOGLE_PROVIDERS.includes(provider)) {
    const token = tokens.refreshToken ?? tokens.accessToken;
    if (!token) return true;
    // Google's revocation endpoint takes the token alone (no client authentication).
    try {
      await revokeOAuthToken(env().googleRevocationEndpoint, token, {
        tokenTypeHint: tokens.refreshToken ? "refresh_token" : "access_token",
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      // Google answers 400 invalid_token for a grant that is already gone (the user removed our
      // access in their Google Account, or it expired): nothing is left to revoke.
      if (error instanceof RevocationError && error.status === 400 && error.code === "invalid_token") return true;
      throw error;
    }
    return true;
  }
  return false;
}

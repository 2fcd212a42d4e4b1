// The OAuth side of a connection, per provider: refreshing an access token before it expires, and
// revoking a grant at disconnect (P12). Google is here now; Salesforce and Outreach add their token
// and revocation endpoints to the two functions below. A refreshed token is stored re-encrypted
// under the connection's own id (P15) in the same statement that records its expiry.
import { ArcticFetchError, OAuth2Client, OAuth2RequestError } from "arctic";
import { z } from "zod";
import type { Db } from "../db/client";
import type { IntegrationProvider } from "../db/generated/client";
import { env } from "../env";
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

function oauthClientFor(provider: IntegrationProvider): OAuthClientConfig | null {
  if (GOOGLE_PROVIDERS.includes(provider)) {
    const google = env().google;
    return google
      ? { clientId: google.clientId, clientSecret: google.clientSecret, tokenEndpoint: google.tokenEndpoint }
      : null;
  }
  return null;
}

export type RefreshedTokens = { accessToken: string; accessTokenExpiresAt: Date | null };

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
    select: { id: true, provider: true, status: true, refreshTokenCipher: true, tokenKeyId: true },
  });
  if (!connection || connection.status === "disconnected" || !connection.tokenKeyId)
    throw new ProviderAuthError("The connection has no credentials any more; connect it again.");
  if (!connection.refreshTokenCipher)
    throw new ProviderAuthError(
      "The provider gave us no refresh token, so access cannot be renewed; reconnect to grant it again.",
    );
  const client = oauthClientFor(connection.provider);
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
    },
  });
  if (stored.count === 0) throw new ProviderAuthError("The connection was disconnected while its access was renewed.");
  return { accessToken: answer.access_token, accessTokenExpiresAt };
}

export type ConnectionTokens = { accessToken: string | null; refreshToken: string | null };

/**
 * Revokes a grant at the provider (RFC 7009). Revoking the refresh token ends the whole grant at
 * Google; the access token is the fallback when there is no refresh token. Returns false when this
 * provider has no revocation we can call yet. Throws when the provider refused or was unreachable.
 */
export async function revokeConnectionTokens(
  provider: IntegrationProvider,
  tokens: ConnectionTokens,
  signal?: AbortSignal,
): Promise<boolean> {
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

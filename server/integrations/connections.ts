// Connections to the seller's tools: what is connected, storing tokens encrypted (P15), and
// disconnecting (P12) — tokens revoked at the provider and deleted here, polling stopped at once,
// events already synced kept until the account is deleted.
import type { Db } from "../db/client";
import { Prisma, type IntegrationProvider } from "../db/generated/client";
import { NotFoundError } from "../errors";
import { logger } from "../logger";
import { revokeConnectionTokens } from "./oauth-tokens";
import { providerInfo, PROVIDERS } from "./providers";
import { decryptToken, encryptToken } from "./token-crypto";

/** Every provider, with the user's connection to it if there is one (never a token). */
export async function listConnections(db: Db, userId: string) {
  const rows = await db.integrationConnection.findMany({
    where: { userId },
    select: {
      id: true,
      provider: true,
      status: true,
      scopes: true,
      externalAccountName: true,
      connectedAt: true,
      disconnectedAt: true,
      lastSyncFinishedAt: true,
      lastSyncItemCount: true,
      lastSyncError: true,
      nextSyncAt: true,
      _count: { select: { events: true } },
    },
  });
  return PROVIDERS.map((provider) => {
    const row = rows.find((r) => r.provider === provider.id) ?? null;
    return { provider, connection: row ? { ...row, eventCount: row._count.events } : null };
  });
}

export const POLL_INTERVAL_MS = 5 * 60_000;

/**
 * Stores (or refreshes) a connection with its tokens encrypted under the connection's own id. Used
 * by the connect flows of the integrations release, and by tests.
 */
export async function storeConnection(
  db: Db,
  userId: string,
  input: {
    provider: IntegrationProvider;
    scopes: string[];
    accessToken: string;
    refreshToken: string | null;
    externalAccountName?: string | null;
    now?: Date;
  },
) {
  // P3: never hold a grant wider than the provider's listed scopes (a provider that returns more
  // than we asked for is refused, not stored).
  const allowed = providerInfo(input.provider).scopes;
  const extra = input.scopes.filter((scope) => !allowed.includes(scope));
  if (extra.length > 0)
    throw new Error(
      `${input.provider} granted scopes we never ask for (${extra.join(", ")}); the connection was not stored.`,
    );
  const now = input.now ?? new Date();
  const row = await db.integrationConnection.upsert({
    where: { userId_provider: { userId, provider: input.provider } },
    create: { userId, provider: input.provider, scopes: input.scopes, status: "active", connectedAt: now },
    update: {
      scopes: input.scopes,
      status: "active",
      connectedAt: now,
      disconnectedAt: null,
      lastSyncError: null,
      consecutiveFailures: 0,
    },
    select: { id: true },
  });
  const access = encryptToken(input.accessToken, row.id);
  const refresh = input.refreshToken ? encryptToken(input.refreshToken, row.id) : null;
  return db.integrationConnection.update({
    where: { id: row.id },
    data: {
      accessTokenCipher: access.cipher,
      refreshTokenCipher: refresh?.cipher ?? null,
      tokenKeyId: access.keyId,
      externalAccountName: input.externalAccountName ?? null,
      nextSyncAt: now,
    },
    select: { id: true, provider: true, status: true },
  });
}

export type DisconnectResult = { id: string; revoked: "yes" | "failed" | "not_available" | "no_tokens" };

/**
 * Disconnects: first (in one statement) the connection stops being active and loses its tokens —
 * from then on no poll can run or store anything — then the tokens are revoked at the provider.
 * A failed revocation is logged, never undone: the tokens are gone from our side either way.
 */
export async function disconnectConnection(
  db: Db,
  userId: string,
  connectionId: string,
  now = new Date(),
): Promise<DisconnectResult> {
  const connection = await db.integrationConnection.findFirst({
    where: { id: connectionId, userId },
    select: {
      id: true,
      provider: true,
      status: true,
      accessTokenCipher: true,
      refreshTokenCipher: true,
      tokenKeyId: true,
    },
  });
  if (!connection) throw new NotFoundError("connection");
  const tokens =
    connection.tokenKeyId && (connection.accessTokenCipher || connection.refreshTokenCipher)
      ? {
          accessToken: connection.accessTokenCipher
            ? decryptToken(connection.accessTokenCipher, connection.tokenKeyId, connection.id)
            : null,
          refreshToken: connection.refreshTokenCipher
            ? decryptToken(connection.refreshTokenCipher, connection.tokenKeyId, connection.id)
            : null,
        }
      : null;
  // One statement: from here on no sync can take the lease, and a sync holding it finds it gone when
  // it goes to commit its step (the engine re-checks under a row lock), so it stores nothing (P12).
  await db.integrationConnection.update({
    where: { id: connection.id },
    data: {
      status: "disconnected",
      disconnectedAt: connection.status === "disconnected" ? undefined : now,
      accessTokenCipher: null,
      refreshTokenCipher: null,
      tokenKeyId: null,
      accessTokenExpiresAt: null,
      nextSyncAt: null,
      // Reconnecting starts from a fresh full sync (which merges: ingest upserts), never from a
      // position that is stale by however long the connection was off.
      cursor: Prisma.DbNull,
      leaseId: null,
      leaseExpiresAt: null,
      stage: "idle",
      stageStartedAt: now,
      progressDone: null,
      progressTotal: null,
    },
  });
  if (!tokens) return { id: connection.id, revoked: "no_tokens" };
  try {
    const revoked = await revokeConnectionTokens(connection.provider, tokens);
    return { id: connection.id, revoked: revoked ? "yes" : "not_available" };
  } catch (error) {
    logger().warn(
      {
        connectionId: connection.id,
        provider: connection.provider,
        err: error instanceof Error ? error.message : String(error),
      },
      "token revocation failed; tokens are deleted on our side",
    );
    return { id: connection.id, revoked: "failed" };
  }
}

/** Every connection of a user, disconnected (account deletion: polling stops at once). */
export async function stopAllPolling(db: Db, userId: string, now = new Date()): Promise<number> {
  const result = await db.integrationConnection.updateMany({
    where: { userId, status: { not: "disconnected" } },
    data: { status: "disconnected", disconnectedAt: now, nextSyncAt: null },
  });
  return result.count;
}

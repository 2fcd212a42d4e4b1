// Connections to the seller's tools: what is connected, storing tokens encrypted (P15), and
// disconnecting (P12) — tokens revoked at the provider and deleted here, polling stopped at once,
// events already synced kept until the account is deleted.
import { isLiveConnection } from "../billing/gates";
import { hasPro, requirePro } from "../billing/plan";
import type { Db } from "../db/client";
import { Prisma, type IntegrationProvider } from "../db/generated/client";
import { env } from "../env";
import { FieldError, NotFoundError, RateLimitedError } from "../errors";
import { enqueue, QUEUES } from "../jobs/jobs";
import { logger } from "../logger";
import { connectionHealth } from "./connection-health";
import { grantSharers, revokeConnectionTokens, sharesGrant } from "./oauth-tokens";
import { providerInfo, PROVIDERS } from "./providers";
import { decryptToken, encryptToken } from "./token-crypto";
import { z } from "zod";

/** The counts of a run, or of a connection's whole life, as the engine stores them (JSON). */
const syncCounts = z.object({
  fetched: z.number().int().nonnegative().catch(0),
  created: z.number().int().nonnegative().catch(0),
  updated: z.number().int().nonnegative().catch(0),
  deleted: z.number().int().nonnegative().catch(0),
  skipped: z.record(z.string(), z.number().int().nonnegative()).catch({}),
});
export type SyncCounts = z.infer<typeof syncCounts>;

/** Stored counts read defensively: a row written by an older engine shows "no counts", never a crash. */
function readCounts(value: unknown): SyncCounts | null {
  if (value === null || value === undefined) return null;
  const parsed = syncCounts.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Whether this instance can connect the tool: its OAuth client is configured (or its fake is on). */
export function connectableOnThisInstance(provider: IntegrationProvider): boolean {
  const config = env();
  switch (provider) {
    case "gmail":
    case "gcal":
      return config.google !== null;
    case "salesforce":
      return config.salesforce !== null;
    case "outreach":
      return config.outreach !== null;
  }
}

/** What a synced record of each tool is called, and how many of them the user has (kept after disconnect, P12). */
const SYNCED_RECORDS: Record<IntegrationProvider, { singular: string; plural: string }> = {
  gmail: { singular: "email conversation", plural: "email conversations" },
  gcal: { singular: "meeting", plural: "meetings" },
  salesforce: { singular: "Salesforce record", plural: "Salesforce records" },
  outreach: { singular: "Outreach record", plural: "Outreach records" },
};

async function syncedRecordCounts(db: Db, userId: string): Promise<Record<IntegrationProvider, number>> {
  const [conversations, meetings, events, links] = await Promise.all([
    db.conversation.count({ where: { userId, source: "gmail" } }),
    db.meeting.count({ where: { userId, source: "gcal" } }),
    db.providerEvent.groupBy({ by: ["provider"], where: { userId }, _count: { _all: true } }),
    // A CRM's records are its links to workspace records that still exist: what was created from it
    // and what it was matched to. Disconnecting keeps them (P12); a record deleted at the tool is not counted.
    db.syncedRecord.groupBy({
      by: ["source"],
      where: { userId, source: { in: ["salesforce", "outreach"] }, recordId: { not: null }, deletedAt: null },
      _count: { _all: true },
    }),
  ]);
  const eventsOf = (provider: IntegrationProvider) => events.find((e) => e.provider === provider)?._count._all ?? 0;
  const linksOf = (source: "salesforce" | "outreach") => links.find((l) => l.source === source)?._count._all ?? 0;
  return {
    gmail: conversations + eventsOf("gmail"),
    gcal: meetings + eventsOf("gcal"),
    salesforce: linksOf("salesforce") + eventsOf("salesforce"),
    outreach: linksOf("outreach") + eventsOf("outreach"),
  };
}

/**
 * Every provider, with the user's connection to it if there is one and its sync health as stored:
 * status, stage and since when, progress, counts, the last error and the next attempt. The select is
 * explicit so a token can never ride along (P15).
 */
export async function listConnections(db: Db, userId: string, now = new Date()) {
  const [rows, synced, pro] = await Promise.all([
    db.integrationConnection.findMany({
      where: { userId },
      select: {
        id: true,
        provider: true,
        status: true,
        scopes: true,
        externalAccountName: true,
        connectedAt: true,
        disconnectedAt: true,
        createdAt: true,
        lastSyncStartedAt: true,
        lastSyncFinishedAt: true,
        lastSyncError: true,
        lastErrorKind: true,
        lastErrorAt: true,
        consecutiveFailures: true,
        nextSyncAt: true,
        stage: true,
        stageStartedAt: true,
        leaseExpiresAt: true,
        firstSyncCompletedAt: true,
        progressDone: true,
        progressTotal: true,
        lastRunStats: true,
        totalStats: true,
        syncRequestedAt: true,
      },
    }),
    syncedRecordCounts(db, userId),
    hasPro(db, userId, now),
  ]);
  const settings = env().sync;
  return PROVIDERS.map((provider) => {
    const row = rows.find((r) => r.provider === provider.id) ?? null;
    return {
      provider,
      connectable: connectableOnThisInstance(provider.id),
      syncedRecords: { count: synced[provider.id], ...SYNCED_RECORDS[provider.id] },
      connection: row
        ? {
            ...row,
            lastRunStats: readCounts(row.lastRunStats),
            totalStats: readCounts(row.totalStats),
            /** Kept for the Disconnect message (P12): what stays after disconnecting. */
            eventCount: synced[provider.id],
            health: connectionHealth(row, { now, pollIntervalMs: settings.pollIntervalMs }),
            maxAttempts: settings.maxAttempts,
            syncNowAvailableAt: syncNowAvailableAt(row.syncRequestedAt, now),
            /** Live but not syncing because the account is on Free: kept as it is, resumes on Pro. */
            pausedByPlan: !pro && isLiveConnection(row.status),
          }
        : null,
    };
  });
}

/**
 * Stores (or refreshes) a connection with its tokens encrypted under the connection's own id (P15),
 * and makes it due at once. A reconnect starts over from a fresh full sync: the cursor and every
 * trace of the old sync's state are cleared, so the engine reads the whole window again and merges
 * (upserts) with what it synced before — nothing is wiped, nothing duplicated. The engine's lease is
 * cleared too, so a worker still holding the old one stops at its next checkpoint.
 */
export async function storeConnection(
  db: Db,
  userId: string,
  input: {
    provider: IntegrationProvider;
    scopes: string[];
    accessToken: string;
    refreshToken: string | null;
    accessTokenExpiresAt?: Date | null;
    /** The connection's own API host (Salesforce's instance_url), or null. */
    apiBaseUrl?: string | null;
    /** Where its grant was issued, for refresh and revocation (Salesforce's login host), or null. */
    authBaseUrl?: string | null;
    externalAccountId?: string | null;
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
  const freshSync = {
    status: "active" as const,
    connectedAt: now,
    disconnectedAt: null,
    cursor: Prisma.DbNull,
    stage: "idle",
    stageStartedAt: null,
    leaseId: null,
    leaseExpiresAt: null,
    firstSyncCompletedAt: null,
    progressDone: null,
    progressTotal: null,
    consecutiveFailures: 0,
    lastSyncError: null,
    lastErrorKind: null,
    lastErrorAt: null,
    // Not due until the tokens are in place (the second write, in the same transaction).
    nextSyncAt: null,
  };
  return db.$transaction(async (tx) => {
    const row = await tx.integrationConnection.upsert({
      where: { userId_provider: { userId, provider: input.provider } },
      create: { userId, provider: input.provider, scopes: input.scopes, ...freshSync },
      update: { scopes: input.scopes, ...freshSync },
      select: { id: true },
    });
    const access = encryptToken(input.accessToken, row.id);
    const refresh = input.refreshToken ? encryptToken(input.refreshToken, row.id) : null;
    return tx.integrationConnection.update({
      where: { id: row.id },
      data: {
        accessTokenCipher: access.cipher,
        refreshTokenCipher: refresh?.cipher ?? null,
        tokenKeyId: access.keyId,
        accessTokenExpiresAt: input.accessTokenExpiresAt ?? null,
        apiBaseUrl: input.apiBaseUrl ?? null,
        authBaseUrl: input.authBaseUrl ?? null,
        externalAccountId: input.externalAccountId ?? null,
        externalAccountName: input.externalAccountName ?? null,
        nextSyncAt: now,
      },
      select: { id: true, provider: true, status: true },
    });
  });
}

/** Sync now may be pressed once a minute per connection. */
export const SYNC_NOW_INTERVAL_MS = 60_000;

function syncNowAvailableAt(syncRequestedAt: Date | null, now: Date): Date | null {
  if (!syncRequestedAt) return null;
  const available = new Date(syncRequestedAt.getTime() + SYNC_NOW_INTERVAL_MS);
  return available > now ? available : null;
}

/** Sync now, pressed again too soon: a 429 with Retry-After, said in words about syncing. */
export class SyncNowTooSoonError extends RateLimitedError {
  override name = "SyncNowTooSoonError";
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds);
    const seconds = this.retryAfterSeconds;
    this.message = `A sync was asked for less than a minute ago. You can ask again in ${seconds} ${seconds === 1 ? "second" : "seconds"}.`;
  }
}

/**
 * Sync now: makes the connection due at once and queues its poll (the singleton key folds it into a
 * poll already queued). It never syncs inline: the engine's job does, with its lease. A connection
 * that had failed for good is given a fresh start (active, no failures counted). At most once a
 * minute per connection; the check and the write are one statement, so two presses at once count
 * as two. On Free it is refused (PlanRequiredError, a 402) and nothing changes.
 */
export async function requestSync(db: Db, userId: string, connectionId: string, now = new Date()) {
  const connection = await db.integrationConnection.findFirst({
    where: { id: connectionId, userId },
    select: { id: true, provider: true, status: true, syncRequestedAt: true },
  });
  if (!connection) throw new NotFoundError("connection");
  // Syncing is Pro: on Free the connection stays paused as it is (a 402 that says how to resume it).
  await requirePro(db, userId, "Syncing your connected tools", now);
  if (connection.status === "disconnected")
    throw new FieldError("connectionId", "This tool is disconnected. Connect it again to sync it.");
  if (connection.status === "needs_reauth")
    throw new FieldError(
      "connectionId",
      `${sharesGrant(connection.provider) ? "Google" : providerInfo(connection.provider).name} no longer accepts our access to this tool. Reconnect it first.`,
    );
  const tooSoon = () => {
    const availableAt = syncNowAvailableAt(connection.syncRequestedAt, now) ?? new Date(now.getTime() + 1000);
    return new SyncNowTooSoonError((availableAt.getTime() - now.getTime()) / 1000);
  };
  const updated = await db.integrationConnection.updateMany({
    where: {
      id: connection.id,
      userId,
      // Re-checked in the write: a disconnect or a needs-reconnect since the read wins.
      status: { in: ["active", "error", "failed"] },
      OR: [{ syncRequestedAt: null }, { syncRequestedAt: { lte: new Date(now.getTime() - SYNC_NOW_INTERVAL_MS) } }],
    },
    data: {
      syncRequestedAt: now,
      nextSyncAt: now,
      ...(connection.status === "failed" ? { status: "active" as const, consecutiveFailures: 0 } : {}),
    },
  });
  if (updated.count === 0) {
    const current = await db.integrationConnection.findUniqueOrThrow({
      where: { id: connection.id },
      select: { status: true, syncRequestedAt: true },
    });
    if (current.status === "disconnected" || current.status === "needs_reauth")
      throw new FieldError("connectionId", "This tool needs to be connected again before it can sync.");
    connection.syncRequestedAt = current.syncRequestedAt;
    throw tooSoon();
  }
  const queued = await enqueue(QUEUES.pollConnection, { connectionId: connection.id }, { singletonKey: connection.id });
  return { id: connection.id, queued, requestedAt: now };
}

export type DisconnectResult = {
  id: string;
  /** shared_grant: another connected tool uses the same grant at the provider, so it was not revoked. */
  revoked: "yes" | "failed" | "not_available" | "no_tokens" | "shared_grant";
};

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
      externalAccountId: true,
      authBaseUrl: true,
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
  // Google keeps one grant per Google account and app (connecting asks for include_granted_scopes), so
  // revoking Gmail's token would also end Calendar's access on the same account. While another tool
  // still uses that grant, our copy of the tokens is deleted and nothing more is read, but the grant
  // stays for the other tool; disconnecting the last one revokes it.
  if (connection.externalAccountId && sharesGrant(connection.provider)) {
    const sharing = await db.integrationConnection.count({
      where: {
        userId,
        id: { not: connection.id },
        provider: { in: grantSharers(connection.provider) },
        externalAccountId: connection.externalAccountId,
        status: { not: "disconnected" },
      },
    });
    if (sharing > 0) return { id: connection.id, revoked: "shared_grant" };
  }
  try {
    const revoked = await revokeConnectionTokens(connection.provider, tokens, { authBaseUrl: connection.authBaseUrl });
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

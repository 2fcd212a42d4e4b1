// Polling a connection for what changed. Only an active connection is polled, and what a poll
// fetched is stored only if the connection is still active when it commits (the row is locked, so
// a disconnect that lands mid-poll wins: P12).
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { logger } from "../logger";
import { truncateText } from "../utils/text";
import { POLL_INTERVAL_MS } from "./connections";
import { ProviderAuthError, providerClient } from "./providers";
import { decryptToken } from "./token-crypto";

export type PollResult = { status: "stored" | "skipped_inactive" | "no_client" | "failed"; stored: number };

export async function pollConnection(db: Db, connectionId: string, now = new Date()): Promise<PollResult> {
  const connection = await db.integrationConnection.findUnique({
    where: { id: connectionId },
    select: {
      id: true,
      userId: true,
      provider: true,
      status: true,
      accessTokenCipher: true,
      tokenKeyId: true,
      cursor: true,
      consecutiveFailures: true,
    },
  });
  if (!connection || connection.status !== "active" || !connection.accessTokenCipher || !connection.tokenKeyId)
    return { status: "skipped_inactive", stored: 0 };
  const client = providerClient(connection.provider);
  if (!client) return { status: "no_client", stored: 0 };
  const started = Date.now();
  let fetched: Awaited<ReturnType<typeof client.fetchEvents>>;
  try {
    fetched = await client.fetchEvents({
      accessToken: decryptToken(connection.accessTokenCipher, connection.tokenKeyId, connection.id),
      cursor: connection.cursor,
    });
  } catch (error) {
    if (error instanceof ProviderAuthError) {
      // Retrying cannot help: the user must reconnect. Stop polling until they do.
      await db.integrationConnection.updateMany({
        where: { id: connection.id, status: "active" },
        data: { status: "needs_reauth", lastSyncError: truncateText(error.message, 500), nextSyncAt: null },
      });
      return { status: "failed", stored: 0 };
    }
    const failures = connection.consecutiveFailures + 1;
    await db.integrationConnection.updateMany({
      where: { id: connection.id, status: "active" },
      data: {
        lastSyncError: error instanceof Error ? truncateText(error.message, 500) : "failed",
        consecutiveFailures: failures,
        // Back off: 5 minutes, doubling, at most a day.
        nextSyncAt: new Date(now.getTime() + Math.min(POLL_INTERVAL_MS * 2 ** failures, 86_400_000)),
      },
    });
    return { status: "failed", stored: 0 };
  }
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<
      { status: string }[]
    >`SELECT status::text FROM integration_connections WHERE id = ${connection.id} FOR UPDATE`;
    if (locked?.status !== "active") {
      logger().info(
        { connectionId: connection.id },
        "poll result discarded: the connection was disconnected meanwhile",
      );
      return { status: "skipped_inactive" as const, stored: 0 };
    }
    const inserted = await tx.providerEvent.createMany({
      data: fetched.events.map((event) => ({
        userId: connection.userId,
        connectionId: connection.id,
        provider: connection.provider,
        externalId: event.externalId,
        eventType: event.eventType,
        occurredAt: event.occurredAt,
        payload: event.payload as Prisma.InputJsonValue,
        receivedAt: now,
      })),
      skipDuplicates: true,
    });
    await tx.integrationConnection.update({
      where: { id: connection.id },
      data: {
        cursor: fetched.cursor as Prisma.InputJsonValue,
        lastSyncStartedAt: new Date(started),
        lastSyncFinishedAt: now,
        lastSyncItemCount: inserted.count,
        lastSyncDurationMs: Date.now() - started,
        lastSyncError: null,
        consecutiveFailures: 0,
        nextSyncAt: new Date(now.getTime() + POLL_INTERVAL_MS),
      },
    });
    return { status: "stored" as const, stored: inserted.count };
  });
}

/** Connections due for a poll. */
export async function dueConnections(db: Db, now = new Date()): Promise<string[]> {
  const rows = await db.integrationConnection.findMany({
    where: { status: "active", nextSyncAt: { lte: now } },
    select: { id: true },
    take: 500,
  });
  return rows.map((r) => r.id);
}

// The server-side gates of the Pro plan that are not a simple requirePro (./plan.ts): what happens to
// connections when an account gains or loses Pro.
import type { Queryable } from "../db/client";

/**
 * Connections are paused, never disconnected, while an account is on Free: the poll scheduler skips
 * them (their tokens, cursors and synced records stay). When the account gains Pro again this makes
 * every live one due now, so syncing resumes at the next sweep instead of at its old schedule.
 */
export async function resumePausedConnections(db: Queryable, userId: string, now = new Date()): Promise<number> {
  const { count } = await db.integrationConnection.updateMany({
    where: { userId, status: { in: ["active", "error"] } },
    data: { nextSyncAt: now },
  });
  return count;
}

// What a connection's stored sync state means for the person looking at it. The state a badge shows
// is derived from the row, never stored, so it cannot drift from what the engine wrote; and a sync
// that is not moving is called out, because a panel that says "healthy" while mail is missing is
// what users of other CRMs complain about most (docs/decisions/020-connecting-google-tools.md).
import type { ConnectionStatus } from "../db/generated/client";

/** The badge: exactly one of these per connection. */
export type ConnectionState =
  /** Connected, and the first sync has not started yet. */
  | "connecting"
  /** Reading the window for the first time (or again after a reconnect), with progress. */
  | "first_sync"
  /** Syncing on schedule. */
  | "active"
  /** The provider asked us to slow down: the next try waits for it. */
  | "throttled"
  /**
   * The tool's allowance for the period is nearly used (Salesforce's daily API requests): syncing
   * waits until it renews (nextSyncAt). Not a failure: the engine keeps the status active.
   */
  | "paused"
  /** A temporary error (5xx, network): retried with backoff. */
  | "retrying"
  /** The provider refused our credentials: polling stopped until the user reconnects. */
  | "needs_reauth"
  /** Temporary errors, too many times in a row: polling stopped until Sync now or a reconnect. */
  | "failed"
  | "disconnected";

/** Why a connection that looks fine is not actually moving. */
export type StallReason =
  /** A stage is held by a worker whose lease ran out (it crashed): the sweep restarts it. */
  | "worker_lost"
  /** A full sync has been running a long time without reading anything. */
  | "no_progress"
  /** The next sync was due a while ago and has not started: the job system may be down. */
  | "overdue"
  /** Active, idle, and nothing scheduled: no sync would ever run again. */
  | "not_scheduled";

export type ConnectionHealthRow = {
  status: ConnectionStatus;
  stage: string;
  stageStartedAt: Date | null;
  leaseExpiresAt: Date | null;
  firstSyncCompletedAt: Date | null;
  lastSyncStartedAt: Date | null;
  lastErrorKind: string | null;
  nextSyncAt: Date | null;
  progressDone: number | null;
  connectedAt: Date;
  createdAt: Date;
};

export type ConnectionHealth = {
  state: ConnectionState;
  /** Why the sync is not moving, when it is not (shown as a warning whatever the badge says). */
  stall: StallReason | null;
  /** The connection was connected again after an earlier grant: its next full sync merges. */
  reconnected: boolean;
};

/** A full sync that has read nothing for this long is not working. */
export const FULL_SYNC_STALL_MS = 30 * 60_000;
/** The scheduler runs every minute; a due sync this late (beyond one poll interval) is stuck. */
export const OVERDUE_GRACE_MS = 10 * 60_000;

const FULL_STAGES = new Set(["first_sync", "full_resync"]);

export function connectionHealth(
  row: ConnectionHealthRow,
  options: { now: Date; pollIntervalMs: number },
): ConnectionHealth {
  const now = options.now.getTime();
  // A reconnect keeps the row and moves connectedAt; a first connect has both at the same moment.
  const reconnected = row.connectedAt.getTime() - row.createdAt.getTime() > 1000;
  const state = stateOf(row);
  return { state, stall: stallOf(row, state, now, options.pollIntervalMs), reconnected };
}

/** What the engine writes as lastErrorKind when a connection pauses for its quota (QuotaPausedError). */
export const QUOTA_PAUSED_KIND = "quota_paused";

function stateOf(row: ConnectionHealthRow): ConnectionState {
  if ((row.status === "active" || row.status === "error") && row.lastErrorKind === QUOTA_PAUSED_KIND) return "paused";
  switch (row.status) {
    case "disconnected":
      return "disconnected";
    case "needs_reauth":
      return "needs_reauth";
    case "failed":
      return "failed";
    case "error":
      return row.lastErrorKind === "rate_limited" ? "throttled" : "retrying";
    case "active":
      break;
  }
  if (row.firstSyncCompletedAt) return "active";
  const startedSinceConnect = row.lastSyncStartedAt !== null && row.lastSyncStartedAt >= row.connectedAt;
  if (row.stage === "idle" && !startedSinceConnect) return "connecting";
  return "first_sync";
}

function stallOf(
  row: ConnectionHealthRow,
  state: ConnectionState,
  now: number,
  pollIntervalMs: number,
): StallReason | null {
  if (state === "disconnected" || state === "needs_reauth" || state === "failed") return null;
  const running = row.stage !== "idle";
  if (running && row.leaseExpiresAt && row.leaseExpiresAt.getTime() < now) return "worker_lost";
  if (
    running &&
    FULL_STAGES.has(row.stage) &&
    row.stageStartedAt &&
    now - row.stageStartedAt.getTime() > FULL_SYNC_STALL_MS &&
    (row.progressDone ?? 0) === 0
  )
    return "no_progress";
  if (!running && row.nextSyncAt && now - row.nextSyncAt.getTime() > Math.max(pollIntervalMs, OVERDUE_GRACE_MS))
    return "overdue";
  if (!running && row.nextSyncAt === null) return "not_scheduled";
  return null;
}

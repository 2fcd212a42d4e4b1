// The sync engine: one state machine per connection (docs/decisions/018-sync-engine.md).
//
// A run takes the connection's lease (one conditional UPDATE, so two workers or a job delivered twice
// never sync the same connection at once), then repeats: renew the access token if it is about to
// expire, ask the provider for one bounded step from the stored cursor, and commit that step's
// records, counts and new cursor in ONE transaction that first re-checks, under a row lock, that the
// connection is still connected and the lease still ours (a disconnect that lands mid-sync wins: P12).
// A crash therefore loses at most the step in flight, and repeats it on the next run (ingest upserts),
// never a step already committed. Errors decide what comes next by their class (./errors.ts).
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import { Prisma, type IntegrationProvider } from "../db/generated/client";
import { env } from "../env";
import { logger } from "../logger";
import { truncateText } from "../utils/text";
import {
  AccessTokenRejectedError,
  CursorExpiredError,
  ProviderAuthError,
  QuotaPausedError,
  TemporaryProviderError,
} from "./errors";
import { applyChanges as ingestChanges, type IngestContext, type IngestStats } from "./ingest";
import { REFRESH_MARGIN_MS, refreshConnectionTokens } from "./oauth-tokens";
import { syncProvider } from "./registry";
import { decryptToken } from "./token-crypto";
import type { SkipReason, SyncCursor, SyncStep, SyncWindow } from "./types";

/** How long a lease lasts without a heartbeat; every step renews it. Past it, the sweep rescues the sync. */
export const LEASE_MS = 5 * 60_000;
/** A run stops after this long and schedules its continuation at once, so jobs stay short. */
export const DEFAULT_BUDGET_MS = 25_000;
/** One provider step that takes longer than this is abandoned as a temporary (network) failure. */
export const STEP_TIMEOUT_MS = 120_000;
/** Backoff after temporary failures never waits longer than this (unless the provider's Retry-After says so). */
export const MAX_BACKOFF_MS = 6 * 3_600_000;
/** A provider's Retry-After is honoured up to this long. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** Bad cursors in one run before the run gives up (a provider that rejects even a fresh full sync). */
const MAX_CURSOR_RESETS_PER_RUN = 2;

export type SyncStage = "idle" | "first_sync" | "full_resync" | "incremental";
export type ErrorKind = "rate_limited" | "unavailable" | "network" | "permission" | "quota_paused";

/** Counts of a run, and (summed) of a connection's whole life: what the Connections page shows. */
export type SyncStats = {
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  skipped: Partial<Record<SkipReason, number>>;
};

export type RunOutcome =
  /** The provider had nothing more: the connection is up to date and polls again after the interval. */
  | "caught_up"
  /** The time budget was spent mid-way; the continuation is due at once. */
  | "continues"
  /** Another worker holds the lease, or the connection is not due: nothing was done. */
  | "busy"
  /** The connection is not syncing (disconnected, needs reconnect, failed) or gone. */
  | "inactive"
  /** The user disconnected while this run was going: the step in flight was dropped. */
  | "disconnected"
  /** No provider is built for this tool yet. */
  | "no_provider"
  /** A temporary failure: retried with backoff at `nextSyncAt`. */
  | "retry_scheduled"
  /** The provider's allowance for the period is used up: paused until `nextSyncAt`, not a failure. */
  | "paused"
  /** Temporary failures `maxAttempts` times in a row: polling stops until the user asks again. */
  | "failed"
  /** The provider refused our credentials for good: the user must reconnect. */
  | "needs_reauth";

export type RunResult = {
  outcome: RunOutcome;
  stats: SyncStats;
  steps: number;
  requests: number;
  /** When the next run is due (null: none is scheduled). */
  nextSyncAt: Date | null;
};

export type ApplyChanges = typeof ingestChanges;

export type RunOptions = {
  now?: () => Date;
  budgetMs?: number;
  workerId?: string;
  signal?: AbortSignal;
  /**
   * What turns changes into records; the ingest module by default. Tests of the engine alone pass a
   * stand-in with the same contract (ingest is built and tested on its own).
   */
  applyChanges?: ApplyChanges;
};

export const emptyStats = (): SyncStats => ({ fetched: 0, created: 0, updated: 0, deleted: 0, skipped: {} });

export function addStats(a: SyncStats, b: SyncStats): SyncStats {
  const skipped: Partial<Record<SkipReason, number>> = { ...a.skipped };
  for (const [reason, n] of Object.entries(b.skipped) as [SkipReason, number][])
    skipped[reason] = (skipped[reason] ?? 0) + n;
  return {
    fetched: a.fetched + b.fetched,
    created: a.created + b.created,
    updated: a.updated + b.updated,
    deleted: a.deleted + b.deleted,
    skipped,
  };
}

/** Stored stats are JSON written by us, but read back defensively: anything unreadable counts as zero. */
function storedStats(value: Prisma.JsonValue | null): SyncStats {
  const stats = emptyStats();
  if (!value || typeof value !== "object" || Array.isArray(value)) return stats;
  const number = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  stats.fetched = number(value.fetched);
  stats.created = number(value.created);
  stats.updated = number(value.updated);
  stats.deleted = number(value.deleted);
  const skipped = value.skipped;
  if (skipped && typeof skipped === "object" && !Array.isArray(skipped))
    for (const [reason, n] of Object.entries(skipped)) stats.skipped[reason as SkipReason] = number(n);
  return stats;
}

function stepStats(step: SyncStep, ingested: IngestStats): SyncStats {
  const skipped: Partial<Record<SkipReason, number>> = { ...ingested.skipped };
  for (const item of step.skipped) skipped[item.reason] = (skipped[item.reason] ?? 0) + 1;
  return {
    fetched: step.changes.length + step.skipped.length,
    created: ingested.created,
    updated: ingested.updated,
    deleted: ingested.deleted,
    skipped,
  };
}

export function syncWindow(now: Date): SyncWindow {
  const { mailDays, calendarPastDays, calendarFutureDays } = env().sync;
  const day = 86_400_000;
  return {
    mailSince: new Date(now.getTime() - mailDays * day),
    calendarFrom: new Date(now.getTime() - calendarPastDays * day),
    calendarTo: new Date(now.getTime() + calendarFutureDays * day),
  };
}

/**
 * How long to wait after the `failures`-th temporary failure in a row: the poll interval doubling
 * each time, with up to 20% jitter (so throttled connections do not retry in lockstep), capped at
 * MAX_BACKOFF_MS — and never sooner than the provider's Retry-After.
 */
export function backoffMs(failures: number, retryAfter: number | null, random = Math.random): number {
  const exponential = Math.min(env().sync.pollIntervalMs * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
  const jittered = Math.round(exponential * (1 + 0.2 * random()));
  return Math.max(Math.min(jittered, MAX_BACKOFF_MS), Math.min(retryAfter ?? 0, MAX_RETRY_AFTER_MS));
}

/** Thrown inside a run when the connection was disconnected, or the lease taken from us, meanwhile. */
class LeaseLostError extends Error {
  override name = "LeaseLostError";
  constructor(readonly disconnected: boolean) {
    super(disconnected ? "the connection was disconnected during the sync" : "the sync's lease was lost");
  }
}

/** Words for the Connections page: what went wrong, never a token or a body (P5). */
function plainWords(error: unknown): { kind: ErrorKind; message: string; retryAfterMs: number | null } {
  if (error instanceof TemporaryProviderError) {
    const prefix =
      error.kind === "rate_limited"
        ? "The provider asked us to slow down"
        : error.kind === "network"
          ? "The provider could not be reached"
          : "The provider was unavailable";
    return {
      kind: error.kind,
      message: truncateText(`${prefix}: ${error.message}`, 500),
      retryAfterMs: error.retryAfterMs,
    };
  }
  if (error instanceof ProviderAuthError)
    return { kind: "permission", message: truncateText(error.message, 500), retryAfterMs: null };
  if (error instanceof QuotaPausedError)
    return { kind: "quota_paused", message: truncateText(error.message, 500), retryAfterMs: null };
  // Unknown errors may carry anything in their message (a driver's query values, a URL): only the
  // class name is shown; the log line has the detail, cut short.
  const name = error instanceof Error ? error.name : "Error";
  return {
    kind: "unavailable",
    message: `The sync stopped on an unexpected error (${truncateText(name, 60)}); it is retried automatically.`,
    retryAfterMs: null,
  };
}

const connectionSelect = {
  id: true,
  userId: true,
  provider: true,
  status: true,
  cursor: true,
  stage: true,
  firstSyncCompletedAt: true,
  accessTokenCipher: true,
  tokenKeyId: true,
  accessTokenExpiresAt: true,
  apiBaseUrl: true,
  externalAccountId: true,
  externalAccountName: true,
  consecutiveFailures: true,
  user: { select: { email: true } },
} satisfies Prisma.IntegrationConnectionSelect;

/**
 * Takes the lease: one conditional UPDATE, atomic on PostgreSQL and PGlite alike (the row lock makes a
 * racing second UPDATE re-check the condition and match nothing). Only a connection that is syncing
 * (active, or error waiting for its retry), due, and not leased by a live worker.
 */
async function takeLease(db: Db, connectionId: string, leaseId: string, now: Date): Promise<boolean> {
  const expires = new Date(now.getTime() + LEASE_MS);
  const taken = await db.$executeRaw`
    UPDATE integration_connections
       SET "leaseId" = ${leaseId}, "leaseExpiresAt" = ${expires}, "lastSyncStartedAt" = ${now}, "updatedAt" = ${now}
     WHERE id = ${connectionId}
       AND status IN ('active', 'error')
       AND "nextSyncAt" IS NOT NULL AND "nextSyncAt" <= ${now}
       AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})`;
  return taken === 1;
}

/** Runs one bounded sync of a connection. Never throws for provider failures: they are recorded on the connection. */
export async function runSync(db: Db, connectionId: string, options: RunOptions = {}): Promise<RunResult> {
  const now = options.now ?? (() => new Date());
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const apply = options.applyChanges ?? ingestChanges;
  const leaseId = `${options.workerId ?? "worker"}:${randomUUID()}`;
  const started = Date.now();
  const result: RunResult = { outcome: "busy", stats: emptyStats(), steps: 0, requests: 0, nextSyncAt: null };

  if (!(await takeLease(db, connectionId, leaseId, now()))) {
    const row = await db.integrationConnection.findUnique({
      where: { id: connectionId },
      select: { status: true, nextSyncAt: true },
    });
    if (!row || (row.status !== "active" && row.status !== "error")) result.outcome = "inactive";
    result.nextSyncAt = row?.nextSyncAt ?? null;
    return result;
  }
  const log = logger().child({ connectionId });
  const connection = await db.integrationConnection.findUniqueOrThrow({
    where: { id: connectionId },
    select: connectionSelect,
  });
  /** Every write of this run goes through here: it lands only while the lease is still ours. */
  const writeHoldingLease = (data: Prisma.IntegrationConnectionUpdateManyMutationInput) =>
    db.integrationConnection.updateMany({ where: { id: connectionId, leaseId }, data });

  const provider = await syncProvider(connection.provider);
  const source: IngestContext["source"] = connection.provider;
  if (!provider) {
    log.warn({ provider: connection.provider }, "no sync provider is built for this tool; polling later");
    result.outcome = "no_provider";
    result.nextSyncAt = new Date(now().getTime() + env().sync.pollIntervalMs);
    await writeHoldingLease({ leaseId: null, leaseExpiresAt: null, nextSyncAt: result.nextSyncAt });
    return result;
  }

  const ownEmails = [
    ...new Set(
      [connection.externalAccountId, connection.externalAccountName, connection.user.email]
        .filter((value): value is string => typeof value === "string" && value.includes("@"))
        .map((value) => value.trim().toLowerCase()),
    ),
  ];
  let cursor = (connection.cursor as SyncCursor | null) ?? null;
  let firstSyncDone = connection.firstSyncCompletedAt !== null;
  let stage: SyncStage = !firstSyncDone
    ? "first_sync"
    : cursor === null || connection.stage === "full_resync"
      ? "full_resync"
      : "incremental";
  if (stage !== connection.stage) await writeHoldingLease({ stage, stageStartedAt: now() });

  let accessToken: string | null =
    connection.accessTokenCipher && connection.tokenKeyId
      ? decryptToken(connection.accessTokenCipher, connection.tokenKeyId, connection.id)
      : null;
  let accessTokenExpiresAt = connection.accessTokenExpiresAt;
  // Salesforce can move an org to another instance: a refresh answers with the new instance_url.
  let apiBaseUrl = connection.apiBaseUrl;
  const renewAccess = async () => {
    const refreshed = await refreshConnectionTokens(db, connection.id, { now: now(), leaseId });
    accessToken = refreshed.accessToken;
    accessTokenExpiresAt = refreshed.accessTokenExpiresAt;
    if (refreshed.apiBaseUrl) apiBaseUrl = refreshed.apiBaseUrl;
    log.info({ stage }, "access token renewed");
  };

  try {
    let refreshedAfterRejection = false;
    let cursorResets = 0;
    for (;;) {
      if (
        !accessToken ||
        (accessTokenExpiresAt && accessTokenExpiresAt.getTime() - now().getTime() < REFRESH_MARGIN_MS)
      )
        await renewAccess();
      let step: SyncStep;
      try {
        const signals = [AbortSignal.timeout(STEP_TIMEOUT_MS), ...(options.signal ? [options.signal] : [])];
        step = await provider.step({
          accessToken: accessToken!,
          apiBaseUrl,
          cursor,
          window: syncWindow(now()),
          now: now(),
          signal: AbortSignal.any(signals),
        });
      } catch (error) {
        if (error instanceof AccessTokenRejectedError) {
          // A 401: the token may have been revoked early or expired on a skewed clock. Renew once; a
          // second refusal right after a fresh token means our access is gone.
          if (refreshedAfterRejection)
            throw new ProviderAuthError(
              "The provider refused a freshly renewed access token; reconnect to grant access again.",
            );
          refreshedAfterRejection = true;
          await renewAccess();
          continue;
        }
        if (error instanceof CursorExpiredError) {
          cursorResets += 1;
          if (cursorResets > MAX_CURSOR_RESETS_PER_RUN)
            throw new TemporaryProviderError("The provider rejected even a fresh full sync's position.", "unavailable");
          log.info({ stage }, "the provider no longer knows our sync position: full re-sync (merging)");
          // The full re-sync upserts what it reads again: nothing is wiped.
          cursor = null;
          stage = firstSyncDone ? "full_resync" : "first_sync";
          const moved = await writeHoldingLease({
            cursor: Prisma.DbNull,
            stage,
            stageStartedAt: now(),
            progressDone: 0,
            progressTotal: null,
            leaseExpiresAt: new Date(now().getTime() + LEASE_MS),
          });
          if (moved.count === 0) throw await leaseLost(db, connectionId);
          continue;
        }
        throw error;
      }
      refreshedAfterRejection = false;
      result.steps += 1;
      result.requests += step.requests;

      const nextStage: SyncStage = !firstSyncDone
        ? "first_sync"
        : step.mode === "full"
          ? stage === "incremental"
            ? "full_resync"
            : stage
          : stage === "full_resync" && !step.caughtUp
            ? "full_resync"
            : "incremental";
      // A full sync is complete once a step catches up: either its last full page (caughtUp), or, for
      // a provider that hands over from its listing to its change feed before catching up (Gmail
      // reads the history that arrived while it listed), the first caught-up step after the listing.
      const completesFullSync = step.caughtUp && (step.mode === "full" || stage !== "incremental");
      const at = now();
      const counted = await db.$transaction(
        async (tx) => {
          // The row lock, the checks and the running totals in one read.
          const [locked] = await tx.$queryRaw<
            { status: string; leaseId: string | null; totalStats: Prisma.JsonValue | null }[]
          >`
            SELECT status::text AS status, "leaseId", "totalStats"
              FROM integration_connections WHERE id = ${connectionId} FOR UPDATE`;
          if (!locked || locked.status === "disconnected" || locked.leaseId !== leaseId)
            throw new LeaseLostError(!locked || locked.status === "disconnected");
          const ingested = await apply(tx, { userId: connection.userId, source, ownEmails, now: at }, step.changes);
          const stats = stepStats(step, ingested);
          const runStats = addStats(result.stats, stats);
          await tx.integrationConnection.update({
            where: { id: connectionId },
            data: {
              cursor: step.cursor as Prisma.InputJsonValue,
              lastRunStats: runStats,
              totalStats: addStats(storedStats(locked.totalStats), stats),
              leaseExpiresAt: new Date(at.getTime() + LEASE_MS),
              ...(step.progress && step.mode === "full"
                ? { progressDone: step.progress.done, progressTotal: step.progress.total }
                : {}),
              ...(nextStage !== stage ? { stage: nextStage, stageStartedAt: at } : {}),
              ...(completesFullSync && !firstSyncDone ? { firstSyncCompletedAt: at } : {}),
            },
          });
          return stats;
        },
        { maxWait: 10_000, timeout: 120_000 },
      );
      result.stats = addStats(result.stats, counted);
      cursor = step.cursor;
      stage = nextStage;
      if (completesFullSync) firstSyncDone = true;

      if (step.caughtUp) {
        const finished = now();
        result.outcome = "caught_up";
        result.nextSyncAt = new Date(finished.getTime() + env().sync.pollIntervalMs);
        await writeHoldingLease({
          status: "active",
          stage: "idle",
          stageStartedAt: finished,
          progressDone: null,
          progressTotal: null,
          lastSyncFinishedAt: finished,
          lastSyncDurationMs: Date.now() - started,
          lastSyncItemCount: result.stats.fetched,
          lastSyncError: null,
          lastErrorKind: null,
          consecutiveFailures: 0,
          nextSyncAt: result.nextSyncAt,
          leaseId: null,
          leaseExpiresAt: null,
        });
        return result;
      }
      if (Date.now() - started >= budgetMs || options.signal?.aborted) {
        // Long (first) syncs proceed in bounded jobs: the continuation is due at once, the stage and
        // progress stay as they are for the Connections page.
        result.outcome = "continues";
        result.nextSyncAt = now();
        await writeHoldingLease({
          status: "active",
          consecutiveFailures: 0,
          lastSyncError: null,
          lastErrorKind: null,
          nextSyncAt: result.nextSyncAt,
          leaseId: null,
          leaseExpiresAt: null,
        });
        return result;
      }
    }
  } catch (error) {
    return await recordFailure(db, connection, leaseId, error, result, now(), log);
  }
}

async function leaseLost(db: Db, connectionId: string): Promise<LeaseLostError> {
  const row = await db.integrationConnection.findUnique({ where: { id: connectionId }, select: { status: true } });
  return new LeaseLostError(!row || row.status === "disconnected");
}

async function recordFailure(
  db: Db,
  connection: { id: string; provider: IntegrationProvider; consecutiveFailures: number },
  leaseId: string,
  error: unknown,
  result: RunResult,
  at: Date,
  log: ReturnType<typeof logger>,
): Promise<RunResult> {
  if (error instanceof LeaseLostError) {
    log.info({ disconnected: error.disconnected }, "sync stopped: the step in flight was dropped, nothing stored");
    result.outcome = error.disconnected ? "disconnected" : "busy";
    return result;
  }
  const words = plainWords(error);
  const where = { id: connection.id, leaseId };
  const release = {
    leaseId: null,
    leaseExpiresAt: null,
    stage: "idle",
    stageStartedAt: at,
    lastErrorKind: words.kind,
    lastErrorAt: at,
    lastSyncError: words.message,
  };
  // A disconnect (or the sweep) took the lease meanwhile: its state stands, ours is not written.
  const written = (count: number) => (count === 1 ? Promise.resolve(null) : leaseLost(db, connection.id));
  if (error instanceof ProviderAuthError) {
    log.warn({ provider: connection.provider }, "the provider refused our credentials: the user must reconnect");
    const stored = await db.integrationConnection.updateMany({
      where,
      data: { ...release, status: "needs_reauth", nextSyncAt: null },
    });
    const lost = await written(stored.count);
    result.outcome = lost ? (lost.disconnected ? "disconnected" : "busy") : "needs_reauth";
    return result;
  }
  if (error instanceof QuotaPausedError) {
    // Not a failure: the allowance comes back on its own. Paused until then, without backoff.
    const resumeAt = new Date(Math.min(error.resumeAt.getTime(), at.getTime() + MAX_RETRY_AFTER_MS));
    log.warn({ provider: connection.provider, resumeAt: resumeAt.toISOString() }, "sync paused: allowance used up");
    const stored = await db.integrationConnection.updateMany({
      where,
      data: { ...release, status: "active", nextSyncAt: resumeAt },
    });
    const lost = await written(stored.count);
    result.outcome = lost ? (lost.disconnected ? "disconnected" : "busy") : "paused";
    result.nextSyncAt = lost ? null : resumeAt;
    return result;
  }
  const failures = connection.consecutiveFailures + 1;
  const maxAttempts = env().sync.maxAttempts;
  log.warn(
    {
      provider: connection.provider,
      kind: words.kind,
      failures,
      err: error instanceof Error ? `${error.name}: ${truncateText(error.message, 300)}` : "non-error thrown",
    },
    "sync failed",
  );
  if (failures >= maxAttempts) {
    const stored = await db.integrationConnection.updateMany({
      where,
      data: {
        ...release,
        status: "failed",
        consecutiveFailures: failures,
        nextSyncAt: null,
        lastSyncError: truncateText(
          `${words.message} Gave up after ${failures} tries in a row; press Sync now to try again.`,
          600,
        ),
      },
    });
    const lost = await written(stored.count);
    result.outcome = lost ? (lost.disconnected ? "disconnected" : "busy") : "failed";
    return result;
  }
  const retryAt = new Date(at.getTime() + backoffMs(failures, words.retryAfterMs));
  const stored = await db.integrationConnection.updateMany({
    where,
    data: { ...release, status: "error", consecutiveFailures: failures, nextSyncAt: retryAt },
  });
  const lost = await written(stored.count);
  result.outcome = lost ? (lost.disconnected ? "disconnected" : "busy") : "retry_scheduled";
  result.nextSyncAt = lost ? null : retryAt;
  return result;
}

/**
 * Rescues syncs whose worker died (kill -9, a crashed container): a lease past its expiry is cleared,
 * the stage reset, and the connection made due at once. What the dead worker committed stays; the
 * step it had in flight is read again from the saved cursor.
 */
export async function rescueStuckSyncs(db: Db, now = new Date()): Promise<number> {
  const stuck = await db.integrationConnection.findMany({
    where: { leaseId: { not: null }, leaseExpiresAt: { lt: now } },
    select: { id: true, stage: true, stageStartedAt: true, status: true },
    take: 500,
  });
  let rescued = 0;
  for (const row of stuck) {
    const syncing = row.status === "active" || row.status === "error";
    const cleared = await db.integrationConnection.updateMany({
      where: { id: row.id, leaseId: { not: null }, leaseExpiresAt: { lt: now } },
      data: {
        leaseId: null,
        leaseExpiresAt: null,
        stage: "idle",
        stageStartedAt: now,
        ...(syncing ? { nextSyncAt: now } : {}),
      },
    });
    if (cleared.count === 1) {
      rescued += 1;
      logger().warn(
        { connectionId: row.id, stage: row.stage, since: row.stageStartedAt?.toISOString() ?? null },
        "rescued a sync whose worker stopped holding its lease",
      );
    }
  }
  return rescued;
}

const DUE_BATCH = 500;

/**
 * Connections whose sync is due: syncing (active, or error awaiting its retry), due, not leased by a
 * live worker; at most DUE_BATCH, most overdue first. `keep` (the plan gate) picks which of each batch
 * may sync; the rest stay as they are — still due, passed over — and the next batch is read, so
 * paused connections never crowd out the ones that may sync.
 */
export async function dueConnections(
  db: Db,
  now = new Date(),
  keep?: (batch: { id: string; userId: string }[]) => Promise<string[]>,
): Promise<string[]> {
  const due: string[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await db.integrationConnection.findMany({
      where: {
        status: { in: ["active", "error"] },
        nextSyncAt: { lte: now },
        OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }],
      },
      select: { id: true, userId: true },
      orderBy: [{ nextSyncAt: "asc" }, { id: "asc" }],
      take: DUE_BATCH,
      ...(after ? { cursor: { id: after }, skip: 1 } : {}),
    });
    due.push(...(keep ? await keep(rows) : rows.map((r) => r.id)));
    if (!keep || rows.length < DUE_BATCH || due.length >= DUE_BATCH) return due.slice(0, DUE_BATCH);
    after = rows[rows.length - 1]!.id;
  }
}

// Rate limits kept in the database (rate_limit_buckets), so every web process shares them: fixed
// windows (so many attempts per window) and exponential backoff (after a few failures, each further
// attempt waits twice as long as the one before). Keys are SHA-256 hashes: the table never holds an
// IP address or an email in clear.
import { createHash } from "node:crypto";
import type { Db, Queryable } from "../db/client";
import { RateLimitedError } from "../errors";

export { tooManyAttemptsMessage } from "../errors";

export type RateLimitRule = { name: string; limit: number; windowMs: number };

/**
 * Exponential backoff: `freeFailures` attempts pass at once; after the n-th failure (n ≥ freeFailures)
 * the next attempt waits firstDelayMs × 2^(n − freeFailures), at most maxDelayMs. Success clears it;
 * so does `forgetAfterMs` without any attempt.
 */
export type BackoffRule = {
  name: string;
  freeFailures: number;
  firstDelayMs: number;
  maxDelayMs: number;
  forgetAfterMs: number;
};

const MINUTE = 60_000;
/**
 * The limits, in one place. Sign-in (server/auth/sign-in-throttle.ts) counts every attempt; the
 * per-IP and per-account windows apply only to clients (IPs) the account does not know.
 */
export const rateLimits = {
  signInPerIp: { name: "sign-in:ip", limit: 30, windowMs: 15 * MINUTE },
  /** The account's ceiling against guessing from many IPs: never applied to its known clients. */
  signInPerAccount: { name: "sign-in:account", limit: 10, windowMs: 15 * MINUTE },
  signUpPerIp: { name: "sign-up:ip", limit: 10, windowMs: 60 * MINUTE },
  resetRequestPerIp: { name: "reset-request:ip", limit: 10, windowMs: 60 * MINUTE },
  resetRequestPerAccount: { name: "reset-request:account", limit: 5, windowMs: 60 * MINUTE },
  resetPerIp: { name: "reset:ip", limit: 20, windowMs: 60 * MINUTE },
  changePasswordPerAccount: { name: "change-password:account", limit: 10, windowMs: 15 * MINUTE },
  deleteAccountPerAccount: { name: "delete-account:account", limit: 5, windowMs: 15 * MINUTE },
} satisfies Record<string, RateLimitRule>;

export const backoffRules = {
  /** One account from one client (its IP): 5 tries, then 1 s, 2 s, 4 s … 15 min. */
  signInPerClient: {
    name: "sign-in:account+client",
    freeFailures: 5,
    firstDelayMs: 1000,
    maxDelayMs: 15 * MINUTE,
    forgetAfterMs: 24 * 60 * MINUTE,
  },
} satisfies Record<string, BackoffRule>;

function bucketKey(rule: { name: string }, subject: string): string {
  return createHash("sha256").update(`${rule.name}\u0000${subject}`).digest("hex");
}

/**
 * Known clients: an (account, IP) pair from which the account's password (or, through a reset link,
 * its mailbox) was proved. Such a client is judged by its own backoff only, so failures elsewhere
 * cannot lock it out (sign-in-throttle.ts). Kept server-side — P13 promises a single session
 * cookie — as rows whose `resetAt` is the expiry, so the sweep removes them.
 */
export const KNOWN_CLIENT_RULE = { name: "sign-in:known-client" } as const;
/** A client stays known for half a year after its last success (each one renews it). */
export const KNOWN_CLIENT_TTL_MS = 180 * 24 * 60 * MINUTE;

/** "<hash of the account>:<hash of account and IP>": no email or IP in clear, yet deletable per account. */
function knownClientKey(email: string, ip: string): string {
  const account = email.toLowerCase();
  return `${bucketKey(KNOWN_CLIENT_RULE, account)}:${bucketKey(KNOWN_CLIENT_RULE, `${account}\u0000${ip}`)}`;
}

/** Marks `ip` as a known client of the account `email` for the next 180 days (sign-in, sign-up, reset). */
export async function rememberKnownClient(
  db: Queryable,
  email: string,
  ip: string | null,
  now = new Date(),
): Promise<void> {
  if (!ip) return;
  const key = knownClientKey(email, ip);
  const expiresAt = new Date(now.getTime() + KNOWN_CLIENT_TTL_MS);
  await db.$executeRaw`
    INSERT INTO rate_limit_buckets (key, count, "resetAt") VALUES (${key}, 1, ${expiresAt})
    ON CONFLICT (key) DO UPDATE SET "resetAt" = ${expiresAt}`;
}

/** Whether `ip` signed in to the account `email` (or set or reset its password) within 180 days. */
export async function isKnownClient(
  db: Queryable,
  email: string,
  ip: string | null,
  now = new Date(),
): Promise<boolean> {
  if (!ip) return false;
  const row = await db.rateLimitBucket.findUnique({ where: { key: knownClientKey(email, ip) } });
  return row !== null && row.resetAt > now;
}

/**
 * Drops every window counted against these subjects, and the known clients of these accounts
 * (a deleted account's id and email, P11).
 */
export async function forgetRateLimitsOf(db: Queryable, subjects: string[]): Promise<number> {
  const keys = Object.values(rateLimits).flatMap((rule) => subjects.map((subject) => bucketKey(rule, subject)));
  const result = await db.rateLimitBucket.deleteMany({
    where: {
      OR: [
        { key: { in: keys } },
        ...subjects.map((subject) => ({
          key: { startsWith: `${bucketKey(KNOWN_CLIENT_RULE, subject.toLowerCase())}:` },
        })),
      ],
    },
  });
  return result.count;
}

export type RateLimitResult = { allowed: boolean; remaining: number; retryAfterSeconds: number };

/** A Retry-After in whole seconds, never 0 (a 0 would invite an immediate retry that is refused again). */
function secondsUntil(when: Date, now: Date): number {
  return Math.max(1, Math.ceil((when.getTime() - now.getTime()) / 1000));
}

/** Counts one attempt against `rule` for `subject` (an IP, a lower-cased email, a user id). */
export async function consumeRateLimit(
  db: Queryable,
  rule: RateLimitRule,
  subject: string,
  now = new Date(),
): Promise<RateLimitResult> {
  const key = bucketKey(rule, subject);
  const resetAt = new Date(now.getTime() + rule.windowMs);
  // One statement: a new window starts when the old one has ended, otherwise the count goes up.
  const rows = await db.$queryRaw<{ count: number; resetAt: Date }[]>`
    INSERT INTO rate_limit_buckets (key, count, "resetAt") VALUES (${key}, 1, ${resetAt})
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limit_buckets."resetAt" <= ${now} THEN 1 ELSE rate_limit_buckets.count + 1 END,
      "resetAt" = CASE WHEN rate_limit_buckets."resetAt" <= ${now} THEN ${resetAt} ELSE rate_limit_buckets."resetAt" END
    RETURNING count, "resetAt"`;
  const row = rows[0]!;
  const count = Number(row.count);
  return {
    allowed: count <= rule.limit,
    remaining: Math.max(0, rule.limit - count),
    retryAfterSeconds: secondsUntil(new Date(row.resetAt), now),
  };
}

/** Checks several rules; the first one exceeded decides. Every rule counts the attempt. */
export async function consumeRateLimits(
  db: Queryable,
  checks: [RateLimitRule, string | null | undefined][],
  now = new Date(),
): Promise<RateLimitResult> {
  let verdict: RateLimitResult = { allowed: true, remaining: Number.POSITIVE_INFINITY, retryAfterSeconds: 0 };
  for (const [rule, subject] of checks) {
    if (!subject) continue;
    const result = await consumeRateLimit(db, rule, subject, now);
    if (!result.allowed && verdict.allowed) verdict = result;
    else if (verdict.allowed) verdict = { ...result, remaining: Math.min(verdict.remaining, result.remaining) };
  }
  return verdict;
}

/** Consumes one attempt and throws RateLimitedError (a 429 with Retry-After, wherever it lands) if refused. */
export async function enforceRateLimit(db: Queryable, rule: RateLimitRule, subject: string): Promise<void> {
  const result = await consumeRateLimit(db, rule, subject);
  if (!result.allowed) throw new RateLimitedError(result.retryAfterSeconds);
}

/**
 * Admits one attempt under a backoff rule, or refuses it (not counted) while the subject waits.
 * Atomic per subject across processes: the row is locked while the attempt is counted, so parallel
 * attempts cannot all slip through before the first one's delay is written.
 */
export async function consumeBackoff(
  db: Db,
  rule: BackoffRule,
  subject: string,
  now = new Date(),
): Promise<RateLimitResult> {
  const key = bucketKey(rule, subject);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`
      INSERT INTO rate_limit_buckets (key, count, "resetAt") VALUES (${key}, 0, ${now}) ON CONFLICT (key) DO NOTHING`;
    const [row] = await tx.$queryRaw<{ count: number; resetAt: Date; blockedUntil: Date | null }[]>`
      SELECT count, "resetAt", "blockedUntil" FROM rate_limit_buckets WHERE key = ${key} FOR UPDATE`;
    // Forgotten (a quiet day) or new: start again from nothing.
    const fresh = !row || new Date(row.resetAt) <= now;
    const failures = fresh ? 0 : Number(row.count);
    const blockedUntil = fresh || !row.blockedUntil ? null : new Date(row.blockedUntil);
    if (blockedUntil && blockedUntil > now) {
      return {
        allowed: false,
        remaining: 0,
        retryAfterSeconds: secondsUntil(blockedUntil, now),
      };
    }
    // Counted before the password is checked (success clears it), so this attempt is a failure until
    // it proves otherwise, and the next one waits accordingly.
    const count = failures + 1;
    const delayMs =
      count < rule.freeFailures
        ? 0
        : Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** Math.min(count - rule.freeFailures, 40));
    await tx.rateLimitBucket.update({
      where: { key },
      data: {
        count,
        resetAt: new Date(now.getTime() + rule.forgetAfterMs),
        blockedUntil: delayMs > 0 ? new Date(now.getTime() + delayMs) : null,
      },
    });
    return { allowed: true, remaining: Math.max(0, rule.freeFailures - count), retryAfterSeconds: 0 };
  });
}

/** Forgets a subject's failures under a backoff rule (the attempt succeeded). */
export async function clearBackoff(db: Queryable, rule: BackoffRule, subject: string): Promise<void> {
  await db.rateLimitBucket.deleteMany({ where: { key: bucketKey(rule, subject) } });
}

/** Drops windows that ended more than a day ago (the `maintenance.sweep` job). */
export async function sweepRateLimits(db: Queryable, now = new Date()): Promise<number> {
  const result = await db.rateLimitBucket.deleteMany({
    where: { resetAt: { lt: new Date(now.getTime() - 86_400_000) } },
  });
  return result.count;
}

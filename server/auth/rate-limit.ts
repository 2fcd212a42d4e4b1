// Fixed-window rate limits kept in the database (rate_limit_buckets), so every web process shares
// them. Keys are SHA-256 hashes: the table never holds an IP address or an email in clear.
import { createHash } from "node:crypto";
import type { Queryable } from "../db/client";

export type RateLimitRule = { name: string; limit: number; windowMs: number };

const MINUTE = 60_000;
/** The limits, in one place. Sign-in counts every attempt, so guessing is slow either way. */
export const rateLimits = {
  signInPerIp: { name: "sign-in:ip", limit: 30, windowMs: 15 * MINUTE },
  signInPerAccount: { name: "sign-in:account", limit: 10, windowMs: 15 * MINUTE },
  signUpPerIp: { name: "sign-up:ip", limit: 10, windowMs: 60 * MINUTE },
  resetRequestPerIp: { name: "reset-request:ip", limit: 10, windowMs: 60 * MINUTE },
  resetRequestPerAccount: { name: "reset-request:account", limit: 5, windowMs: 60 * MINUTE },
  resetPerIp: { name: "reset:ip", limit: 20, windowMs: 60 * MINUTE },
  changePasswordPerAccount: { name: "change-password:account", limit: 10, windowMs: 15 * MINUTE },
  deleteAccountPerAccount: { name: "delete-account:account", limit: 5, windowMs: 15 * MINUTE },
} satisfies Record<string, RateLimitRule>;

function bucketKey(rule: RateLimitRule, subject: string): string {
  return createHash("sha256").update(`${rule.name}\u0000${subject}`).digest("hex");
}

/** Drops every window counted against these subjects (a deleted account's id and email, P11). */
export async function forgetRateLimitsOf(db: Queryable, subjects: string[]): Promise<number> {
  const keys = Object.values(rateLimits).flatMap((rule) => subjects.map((subject) => bucketKey(rule, subject)));
  const result = await db.rateLimitBucket.deleteMany({ where: { key: { in: keys } } });
  return result.count;
}

export type RateLimitResult = { allowed: boolean; remaining: number; retryAfterSeconds: number };

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
    retryAfterSeconds: Math.max(1, Math.ceil((new Date(row.resetAt).getTime() - now.getTime()) / 1000)),
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

export function tooManyAttemptsMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many attempts. For your security, wait ${minutes === 1 ? "a minute" : `${minutes} minutes`} and try again.`;
}

/** Drops windows that ended more than a day ago (the `maintenance.sweep` job). */
export async function sweepRateLimits(db: Queryable, now = new Date()): Promise<number> {
  const result = await db.rateLimitBucket.deleteMany({
    where: { resetAt: { lt: new Date(now.getTime() - 86_400_000) } },
  });
  return result.count;
}

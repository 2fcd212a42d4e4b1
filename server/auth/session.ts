// Sessions, written to the Lucia guide (docs/decisions/002-lucia-style-sessions.md).
// The cookie carries `<id>.<secret>`; the database keeps only SHA-256(secret), so a copy of the
// database holds no usable token. A separate id lets us find the row without comparing secrets in
// SQL, and the secret is compared in constant time, so lookups leak nothing through timing.
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import type { Db, Queryable } from "../db/client";
import { truncateText } from "../utils/text";

export const SESSION_COOKIE = "si_session";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** A session idle this long ends. */
export const INACTIVITY_TIMEOUT_MS = 14 * DAY_MS;
/** However active, a session ends this long after sign-in. */
export const ABSOLUTE_LIFETIME_MS = 90 * DAY_MS;
/** lastSeenAt (and the cookie) are refreshed at most this often: one write an hour, not one a request. */
export const ACTIVITY_REFRESH_MS = HOUR_MS;

export type SessionUser = { id: string; email: string; name: string };
export type ValidSession = {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
};
export type SessionValidation = {
  session: ValidSession;
  user: SessionUser;
  /** True when this request moved lastSeenAt: the cookie should be sent again with a fresh Max-Age. */
  refreshed: boolean;
};

/** 24 characters of a 32-letter alphabet: 120 bits from the CSPRNG. */
function generateSecureRandomString(): string {
  const bytes = new Uint8Array(15);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

function hashSecret(secret: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(sha256(new TextEncoder().encode(secret)));
}

export async function createSession(
  db: Db,
  userId: string,
  client: { userAgent?: string | null; ip?: string | null },
  now = new Date(),
): Promise<{ token: string; session: ValidSession }> {
  const id = generateSecureRandomString();
  const secret = generateSecureRandomString();
  const session = await db.session.create({
    data: {
      id,
      userId,
      secretHash: hashSecret(secret),
      // Bounded so a hostile client cannot store megabytes per session.
      userAgent: client.userAgent ? truncateText(client.userAgent, 512, "") : null,
      ip: client.ip?.slice(0, 64) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + ABSOLUTE_LIFETIME_MS),
    },
    select: { id: true, userId: true, createdAt: true, lastSeenAt: true, expiresAt: true },
  });
  return { token: `${id}.${secret}`, session };
}

/** The session a token names, if it is genuine and unexpired; expired rows are deleted on sight. */
export async function validateSessionToken(db: Db, token: string, now = new Date()): Promise<SessionValidation | null> {
  const parts = token.split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1] || parts[0].length > 64 || parts[1].length > 64) return null;
  const [id, secret] = parts as [string, string];
  const row = await db.session.findUnique({
    where: { id },
    select: {
      id: true,
      userId: true,
      secretHash: true,
      createdAt: true,
      lastSeenAt: true,
      expiresAt: true,
      user: { select: { id: true, email: true, name: true, deletionRequest: { select: { id: true } } } },
    },
  });
  if (!row) return null;
  if (!constantTimeEqual(hashSecret(secret), new Uint8Array(row.secretHash))) return null;
  const idleFor = now.getTime() - row.lastSeenAt.getTime();
  if (now >= row.expiresAt || idleFor >= INACTIVITY_TIMEOUT_MS || row.user.deletionRequest) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  let lastSeenAt = row.lastSeenAt;
  let refreshed = false;
  if (idleFor >= ACTIVITY_REFRESH_MS) {
    lastSeenAt = now;
    refreshed = true;
    await db.session.update({ where: { id }, data: { lastSeenAt } });
  }
  const { user } = row;
  return {
    session: { id: row.id, userId: row.userId, createdAt: row.createdAt, lastSeenAt, expiresAt: row.expiresAt },
    user: { id: user.id, email: user.email, name: user.name },
    refreshed,
  };
}

export async function invalidateSession(db: Queryable, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId } });
}

/** Ends every session of a user, except (optionally) the one making the request. */
export async function invalidateUserSessions(
  db: Queryable,
  userId: string,
  options: { except?: string } = {},
): Promise<number> {
  const result = await db.session.deleteMany({
    where: { userId, ...(options.except ? { id: { not: options.except } } : {}) },
  });
  return result.count;
}

/** Seconds the cookie should live from `now`: until the inactivity timeout or the absolute cap. */
export function sessionCookieMaxAge(session: Pick<ValidSession, "lastSeenAt" | "expiresAt">, now = new Date()): number {
  const idleEnd = session.lastSeenAt.getTime() + INACTIVITY_TIMEOUT_MS;
  const end = Math.min(idleEnd, session.expiresAt.getTime());
  return Math.max(0, Math.floor((end - now.getTime()) / 1000));
}

export function sessionCookie(token: string, maxAgeSeconds: number, options: { secure: boolean }): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAgeSeconds}`,
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

export function blankSessionCookie(options: { secure: boolean }): string {
  return sessionCookie("", 0, options);
}

/** The session token a Cookie header carries, if any. */
export function readSessionToken(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value || null;
    }
  }
  return null;
}

// The error classes that decide what the sync engine does next. Providers throw these; the engine
// never inspects HTTP statuses itself. Anything else a provider throws counts as temporary.

/** Retrying later can help: 429, 5xx, quota (`rateLimitExceeded`, `userRateLimitExceeded`), network. */
export class TemporaryProviderError extends Error {
  override name = "TemporaryProviderError";
  constructor(
    message: string,
    readonly kind: "rate_limited" | "unavailable" | "network",
    /** The provider's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** The provider refused the access token (HTTP 401): refresh it once and try again. */
export class AccessTokenRejectedError extends Error {
  override name = "AccessTokenRejectedError";
}

/**
 * The provider refused our credentials for good (401 after a refresh, `invalid_grant`, revoked,
 * a scope taken away): the user must reconnect; polling stops.
 */
export class ProviderAuthError extends Error {
  override name = "ProviderAuthError";
}

/** The stored cursor is too old or unknown (Gmail 404 on historyId, Calendar 410 Gone): re-sync in full, merging. */
export class CursorExpiredError extends Error {
  override name = "CursorExpiredError";
}

/** Parses an HTTP Retry-After (seconds or an HTTP date) into ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The provider's allowance for the period is (nearly) used up — Salesforce's daily API requests, read
 * from `Sforce-Limit-Info`, or `REQUEST_LIMIT_EXCEEDED`: the connection pauses until `resumeAt` (the
 * next day) without counting as a failure, and the Connections page says so.
 */
export class QuotaPausedError extends Error {
  override name = "QuotaPausedError";
  constructor(
    message: string,
    readonly resumeAt: Date,
  ) {
    super(message);
  }
}

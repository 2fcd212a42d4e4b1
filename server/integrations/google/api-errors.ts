// Google's REST APIs (Gmail, Calendar) answer errors the same way: an HTTP status and a JSON body
// `{ error: { code, message, errors: [{ reason, domain }], status } }`. This module turns such an
// answer, or a failure to get one, into the classes of ../errors.ts, which decide what the sync
// engine does next. Both Google providers (Gmail and Calendar) use it, so a quota error means the
// same thing in both. Messages say what happened and never carry the request: a gaxios error (the
// official clients') holds its config, Authorization header included (P5), so it is read for its
// status, body and Retry-After only and never passed on.
import { z } from "zod";
import {
  AccessTokenRejectedError,
  CursorExpiredError,
  ProviderAuthError,
  TemporaryProviderError,
  retryAfterMs,
} from "../errors";

/** A non-2xx answer from a Google API, before it is classified. */
export class GoogleApiHttpError extends Error {
  override name = "GoogleApiHttpError";
  constructor(
    readonly status: number,
    /** Google's error reasons (`errors[].reason`), e.g. "rateLimitExceeded". */
    readonly reasons: string[],
    readonly retryAfter: string | null,
    message: string,
  ) {
    super(message);
  }
}

const googleErrorBody = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional() }).passthrough()).optional(),
  }),
});

/** Reads Google's error body (any shape; a non-JSON body is fine) into a GoogleApiHttpError. */
export function googleHttpError(status: number, body: unknown, retryAfter: string | null): GoogleApiHttpError {
  const parsed = googleErrorBody.safeParse(body);
  const reasons = parsed.success ? (parsed.data.error.errors ?? []).flatMap((e) => (e.reason ? [e.reason] : [])) : [];
  if (parsed.success && parsed.data.error.status) reasons.push(parsed.data.error.status);
  // The message is Google's own text (never a token or a body): safe to log.
  const message = parsed.success && parsed.data.error.message ? parsed.data.error.message : `HTTP ${status}`;
  return new GoogleApiHttpError(status, reasons, retryAfter, message);
}

const RATE_LIMIT_REASONS = new Set([
  "rateLimitExceeded",
  "userRateLimitExceeded",
  "dailyLimitExceeded",
  "quotaExceeded",
  "concurrentLimitExceeded",
  "RESOURCE_EXHAUSTED",
  "RATE_LIMIT_EXCEEDED",
]);

const PERMISSION_REASONS = new Set([
  "insufficientPermissions",
  "forbidden",
  "accessNotConfigured",
  "domainPolicy",
  "PERMISSION_DENIED",
]);

/**
 * The error class for a non-2xx answer. `cursorStatuses` are the statuses that mean "your sync
 * position is too old" for the API at hand: Gmail answers 404 to an expired `startHistoryId`,
 * Calendar 410 to an expired `syncToken`. A 404 elsewhere (a message deleted meanwhile) is for the
 * caller to handle before asking here.
 */
export function classifyGoogleHttpError(error: GoogleApiHttpError, cursorStatuses: number[] = [410]): Error {
  const { status, reasons } = error;
  const detail = `Google answered ${status}${reasons.length ? ` (${reasons.join(", ")})` : ""}: ${error.message}`;
  if (cursorStatuses.includes(status)) return new CursorExpiredError(detail);
  if (status === 401) return new AccessTokenRejectedError(detail);
  if (status === 429 || reasons.some((r) => RATE_LIMIT_REASONS.has(r))) {
    return new TemporaryProviderError(detail, "rate_limited", retryAfterMs(error.retryAfter));
  }
  if (status === 403 && reasons.some((r) => PERMISSION_REASONS.has(r))) return new ProviderAuthError(detail);
  // Google sends 403 for quota (handled above) and for permission; an unknown 403 reason is more
  // likely a permission the user took away than something waiting fixes.
  if (status === 403) return new ProviderAuthError(detail);
  if (status >= 500 || status === 408) {
    return new TemporaryProviderError(detail, "unavailable", retryAfterMs(error.retryAfter));
  }
  // Other 4xx (400 bad request, 404 on a listing): our request or the API changed; waiting and
  // trying again is the least harmful answer, and the engine marks the connection failed after N tries.
  return new TemporaryProviderError(detail, "unavailable", retryAfterMs(error.retryAfter));
}

/** Whether an error is a failure to reach Google at all (DNS, refused, reset, timeout, aborted). */
function isNetworkFailure(error: unknown): boolean {
  // undici throws TypeError("fetch failed") with the system error as its cause; gaxios wraps that again.
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current.name === "AbortError" || current.name === "TimeoutError") return true;
    if (/fetch failed|socket hang up|network|timeout|ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN/i.test(current.message))
      return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Any failure of a call to a Google API → a class of ../errors.ts; with the engine's `signal`, once
 * it is aborted, the abort's own reason instead. Errors already of those classes
 * pass through; a GoogleApiHttpError is classified by status and reason; a gaxios error (the
 * official clients) is read for its status, body and Retry-After; a network failure is temporary.
 */
export function toProviderError(error: unknown, cursorStatuses: number[] = [410], signal?: AbortSignal): Error {
  // The engine stopped the step: hand back its own abort (not the client's wrapper of it, which
  // carries the request), so the engine sees an abort and not a provider failure.
  if (signal?.aborted) {
    return signal.reason instanceof Error ? signal.reason : new DOMException("Google request aborted", "AbortError");
  }
  if (
    error instanceof TemporaryProviderError ||
    error instanceof AccessTokenRejectedError ||
    error instanceof ProviderAuthError ||
    error instanceof CursorExpiredError
  ) {
    return error;
  }
  if (error instanceof GoogleApiHttpError) return classifyGoogleHttpError(error, cursorStatuses);
  const gaxios = gaxiosResponse(error);
  if (gaxios)
    return classifyGoogleHttpError(googleHttpError(gaxios.status, gaxios.data, gaxios.retryAfter), cursorStatuses);
  if (isNetworkFailure(error)) {
    return new TemporaryProviderError(`Google could not be reached: ${(error as Error).message}`, "network");
  }
  return new TemporaryProviderError(
    `Unexpected failure calling Google: ${error instanceof Error ? error.message : String(error)}`,
    "unavailable",
  );
}

/** The status, body and Retry-After of a GaxiosError (the official clients' error), if it is one. */
function gaxiosResponse(error: unknown): { status: number; data: unknown; retryAfter: string | null } | null {
  if (!(error instanceof Error)) return null;
  const response = (error as { response?: { status?: unknown; data?: unknown; headers?: unknown } }).response;
  if (!response || typeof response.status !== "number") return null;
  let retryAfter: string | null = null;
  const headers = response.headers;
  if (headers && typeof (headers as Headers).get === "function") retryAfter = (headers as Headers).get("retry-after");
  else if (headers && typeof headers === "object") {
    const value = (headers as Record<string, unknown>)["retry-after"];
    retryAfter = typeof value === "string" ? value : null;
  }
  return { status: response.status, data: response.data, retryAfter };
}

/** The HTTP status of a failed call (a GoogleApiHttpError or a gaxios error), or null when none came back. */
export function googleHttpStatus(error: unknown): number | null {
  if (error instanceof GoogleApiHttpError) return error.status;
  return gaxiosResponse(error)?.status ?? null;
}

// How a failed Google Calendar request maps onto the sync engine's error classes (../errors.ts). The
// engine decides what to do from the class alone: refresh the token, back off, ask the user to
// reconnect, or re-sync in full. The Gmail provider has the same mapping for its API
// (./api-errors.ts on its branch); the two fold into one when they meet.
//
// The official client (gaxios underneath) throws a GaxiosError; gaxios is not our dependency, so its
// shape is read structurally (and validated) rather than imported. Messages say what happened in
// plain words and never carry the request (its Authorization header holds the access token: P5).
import { z } from "zod";
import {
  AccessTokenRejectedError,
  CursorExpiredError,
  ProviderAuthError,
  TemporaryProviderError,
  retryAfterMs,
} from "../errors";

const googleErrorBody = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), message: z.string().optional() })).optional(),
  }),
});

const failedRequest = z.object({
  code: z.union([z.string(), z.number()]).optional(),
  name: z.string().optional(),
  response: z
    .object({
      status: z.number(),
      headers: z.unknown(),
      data: z.unknown(),
    })
    .optional(),
});

/** Quota reasons Google sends with 403 (and 429): waiting helps. */
const RATE_LIMIT_REASONS = new Set([
  "rateLimitExceeded",
  "userRateLimitExceeded",
  "quotaExceeded",
  "dailyLimitExceeded",
  "RATE_LIMIT_EXCEEDED",
]);

function header(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== "object") return null;
  // gaxios hands back a Headers-like object (with get); older versions a plain record.
  const get = (headers as { get?: unknown }).get;
  if (typeof get === "function") {
    const value: unknown = get.call(headers, name);
    return typeof value === "string" ? value : null;
  }
  const value = (headers as Record<string, unknown>)[name.toLowerCase()];
  return typeof value === "string" ? value : null;
}

/** Google's error reason (`rateLimitExceeded`, `fullSyncRequired`, …) from an error body, if any. */
export function googleErrorReason(data: unknown): string | null {
  const parsed = googleErrorBody.safeParse(data);
  if (!parsed.success) return null;
  return parsed.data.error.errors?.find((e) => e.reason)?.reason ?? parsed.data.error.status ?? null;
}

/** The HTTP status of a failed request, or null when there was no answer. */
export function httpStatus(error: unknown): number | null {
  const parsed = failedRequest.safeParse(error);
  return parsed.success ? (parsed.data.response?.status ?? null) : null;
}

/**
 * The engine's error for a failed Calendar request. A request stopped by the engine's signal gives
 * back the signal's reason, so the engine sees its own abort.
 */
export function calendarApiError(error: unknown, signal?: AbortSignal): Error {
  if (signal?.aborted) {
    // The engine's own abort, not gaxios's wrapper of it (which carries the request and its token).
    return signal.reason instanceof Error ? signal.reason : new DOMException("Calendar request aborted", "AbortError");
  }
  const parsed = failedRequest.safeParse(error);
  const response = parsed.success ? parsed.data.response : undefined;
  if (!response) {
    // No HTTP answer at all: refused connection, reset, DNS, timeout.
    const code = parsed.success && parsed.data.code !== undefined ? ` (${String(parsed.data.code)})` : "";
    return new TemporaryProviderError(`Google Calendar could not be reached${code}`, "network");
  }
  const { status } = response;
  const reason = googleErrorReason(response.data);
  const wait = retryAfterMs(header(response.headers, "retry-after"));
  const said = reason ? ` (${reason})` : "";
  if (status === 401) return new AccessTokenRejectedError("Google Calendar refused the access token");
  if (status === 410) return new CursorExpiredError(`Google Calendar asked for a full sync${said}`);
  if (status === 429 || (status === 403 && reason !== null && RATE_LIMIT_REASONS.has(reason))) {
    return new TemporaryProviderError(`Google Calendar is rate-limiting requests${said}`, "rate_limited", wait);
  }
  if (status === 403) {
    // insufficientPermissions (a scope taken away), forbidden, accessNotConfigured: retrying cannot help.
    return new ProviderAuthError(`Google Calendar refused access${said}`);
  }
  if (status >= 500)
    return new TemporaryProviderError(`Google Calendar is unavailable (HTTP ${status})`, "unavailable", wait);
  // 400, 404 and the rest: not a state the engine can fix by itself; it retries, then marks the connection failed.
  return new TemporaryProviderError(`Google Calendar answered HTTP ${status}${said}`, "unavailable", wait);
}

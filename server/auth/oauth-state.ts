// The short-lived state cookie of an OAuth handshake (P13), shared by every provider: what the
// callback needs to check and finish it (state, PKCE verifier, who started it, for what), base64url
// JSON in an HttpOnly, SameSite=Lax cookie scoped to the provider's /auth/<provider> path, so two
// handshakes with different providers never read each other's state. Not secret from its own
// browser (the verifier only proves the same browser is finishing), never readable by scripts.
import type { z } from "zod";

export const OAUTH_STATE_COOKIE = "si_oauth_state";
export const OAUTH_STATE_MAX_AGE_S = 10 * 60;

/** The Set-Cookie header for a state cookie under `path` (an empty value with 0 clears it). */
export function oauthStateCookie(path: string, value: string, maxAge: number, secure: boolean): string {
  return [
    `${OAUTH_STATE_COOKIE}=${value}`,
    `Path=${path}`,
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/** The Set-Cookie header carrying `payload` for the handshake's ten minutes. */
export function encodeOAuthState(path: string, payload: unknown, secure: boolean): string {
  return oauthStateCookie(
    path,
    Buffer.from(JSON.stringify(payload)).toString("base64url"),
    OAUTH_STATE_MAX_AGE_S,
    secure,
  );
}

/** The state cookie's payload if the request has one of the expected shape, else null. */
export function readOAuthState<T>(cookieHeader: string | null, schema: z.ZodType<T>): T | null {
  const raw = cookieHeader
    ?.split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${OAUTH_STATE_COOKIE}=`))
    ?.slice(OAUTH_STATE_COOKIE.length + 1);
  if (!raw) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether the handshake started longer ago than the cookie may live. */
export function oauthStateExpired(issuedAt: number, now: Date): boolean {
  return now.getTime() - issuedAt > OAUTH_STATE_MAX_AGE_S * 1000;
}

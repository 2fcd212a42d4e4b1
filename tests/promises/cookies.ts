// P13 as a rule a test can apply to any Set-Cookie header the app sends:
//   "One HttpOnly session cookie, `si_session`, plus a short-lived state cookie during OAuth
//    handshakes. SameSite=Lax always, Secure in production."

export const SESSION_COOKIE = "si_session";
export const OAUTH_STATE_COOKIE = "si_oauth_state";
/** "Short-lived": the state cookie may live ten minutes at most. */
export const OAUTH_STATE_MAX_AGE_LIMIT_S = 600;

export type ParsedCookie = { name: string; value: string; attributes: Map<string, string> };

/** A Set-Cookie header's name, value and attributes (attribute names lower-cased; flags map to ""). */
export function parseSetCookie(header: string): ParsedCookie {
  const [pair = "", ...rest] = header.split(";");
  const eq = pair.indexOf("=");
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const at = trimmed.indexOf("=");
    attributes.set(
      (at === -1 ? trimmed : trimmed.slice(0, at)).trim().toLowerCase(),
      at === -1 ? "" : trimmed.slice(at + 1).trim(),
    );
  }
  return {
    name: (eq === -1 ? pair : pair.slice(0, eq)).trim(),
    value: eq === -1 ? "" : pair.slice(eq + 1).trim(),
    attributes,
  };
}

/**
 * What is wrong with one Set-Cookie header under P13 (empty when nothing). `secure`: the app runs in
 * production over https, where Secure is required; over plain http to this machine it must be
 * absent, or browsers would drop the cookie and nobody could sign in.
 */
export function p13Problems(header: string, options: { secure: boolean }): string[] {
  const cookie = parseSetCookie(header);
  const problems: string[] = [];
  const say = (message: string) => problems.push(`${cookie.name}: ${message} (${header.replace(/=[^;]{12,}/, "=…")})`);
  if (cookie.name !== SESSION_COOKIE && cookie.name !== OAUTH_STATE_COOKIE) {
    say(`is not one of our two cookies (${SESSION_COOKIE}, ${OAUTH_STATE_COOKIE})`);
    return problems;
  }
  if (!cookie.attributes.has("httponly")) say("is not HttpOnly");
  if (cookie.attributes.get("samesite")?.toLowerCase() !== "lax") say("is not SameSite=Lax");
  if (cookie.attributes.has("domain")) say("has a Domain attribute (it must stay on this host)");
  if (options.secure && !cookie.attributes.has("secure")) say("is not Secure in production over https");
  if (!options.secure && cookie.attributes.has("secure"))
    say("is Secure over plain http, where browsers would drop it");
  if (cookie.name === SESSION_COOKIE && cookie.attributes.get("path") !== "/") say("is not on Path=/");
  if (cookie.name === OAUTH_STATE_COOKIE) {
    const maxAge = cookie.attributes.get("max-age");
    if (maxAge === undefined || !/^\d+$/.test(maxAge) || Number(maxAge) > OAUTH_STATE_MAX_AGE_LIMIT_S) {
      say(`is not short-lived (Max-Age must be at most ${OAUTH_STATE_MAX_AGE_LIMIT_S} s)`);
    }
    if (cookie.attributes.has("expires")) say("has an Expires date (only Max-Age bounds its life)");
  }
  return problems;
}

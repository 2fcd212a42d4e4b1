// The one check for a redirect target or a link we did not write ourselves (after sign-in, after
// the demo, the Google handshake's state, the brain's "back", a link in a brain answer). It runs in
// the browser too (brain-markdown.tsx), so it imports nothing.
//
// Parsing decides, not string prefixes: browsers drop tab, CR and LF anywhere in a URL and read "\"
// as "/", so "/\t/evil.example" and "/\evil.example" are "//evil.example", another host. And a
// path that reaches a Location header must be ASCII: a header cannot carry "。" (that was a 500).

/** A stand-in for our origin: only the path, query and fragment of the answer are ever used. */
const BASE = new URL("https://our-origin.invalid");

/** C0 controls, DEL, C1 controls, and the backslash. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const REFUSED_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\\]/;

/**
 * A path on our own origin ("/accounts/1?tab=notes#n2"), percent-encoded so it is safe in a Location
 * header; or null for anything else: another origin, a scheme (`javascript:`), "//host", control
 * characters or backslashes anywhere.
 */
export function sameOriginPath(candidate: unknown): string | null {
  if (typeof candidate !== "string" || !candidate.startsWith("/")) return null;
  if (REFUSED_CHARACTERS.test(candidate)) return null;
  let url: URL;
  try {
    url = new URL(candidate, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE.origin) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can leave "//host" behind ("/.//evil.example"), which a browser reads as a host.
  if (path.startsWith("//")) return null;
  return path;
}

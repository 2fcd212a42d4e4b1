// P13's rule (tests/promises/cookies.ts) against the cookies the server really builds. The crawl of
// the running app that applies the rule to every response is in tests/e2e/privacy-promises.e2e.ts.
import { describe, expect, it } from "vitest";
import {
  beginGoogleSignIn,
  clearStateCookie,
  OAUTH_STATE_COOKIE,
  OAUTH_STATE_MAX_AGE_S,
  type GoogleConfig,
} from "../../server/auth/google";
import { blankSessionCookie, sessionCookie } from "../../server/auth/session";
import {
  OAUTH_STATE_COOKIE as RULE_STATE_COOKIE,
  OAUTH_STATE_MAX_AGE_LIMIT_S,
  p13Problems,
  parseSetCookie,
} from "./cookies";

const google: GoogleConfig = {
  kind: "fake",
  clientId: "client",
  clientSecret: "secret",
  authorizationEndpoint: "https://accounts.example.test/authorize",
  tokenEndpoint: "https://accounts.example.test/token",
  jwksUri: "https://accounts.example.test/certs",
  issuer: "https://accounts.example.test",
};

function serverCookies(secure: boolean): string[] {
  return [
    sessionCookie("session-id.secret", 14 * 86_400, { secure }),
    blankSessionCookie({ secure }),
    beginGoogleSignIn(google, { appUrl: "https://app.example.test", secure, redirectTo: "/dashboard" }).cookie,
    clearStateCookie(secure),
  ];
}

describe("P13: one HttpOnly session cookie plus a short-lived OAuth state cookie, SameSite=Lax, Secure in production", () => {
  it("P13: every cookie the server builds keeps the promise, over https (Secure) and over local http", () => {
    for (const secure of [true, false]) {
      for (const header of serverCookies(secure)) expect(p13Problems(header, { secure }), header).toEqual([]);
    }
    expect(RULE_STATE_COOKIE).toBe(OAUTH_STATE_COOKIE);
    expect(OAUTH_STATE_MAX_AGE_S).toBeLessThanOrEqual(OAUTH_STATE_MAX_AGE_LIMIT_S);
  });

  it("P13: the rule catches cookies that break the promise", () => {
    const secure = { secure: true };
    expect(p13Problems("_ga=GA1.2.3; Path=/; Max-Age=63072000", secure)[0]).toMatch(/not one of our two cookies/);
    expect(p13Problems("si_session=a.b; Path=/; SameSite=Lax; Secure", secure)).toEqual([
      expect.stringMatching(/not HttpOnly/),
    ]);
    expect(p13Problems("si_session=a.b; Path=/; HttpOnly; SameSite=None; Secure", secure)).toEqual([
      expect.stringMatching(/not SameSite=Lax/),
    ]);
    expect(p13Problems("si_session=a.b; Path=/; HttpOnly; SameSite=Lax", secure)).toEqual([
      expect.stringMatching(/not Secure in production/),
    ]);
    expect(p13Problems("si_session=a.b; Path=/; HttpOnly; SameSite=Lax; Secure", { secure: false })).toEqual([
      expect.stringMatching(/Secure over plain http/),
    ]);
    expect(p13Problems("si_session=a.b; Path=/app; HttpOnly; SameSite=Lax; Secure", secure)).toEqual([
      expect.stringMatching(/not on Path=\//),
    ]);
    expect(p13Problems("si_session=a.b; Path=/; Domain=example.test; HttpOnly; SameSite=Lax; Secure", secure)).toEqual([
      expect.stringMatching(/Domain/),
    ]);
    expect(
      p13Problems("si_oauth_state=x; Path=/auth/google; HttpOnly; SameSite=Lax; Max-Age=3600; Secure", secure),
    ).toEqual([expect.stringMatching(/not short-lived/)]);
    expect(p13Problems("si_oauth_state=x; Path=/auth/google; HttpOnly; SameSite=Lax; Secure", secure)).toEqual([
      expect.stringMatching(/not short-lived/),
    ]);
  });

  it("reads Set-Cookie headers", () => {
    const cookie = parseSetCookie("si_session=abc.def=; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
    expect(cookie.name).toBe("si_session");
    expect(cookie.value).toBe("abc.def=");
    expect(Object.fromEntries(cookie.attributes)).toEqual({
      path: "/",
      httponly: "",
      samesite: "Lax",
      "max-age": "60",
    });
  });
});

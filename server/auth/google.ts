// Sign in with Google: OAuth 2.0 authorization code flow with PKCE (arctic's OAuth2Client, so the
// endpoints can be Google's or a fake's, from server/env.ts) and an OpenID Connect ID token whose
// `sub` keys the user (P1).
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client, OAuth2RequestError } from "arctic";
import { z } from "zod";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { logger } from "../logger";
import { acknowledgeCurrentPolicy } from "../privacy/policy";
import { IdTokenError, verifyIdToken } from "./id-token";
import { invalidateUserSessions } from "./session";
import { DELETION_PENDING_MESSAGE } from "./sign-in";

export type GoogleConfig = NonNullable<Env["google"]>;

/** Exactly what sign-in asks Google for: who you are, nothing of your data (P3). */
export const GOOGLE_SIGN_IN_SCOPES = ["openid", "email", "profile"];

/** P13: the short-lived state cookie of an OAuth handshake. */
export const OAUTH_STATE_COOKIE = "si_oauth_state";
export const OAUTH_STATE_MAX_AGE_S = 10 * 60;

export function googleRedirectUri(appUrl: string): string {
  return `${appUrl}/auth/google/callback`;
}

function client(config: GoogleConfig, appUrl: string) {
  return new OAuth2Client(config.clientId, config.clientSecret, googleRedirectUri(appUrl));
}

const stateCookieValue = z.object({
  state: z.string().min(20).max(128),
  verifier: z.string().min(43).max(128),
  issuedAt: z.number(),
  redirectTo: z.string().max(2048).nullable(),
  /** What the handshake is for: signing in, or proving who you are before deleting your account (P11). */
  intent: z.enum(["sign_in", "confirm_delete"]).default("sign_in"),
});
type StateCookie = z.infer<typeof stateCookieValue>;
export type GoogleIntent = StateCookie["intent"];

function stateCookie(value: string, maxAge: number, secure: boolean): string {
  return [
    `${OAUTH_STATE_COOKIE}=${value}`,
    "Path=/auth/google",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearStateCookie(secure: boolean): string {
  return stateCookie("", 0, secure);
}

/** Where to send the browser, and the state cookie to set on the way. */
export function beginGoogleSignIn(
  config: GoogleConfig,
  options: {
    appUrl: string;
    secure: boolean;
    redirectTo: string | null;
    intent?: GoogleIntent;
    loginHint?: string;
    now?: Date;
  },
): { url: string; cookie: string } {
  const state = generateState();
  const verifier = generateCodeVerifier();
  const url = client(config, options.appUrl).createAuthorizationURLWithPKCE(
    config.authorizationEndpoint,
    state,
    CodeChallengeMethod.S256,
    verifier,
    GOOGLE_SIGN_IN_SCOPES,
  );
  url.searchParams.set("prompt", "select_account");
  if (options.loginHint) url.searchParams.set("login_hint", options.loginHint);
  const payload: StateCookie = {
    state,
    verifier,
    issuedAt: (options.now ?? new Date()).getTime(),
    redirectTo: options.redirectTo,
    intent: options.intent ?? "sign_in",
  };
  const value = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return { url: url.toString(), cookie: stateCookie(value, OAUTH_STATE_MAX_AGE_S, options.secure) };
}

function readStateCookie(cookieHeader: string | null): StateCookie | null {
  const raw = cookieHeader
    ?.split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${OAUTH_STATE_COOKIE}=`))
    ?.slice(OAUTH_STATE_COOKIE.length + 1);
  if (!raw) return null;
  try {
    const parsed = stateCookieValue.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What the callback's state cookie says the handshake was for (null: no valid cookie). */
export function googleCallbackIntent(cookieHeader: string | null): GoogleIntent | null {
  return readStateCookie(cookieHeader)?.intent ?? null;
}

type Failure = { ok: false; status: 400 | 403 | 502; message: string };

export type GoogleSignInResult =
  { ok: true; userId: string; outcome: "signed_in" | "linked" | "created"; redirectTo: string | null } | Failure;

const failure = (status: Failure["status"], message: string): Failure => ({ ok: false, status, message });

type CallbackInput = { appUrl: string; query: URLSearchParams; cookieHeader: string | null; now?: Date };

/** Checks the callback against its state cookie, exchanges the code, and verifies the ID token. */
async function verifyCallback(
  config: GoogleConfig,
  input: CallbackInput,
): Promise<{ ok: true; saved: StateCookie; claims: { sub: string; email: string; name: string | null } } | Failure> {
  const now = input.now ?? new Date();
  const saved = readStateCookie(input.cookieHeader);
  if (!saved) {
    return failure(400, "This sign-in link has expired or was already used. Start again with “Continue with Google”.");
  }
  if (now.getTime() - saved.issuedAt > OAUTH_STATE_MAX_AGE_S * 1000) {
    return failure(
      400,
      "This sign-in took more than 10 minutes and has expired. Start again with “Continue with Google”.",
    );
  }
  const state = input.query.get("state");
  if (!state || state !== saved.state) {
    return failure(
      400,
      "This sign-in response does not match the sign-in you started. Start again with “Continue with Google”.",
    );
  }
  const providerError = input.query.get("error");
  if (providerError) {
    return failure(
      400,
      providerError === "access_denied"
        ? "You cancelled signing in with Google."
        : "Google could not sign you in. Try again.",
    );
  }
  const code = input.query.get("code");
  if (!code) return failure(400, "Google's response is missing its authorization code. Start again.");

  let idToken: string;
  try {
    const tokens = await client(config, input.appUrl).validateAuthorizationCode(
      config.tokenEndpoint,
      code,
      saved.verifier,
    );
    idToken = tokens.idToken();
  } catch (error) {
    if (error instanceof OAuth2RequestError) {
      // The provider refused the code: reused, expired, or a PKCE verifier that does not match.
      return failure(
        400,
        "Google did not accept this sign-in (it may have been used already). Start again with “Continue with Google”.",
      );
    }
    logger().error({ err: error instanceof Error ? error.message : String(error) }, "google token exchange failed");
    return failure(502, "We could not reach Google to finish signing you in. Try again in a moment.");
  }

  let claims;
  try {
    const issuers =
      config.kind === "google" ? [config.issuer, config.issuer.replace(/^https:\/\//, "")] : [config.issuer];
    claims = await verifyIdToken(idToken, { jwksUri: config.jwksUri, issuers, audience: config.clientId, now });
  } catch (error) {
    logger().warn(
      { reason: error instanceof IdTokenError ? error.message : "unverifiable" },
      "google id token rejected",
    );
    return failure(400, "Google's answer could not be verified, so we did not sign you in. Try again.");
  }
  if (!claims.email || claims.email_verified !== true) {
    return failure(
      400,
      "Google has not verified the email address of this account. Verify it with Google, then try again.",
    );
  }
  return { ok: true, saved, claims: { sub: claims.sub, email: claims.email, name: claims.name ?? null } };
}

/** Checks the callback, exchanges the code, verifies the ID token, and finds or creates the user. */
export async function completeGoogleSignIn(
  db: Db,
  config: GoogleConfig,
  input: CallbackInput,
): Promise<GoogleSignInResult> {
  const verified = await verifyCallback(config, input);
  if (!verified.ok) return verified;
  if (verified.saved.intent !== "sign_in")
    return failure(400, "This Google response was not for signing in. Start again with “Continue with Google”.");
  const resolved = await findOrCreateGoogleUser(db, verified.claims, input.now);
  if (resolved.outcome === "deletion_pending") return failure(403, DELETION_PENDING_MESSAGE);
  return { ok: true, userId: resolved.userId, outcome: resolved.outcome, redirectTo: verified.saved.redirectTo };
}

/**
 * "Confirm with Google" before a sensitive step (deleting the account): the Google account that
 * answered must be one already linked to `userId`. Returns the failure to show, or ok.
 */
export async function confirmGoogleIdentity(
  db: Db,
  config: GoogleConfig,
  userId: string,
  input: CallbackInput,
): Promise<{ ok: true } | Failure> {
  const verified = await verifyCallback(config, input);
  if (!verified.ok) return verified;
  if (verified.saved.intent !== "confirm_delete")
    return failure(400, "This Google response was not a confirmation. Start again.");
  const identity = await db.oAuthIdentity.findUnique({
    where: { provider_providerAccountId: { provider: "google", providerAccountId: verified.claims.sub } },
    select: { userId: true },
  });
  if (identity?.userId !== userId) {
    return failure(
      403,
      "That Google account is not the one linked to this Sales-as-Code account, so nothing was deleted. Confirm with the Google account you sign in with.",
    );
  }
  return { ok: true };
}

/**
 * Users are keyed on (google, sub). A first Google sign-in with the verified email of an existing
 * account links to it instead of creating a duplicate. If that account's email was never verified,
 * whoever set its password never proved they own the mailbox (an attacker can pre-register a
 * victim's address), so linking removes that password and ends its sessions; the owner can set a
 * new password later through "forgot password".
 */
export async function findOrCreateGoogleUser(
  db: Db,
  profile: { sub: string; email: string; name: string | null },
  now = new Date(),
): Promise<{ userId: string; outcome: "signed_in" | "linked" | "created" | "deletion_pending" }> {
  const email = profile.email.toLowerCase();
  return db.$transaction(async (tx) => {
    const identity = await tx.oAuthIdentity.findUnique({
      where: { provider_providerAccountId: { provider: "google", providerAccountId: profile.sub } },
      include: { user: { select: { deletionRequest: { select: { id: true } } } } },
    });
    // An account whose deletion was requested is never signed in to again (P11).
    if (identity?.user.deletionRequest) return { userId: identity.userId, outcome: "deletion_pending" as const };
    if (identity) {
      await tx.oAuthIdentity.update({
        where: { id: identity.id },
        data: { email, emailVerified: true, lastSignInAt: now },
      });
      return { userId: identity.userId, outcome: "signed_in" as const };
    }
    const existing = await tx.user.findUnique({
      where: { email },
      include: { deletionRequest: { select: { id: true } } },
    });
    if (existing?.deletionRequest) return { userId: existing.id, outcome: "deletion_pending" as const };
    if (existing) {
      await tx.oAuthIdentity.create({
        data: {
          userId: existing.id,
          provider: "google",
          providerAccountId: profile.sub,
          email,
          emailVerified: true,
          lastSignInAt: now,
        },
      });
      if (!existing.emailVerifiedAt) {
        await tx.user.update({ where: { id: existing.id }, data: { emailVerifiedAt: now, passwordHash: null } });
        await invalidateUserSessions(tx, existing.id);
      }
      return { userId: existing.id, outcome: "linked" as const };
    }
    const user = await tx.user.create({
      data: {
        email,
        name: profile.name?.trim() || email.split("@")[0]!,
        emailVerifiedAt: now,
        identities: {
          create: { provider: "google", providerAccountId: profile.sub, email, emailVerified: true, lastSignInAt: now },
        },
      },
    });
    await acknowledgeCurrentPolicy(tx, user.id, now);
    return { userId: user.id, outcome: "created" as const };
  });
}

// Sign in with Google: OAuth 2.0 authorization code flow with PKCE (arctic's OAuth2Client, so the
// endpoints can be Google's or a fake's, from server/env.ts) and an OpenID Connect ID token whose
// `sub` keys the user (P1).
import {
  CodeChallengeMethod,
  generateCodeVerifier,
  generateState,
  OAuth2Client,
  OAuth2RequestError,
  type OAuth2Tokens,
} from "arctic";
import { z } from "zod";
import type { Db } from "../db/client";
import type { IntegrationProvider } from "../db/generated/client";
import type { Env } from "../env";
import { logger } from "../logger";
import { providerInfo } from "../integrations/providers";
import { acknowledgeCurrentPolicy } from "../privacy/policy";
import {
  encodeOAuthState,
  OAUTH_STATE_COOKIE,
  OAUTH_STATE_MAX_AGE_S,
  oauthStateCookie,
  readOAuthState,
} from "./oauth-state";
import { IdTokenError, verifyIdToken } from "./id-token";
import { invalidateUserSessions } from "./session";
import { DELETION_PENDING_MESSAGE } from "./sign-in";

export type GoogleConfig = NonNullable<Env["google"]>;

/** Exactly what sign-in asks Google for: who you are, nothing of your data (P3). */
export const GOOGLE_SIGN_IN_SCOPES = ["openid", "email", "profile"];

/** P13: the short-lived state cookie of an OAuth handshake (shared with the other providers). */
export { OAUTH_STATE_COOKIE, OAUTH_STATE_MAX_AGE_S };

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
  /**
   * What the handshake is for: signing in, proving who you are before deleting your account (P11),
   * or connecting a Google tool (Gmail, Calendar) to the signed-in user's workspace.
   */
  intent: z.enum(["sign_in", "confirm_delete", "connect"]).default("sign_in"),
  /** connect only: which tool, and who started it (a callback finished by anyone else is refused). */
  provider: z.enum(["gmail", "gcal"]).nullable().default(null),
  userId: z.string().min(1).max(64).nullable().default(null),
});
type StateCookie = z.infer<typeof stateCookieValue>;
export type GoogleIntent = StateCookie["intent"];

export function clearStateCookie(secure: boolean): string {
  return oauthStateCookie("/auth/google", "", 0, secure);
}

/** Where to send the browser for these scopes: PKCE S256 with a fresh state and verifier. */
function authorizationRequest(config: GoogleConfig, appUrl: string, scopes: string[]) {
  const state = generateState();
  const verifier = generateCodeVerifier();
  const url = client(config, appUrl).createAuthorizationURLWithPKCE(
    config.authorizationEndpoint,
    state,
    CodeChallengeMethod.S256,
    verifier,
    scopes,
  );
  return { url, state, verifier };
}

/** The short-lived state cookie carrying what the callback needs to check and finish the handshake. */
function encodeStateCookie(payload: StateCookie, secure: boolean): string {
  return encodeOAuthState("/auth/google", payload, secure);
}

/** Where to send the browser, and the state cookie to set on the way. */
export function beginGoogleSignIn(
  config: GoogleConfig,
  options: {
    appUrl: string;
    secure: boolean;
    redirectTo: string | null;
    intent?: Exclude<GoogleIntent, "connect">;
    loginHint?: string;
    now?: Date;
  },
): { url: string; cookie: string } {
  const { url, state, verifier } = authorizationRequest(config, options.appUrl, GOOGLE_SIGN_IN_SCOPES);
  url.searchParams.set("prompt", "select_account");
  if (options.loginHint) url.searchParams.set("login_hint", options.loginHint);
  const payload: StateCookie = {
    state,
    verifier,
    issuedAt: (options.now ?? new Date()).getTime(),
    redirectTo: options.redirectTo,
    intent: options.intent ?? "sign_in",
    provider: null,
    userId: null,
  };
  return { url: url.toString(), cookie: encodeStateCookie(payload, options.secure) };
}

function readStateCookie(cookieHeader: string | null): StateCookie | null {
  return readOAuthState(cookieHeader, stateCookieValue);
}

/** The Google tools a seller can connect through this handshake (the others have their own providers). */
export const GOOGLE_TOOLS = ["gmail", "gcal"] as const satisfies readonly IntegrationProvider[];
export type GoogleTool = (typeof GOOGLE_TOOLS)[number];

export function isGoogleTool(provider: string): provider is GoogleTool {
  return (GOOGLE_TOOLS as readonly string[]).includes(provider);
}

/**
 * Starts connecting a Google tool: the same client and the same redirect URI as sign-in (one URI to
 * register), but exactly the tool's listed scopes (P3), offline access with a fresh consent so Google
 * issues a refresh token every time, and include_granted_scopes so connecting Calendar after Gmail
 * does not take Gmail's grant away. No login_hint: the Google account that holds the mailbox need
 * not be the one the seller signs in with.
 */
export function beginGoogleConnect(
  config: GoogleConfig,
  options: { appUrl: string; secure: boolean; provider: GoogleTool; userId: string; now?: Date },
): { url: string; cookie: string } {
  const { url, state, verifier } = authorizationRequest(config, options.appUrl, providerInfo(options.provider).scopes);
  url.searchParams.set("access_type", "offline");
  url.searchParams.set("prompt", "consent");
  url.searchParams.set("include_granted_scopes", "true");
  const payload: StateCookie = {
    state,
    verifier,
    issuedAt: (options.now ?? new Date()).getTime(),
    redirectTo: null,
    intent: "connect",
    provider: options.provider,
    userId: options.userId,
  };
  return { url: url.toString(), cookie: encodeStateCookie(payload, options.secure) };
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
  const answered = await checkStateAndExchange(config, input);
  if (!answered.ok) return answered;
  const { saved } = answered;
  const now = input.now ?? new Date();
  let idToken: string;
  try {
    idToken = answered.tokens.idToken();
  } catch {
    return failure(400, "Google's answer could not be verified, so we did not sign you in. Try again.");
  }
  return verifyClaims(config, saved, idToken, now);
}

/** How the shared callback checks word their failures for the handshake at hand. */
type HandshakeWords = { handshake: string; restart: string; cancelled: string; failed: string; unreachable: string };

const SIGN_IN_WORDS: HandshakeWords = {
  handshake: "sign-in",
  restart: "Start again with “Continue with Google”.",
  cancelled: "You cancelled signing in with Google.",
  failed: "Google could not sign you in. Try again.",
  unreachable: "We could not reach Google to finish signing you in. Try again in a moment.",
};

/** The state check and the code exchange every intent shares; the tokens are for the caller to read. */
async function checkStateAndExchange(
  config: GoogleConfig,
  input: CallbackInput,
  words: HandshakeWords = SIGN_IN_WORDS,
): Promise<{ ok: true; saved: StateCookie; tokens: OAuth2Tokens } | Failure> {
  const now = input.now ?? new Date();
  const saved = readStateCookie(input.cookieHeader);
  if (!saved) {
    return failure(400, `This ${words.handshake} link has expired or was already used. ${words.restart}`);
  }
  if (now.getTime() - saved.issuedAt > OAUTH_STATE_MAX_AGE_S * 1000) {
    return failure(400, `This ${words.handshake} took more than 10 minutes and has expired. ${words.restart}`);
  }
  const state = input.query.get("state");
  if (!state || state !== saved.state) {
    return failure(
      400,
      `This ${words.handshake} response does not match the ${words.handshake} you started. ${words.restart}`,
    );
  }
  const providerError = input.query.get("error");
  if (providerError) {
    return failure(400, providerError === "access_denied" ? words.cancelled : words.failed);
  }
  const code = input.query.get("code");
  if (!code) return failure(400, "Google's response is missing its authorization code. Start again.");

  try {
    const tokens = await client(config, input.appUrl).validateAuthorizationCode(
      config.tokenEndpoint,
      code,
      saved.verifier,
    );
    return { ok: true, saved, tokens };
  } catch (error) {
    if (error instanceof OAuth2RequestError) {
      // The provider refused the code: reused, expired, or a PKCE verifier that does not match.
      return failure(
        400,
        `Google did not accept this ${words.handshake} (it may have been used already). ${words.restart}`,
      );
    }
    // The message only: an error object from the token request could carry the request's body.
    logger().error({ err: error instanceof Error ? error.message : String(error) }, "google token exchange failed");
    return failure(502, words.unreachable);
  }
}

async function verifyClaims(
  config: GoogleConfig,
  saved: StateCookie,
  idToken: string,
  now: Date,
): Promise<{ ok: true; saved: StateCookie; claims: { sub: string; email: string; name: string | null } } | Failure> {
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

/** The tokens of a connected Google tool, and exactly which of its listed scopes were granted (P3). */
export type GoogleConnectResult =
  | {
      ok: true;
      provider: GoogleTool;
      accessToken: string;
      refreshToken: string;
      accessTokenExpiresAt: Date;
      scopes: string[];
    }
  | Failure;

/** Google's token answer for a connect, as far as we rely on it (zod: it is a trust boundary). */
const connectTokenAnswer = z.object({
  access_token: z.string().min(1).max(4096),
  expires_in: z
    .number()
    .int()
    .positive()
    .max(366 * 86_400),
  refresh_token: z.string().min(1).max(4096).optional(),
  /** Space-separated. RFC 6749 lets a server omit it when it granted exactly what was asked. */
  scope: z.string().max(8192).optional(),
});

const TOOL_WORDS: Record<GoogleTool, { name: string; permission: string }> = {
  gmail: { name: "Gmail", permission: "“Read your email messages and settings”" },
  gcal: { name: "Google Calendar", permission: "“See and download any calendar you can access”" },
};

export function googleToolName(provider: GoogleTool): string {
  return TOOL_WORDS[provider].name;
}

function connectWords(provider: GoogleTool | null): HandshakeWords {
  const name = provider ? TOOL_WORDS[provider].name : "the tool";
  const restart = `Start again with “Connect ${name}” on Settings → Connections.`;
  return {
    handshake: "connection",
    restart,
    cancelled: `You cancelled connecting ${name}, so nothing was connected.`,
    failed: `Google could not connect ${name}. ${restart}`,
    unreachable: `We could not reach Google to finish connecting ${name}. Try again in a moment.`,
  };
}

/**
 * Finishes connecting a Google tool for `userId`: the state cookie must be a connect started by this
 * same user, the code is exchanged (no ID token: a connection is not a sign-in), and every scope we
 * asked for must have been granted — Google's consent screen lets people untick each one. Of the
 * scopes Google reports, only the tool's own listed ones are kept: with include_granted_scopes the
 * answer also names what the user granted before (sign-in, the other Google tool), which belongs to
 * those grants, not to this connection.
 */
export async function completeGoogleConnect(
  config: GoogleConfig,
  userId: string,
  input: CallbackInput,
): Promise<GoogleConnectResult> {
  const started = readStateCookie(input.cookieHeader);
  const provider = started?.intent === "connect" ? started.provider : null;
  const words = connectWords(provider);
  // Before the code is spent: someone else's handshake (another user signed in in this browser since
  // it started) must not connect their mailbox to this workspace.
  if (started && started.intent === "connect" && started.userId !== userId) {
    return failure(
      403,
      `This connection was started by another Sales-as-Code account signed in in this browser, so nothing was connected. ${words.restart}`,
    );
  }
  const answered = await checkStateAndExchange(config, input, words);
  if (!answered.ok) return answered;
  const { saved } = answered;
  if (saved.intent !== "connect" || !saved.provider || saved.userId !== userId) {
    return failure(400, `This Google response was not for connecting a tool. ${words.restart}`);
  }
  const tool = saved.provider;
  const parsed = connectTokenAnswer.safeParse(answered.tokens.data);
  if (!parsed.success) {
    logger().warn(
      { provider: tool, issues: parsed.error.issues.map((i) => i.path.join(".")) },
      "google token answer malformed",
    );
    return failure(
      502,
      `Google's answer was not what we expected, so ${TOOL_WORDS[tool].name} was not connected. Try again.`,
    );
  }
  const listed = providerInfo(tool).scopes;
  const granted = parsed.data.scope === undefined ? listed : parsed.data.scope.split(/\s+/).filter(Boolean);
  const missing = listed.filter((scope) => !granted.includes(scope));
  if (missing.length > 0) {
    const { name, permission } = TOOL_WORDS[tool];
    return failure(
      400,
      `You didn't allow Sales-as-Code to ${tool === "gmail" ? "read your Gmail" : "read your Google Calendar"} (${missing.join(", ")}), so ${name} was not connected. Try again and tick ${permission} on Google's consent screen.`,
    );
  }
  if (!parsed.data.refresh_token) {
    // access_type=offline with prompt=consent always yields one; without it the sync would stop
    // within the hour, looking connected. Better to say so now.
    return failure(
      502,
      `Google did not give us lasting access to ${TOOL_WORDS[tool].name} (no refresh token), so it was not connected. Try again; if it keeps happening, remove Sales-as-Code under “Third-party apps” in your Google Account and connect again.`,
    );
  }
  return {
    ok: true,
    provider: tool,
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    accessTokenExpiresAt: new Date((input.now ?? new Date()).getTime() + parsed.data.expires_in * 1000),
    scopes: listed.filter((scope) => granted.includes(scope)),
  };
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

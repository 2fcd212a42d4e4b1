// Connecting Salesforce and Outreach: the OAuth 2.0 authorization code flow with PKCE S256 through
// arctic's OAuth2Client, exactly the tool's listed scopes (P3), and the short-lived state cookie
// (./oauth-state.ts) bound to the user who started it. What the callback hands on is checked with
// zod (a trust boundary) before server/integrations/connect.ts stores anything.
//
// Salesforce: the seller picks where they log in (production, a sandbox, or their org's My Domain);
// the handshake, refreshes and revocation go to that login host, which is stored as the connection's
// authBaseUrl, and every API call goes to the `instance_url` the token answer names (apiBaseUrl).
// arctic's `Salesforce` class builds exactly these endpoints (`https://<domain>/services/oauth2/…`)
// on the same OAuth2Client, but only for a bare https domain; the fake is reached over loopback http
// under a path, so the endpoints are built here from the login URL instead.
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  ArcticFetchError,
  CodeChallengeMethod,
  generateCodeVerifier,
  generateState,
  OAuth2Client,
  OAuth2RequestError,
  type OAuth2Tokens,
} from "arctic";
import { z } from "zod";
import type { Env } from "../env";
import { isLoopbackHost } from "../env";
import type { GrantedTokens } from "../integrations/connect";
import { providerInfo } from "../integrations/providers";
import { logger } from "../logger";
import { encodeOAuthState, oauthStateCookie, oauthStateExpired, readOAuthState } from "./oauth-state";

export type SalesforceConfig = NonNullable<Env["salesforce"]>;
export type OutreachConfig = NonNullable<Env["outreach"]>;

export const CONNECT_TOOLS = ["salesforce", "outreach"] as const;
export type ConnectTool = (typeof CONNECT_TOOLS)[number];

export function isConnectTool(value: string): value is ConnectTool {
  return (CONNECT_TOOLS as readonly string[]).includes(value);
}

const TOOL_NAMES: Record<ConnectTool, string> = { salesforce: "Salesforce", outreach: "Outreach" };

export function connectToolName(tool: ConnectTool): string {
  return TOOL_NAMES[tool];
}

/** Each tool's state cookie lives under its own /auth/<tool> path. */
const cookiePath = (tool: ConnectTool) => `/auth/${tool}`;

export function toolRedirectUri(tool: ConnectTool, appUrl: string): string {
  return `${appUrl}/auth/${tool}/callback`;
}

export function clearToolStateCookie(tool: ConnectTool, secure: boolean): string {
  return oauthStateCookie(cookiePath(tool), "", 0, secure);
}

const stateCookieValue = z.object({
  state: z.string().min(20).max(128),
  verifier: z.string().min(43).max(128),
  issuedAt: z.number(),
  provider: z.enum(CONNECT_TOOLS),
  userId: z.string().min(1).max(64),
  /** Salesforce: the login host the handshake started at (its token endpoint must be the same). */
  loginUrl: z.string().url().max(300).nullable(),
});
type StateCookie = z.infer<typeof stateCookieValue>;

// --- Salesforce's login host ----------------------------------------------------------------------

export const SALESFORCE_SANDBOX_LOGIN_URL = "https://test.salesforce.com";

/** Where the seller says they log in: the instance's default, a sandbox, or their org's My Domain. */
export type SalesforceLoginChoice = { environment: string; myDomain: string };

/**
 * The login host for a seller's choice. My Domain must be an https URL (or bare host) on
 * *.my.salesforce.com — production `<name>.my.salesforce.com` or a sandbox
 * `<name>--<sandbox>.sandbox.my.salesforce.com` — and nothing else: the host is where the
 * authorization code and client secret go, so it is never an arbitrary address. The built-in fake
 * has one login host whatever is chosen.
 */
export function salesforceLoginUrl(
  config: SalesforceConfig,
  choice: SalesforceLoginChoice,
): { ok: true; loginUrl: string } | { ok: false; message: string } {
  if (config.kind === "fake") return { ok: true, loginUrl: config.loginUrl };
  switch (choice.environment) {
    case "":
    case "production":
      return { ok: true, loginUrl: config.loginUrl };
    case "sandbox":
      return { ok: true, loginUrl: SALESFORCE_SANDBOX_LOGIN_URL };
    case "my_domain":
      return parseMyDomain(choice.myDomain);
    default:
      return { ok: false, message: "Choose where you log in to Salesforce: Production, Sandbox or My Domain." };
  }
}

const MY_DOMAIN_HOST =
  /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?(?:\.sandbox|\.develop|\.scratch|\.demo|\.trailblaze)?\.my\.salesforce\.com$/;

function parseMyDomain(input: string): { ok: true; loginUrl: string } | { ok: false; message: string } {
  const refused = {
    ok: false as const,
    message:
      "Enter your org's My Domain login URL, such as https://yourcompany.my.salesforce.com (find it in Salesforce under Setup → My Domain).",
  };
  const trimmed = input.trim().toLowerCase();
  if (!trimmed || trimmed.length > 200) return refused;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    return refused;
  }
  if (url.protocol !== "https:" || url.port || url.username || url.password || url.search || url.hash) return refused;
  if (url.pathname !== "/" || !MY_DOMAIN_HOST.test(url.hostname)) return refused;
  return { ok: true, loginUrl: url.origin };
}

// --- Starting a handshake -----------------------------------------------------------------------

type Endpoints = { clientId: string; clientSecret: string; authorization: string; token: string };

function salesforceEndpoints(config: SalesforceConfig, loginUrl: string): Endpoints {
  return {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorization: `${loginUrl}/services/oauth2/authorize`,
    token: `${loginUrl}/services/oauth2/token`,
  };
}

function outreachEndpoints(config: OutreachConfig): Endpoints {
  return {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorization: config.authorizationEndpoint,
    token: config.tokenEndpoint,
  };
}

export type ToolConfigs = { salesforce: SalesforceConfig | null; outreach: OutreachConfig | null };

/**
 * Where to send the browser to connect `tool`, and the state cookie to set on the way: a fresh state
 * and PKCE verifier, exactly the tool's listed scopes (P3). `loginUrl` is Salesforce's chosen host.
 */
export function beginToolConnect(
  tool: ConnectTool,
  configs: ToolConfigs,
  options: { appUrl: string; secure: boolean; userId: string; loginUrl?: string; now?: Date },
): { url: string; cookie: string } {
  const endpoints = endpointsFor(tool, configs, options.loginUrl ?? null);
  if (!endpoints) throw new Error(`${TOOL_NAMES[tool]} is not set up on this instance.`);
  const state = generateState();
  const verifier = generateCodeVerifier();
  const url = new OAuth2Client(
    endpoints.clientId,
    endpoints.clientSecret,
    toolRedirectUri(tool, options.appUrl),
  ).createAuthorizationURLWithPKCE(
    endpoints.authorization,
    state,
    CodeChallengeMethod.S256,
    verifier,
    providerInfo(tool).scopes,
  );
  const payload: StateCookie = {
    state,
    verifier,
    issuedAt: (options.now ?? new Date()).getTime(),
    provider: tool,
    userId: options.userId,
    loginUrl: tool === "salesforce" ? (options.loginUrl ?? null) : null,
  };
  return { url: url.toString(), cookie: encodeOAuthState(cookiePath(tool), payload, options.secure) };
}

function endpointsFor(tool: ConnectTool, configs: ToolConfigs, loginUrl: string | null): Endpoints | null {
  if (tool === "salesforce") {
    if (!configs.salesforce || !loginUrl) return null;
    return salesforceEndpoints(configs.salesforce, loginUrl);
  }
  return configs.outreach ? outreachEndpoints(configs.outreach) : null;
}

// --- Finishing it -----------------------------------------------------------------------------------

export type ToolConnectFailure = { ok: false; status: 400 | 403 | 404 | 502; message: string };
export type ToolConnectResult = { ok: true; granted: GrantedTokens } | ToolConnectFailure;

const failure = (status: ToolConnectFailure["status"], message: string): ToolConnectFailure => ({
  ok: false,
  status,
  message,
});

/** An https URL, or http on this machine (the fake); at most a path below it. */
const apiUrl = z
  .string()
  .max(2048)
  .url()
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
  }, "must be https")
  .transform((value) => value.replace(/\/+$/, ""));

/** Salesforce's token answer to the web server flow (no expires_in: a session lives as the org says). */
const salesforceTokenAnswer = z.object({
  access_token: z.string().min(1).max(4096),
  refresh_token: z.string().min(1).max(4096).optional(),
  instance_url: apiUrl,
  id: apiUrl,
  issued_at: z.string().regex(/^\d{1,16}$/),
  signature: z.string().min(1).max(512),
  scope: z.string().max(8192).optional(),
  token_type: z.string().max(40).optional(),
});

/** Outreach's token answer: two-hour access tokens and a refresh token. */
const outreachTokenAnswer = z.object({
  access_token: z.string().min(1).max(4096),
  refresh_token: z.string().min(1).max(4096).optional(),
  expires_in: z
    .number()
    .int()
    .positive()
    .max(366 * 86_400),
  scope: z.string().max(8192).optional(),
  token_type: z.string().max(40).optional(),
  created_at: z.number().optional(),
});

type CallbackInput = { appUrl: string; query: URLSearchParams; cookieHeader: string | null; now?: Date };

/**
 * Finishes connecting `tool` for `userId`: the state cookie must be this tool's handshake started by
 * this same user (checked before the code is spent), not older than ten minutes, with a matching
 * state; the provider's error (a cancelled consent) and a missing code are refused in words; the
 * code is exchanged with the PKCE verifier at the same host the handshake started at; the answer is
 * checked (every listed scope granted, a refresh token, Salesforce's signature and instance_url).
 */
export async function completeToolConnect(
  tool: ConnectTool,
  configs: ToolConfigs,
  userId: string,
  input: CallbackInput,
): Promise<ToolConnectResult> {
  const name = TOOL_NAMES[tool];
  const restart = `Start again with “Connect ${name}” on Settings → Connections.`;
  const now = input.now ?? new Date();
  const saved = readOAuthState(input.cookieHeader, stateCookieValue);
  if (!saved || saved.provider !== tool)
    return failure(400, `This connection link has expired or was already used. ${restart}`);
  if (saved.userId !== userId)
    return failure(
      403,
      `This connection was started by another Sales-as-Code account signed in in this browser, so nothing was connected. ${restart}`,
    );
  if (oauthStateExpired(saved.issuedAt, now))
    return failure(400, `This connection took more than 10 minutes and has expired. ${restart}`);
  const state = input.query.get("state");
  if (!state || state !== saved.state)
    return failure(400, `This response does not match the connection you started. ${restart}`);
  const providerError = input.query.get("error");
  if (providerError) {
    if (providerError === "access_denied")
      return failure(400, `You cancelled connecting ${name}, so nothing was connected.`);
    logger().warn({ provider: tool, error: providerError.slice(0, 60) }, "provider refused the authorization");
    return failure(400, `${name} could not connect (it answered “${safeCode(providerError)}”). ${restart}`);
  }
  const code = input.query.get("code");
  if (!code) return failure(400, `${name}'s response is missing its authorization code. ${restart}`);

  const endpoints = endpointsFor(tool, configs, saved.loginUrl);
  if (!endpoints) return failure(404, `${name} is not set up on this instance, so nothing was connected.`);
  let tokens: OAuth2Tokens;
  try {
    tokens = await new OAuth2Client(
      endpoints.clientId,
      endpoints.clientSecret,
      toolRedirectUri(tool, input.appUrl),
    ).validateAuthorizationCode(endpoints.token, code, saved.verifier);
  } catch (error) {
    if (error instanceof OAuth2RequestError)
      return failure(400, `${name} did not accept this connection (it may have been used already). ${restart}`);
    // The message only: an error object from the token request could carry the request's body.
    logger().error(
      {
        provider: tool,
        err: error instanceof ArcticFetchError ? "unreachable" : error instanceof Error ? error.message : "unknown",
      },
      "token exchange failed",
    );
    return failure(502, `We could not reach ${name} to finish connecting it. Try again in a moment.`);
  }
  return tool === "salesforce"
    ? salesforceGrant(configs.salesforce!, saved.loginUrl!, tokens.data, restart)
    : outreachGrant(tokens.data, restart, now);
}

function safeCode(code: string): string {
  return code.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 40) || "error";
}

/** Which of the listed scopes the answer grants; RFC 6749 lets a server omit `scope` when it granted what was asked. */
function grantedScopes(tool: ConnectTool, scope: string | undefined) {
  const listed = providerInfo(tool).scopes;
  const granted = scope === undefined ? listed : scope.split(/\s+/).filter(Boolean);
  return { kept: listed.filter((s) => granted.includes(s)), missing: listed.filter((s) => !granted.includes(s)) };
}

function salesforceGrant(config: SalesforceConfig, loginUrl: string, data: object, restart: string): ToolConnectResult {
  const parsed = salesforceTokenAnswer.safeParse(data);
  if (!parsed.success) {
    logger().warn(
      { provider: "salesforce", issues: parsed.error.issues.map((i) => i.path.join(".")) },
      "token answer malformed",
    );
    return failure(502, `Salesforce's answer was not what we expected, so nothing was connected. ${restart}`);
  }
  const answer = parsed.data;
  // Salesforce signs the identity URL and issue time with the client secret: an answer that does
  // not verify did not come from the org our client is registered with.
  const expected = createHmac("sha256", config.clientSecret).update(`${answer.id}${answer.issued_at}`).digest();
  const given = Buffer.from(answer.signature, "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    logger().warn({ provider: "salesforce" }, "token answer signature did not verify");
    return failure(502, `Salesforce's answer could not be verified, so nothing was connected. ${restart}`);
  }
  const { kept, missing } = grantedScopes("salesforce", answer.scope);
  if (missing.length > 0)
    return failure(
      400,
      `Salesforce did not grant ${missing.join(", ")}, so nothing was connected. Your administrator may need to add these OAuth scopes to the Sales-as-Code app in Salesforce. ${restart}`,
    );
  if (!answer.refresh_token)
    return failure(
      502,
      `Salesforce did not give us lasting access (no refresh token), so nothing was connected. The app's refresh token policy in Salesforce must allow it. ${restart}`,
    );
  return {
    ok: true,
    granted: {
      provider: "salesforce",
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      // Salesforce does not say: the engine refreshes when the API answers 401 INVALID_SESSION_ID.
      accessTokenExpiresAt: null,
      scopes: kept,
      grant: { apiBaseUrl: answer.instance_url, identityUrl: answer.id },
      authBaseUrl: loginUrl,
    },
  };
}

function outreachGrant(data: object, restart: string, now: Date): ToolConnectResult {
  const parsed = outreachTokenAnswer.safeParse(data);
  if (!parsed.success) {
    logger().warn(
      { provider: "outreach", issues: parsed.error.issues.map((i) => i.path.join(".")) },
      "token answer malformed",
    );
    return failure(502, `Outreach's answer was not what we expected, so nothing was connected. ${restart}`);
  }
  const answer = parsed.data;
  const { kept, missing } = grantedScopes("outreach", answer.scope);
  if (missing.length > 0)
    return failure(
      400,
      `Outreach did not grant ${missing.join(", ")}, so nothing was connected. The Sales-as-Code app in Outreach may need these scopes enabled. ${restart}`,
    );
  if (!answer.refresh_token)
    return failure(
      502,
      `Outreach did not give us lasting access (no refresh token), so nothing was connected. ${restart}`,
    );
  return {
    ok: true,
    granted: {
      provider: "outreach",
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      accessTokenExpiresAt: new Date(now.getTime() + answer.expires_in * 1000),
      scopes: kept,
      grant: {},
      authBaseUrl: null,
    },
  };
}

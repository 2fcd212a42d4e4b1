// A fake OAuth 2.0 authorization server, generic over the provider, that speaks the real protocol
// (RFC 6749 authorization code grant, RFC 7636 PKCE, RFC 7009 revocation):
//   - the authorization endpoint: checks the client, the registered redirect URI, response_type,
//     the scopes it knows and a PKCE S256 challenge, then shows an account chooser with a Cancel;
//   - the token endpoint: client authentication (client_secret_post or HTTP Basic), single-use
//     short-lived codes bound to client, redirect URI and challenge; refresh_token grants, with
//     optional rotation (the old refresh token stops working);
//   - revocation: revoking either token of a grant ends the grant;
//   - access tokens that expire; `expireAccessTokens()` and `revokeGrantsOf(email)` for tests;
//   - `verify`, the ApiTokenVerifier the fake provider APIs check bearer tokens with.
// The provider's own shapes (paths, the token answer, error words) come from its options:
// tests/fakes/salesforce/oauth.ts and tests/fakes/outreach/oauth.ts. Tests run one on a loopback
// port (startFakeOAuthServer); the local demo mounts its router under /dev (server/app.ts).
import { createHash, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import express, { type Request, type Router } from "express";
import type { ApiTokenVerifier, FakeApiCaller } from "./api-tokens";

export type FakeOAuthAccount = {
  /** The provider's id of the user (Salesforce: an 18-character 005… id). */
  userId: string;
  email: string;
  name: string;
  /** Salesforce: the org (00D…) the user belongs to. */
  orgId?: string;
};

/** One grant: what an account allowed a client, with its live tokens. Revoking any token ends it. */
export type FakeOAuthGrant = {
  clientId: string;
  account: FakeOAuthAccount;
  scopes: string[];
  refreshToken: string | null;
  /** Refresh tokens this grant rotated away from: presenting one is refused (invalid_grant). */
  retiredRefreshTokens: Set<string>;
  accessTokens: Map<string, number>;
  revoked: boolean;
};

/** What the token endpoint is answering with: the provider shapes it into its own JSON. */
export type TokenAnswerInput = {
  grantType: "authorization_code" | "refresh_token";
  grant: FakeOAuthGrant;
  accessToken: string;
  /** Present when this answer hands out a refresh token (a first grant, or a rotation). */
  refreshToken: string | null;
  expiresInSeconds: number;
  issuedAt: Date;
};

export type FakeOAuthServerOptions = {
  /** The provider's name, for its pages. */
  name: string;
  /** Where the server is reached; the paths below hang off it. */
  baseUrl: string;
  paths: { authorize: string; token: string; revoke: string | null };
  clientId: string;
  clientSecret: string;
  /** Redirect URIs the client registered; any other is refused before anything is shown. */
  redirectUris: string[];
  /** Every scope the provider knows; a request for another is refused (invalid_scope). */
  knownScopes: string[];
  accounts: FakeOAuthAccount[];
  /** How long an access token lives. */
  accessTokenTtlSeconds: number;
  /** How long an authorization code may wait to be exchanged (RFC 6749 recommends at most 10 minutes). */
  codeTtlSeconds?: number;
  /** Whether a refresh_token grant hands out a new refresh token and retires the old one. */
  rotateRefreshTokens: boolean;
  /** Whether a grant gets a refresh token at all (Salesforce: only with the refresh_token scope). */
  issuesRefreshToken: (scopes: string[]) => boolean;
  /** The token endpoint's JSON for a successful grant. */
  tokenAnswer: (input: TokenAnswerInput) => Record<string, unknown>;
  /** The prefix of tokens it issues, so they look like the provider's. */
  tokenPrefix: string;
};

export type OAuthRequestRecord = {
  endpoint: "authorize" | "token" | "revoke";
  grantType?: string;
  hadVerifier?: boolean;
  clientAuth?: "basic" | "body" | "none";
  /** What was asked or granted (never a token, code or secret). */
  scope?: string;
  tokenType?: "access" | "refresh" | null;
  outcome: string;
};

type IssuedCode = {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  account: FakeOAuthAccount;
  expiresAt: number;
  used: boolean;
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The parameters an authorization request carries through the chooser's form posts. */
const AUTHORIZE_PARAMS = [
  "client_id",
  "redirect_uri",
  "response_type",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
  "prompt",
  "login_hint",
] as const;

export class FakeOAuthServer {
  private readonly codes = new Map<string, IssuedCode>();
  readonly grants: FakeOAuthGrant[] = [];
  /** Every request to the server, for tests to assert on (never a token, code or secret). */
  readonly requests: OAuthRequestRecord[] = [];
  /** Answer the next revocation requests with this HTTP status instead (tests of a failing revocation). */
  failRevocationsWith: number | null = null;

  constructor(readonly options: FakeOAuthServerOptions) {}

  url(path: string): string {
    return `${this.options.baseUrl}${path}`;
  }

  /** The ApiTokenVerifier of the provider's fake API: who holds a live access token, with which scopes. */
  readonly verify: ApiTokenVerifier = (accessToken): FakeApiCaller | null => {
    for (const grant of this.grants) {
      const expiresAt = grant.accessTokens.get(accessToken);
      if (expiresAt === undefined) continue;
      if (grant.revoked || expiresAt <= Date.now()) return null;
      return { userId: grant.account.userId, email: grant.account.email, scopes: [...grant.scopes] };
    }
    return null;
  };

  /**
   * A grant as if `email` had gone through the consent screen (a test shortcut past the browser;
   * the connect flow's own tests go through the authorization and token endpoints).
   */
  issueGrant(
    email: string,
    scopes: string[],
  ): { accessToken: string; refreshToken: string | null; grant: FakeOAuthGrant } {
    const account = this.options.accounts.find((a) => a.email === email);
    if (!account) throw new Error(`The fake ${this.options.name} has no account ${email}.`);
    const grant = this.newGrant(this.options.clientId, account, scopes);
    return { accessToken: this.issueAccessToken(grant), refreshToken: grant.refreshToken, grant };
  }

  /** Every access token issued so far expires now (a token expired mid-sync). */
  expireAccessTokens(): void {
    for (const grant of this.grants) for (const token of grant.accessTokens.keys()) grant.accessTokens.set(token, 0);
  }

  /** The account withdraws every grant (the provider's "connected apps" page → Revoke). */
  revokeGrantsOf(email: string): void {
    for (const grant of this.grants) if (grant.account.email === email) grant.revoked = true;
  }

  /** Whether a token (access or refresh) still works. */
  isTokenLive(token: string): boolean {
    const grant = this.grantOf(token);
    if (!grant || grant.revoked) return false;
    return grant.refreshToken === token || (grant.accessTokens.get(token) ?? 0) > Date.now();
  }

  private grantOf(token: string): FakeOAuthGrant | undefined {
    return this.grants.find(
      (g) => g.refreshToken === token || g.accessTokens.has(token) || g.retiredRefreshTokens.has(token),
    );
  }

  private newGrant(clientId: string, account: FakeOAuthAccount, scopes: string[]): FakeOAuthGrant {
    const grant: FakeOAuthGrant = {
      clientId,
      account,
      scopes: [...scopes],
      refreshToken: this.options.issuesRefreshToken(scopes) ? this.token("refresh") : null,
      retiredRefreshTokens: new Set(),
      accessTokens: new Map(),
      revoked: false,
    };
    this.grants.push(grant);
    return grant;
  }

  private token(kind: "access" | "refresh" | "code"): string {
    return `${this.options.tokenPrefix}${kind === "access" ? "" : `${kind}-`}${randomBytes(24).toString("base64url")}`;
  }

  private issueAccessToken(grant: FakeOAuthGrant): string {
    const token = this.token("access");
    grant.accessTokens.set(token, Date.now() + this.options.accessTokenTtlSeconds * 1000);
    return token;
  }

  /** Why an authorization request is refused, or null. Checked on the GET and again on the chooser's POST. */
  private authorizeProblem(params: Record<string, unknown>): string | null {
    if (params.client_id !== this.options.clientId) return "invalid_client_id: client identifier invalid";
    if (typeof params.redirect_uri !== "string" || !this.options.redirectUris.includes(params.redirect_uri))
      return "redirect_uri_mismatch: redirect_uri must match configuration";
    if (params.response_type !== "code") return "unsupported_response_type: response type not supported";
    if (typeof params.scope !== "string" || params.scope.trim() === "") return "invalid_scope: missing scope";
    const unknown = params.scope.split(/\s+/).filter((s) => s && !this.options.knownScopes.includes(s));
    if (unknown.length > 0) return `invalid_scope: the requested scope is not allowed (${unknown.join(", ")})`;
    if (
      params.code_challenge_method !== "S256" ||
      typeof params.code_challenge !== "string" ||
      !/^[A-Za-z0-9_-]{43}$/.test(params.code_challenge)
    )
      return "invalid_request: missing required code challenge (S256)";
    return null;
  }

  router(): Router {
    const router = express.Router();
    router.use(express.urlencoded({ extended: false, limit: "16kb" }));
    const { paths, name } = this.options;

    router.get(paths.authorize, (req, res) => {
      const problem = this.authorizeProblem(req.query);
      this.requests.push({
        endpoint: "authorize",
        scope: typeof req.query.scope === "string" ? req.query.scope : undefined,
        outcome: problem ? (problem.split(":")[0] ?? "error") : "shown",
      });
      if (problem)
        return void res
          .status(400)
          .type("text/html")
          .send(`<!doctype html><title>Error</title><h1>${escapeHtml(name)}: error</h1><p>${escapeHtml(problem)}</p>`);
      const hidden = AUTHORIZE_PARAMS.flatMap((param) => {
        const value = req.query[param];
        return typeof value === "string" ? [`<input type="hidden" name="${param}" value="${escapeHtml(value)}">`] : [];
      }).join("");
      const action = escapeHtml(this.url(paths.authorize));
      const scopes = (typeof req.query.scope === "string" ? req.query.scope : "")
        .split(/\s+/)
        .filter(Boolean)
        .map((s) => `<li><code>${escapeHtml(s)}</code></li>`)
        .join("");
      const accounts = this.options.accounts
        .map(
          (a) =>
            `<li><form method="post" action="${action}">${hidden}<input type="hidden" name="account" value="${escapeHtml(a.userId)}"><button type="submit" data-testid="fake-oauth-account" data-email="${escapeHtml(a.email)}"><strong>${escapeHtml(a.name)}</strong><br><span>${escapeHtml(a.email)}</span></button></form></li>`,
        )
        .join("");
      res.type("text/html")
        .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Allow access – Fake ${escapeHtml(name)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f1f5f9;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border-radius:12px;padding:32px;max-width:440px;width:100%;box-shadow:0 1px 3px #0002}
ul{list-style:none;padding:0}button{width:100%;text-align:left;padding:12px;margin:6px 0;border:1px solid #cbd5e1;border-radius:8px;background:#fff;cursor:pointer;font:inherit}
button:hover,button:focus{background:#eff6ff}p.note{color:#64748b;font-size:14px}</style></head>
<body><main><h1>Allow access?</h1><p class="note">This is a <strong>fake ${escapeHtml(name)}</strong> running inside Sales-as-Code for the demo and tests. No data leaves this machine.</p>
<p>Sales-as-Code asks for:</p><ul>${scopes}</ul><h2>Choose a user</h2>
<ul>${accounts}</ul>
<form method="post" action="${action}">${hidden}<input type="hidden" name="account" value="denied"><button type="submit" data-testid="fake-oauth-cancel">Deny</button></form>
</main></body></html>`);
    });

    router.post(paths.authorize, (req, res) => {
      const params = req.body as Record<string, string | undefined>;
      const problem = this.authorizeProblem(params);
      if (problem) return void res.status(400).type("text/plain").send(problem);
      const redirect = new URL(params.redirect_uri!);
      if (params.state !== undefined) redirect.searchParams.set("state", params.state);
      const account = this.options.accounts.find((a) => a.userId === params.account);
      if (!account) {
        this.requests.push({ endpoint: "authorize", outcome: "access_denied" });
        redirect.searchParams.set("error", "access_denied");
        redirect.searchParams.set("error_description", "end-user denied authorization");
        return void res.redirect(302, redirect.toString());
      }
      const code = this.token("code");
      this.codes.set(code, {
        clientId: params.client_id!,
        redirectUri: params.redirect_uri!,
        codeChallenge: params.code_challenge!,
        scopes: params.scope!.split(/\s+/).filter(Boolean),
        account,
        expiresAt: Date.now() + (this.options.codeTtlSeconds ?? 60) * 1000,
        used: false,
      });
      this.requests.push({ endpoint: "authorize", scope: params.scope, outcome: "code_issued" });
      redirect.searchParams.set("code", code);
      res.redirect(302, redirect.toString());
    });

    router.post(paths.token, (req, res) => {
      const body = req.body as Record<string, string | undefined>;
      const record: OAuthRequestRecord = {
        endpoint: "token",
        grantType: body.grant_type,
        hadVerifier: Boolean(body.code_verifier),
        clientAuth: "none",
        outcome: "",
      };
      this.requests.push(record);
      res.setHeader("Cache-Control", "no-store");
      const fail = (status: number, error: string, description: string) => {
        record.outcome = error;
        res.status(status).json({ error, error_description: description });
      };
      const credentials = clientCredentials(req, record);
      if (!credentials) return fail(400, "invalid_request", "client credentials sent twice");
      const [clientId, clientSecret] = credentials;
      if (clientId !== this.options.clientId || clientSecret !== this.options.clientSecret)
        return fail(401, "invalid_client", "invalid client credentials");
      const now = new Date();
      const answer = (grantType: TokenAnswerInput["grantType"], grant: FakeOAuthGrant, refreshToken: string | null) => {
        const accessToken = this.issueAccessToken(grant);
        record.outcome = "ok";
        record.scope = grant.scopes.join(" ");
        res.json(
          this.options.tokenAnswer({
            grantType,
            grant,
            accessToken,
            refreshToken,
            expiresInSeconds: this.options.accessTokenTtlSeconds,
            issuedAt: now,
          }),
        );
      };

      if (body.grant_type === "refresh_token") {
        const presented = body.refresh_token;
        const grant = presented ? this.grantOf(presented) : undefined;
        if (!grant || grant.revoked || grant.clientId !== clientId || grant.refreshToken !== presented)
          return fail(400, "invalid_grant", "expired access/refresh token");
        let handedOut: string | null = null;
        if (this.options.rotateRefreshTokens) {
          grant.retiredRefreshTokens.add(grant.refreshToken);
          grant.refreshToken = this.token("refresh");
          handedOut = grant.refreshToken;
        }
        return answer("refresh_token", grant, handedOut);
      }
      if (body.grant_type !== "authorization_code")
        return fail(400, "unsupported_grant_type", "grant type not supported");
      const issued = body.code ? this.codes.get(body.code) : undefined;
      if (!issued || issued.used || issued.expiresAt < Date.now()) {
        if (issued) issued.used = true;
        return fail(400, "invalid_grant", "invalid authorization code");
      }
      issued.used = true; // single use, whatever happens next
      if (issued.clientId !== clientId)
        return fail(400, "invalid_grant", "authorization code issued to another client");
      if (body.redirect_uri !== issued.redirectUri) return fail(400, "invalid_grant", "redirect_uri mismatch");
      const challenge = body.code_verifier ? createHash("sha256").update(body.code_verifier).digest("base64url") : null;
      if (!challenge || challenge !== issued.codeChallenge) return fail(400, "invalid_grant", "invalid code verifier");
      const grant = this.newGrant(clientId, issued.account, issued.scopes);
      answer("authorization_code", grant, grant.refreshToken);
    });

    if (paths.revoke) {
      // RFC 7009: POST token=… (form), optional token_type_hint; 200 for a revoked or unknown token is
      // what the RFC asks, but Salesforce answers an unknown one 400 invalid_token, and so does this.
      router.post(paths.revoke, (req, res) => {
        const record: OAuthRequestRecord = { endpoint: "revoke", tokenType: null, outcome: "" };
        this.requests.push(record);
        if (this.failRevocationsWith !== null) {
          record.outcome = "refused";
          return void res.status(this.failRevocationsWith).json({ error: "temporarily_unavailable" });
        }
        const token = (req.body as Record<string, string | undefined>).token;
        if (!token) {
          record.outcome = "invalid_request";
          return void res.status(400).json({ error: "invalid_request", error_description: "missing token" });
        }
        const grant = this.grantOf(token);
        if (!grant || grant.revoked) {
          record.outcome = "invalid_token";
          return void res.status(400).json({ error: "invalid_token", error_description: "invalid token" });
        }
        grant.revoked = true;
        record.tokenType = grant.accessTokens.has(token) ? "access" : "refresh";
        record.outcome = "revoked";
        res.status(200).end();
      });
    }
    return router;
  }
}

/** client_secret_post or HTTP Basic (RFC 6749 §2.3.1); both at once is refused, as the RFC asks. */
function clientCredentials(req: Request, record: OAuthRequestRecord): [string | undefined, string | undefined] | null {
  const body = req.body as Record<string, string | undefined>;
  const header = req.get("authorization");
  if (header?.startsWith("Basic ")) {
    if (body.client_secret !== undefined) return null;
    record.clientAuth = "basic";
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return [undefined, undefined];
    try {
      return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
    } catch {
      return [undefined, undefined];
    }
  }
  if (body.client_id) record.clientAuth = "body";
  return [body.client_id, body.client_secret];
}

/**
 * A fake OAuth server on its own loopback port, for tests. `build` makes the provider's server for
 * the base URL the port gives (tests/fakes/salesforce/oauth.ts, tests/fakes/outreach/oauth.ts).
 */
export async function startFakeOAuthServer<T extends FakeOAuthServer>(build: (baseUrl: string) => T) {
  const app = express();
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake = build(baseUrl);
  app.use(fake.router());
  return {
    fake,
    baseUrl,
    /** What the chooser does when the person picks `userId` (or "denied"): where the server sends the browser back. */
    async choose(authorizationUrl: string, userId: string): Promise<URL> {
      const shown = await fetch(authorizationUrl);
      if (shown.status !== 200) throw new Error(`The fake answered ${shown.status}: ${await shown.text()}`);
      const form = new URLSearchParams(new URL(authorizationUrl).searchParams);
      form.set("account", userId);
      const target = new URL(authorizationUrl);
      const approved = await fetch(`${target.origin}${target.pathname}`, {
        method: "POST",
        body: form,
        redirect: "manual",
      });
      if (approved.status !== 302) throw new Error(`The fake answered ${approved.status}: ${await approved.text()}`);
      return new URL(approved.headers.get("location")!);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// A fake Google OAuth 2.0 / OpenID Connect provider that speaks the real wire protocol: the
// authorization endpoint (an account chooser), the token endpoint (authorization_code grant with
// client authentication and PKCE S256 verification, single-use codes; refresh_token grant), RFC 7009
// revocation at /revoke, and a JWKS endpoint for the RS256-signed ID tokens it issues. Like Google it
// grants any scope set (sign-in asks openid; connecting Gmail asks only gmail.readonly), gives a
// refresh token for access_type=offline + prompt=consent, unions earlier grants for
// include_granted_scopes=true, expires access tokens, and revoking either token of a grant revokes
// the grant. verifyAccessToken is the TokenVerifier the fake Gmail/Calendar APIs check bearers with. Tests run it on a loopback port (startFakeGoogle); the local
// demo mounts the same router at /dev/fake-google (server/app.ts) so "Continue with Google" works
// on a fresh machine without leaving this origin.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import express, { type Request, type Router } from "express";
import type { GoogleConfig } from "../../../server/auth/google";

export type FakeGoogleAccount = { sub: string; email: string; name: string; emailVerified?: boolean };

export type FakeGoogleOptions = {
  /** How long an access token lives (Google: 3599 s). */
  accessTokenTtlSeconds?: number;
  /** Where the fake is reached (its issuer); endpoints are below it. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Redirect URIs the client registered; any other is refused like Google refuses it. */
  redirectUris: string[];
  accounts: FakeGoogleAccount[];
};

type IssuedCode = {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce: string | null;
  account: FakeGoogleAccount;
  expiresAt: number;
  used: boolean;
  /** access_type=offline and prompt=consent: the answer carries a refresh token. */
  offline: boolean;
  includeGrantedScopes: boolean;
};

/** One grant: what an account allowed a client, with its live tokens. Revoking any token ends it. */
type Grant = {
  clientId: string;
  email: string;
  scopes: string[];
  refreshToken: string | null;
  accessTokens: Map<string, number>;
  revoked: boolean;
};

export type GoogleApiCaller = { email: string; scopes: string[] };

export type TokenRequestRecord = {
  grantType: string | undefined;
  hadVerifier: boolean;
  /** The scope asked for or granted (never a token, code or secret). */
  scope?: string;
  clientAuth: "basic" | "body" | "none";
  outcome: string;
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

export class FakeGoogle {
  readonly keyId = randomBytes(8).toString("hex");
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly codes = new Map<string, IssuedCode>();
  /** Every token request, for tests to assert on (never the secrets themselves). */
  readonly tokenRequests: TokenRequestRecord[] = [];
  /** Claims to change in the next ID token (to test the client's verification). */
  nextIdTokenOverrides: Record<string, unknown> | null = null;
  /** Sign the next ID token with a key that is not in the JWKS. */
  signNextWithUnknownKey = false;
  private readonly grants: Grant[] = [];
  /** Revocation requests (RFC 7009), for tests: the outcome and the token type, never the token. */
  readonly revocations: {
    outcome: "revoked" | "unknown_token" | "bad_request" | "refused";
    tokenType: "access" | "refresh" | null;
  }[] = [];
  /** Answer the next revocation requests with this HTTP status instead (tests of a failing revocation). */
  failRevocationsWith: number | null = null;

  private get accessTokenTtlMs(): number {
    return (this.options.accessTokenTtlSeconds ?? 3599) * 1000;
  }

  /** The TokenVerifier of the fake Google APIs: who holds a live access token, with which scopes. */
  verifyAccessToken = (token: string): GoogleApiCaller | null => {
    for (const grant of this.grants) {
      const expiresAt = grant.accessTokens.get(token);
      if (expiresAt === undefined) continue;
      if (grant.revoked || expiresAt <= Date.now()) return null;
      return { email: grant.email, scopes: [...grant.scopes] };
    }
    return null;
  };

  /**
   * A grant as if `email` had gone through the consent screen with access_type=offline (a test
   * shortcut past the browser; the connect flow's own tests go through /authorize and /token).
   */
  issueGrant(email: string, scopes: string[]): { accessToken: string; refreshToken: string; expiresInSeconds: number } {
    const grant: Grant = {
      clientId: this.options.clientId,
      email,
      scopes: [...scopes],
      refreshToken: `1//fake-${randomBytes(24).toString("hex")}`,
      accessTokens: new Map(),
      revoked: false,
    };
    this.grants.push(grant);
    const access = this.issueAccessToken(grant);
    return { accessToken: access.token, refreshToken: grant.refreshToken!, expiresInSeconds: access.expiresIn };
  }

  /** Every access token issued so far expires now (a token expired mid-sync). */
  expireAccessTokens(): void {
    for (const grant of this.grants) for (const token of grant.accessTokens.keys()) grant.accessTokens.set(token, 0);
  }

  /** The account withdraws every grant (Google Account → Security → Third-party access → Remove). */
  revokeGrantsOf(email: string): void {
    for (const grant of this.grants) if (grant.email === email) grant.revoked = true;
  }

  /** Whether a token (access or refresh) still works. */
  isTokenLive(token: string): boolean {
    const grant = this.grantOf(token);
    if (!grant || grant.revoked) return false;
    return grant.refreshToken === token || (grant.accessTokens.get(token) ?? 0) > Date.now();
  }

  private grantOf(token: string): Grant | undefined {
    return this.grants.find((g) => g.refreshToken === token || g.accessTokens.has(token));
  }

  private issueAccessToken(grant: Grant): { token: string; expiresIn: number } {
    const token = `ya29.fake-${randomBytes(16).toString("hex")}`;
    grant.accessTokens.set(token, Date.now() + this.accessTokenTtlMs);
    return { token, expiresIn: Math.round(this.accessTokenTtlMs / 1000) };
  }

  constructor(readonly options: FakeGoogleOptions) {
    ({ privateKey: this.privateKey, publicKey: this.publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 }));
  }

  jwks() {
    const jwk = this.publicKey.export({ format: "jwk" });
    return { keys: [{ ...jwk, kid: this.keyId, alg: "RS256", use: "sig" }] };
  }

  private idToken(code: IssuedCode): string {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.options.issuer,
      aud: code.clientId,
      azp: code.clientId,
      sub: code.account.sub,
      email: code.account.email,
      email_verified: code.account.emailVerified ?? true,
      name: code.account.name,
      iat: now,
      exp: now + 3600,
      ...(code.nonce ? { nonce: code.nonce } : {}),
      ...this.nextIdTokenOverrides,
    };
    this.nextIdTokenOverrides = null;
    const header = { alg: "RS256", typ: "JWT", kid: this.keyId };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const key = this.signNextWithUnknownKey
      ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
      : this.privateKey;
    this.signNextWithUnknownKey = false;
    return `${signingInput}.${base64url(sign("RSA-SHA256", Buffer.from(signingInput), key))}`;
  }

  router(): Router {
    const router = express.Router();
    router.use(express.urlencoded({ extended: false, limit: "16kb" }));

    const authorizeProblem = (params: Record<string, unknown>): string | null => {
      if (params.client_id !== this.options.clientId) return "invalid_client: The OAuth client was not found.";
      if (typeof params.redirect_uri !== "string" || !this.options.redirectUris.includes(params.redirect_uri)) {
        return "redirect_uri_mismatch: The redirect URI in the request does not match the ones authorized for the OAuth client.";
      }
      if (params.response_type !== "code") return "unsupported_response_type";
      if (typeof params.scope !== "string" || params.scope.trim() === "")
        return "invalid_scope: Missing required parameter: scope";
      if (
        params.code_challenge_method !== "S256" ||
        typeof params.code_challenge !== "string" ||
        params.code_challenge.length < 43
      ) {
        return "invalid_request: code_challenge with code_challenge_method=S256 is required.";
      }
      return null;
    };

    router.get("/authorize", (req, res) => {
      const problem = authorizeProblem(req.query);
      if (problem)
        return void res
          .status(400)
          .type("text/html")
          .send(`<h1>Error 400</h1><p>${escapeHtml(problem)}</p>`);
      const hidden = [
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
        "nonce",
        "access_type",
        "prompt",
        "include_granted_scopes",
        "login_hint",
      ]
        .flatMap((name) => {
          const value = req.query[name];
          return typeof value === "string" ? [`<input type="hidden" name="${name}" value="${escapeHtml(value)}">`] : [];
        })
        .join("");
      const accounts = this.options.accounts
        .map(
          (
            a,
          ) => `<li><form method="post" action="authorize">${hidden}<input type="hidden" name="account" value="${escapeHtml(a.sub)}">
            <button type="submit" data-testid="fake-google-account" data-email="${escapeHtml(a.email)}"><strong>${escapeHtml(a.name)}</strong><br><span>${escapeHtml(a.email)}</span></button></form></li>`,
        )
        .join("");
      res.type("text/html")
        .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Sign in – Fake Google</title>
<style>body{font-family:system-ui,sans-serif;background:#f1f5f9;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border-radius:12px;padding:32px;max-width:420px;width:100%;box-shadow:0 1px 3px #0002}
ul{list-style:none;padding:0}button{width:100%;text-align:left;padding:12px;margin:6px 0;border:1px solid #cbd5e1;border-radius:8px;background:#fff;cursor:pointer;font:inherit}
button:hover,button:focus{background:#eff6ff}p.note{color:#64748b;font-size:14px}</style></head>
<body><main><h1>Choose an account</h1><p class="note">This is a <strong>fake Google</strong> running inside Sales-as-Code for the demo and tests. No data leaves this machine.</p>
<ul>${accounts}</ul>
<form method="post" action="authorize">${hidden}<input type="hidden" name="account" value="denied"><button type="submit" data-testid="fake-google-cancel">Cancel</button></form>
</main></body></html>`);
    });

    router.post("/authorize", (req, res) => {
      const params = req.body as Record<string, string | undefined>;
      const problem = authorizeProblem(params);
      if (problem) return void res.status(400).type("text/plain").send(problem);
      const redirect = new URL(params.redirect_uri!);
      if (params.state !== undefined) redirect.searchParams.set("state", params.state);
      const account = this.options.accounts.find((a) => a.sub === params.account);
      if (!account) {
        redirect.searchParams.set("error", "access_denied");
        return void res.redirect(302, redirect.toString());
      }
      const code = randomBytes(24).toString("base64url");
      this.codes.set(code, {
        clientId: params.client_id!,
        redirectUri: params.redirect_uri!,
        codeChallenge: params.code_challenge!,
        scope: params.scope!,
        nonce: params.nonce ?? null,
        account,
        expiresAt: Date.now() + 60_000,
        used: false,
        // Google sends a refresh token on the first offline grant and whenever prompt=consent is
        // set; the product always asks with both, so the fake needs both.
        offline: params.access_type === "offline" && (params.prompt ?? "").split(" ").includes("consent"),
        includeGrantedScopes: params.include_granted_scopes === "true",
      });
      redirect.searchParams.set("code", code);
      redirect.searchParams.set("scope", params.scope!);
      res.redirect(302, redirect.toString());
    });

    router.post("/token", (req, res) => {
      const body = req.body as Record<string, string | undefined>;
      const record: TokenRequestRecord = {
        grantType: body.grant_type,
        hadVerifier: Boolean(body.code_verifier),
        clientAuth: "none",
        outcome: "",
      };
      this.tokenRequests.push(record);
      const fail = (status: number, error: string, description: string) => {
        record.outcome = error;
        res.status(status).json({ error, error_description: description });
      };
      const [clientId, clientSecret] = clientCredentials(req, record);
      if (clientId !== this.options.clientId || clientSecret !== this.options.clientSecret) {
        return fail(401, "invalid_client", "The OAuth client was not found.");
      }
      if (body.grant_type === "refresh_token") {
        const grant = body.refresh_token ? this.grants.find((g) => g.refreshToken === body.refresh_token) : undefined;
        if (!grant || grant.revoked || grant.clientId !== clientId)
          return fail(400, "invalid_grant", "Token has been expired or revoked.");
        const access = this.issueAccessToken(grant);
        record.outcome = "ok";
        record.scope = grant.scopes.join(" ");
        return void res.json({
          access_token: access.token,
          expires_in: access.expiresIn,
          token_type: "Bearer",
          scope: grant.scopes.join(" "),
        });
      }
      if (body.grant_type !== "authorization_code") return fail(400, "unsupported_grant_type", "Invalid grant_type.");
      const issued = body.code ? this.codes.get(body.code) : undefined;
      if (!issued || issued.used || issued.expiresAt < Date.now()) {
        if (issued) issued.used = true;
        return fail(400, "invalid_grant", "Malformed auth code.");
      }
      issued.used = true; // single use, whatever happens next
      if (issued.clientId !== clientId) return fail(400, "invalid_grant", "The code was issued to another client.");
      if (body.redirect_uri !== issued.redirectUri) return fail(400, "redirect_uri_mismatch", "Bad Request");
      const challenge = body.code_verifier ? createHash("sha256").update(body.code_verifier).digest("base64url") : null;
      if (!challenge || challenge !== issued.codeChallenge)
        return fail(400, "invalid_grant", "Missing code verifier. / Invalid code verifier.");
      const asked = issued.scope.split(" ").filter(Boolean);
      // include_granted_scopes=true: the new grant covers what this account gave this client before.
      const earlier = issued.includeGrantedScopes
        ? this.grants
            .filter((g) => !g.revoked && g.clientId === clientId && g.email === issued.account.email)
            .flatMap((g) => g.scopes)
        : [];
      const scopes = [...new Set([...earlier, ...asked])];
      const grant: Grant = {
        clientId,
        email: issued.account.email,
        scopes,
        refreshToken: issued.offline ? `1//fake-${randomBytes(24).toString("hex")}` : null,
        accessTokens: new Map(),
        revoked: false,
      };
      this.grants.push(grant);
      const access = this.issueAccessToken(grant);
      record.outcome = "ok";
      record.scope = scopes.join(" ");
      res.json({
        access_token: access.token,
        expires_in: access.expiresIn,
        token_type: "Bearer",
        scope: scopes.join(" "),
        ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
        // Like Google: an ID token only when openid was asked for.
        ...(asked.includes("openid") ? { id_token: this.idToken(issued) } : {}),
      });
    });

    // RFC 7009 as Google does it: POST token=… (form); revoking either token of a grant ends it.
    router.post("/revoke", (req, res) => {
      if (this.failRevocationsWith !== null) {
        this.revocations.push({ outcome: "refused", tokenType: null });
        return void res.status(this.failRevocationsWith).json({ error: "temporarily_unavailable" });
      }
      const body = req.body as Record<string, string | undefined>;
      const token = body.token ?? (typeof req.query.token === "string" ? req.query.token : undefined);
      if (!token) {
        this.revocations.push({ outcome: "bad_request", tokenType: null });
        return void res
          .status(400)
          .json({ error: "invalid_request", error_description: "Missing required parameter: token" });
      }
      const grant = this.grantOf(token);
      if (!grant || grant.revoked) {
        // Google answers an unknown or already revoked token with 400 invalid_token.
        this.revocations.push({ outcome: "unknown_token", tokenType: null });
        return void res.status(400).json({ error: "invalid_token", error_description: "Token expired or revoked" });
      }
      grant.revoked = true;
      this.revocations.push({ outcome: "revoked", tokenType: grant.refreshToken === token ? "refresh" : "access" });
      res.status(200).json({});
    });

    router.get("/certs", (_req, res) => {
      res.json(this.jwks());
    });

    router.get("/.well-known/openid-configuration", (_req, res) => {
      const base = this.options.issuer;
      res.json({
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/certs`,
        response_types_supported: ["code"],
        code_challenge_methods_supported: ["S256"],
        id_token_signing_alg_values_supported: ["RS256"],
      });
    });
    return router;
  }
}

function clientCredentials(req: Request, record: TokenRequestRecord): [string | undefined, string | undefined] {
  const header = req.get("authorization");
  if (header?.startsWith("Basic ")) {
    record.clientAuth = "basic";
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
  }
  const body = req.body as Record<string, string | undefined>;
  if (body.client_id) record.clientAuth = "body";
  return [body.client_id, body.client_secret];
}

/** The fake on its own loopback port, for tests. */
export async function startFakeGoogle(options: Omit<FakeGoogleOptions, "issuer">) {
  const app = express();
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const fake = new FakeGoogle({ ...options, issuer });
  app.use(fake.router());
  const endpoints = {
    authorization: `${issuer}/authorize`,
    token: `${issuer}/token`,
    jwks: `${issuer}/certs`,
    revocation: `${issuer}/revoke`,
  };
  /** How the app under test is configured to use this fake. */
  const config: GoogleConfig = {
    kind: "fake",
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    authorizationEndpoint: endpoints.authorization,
    tokenEndpoint: endpoints.token,
    jwksUri: endpoints.jwks,
    issuer,
  };
  return {
    fake,
    issuer,
    endpoints,
    config,
    /** What the account chooser does when the person picks `sub`: the redirect back to the app (code and state). */
    async choose(authorizationUrl: string, sub: string): Promise<URL> {
      const form = new URLSearchParams(new URL(authorizationUrl).searchParams);
      form.set("account", sub);
      const approved = await fetch(endpoints.authorization, { method: "POST", body: form, redirect: "manual" });
      if (approved.status !== 302)
        throw new Error(`The fake Google answered ${approved.status}: ${await approved.text()}`);
      return new URL(approved.headers.get("location")!);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Salesforce's OAuth 2.0 web server flow, as the fake speaks it (on the generic server in
// tests/fakes/provider/oauth-server.ts): /services/oauth2/authorize, /token and /revoke below the
// login host. The token answer is Salesforce's: access_token, refresh_token (only with the
// refresh_token scope), instance_url (where the org's API lives: this same base, so the fake API is
// mounted beside it), id (the identity URL …/id/<orgId>/<userId>), issued_at (ms, a string),
// signature, token_type and scope — and no expires_in: a Salesforce access token lives as long as the
// org's session timeout, which the client only learns from a 401 INVALID_SESSION_ID. Refresh tokens
// are not rotated (the default for a Connected App).
import { createHmac } from "node:crypto";
import type { Env } from "../../../server/env";
import { singleton } from "../../../server/utils/singleton";
import { FakeOAuthServer, type FakeOAuthAccount } from "../provider/oauth-server";

export const SALESFORCE_OAUTH_PATHS = {
  authorize: "/services/oauth2/authorize",
  token: "/services/oauth2/token",
  revoke: "/services/oauth2/revoke",
};

/** The scopes a Salesforce org knows (a subset; the product asks for exactly `api refresh_token`). */
const SALESFORCE_SCOPES = ["api", "refresh_token", "offline_access", "id", "profile", "email", "openid", "full", "web"];

export type FakeSalesforceOAuthOptions = {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  accounts: FakeOAuthAccount[];
  /** The org's session timeout (Salesforce's default is 2 hours). */
  sessionSeconds?: number;
};

export class FakeSalesforceOAuth extends FakeOAuthServer {
  constructor(options: FakeSalesforceOAuthOptions) {
    super({
      name: "Salesforce",
      baseUrl: options.baseUrl,
      paths: SALESFORCE_OAUTH_PATHS,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      redirectUris: options.redirectUris,
      knownScopes: SALESFORCE_SCOPES,
      accounts: options.accounts,
      accessTokenTtlSeconds: options.sessionSeconds ?? 7200,
      rotateRefreshTokens: false,
      issuesRefreshToken: (scopes) => scopes.includes("refresh_token") || scopes.includes("offline_access"),
      tokenPrefix: "00Dfake!",
      tokenAnswer: ({ grant, accessToken, refreshToken, issuedAt }) => {
        const issued = String(issuedAt.getTime());
        return {
          access_token: accessToken,
          ...(refreshToken ? { refresh_token: refreshToken } : {}),
          // Salesforce signs id + issued_at with the client secret (HMAC-SHA256, base64).
          signature: createHmac("sha256", options.clientSecret)
            .update(`${this.identityUrl(grant.account)}${issued}`)
            .digest("base64"),
          scope: grant.scopes.join(" "),
          instance_url: options.baseUrl,
          id: this.identityUrl(grant.account),
          token_type: "Bearer",
          issued_at: issued,
        };
      },
    });
  }

  /** The identity URL of a user: https://login…/id/<orgId>/<userId>. */
  identityUrl(account: FakeOAuthAccount): string {
    return `${this.options.baseUrl}/id/${account.orgId ?? "00D000000000001AAA"}/${account.userId}`;
  }
}

/** The demo org's users: the seeded demo seller, and a colleague. */
export const DEMO_SALESFORCE_ACCOUNTS: FakeOAuthAccount[] = [
  {
    userId: "005DM0000000001AAA",
    orgId: "00DDM0000000001AAA",
    email: "alex@northbeam.example",
    name: "Alex Morgan",
  },
  {
    userId: "005DM0000000002AAA",
    orgId: "00DDM0000000001AAA",
    email: "sam.rivera@northbeam.example",
    name: "Sam Rivera",
  },
];

/** The fake Salesforce the local demo connects to (FAKE_SALESFORCE), at $APP_URL/dev/fake-salesforce. */
export function demoFakeSalesforceOAuth(env: Env): FakeSalesforceOAuth {
  const salesforce = env.salesforce;
  if (!salesforce || salesforce.kind !== "fake")
    throw new Error("The fake Salesforce is only mounted when FAKE_SALESFORCE is on.");
  return singleton(
    "fake-salesforce-oauth",
    () =>
      new FakeSalesforceOAuth({
        baseUrl: salesforce.loginUrl,
        clientId: salesforce.clientId,
        clientSecret: salesforce.clientSecret,
        redirectUris: [`${env.APP_URL}/auth/salesforce/callback`],
        accounts: DEMO_SALESFORCE_ACCOUNTS,
      }),
  );
}

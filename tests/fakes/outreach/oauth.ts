// Outreach's OAuth 2.0, as the fake speaks it (on the generic server in
// tests/fakes/provider/oauth-server.ts): /oauth/authorize and /oauth/token. The token answer is
// Outreach's: access_token, token_type "bearer", expires_in 7200 (two hours), refresh_token, scope
// and created_at (Unix seconds). Every refresh answer carries a new refresh token and the old one
// stops working (rotation), so the client must store the one it is handed each time. Outreach
// documents no token revocation endpoint (a user removes an app's access in Outreach itself), so the
// fake has none either.
import type { Env } from "../../../server/env";
import { singleton } from "../../../server/utils/singleton";
import { FakeOAuthServer, type FakeOAuthAccount } from "../provider/oauth-server";

export const OUTREACH_OAUTH_PATHS = { authorize: "/oauth/authorize", token: "/oauth/token", revoke: null };

const RESOURCES = [
  "accounts",
  "prospects",
  "opportunities",
  "sequences",
  "sequenceStates",
  "sequenceSteps",
  "mailings",
  "mailboxes",
  "calls",
  "users",
  "tasks",
  "stages",
];
/** The scopes Outreach knows: <resource>.read / .write / .delete / .all. */
const OUTREACH_SCOPES = RESOURCES.flatMap((r) => ["read", "write", "delete", "all"].map((level) => `${r}.${level}`));

export type FakeOutreachOAuthOptions = {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  accounts: FakeOAuthAccount[];
  accessTokenTtlSeconds?: number;
};

export class FakeOutreachOAuth extends FakeOAuthServer {
  constructor(options: FakeOutreachOAuthOptions) {
    super({
      name: "Outreach",
      baseUrl: options.baseUrl,
      paths: OUTREACH_OAUTH_PATHS,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      redirectUris: options.redirectUris,
      knownScopes: OUTREACH_SCOPES,
      accounts: options.accounts,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 7200,
      rotateRefreshTokens: true,
      issuesRefreshToken: () => true,
      tokenPrefix: "outreach-fake-",
      tokenAnswer: ({ grant, accessToken, refreshToken, expiresInSeconds, issuedAt }) => ({
        access_token: accessToken,
        token_type: "bearer",
        expires_in: expiresInSeconds,
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
        scope: grant.scopes.join(" "),
        created_at: Math.floor(issuedAt.getTime() / 1000),
      }),
    });
  }
}

/** The demo Outreach users (Outreach user ids are integers): the seeded demo seller, and a colleague. */
export const DEMO_OUTREACH_ACCOUNTS: FakeOAuthAccount[] = [
  { userId: "101", email: "alex@northbeam.example", name: "Alex Morgan" },
  { userId: "102", email: "sam.rivera@northbeam.example", name: "Sam Rivera" },
];

/** The fake Outreach the local demo connects to (FAKE_OUTREACH): OAuth at $APP_URL/dev/fake-outreach/oauth. */
export function demoFakeOutreachOAuth(env: Env): FakeOutreachOAuth {
  const outreach = env.outreach;
  if (!outreach || outreach.kind !== "fake")
    throw new Error("The fake Outreach is only mounted when FAKE_OUTREACH is on.");
  return singleton(
    "fake-outreach-oauth",
    () =>
      new FakeOutreachOAuth({
        // The endpoints are <base>/oauth/authorize and <base>/oauth/token.
        baseUrl: outreach.tokenEndpoint.replace(/\/oauth\/token$/, ""),
        clientId: outreach.clientId,
        clientSecret: outreach.clientSecret,
        redirectUris: [`${env.APP_URL}/auth/outreach/callback`],
        accounts: DEMO_OUTREACH_ACCOUNTS,
      }),
  );
}

// The generic fake OAuth server refuses what a real authorization server refuses: an unregistered
// redirect URI, an unknown scope, a request without PKCE S256, a wrong verifier, a client
// authenticated twice or not at all; and accepts both client_secret_post and HTTP Basic.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOutreachOAuth } from "../outreach/oauth";
import { startFakeOAuthServer } from "./oauth-server";

const REDIRECT = "http://app.test/auth/outreach/callback";
const VERIFIER = "v".repeat(50);
const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");
let server: Awaited<ReturnType<typeof startFakeOAuthServer<FakeOutreachOAuth>>>;

beforeAll(async () => {
  server = await startFakeOAuthServer(
    (baseUrl) =>
      new FakeOutreachOAuth({
        baseUrl,
        clientId: "client",
        clientSecret: "s3cret",
        redirectUris: [REDIRECT],
        accounts: [{ userId: "7", email: "kim@acme.example", name: "Kim" }],
      }),
  );
});
afterAll(() => server.close());

function authorizeUrl(overrides: Record<string, string | null> = {}): string {
  const url = new URL(`${server.baseUrl}/oauth/authorize`);
  const params: Record<string, string | null> = {
    client_id: "client",
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "prospects.read",
    state: "state-123",
    code_challenge: CHALLENGE,
    code_challenge_method: "S256",
    ...overrides,
  };
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  return url.toString();
}

async function code(): Promise<string> {
  const back = await server.choose(authorizeUrl(), "7");
  return back.searchParams.get("code")!;
}

function tokenRequest(body: Record<string, string>, basic?: string) {
  return fetch(`${server.baseUrl}/oauth/token`, {
    method: "POST",
    headers: basic ? { Authorization: `Basic ${Buffer.from(basic).toString("base64")}` } : {},
    body: new URLSearchParams(body),
  });
}

describe("the fake OAuth server", () => {
  it("refuses an unregistered redirect URI, an unknown scope and a missing or plain PKCE challenge before showing anything", async () => {
    const cases: Record<string, string | null>[] = [
      { redirect_uri: "http://evil.test/callback" },
      { scope: "prospects.read admin.everything" },
      { code_challenge: null },
      { code_challenge_method: "plain" },
      { client_id: "someone-else" },
    ];
    for (const overrides of cases) {
      expect((await fetch(authorizeUrl(overrides))).status, JSON.stringify(overrides)).toBe(400);
    }
    expect((await fetch(authorizeUrl())).status).toBe(200);
  });

  it("exchanges a code once, with the right verifier and redirect URI, for client_secret_post or HTTP Basic", async () => {
    const exchange = { grant_type: "authorization_code", redirect_uri: REDIRECT, code_verifier: VERIFIER };
    const post = await tokenRequest({ ...exchange, code: await code(), client_id: "client", client_secret: "s3cret" });
    expect(post.status).toBe(200);
    const answer = (await post.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ token_type: "bearer", expires_in: 7200, scope: "prospects.read" });
    expect(typeof answer.created_at).toBe("number");
    expect(server.fake.requests.at(-1)).toMatchObject({ clientAuth: "body", hadVerifier: true, outcome: "ok" });

    const basicCode = await code();
    expect((await tokenRequest({ ...exchange, code: basicCode }, "client:s3cret")).status).toBe(200);
    expect(server.fake.requests.at(-1)).toMatchObject({ clientAuth: "basic", outcome: "ok" });
    // Single use.
    expect((await tokenRequest({ ...exchange, code: basicCode }, "client:s3cret")).status).toBe(400);

    const refusals: [Record<string, string>, string | undefined, number, string][] = [
      [{ ...exchange, code_verifier: "w".repeat(50) }, "client:s3cret", 400, "invalid_grant"],
      [{ ...exchange, redirect_uri: "http://app.test/elsewhere" }, "client:s3cret", 400, "invalid_grant"],
      [{ ...exchange, client_id: "client", client_secret: "wrong" }, undefined, 401, "invalid_client"],
      [{ ...exchange }, undefined, 401, "invalid_client"],
      [{ ...exchange, client_secret: "s3cret" }, "client:s3cret", 400, "invalid_request"],
    ];
    for (const [body, basic, status, error] of refusals) {
      const answered = await tokenRequest({ ...body, code: await code() }, basic);
      expect(answered.status, error).toBe(status);
      expect(((await answered.json()) as { error: string }).error).toBe(error);
    }
  });

  it("verify() knows live tokens only: expired, revoked and unknown ones are null", () => {
    const { accessToken } = server.fake.issueGrant("kim@acme.example", ["prospects.read"]);
    expect(server.fake.verify(accessToken)).toEqual({
      userId: "7",
      email: "kim@acme.example",
      scopes: ["prospects.read"],
    });
    server.fake.expireAccessTokens();
    expect(server.fake.verify(accessToken)).toBeNull();
    const second = server.fake.issueGrant("kim@acme.example", ["prospects.read"]);
    server.fake.revokeGrantsOf("kim@acme.example");
    expect(server.fake.verify(second.accessToken)).toBeNull();
    expect(server.fake.verify("never-issued")).toBeNull();
  });
});

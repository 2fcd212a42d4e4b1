// How a fake provider API knows who calls it: a verifier maps a bearer token to its caller, or null
// (an unknown, expired or revoked token: the API answers 401 as the real one does). The fake OAuth
// servers (tests/fakes/provider/oauth-server.ts) issue tokens and are the verifier in end-to-end
// tests and the demo; an API's own tests can use StaticApiTokens.
export type FakeApiCaller = { userId: string; email: string; scopes: string[] };

export type ApiTokenVerifier = (accessToken: string) => FakeApiCaller | null;

/** Tokens handed out by a test itself, each with its caller; revoke() makes one answer 401. */
export class StaticApiTokens {
  private readonly tokens = new Map<string, FakeApiCaller>();

  add(accessToken: string, caller: FakeApiCaller): this {
    this.tokens.set(accessToken, caller);
    return this;
  }

  revoke(accessToken: string): void {
    this.tokens.delete(accessToken);
  }

  readonly verify: ApiTokenVerifier = (accessToken) => this.tokens.get(accessToken) ?? null;
}

// The variables of connecting Salesforce and Outreach: the real clients, the built-in fakes, and what
// is refused at start-up.
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

function problem(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error("expected the environment to be refused");
}

describe("environment: Salesforce and Outreach", () => {
  it("a fresh demo machine serves both fakes on its own origin (the Salesforce instance_url is its login host)", () => {
    const env = parseEnv({ PORT: "4000" });
    expect(env.FAKE_SALESFORCE).toBe(true);
    expect(env.FAKE_OUTREACH).toBe(true);
    expect(env.salesforce).toMatchObject({ kind: "fake", loginUrl: "http://localhost:4000/dev/fake-salesforce" });
    expect(env.outreach).toMatchObject({
      kind: "fake",
      authorizationEndpoint: "http://localhost:4000/dev/fake-outreach/oauth/authorize",
      tokenEndpoint: "http://localhost:4000/dev/fake-outreach/oauth/token",
      apiBaseUrl: "http://localhost:4000/dev/fake-outreach/api/v2",
    });
  });

  it("no fakes on PostgreSQL or behind a proxy, and no tool without its client", () => {
    for (const source of [{ DATABASE_URL: "postgres://db/app" }, { TRUST_PROXY: "true" }]) {
      const env = parseEnv(source);
      expect(env.salesforce).toBeNull();
      expect(env.outreach).toBeNull();
    }
  });

  it("real clients: production login by default, a sandbox or My Domain origin on request, Outreach's own endpoints", () => {
    const env = parseEnv({
      SALESFORCE_CLIENT_ID: "3MVG9",
      SALESFORCE_CLIENT_SECRET: "sf-secret",
      OUTREACH_CLIENT_ID: "or-id",
      OUTREACH_CLIENT_SECRET: "or-secret",
    });
    expect(env.salesforce).toEqual({
      kind: "salesforce",
      clientId: "3MVG9",
      clientSecret: "sf-secret",
      loginUrl: "https://login.salesforce.com",
    });
    expect(env.outreach).toMatchObject({
      kind: "outreach",
      authorizationEndpoint: "https://api.outreach.io/oauth/authorize",
      tokenEndpoint: "https://api.outreach.io/oauth/token",
      apiBaseUrl: "https://api.outreach.io/api/v2",
    });
    for (const login of ["https://test.salesforce.com", "https://acme.my.salesforce.com/"]) {
      expect(
        parseEnv({ SALESFORCE_CLIENT_ID: "a", SALESFORCE_CLIENT_SECRET: "b", SALESFORCE_LOGIN_URL: login }).salesforce
          ?.loginUrl,
      ).toBe(login.replace(/\/$/, ""));
    }
  });

  it("refuses half a client, a login URL with a path or over http, and a fake behind a proxy — never echoing a secret", () => {
    expect(problem({ SALESFORCE_CLIENT_SECRET: "sf-hunter2" })).toMatch(/SALESFORCE_CLIENT_ID: .*set both or neither/);
    expect(problem({ SALESFORCE_CLIENT_SECRET: "sf-hunter2" })).not.toContain("sf-hunter2");
    expect(problem({ OUTREACH_CLIENT_ID: "x" })).toMatch(/OUTREACH_CLIENT_SECRET: .*set both or neither/);
    expect(problem({ SALESFORCE_LOGIN_URL: "https://login.salesforce.com/services" })).toMatch(
      /SALESFORCE_LOGIN_URL: must be an origin only/,
    );
    expect(problem({ SALESFORCE_LOGIN_URL: "http://login.example.com" })).toMatch(
      /SALESFORCE_LOGIN_URL: must use https/,
    );
    // http only on this machine, for a fake on a loopback port.
    expect(parseEnv({ SALESFORCE_LOGIN_URL: "http://127.0.0.1:4010" }).SALESFORCE_LOGIN_URL).toBe(
      "http://127.0.0.1:4010",
    );
    for (const name of ["FAKE_SALESFORCE", "FAKE_OUTREACH"])
      expect(problem({ [name]: "true", TRUST_PROXY: "true" })).toMatch(
        new RegExp(`${name}: .*never be reached through a proxy`),
      );
  });
});

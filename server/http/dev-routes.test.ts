// Development-only routes exist only when enabled, never behind a proxy (docs/decisions/013).
import { afterEach, describe, expect, it } from "vitest";
import { startRemixTestServer } from "../../tests/helpers/remix-server";
import { startTestServer } from "../../tests/helpers/server";
import { createApp } from "../app";
import { demoFakeGoogle } from "../../tests/fakes/google-oauth/demo";
import { env, EnvError, parseEnv, resetEnvCache } from "../env";
import { createCalendarProvider } from "../integrations/google/calendar";
import { createGmailProvider } from "../integrations/google/gmail";

const servers: Awaited<ReturnType<typeof startRemixTestServer>>[] = [];
const saved = { ...process.env };
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  process.env = { ...saved };
  resetEnvCache();
});

/** The app as `npm start` or `npm run dev` would configure it (route modules read env() too). */
async function serve(variables: Record<string, string>) {
  Object.assign(process.env, { NODE_ENV: "test", ...variables });
  resetEnvCache();
  const server = await startRemixTestServer({ routes: { "dev/outbox": "dev.outbox.tsx" }, env: variables });
  servers.push(server);
  return server;
}

const RELAYED: Record<string, string>[] = [
  { "x-forwarded-for": "198.51.100.77" },
  { "x-real-ip": "198.51.100.77" },
  { forwarded: "for=198.51.100.77" },
  { "x-forwarded-host": "app.example.com" },
];

describe("/dev/outbox (every user's reset links)", () => {
  it("does not exist in a production start unless DEV_ROUTES asks for it", async () => {
    // `npm start` on a fresh machine: production build, embedded database, demo on.
    const server = await serve({ NODE_ENV: "production" });
    expect((await fetch(`${server.url}/dev/outbox`)).status).toBe(404);
    expect((await fetch(`${server.url}/dev/outbox.data`)).status).toBe(404);
  });

  it("opens to this machine when enabled, and never to a request a proxy relayed", async () => {
    const server = await serve({ NODE_ENV: "production", DEV_ROUTES: "true" });
    expect((await fetch(`${server.url}/dev/outbox`)).status).toBe(200);
    for (const headers of RELAYED) {
      expect((await fetch(`${server.url}/dev/outbox`, { headers })).status, JSON.stringify(headers)).toBe(404);
      expect((await fetch(`${server.url}/dev/outbox.data`, { headers })).status).toBe(404);
    }
  });

  it("is on by default in development, and off there too once a proxy is trusted or SMTP is set", async () => {
    expect(parseEnv({ NODE_ENV: "development" }).DEV_ROUTES).toBe(true);
    expect(parseEnv({ NODE_ENV: "production" }).DEV_ROUTES).toBe(false);
    expect(parseEnv({ NODE_ENV: "development", TRUST_PROXY: "true" }).DEV_ROUTES).toBe(false);
    const server = await serve({ NODE_ENV: "development", SMTP_URL: "smtp://127.0.0.1:2525" });
    expect((await fetch(`${server.url}/dev/outbox`)).status).toBe(404);
  });

  it("cannot be combined with TRUST_PROXY: the process refuses to start", () => {
    for (const name of ["DEV_ROUTES", "FAKE_GOOGLE"]) {
      expect(() => parseEnv({ [name]: "true", TRUST_PROXY: "true" })).toThrow(EnvError);
      expect(() => parseEnv({ [name]: "true", TRUST_PROXY: "loopback" })).toThrow(
        new RegExp(`${name}: ${name} serves development-only routes`),
      );
    }
  });
});

describe("/dev/fake-google (the demo's stand-in for Google)", () => {
  it("answers a browser on this machine, and not a request a proxy relayed", async () => {
    const server = await serve({ NODE_ENV: "production" });
    expect((await fetch(`${server.url}/dev/fake-google/certs`)).status).toBe(200);
    for (const headers of RELAYED) {
      expect((await fetch(`${server.url}/dev/fake-google/certs`, { headers })).status).toBe(404);
    }
  });

  it("reads its own form posts through the body limit (the token endpoint answers, not hangs)", async () => {
    const server = await serve({ NODE_ENV: "production" });
    const response = await fetch(`${server.url}/dev/fake-google/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "authorization_code", code: "no-such-code" }),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.json()).toHaveProperty("error");
  });

  it("and the demo are off by default for an instance behind a trusted proxy", () => {
    expect(parseEnv({ TRUST_PROXY: "true" })).toMatchObject({ DEMO_MODE: false, FAKE_GOOGLE: false });
    expect(parseEnv({})).toMatchObject({ DEMO_MODE: true, FAKE_GOOGLE: true });
  });
});

describe("/dev/fake-google-apis (the demo's fake Gmail and Calendar)", () => {
  it("serves a demo mailbox and calendar to a token the demo's fake Google issued, and nothing else", async () => {
    const server = await serve({ NODE_ENV: "production" });
    const base = env().googleApiBaseUrl;
    expect(base).toBe(`${env().APP_URL}/dev/fake-google-apis`);
    const api = `${server.url}/dev/fake-google-apis`;
    const { accessToken } = demoFakeGoogle(env()).issueGrant("alex@northbeam.example", [
      "https://www.googleapis.com/auth/gmail.readonly",
      "https://www.googleapis.com/auth/calendar.readonly",
    ]);
    const bearer = { authorization: `Bearer ${accessToken}` };
    const profile = await fetch(`${api}/gmail/v1/users/me/profile`, { headers: bearer });
    expect(profile.status).toBe(200);
    expect(await profile.json()).toMatchObject({ emailAddress: "alex@northbeam.example" });
    const listed = (await (
      await fetch(`${api}/gmail/v1/users/me/messages?maxResults=5`, { headers: bearer })
    ).json()) as {
      messages?: unknown[];
    };
    expect(listed.messages?.length ?? 0).toBeGreaterThan(0);
    const calendars = await fetch(`${api}/calendar/v3/users/me/calendarList`, { headers: bearer });
    expect(calendars.status).toBe(200);
    // No session cookie makes a bearer valid, and a relayed request finds nothing.
    expect((await fetch(`${api}/gmail/v1/users/me/profile`)).status).toBe(401);
    for (const headers of RELAYED) {
      expect((await fetch(`${api}/gmail/v1/users/me/profile`, { headers: { ...bearer, ...headers } })).status).toBe(
        404,
      );
    }
  });

  it("is where the real Gmail and Calendar providers sync from, path and all", async () => {
    const server = await serve({ NODE_ENV: "production" });
    // env().googleApiBaseUrl names APP_URL's port; the test server listens on its own.
    const rootUrl = `${server.url}/dev/fake-google-apis`;
    const { accessToken } = demoFakeGoogle(env()).issueGrant("alex@northbeam.example", [
      "https://www.googleapis.com/auth/gmail.readonly",
      "https://www.googleapis.com/auth/calendar.readonly",
    ]);
    const signal = new AbortController().signal;
    const gmail = createGmailProvider({ rootUrl });
    expect(await gmail.connectedAccount(accessToken, signal)).toMatchObject({ id: "alex@northbeam.example" });
    const now = new Date();
    const window = {
      mailSince: new Date(now.getTime() - 90 * 86_400_000),
      calendarFrom: new Date(now.getTime() - 90 * 86_400_000),
      calendarTo: new Date(now.getTime() + 180 * 86_400_000),
    };
    const step = await gmail.step({ accessToken, cursor: null, window, now, signal });
    expect(step.changes.length + step.skipped.length).toBeGreaterThan(0);
    const calendar = createCalendarProvider({ rootUrl });
    expect((await calendar.connectedAccount(accessToken, signal)).id).toBe("alex@northbeam.example");
  });

  it("does not exist without FAKE_GOOGLE", async () => {
    const server = await serve({ NODE_ENV: "production", FAKE_GOOGLE: "false" });
    expect(env().googleApiBaseUrl).toBeNull();
    const response = await fetch(`${server.url}/dev/fake-google-apis/gmail/v1/users/me/profile`, {
      headers: { authorization: "Bearer anything" },
    });
    expect(response.status).toBe(404);
    // The app's own not-found answer, not the fake API's Google-shaped error.
    expect(await response.text()).not.toContain("UNAUTHENTICATED");
  });
});

describe("TRUST_PROXY says which proxies are trusted", () => {
  it("true trusts a proxy on this machine or a private network, not a client on the internet", async () => {
    const env = parseEnv({ NODE_ENV: "test", TRUST_PROXY: "true", LOG_LEVEL: "silent" });
    const { app } = await createApp({ env, pages: { kind: "handler", handler: (_req, res) => void res.end() } });
    const trusted = app.get("trust proxy fn") as (address: string, hop: number) => boolean;
    for (const proxy of ["127.0.0.1", "::1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "fd00::1"]) {
      expect(trusted(proxy, 0), proxy).toBe(true);
    }
    // A client connecting directly from the internet cannot name its own address.
    for (const client of ["203.0.113.5", "198.51.100.77", "2001:db8::1"])
      expect(trusted(client, 0), client).toBe(false);
  });

  it("lets only a trusted peer name the client (X-Forwarded-For) and the request id", async () => {
    const echo = (variables: Record<string, string>) =>
      startTestServer({ env: variables, pages: (req, res) => void res.type("text/plain").send(req.ip) });
    const ask = (url: string) =>
      fetch(url, { headers: { "x-forwarded-for": "198.51.100.77", "x-request-id": "from-the-client" } });
    const elsewhere = await echo({ TRUST_PROXY: "10.0.0.0/8" });
    const local = await echo({ TRUST_PROXY: "loopback" });
    try {
      // This test's requests come from loopback: not the named proxy, so what they claim is ignored.
      const ignored = await ask(`${elsewhere.url}/`);
      expect(await ignored.text()).toBe("127.0.0.1");
      expect(ignored.headers.get("x-request-id")).not.toBe("from-the-client");
      const believed = await ask(`${local.url}/`);
      expect(await believed.text()).toBe("198.51.100.77");
      expect(believed.headers.get("x-request-id")).toBe("from-the-client");
    } finally {
      await Promise.all([elsewhere.close(), local.close()]);
    }
  });

  it("takes a list of addresses and subnets, or a hop count, and refuses anything else", () => {
    expect(parseEnv({ TRUST_PROXY: "false" }).TRUST_PROXY).toBe(false);
    expect(parseEnv({ TRUST_PROXY: "10.0.0.0/8, 192.0.2.7" }).TRUST_PROXY).toEqual(["10.0.0.0/8", "192.0.2.7"]);
    expect(parseEnv({ TRUST_PROXY: "loopback,::1" }).TRUST_PROXY).toEqual(["loopback", "::1"]);
    expect(parseEnv({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    for (const bad of ["everyone", "10.0.0.0/33", "11", "10.0.0.1/255.0.0", "example.com"]) {
      expect(() => parseEnv({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY: must be false, true/);
    }
  });
});

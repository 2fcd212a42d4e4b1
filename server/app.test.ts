import { Writable } from "node:stream";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import { startTestServer } from "../tests/helpers/server";
import { createUser, signIn } from "../tests/helpers/users";
import { getDatabase, getDb, pgliteDatabase, setDatabaseOpener } from "./db/client";
import { createLogger, redactPath, setLogger } from "./logger";

type LogRecord = Record<string, unknown>;

function captureLogs() {
  const lines: string[] = [];
  const records = () => lines.map((line) => JSON.parse(line) as LogRecord);
  const waiting = new Set<{ until: (records: LogRecord[]) => boolean; resolve: () => void }>();
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).trim().split("\n"));
      for (const wait of waiting) {
        if (!wait.until(records())) continue;
        waiting.delete(wait);
        wait.resolve();
      }
      callback();
    },
  });
  setLogger(createLogger({ level: "debug", destination }));
  return {
    lines,
    records,
    /**
     * Resolves once the lines written so far satisfy `until`. A request's line is written when the
     * server has finished the response, which can be after the client has read all of it.
     */
    written(until: (records: LogRecord[]) => boolean): Promise<void> {
      if (until(records())) return Promise.resolve();
      return new Promise((resolve) => waiting.add({ until, resolve }));
    },
  };
}

const servers: Awaited<ReturnType<typeof startTestServer>>[] = [];
async function server(options: Parameters<typeof startTestServer>[0] = {}) {
  const started = await startTestServer(options);
  servers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  setLogger(createLogger({ level: "silent" }));
});

describe("HTTP server", () => {
  it("GET /healthz says up, and nothing more", async () => {
    const { url } = await server();
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("GET /healthz answers 503 when the database is unreachable; why is in the log, not the answer", async () => {
    const logs = captureLogs();
    const original = await getDatabase();
    // A database that refuses every query.
    const broken = await PGlite.create();
    await broken.close();
    setDatabaseOpener(() => Promise.resolve(pgliteDatabase(broken)));
    try {
      const { url } = await server();
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(503);
      // The database's own words can name a host and port: for the operator only.
      expect(await response.json()).toEqual({ status: "unavailable" });
      await logs.written((records) => records.some((r) => r.msg === "health check failed"));
      const line = logs.records().find((r) => r.msg === "health check failed");
      expect(line).toMatchObject({ database: { ok: false, error: "PGlite is closed" } });
    } finally {
      setDatabaseOpener(() => Promise.resolve(original));
    }
  });

  it("sends security headers on every response, with a CSP that allows no other origin", async () => {
    const { url } = await server();
    for (const path of ["/", "/healthz", "/api/trpc/health.check"]) {
      const response = await fetch(`${url}${path}`);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
      // The only other origin: Claude's API, which the browser calls only with a user's own key (P16).
      // Forms may also end on Stripe's hosted Checkout and portal (Settings → Billing's plain forms
      // redirect there; nothing is loaded from them).
      const formAction = /form-action ([^;]+)/.exec(csp)?.[1]?.split(" ") ?? [];
      expect(formAction[0]).toBe("'self'");
      for (const origin of formAction.slice(1))
        expect(origin).toMatch(/^(https:\/\/(checkout|billing)\.stripe\.com|http:\/\/127\.0\.0\.1:\d+)$/);
      expect(
        csp.replace("connect-src 'self' https://api.anthropic.com", "").replace(/form-action [^;]+/, ""),
      ).not.toMatch(/https?:\/\//);
      expect(csp).toContain("connect-src 'self' https://api.anthropic.com;");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-powered-by")).toBeNull();
      expect(response.headers.get("strict-transport-security")).toBeNull();
      expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("sends HSTS in production behind https", async () => {
    const { url } = await server({ env: { NODE_ENV: "production", APP_URL: "https://app.example.com" } });
    const response = await fetch(`${url}/healthz`);
    expect(response.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
  });

  it("logs one line per request: method, path, status, latency and request id", async () => {
    const logs = captureLogs();
    const { url } = await server();
    const response = await fetch(`${url}/healthz`);
    await response.text();
    const isHealthzLine = (r: LogRecord) => r.msg === "request" && r.path === "/healthz";
    await logs.written((records) => records.some(isHealthzLine));
    const line = logs.records().find(isHealthzLine);
    expect(line).toMatchObject({ method: "GET", status: 200, requestId: response.headers.get("x-request-id") });
    expect(typeof line?.ms).toBe("number");
  });

  it("P5: request logs never contain OAuth codes, state, tokens, passwords, API keys or cookies", async () => {
    const logs = captureLogs();
    const db = await getDb();
    const user = await createUser(db);
    const { cookie, token } = await signIn(db, user.id);
    const { url } = await server();
    const secrets = ["oauth-code-123", "state-456", "reset-token-789", "hunter2", "sk-ant-secret"];
    await fetch(
      `${url}/auth/google/callback?code=${secrets[0]}&state=${secrets[1]}&token=${secrets[2]}&password=${secrets[3]}&api_key=${secrets[4]}&page=2`,
      { headers: { cookie, authorization: `Bearer ${secrets[2]}` } },
    ).then((r) => r.text());
    await fetch(`${url}/api/trpc/accounts.list`, { headers: { cookie } }).then((r) => r.text());
    await fetch(`${url}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ email: "x@example.test", password: secrets[3]! }),
    }).then((r) => r.text());
    await logs.written((records) => records.filter((r) => r.msg === "request").length >= 3);
    const all = logs.lines.join("\n");
    expect(logs.records().filter((r) => r.msg === "request")).toHaveLength(3);
    for (const secret of [...secrets, token, token.split(".")[1]!]) expect(all).not.toContain(secret);
    expect(all).toContain(
      "/auth/google/callback?code=[REDACTED]&state=[REDACTED]&token=[REDACTED]&password=[REDACTED]&api_key=[REDACTED]&page=2",
    );
  });

  it("redacts sensitive query values however they are spelled", () => {
    expect(redactPath("/x?Code=1&STATE=2&access_token=3&refreshToken=4&sig=5&q=acme")).toBe(
      "/x?Code=[REDACTED]&STATE=[REDACTED]&access_token=[REDACTED]&refreshToken=[REDACTED]&sig=[REDACTED]&q=acme",
    );
    expect(redactPath("/plain/path")).toBe("/plain/path");
    expect(redactPath("/x?%E0%A4%A=1&token")).toBe("/x?%E0%A4%A=1&token");
  });

  it("answers an unexpected failure with a plain 500 and a reference, never a stack trace", async () => {
    const logs = captureLogs();
    const { url } = await server({
      pages: () => {
        throw new Error("kaboom at /srv/secret/path.ts:12");
      },
    });
    const response = await fetch(`${url}/anything`);
    const body = await response.text();
    expect(response.status).toBe(500);
    expect(body).toMatch(/^Something went wrong on our side\. Reference: [0-9a-f-]{36}$/);
    expect(body).not.toContain("kaboom");
    await logs.written((records) => records.some((r) => r.msg === "unhandled error"));
  });
});

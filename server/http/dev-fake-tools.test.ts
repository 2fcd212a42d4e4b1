// The demo's fake Salesforce and Outreach (FAKE_SALESFORCE, FAKE_OUTREACH) are mounted on this origin
// behind the /dev guard: their OAuth endpoints answer a browser on this machine, read their own form
// posts through the body limit, and do not exist for a request a proxy relayed.
import { afterEach, describe, expect, it } from "vitest";
import { startRemixTestServer } from "../../tests/helpers/remix-server";
import { resetEnvCache } from "../env";

const servers: Awaited<ReturnType<typeof startRemixTestServer>>[] = [];
const saved = { ...process.env };
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  process.env = { ...saved };
  resetEnvCache();
});

async function serve(variables: Record<string, string>) {
  Object.assign(process.env, { NODE_ENV: "test", ...variables });
  resetEnvCache();
  const server = await startRemixTestServer({ routes: {}, env: variables });
  servers.push(server);
  return server;
}

describe("/dev/fake-salesforce and /dev/fake-outreach", () => {
  it("serve their token endpoints to this machine (an OAuth error, not a hang or a 500), and nothing to a relayed request", async () => {
    const server = await serve({ NODE_ENV: "production" });
    for (const path of ["/dev/fake-salesforce/services/oauth2/token", "/dev/fake-outreach/oauth/token"]) {
      const response = await fetch(`${server.url}${path}`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "authorization_code", code: "no-such-code" }),
      });
      expect(response.status, path).toBe(401);
      expect(await response.json()).toMatchObject({ error: "invalid_client" });
      const relayed = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "x-forwarded-for": "198.51.100.77" },
        body: new URLSearchParams({ grant_type: "authorization_code" }),
      });
      expect(relayed.status, path).toBe(404);
    }
  });

  it("are not mounted when turned off", async () => {
    const server = await serve({ NODE_ENV: "production", FAKE_SALESFORCE: "false", FAKE_OUTREACH: "false" });
    for (const path of ["/dev/fake-salesforce/services/oauth2/token", "/dev/fake-outreach/oauth/token"]) {
      const response = await fetch(`${server.url}${path}`, { method: "POST", body: new URLSearchParams({}) });
      expect(response.status, path).not.toBe(401);
    }
  });
});

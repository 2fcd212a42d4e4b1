import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../tests/helpers/server";
import { createUser, signIn } from "../../tests/helpers/users";
import { getDb } from "../db/client";

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ env: { APP_URL: "http://app.test" } });
});
afterAll(async () => {
  await server.close();
});

async function signedInCookie() {
  const db = await getDb();
  return (await signIn(db, (await createUser(db)).id)).cookie;
}

describe("cross-site request protection", () => {
  it("refuses a cross-site form POST (Sec-Fetch-Site) and one from another Origin", async () => {
    const cookie = await signedInCookie();
    const crossSite = await fetch(`${server.url}/logout`, {
      method: "POST",
      headers: {
        cookie,
        "sec-fetch-site": "cross-site",
        origin: "https://evil.example",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "x=1",
    });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toMatch(/came from another website/);
    const sameSiteOtherOrigin = await fetch(`${server.url}/logout`, {
      method: "POST",
      headers: { cookie, "sec-fetch-site": "same-site" },
    });
    expect(sameSiteOtherOrigin.status).toBe(403);
    const oldBrowser = await fetch(`${server.url}/logout`, {
      method: "POST",
      headers: { cookie, origin: "https://evil.example" },
    });
    expect(oldBrowser.status).toBe(403);
  });

  it("refuses cross-site /api/trpc mutations whatever their content type", async () => {
    const cookie = await signedInCookie();
    for (const [type, body] of [
      ["text/plain", "{}"],
      ["multipart/form-data; boundary=x", "--x--"],
      ["application/json", "{}"],
    ] as const) {
      const response = await fetch(`${server.url}/api/trpc/sessions.revokeOthers`, {
        method: "POST",
        headers: { cookie, "content-type": type, origin: "https://evil.example", "sec-fetch-site": "cross-site" },
        body,
      });
      expect(response.status, type).toBe(403);
    }
  });

  it("lets same-origin requests, and requests that no browser page made, through", async () => {
    const cookie = await signedInCookie();
    const sameOrigin = await fetch(`${server.url}/api/trpc/sessions.revokeOthers`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", "sec-fetch-site": "same-origin", origin: server.url },
      body: "{}",
    });
    expect(sameOrigin.status).toBe(200);
    const configuredOrigin = await fetch(`${server.url}/logout`, {
      method: "POST",
      headers: { origin: "http://app.test" },
    });
    expect(configuredOrigin.status).toBe(200);
    const noBrowser = await fetch(`${server.url}/logout`, { method: "POST" });
    expect(noBrowser.status).toBe(200);
  });
});

describe("caching", () => {
  it("marks every answer to a signed-in user Cache-Control: no-store", async () => {
    const cookie = await signedInCookie();
    const page = await fetch(`${server.url}/accounts`, { headers: { cookie } });
    expect(page.headers.get("cache-control")).toBe("no-store");
    const api = await fetch(`${server.url}/api/trpc/accounts.list`, { headers: { cookie } });
    expect(api.headers.get("cache-control")).toBe("no-store");
    const anonymous = await fetch(`${server.url}/`);
    expect(anonymous.headers.get("cache-control")).toBeNull();
  });
});

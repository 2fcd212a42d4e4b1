// Connecting a tool is Pro, over real HTTP: the Express app serving the real connect and callback
// routes with its same-origin check and session. On Free the "Connect" post is refused before any
// OAuth handshake — no state cookie, no redirect to the provider — with a sentence pointing at
// Settings → Billing; a handshake started on Pro that comes back on Free stores nothing. The
// providers' endpoints here are a closed loopback port: a refusal never needs them, and a request
// to them could only fail differently.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OAUTH_STATE_COOKIE } from "../../server/auth/oauth-state";
import { getDb } from "../../server/db/client";
import { resetEnvCache } from "../../server/env";
import { PlanRequiredError } from "../../server/errors";
import { makeFree, setSubscription, endTrial } from "../../tests/helpers/plans";
import { startRemixTestServer, type RenderedPage } from "../../tests/helpers/remix-server";
import { APP_URL, startToolConnectApp, type ToolBrowser } from "../../tests/helpers/tool-connect";
import { createUser, signIn } from "../../tests/helpers/users";

const NOWHERE = "http://127.0.0.1:9";
const refusal = (tool: string) => new PlanRequiredError(`Connecting ${tool}`).message;

type ToolCase = {
  tool: "outreach" | "salesforce";
  name: string;
  form: Record<string, string>;
  variables: Record<string, string>;
  authorize: string;
};

describe.each<ToolCase>([
  {
    tool: "outreach",
    name: "Outreach",
    form: {},
    variables: {
      OUTREACH_CLIENT_ID: "outreach-plan-client",
      OUTREACH_CLIENT_SECRET: "outreach-plan-secret",
      OUTREACH_AUTHORIZATION_ENDPOINT: `${NOWHERE}/oauth/authorize`,
      OUTREACH_TOKEN_ENDPOINT: `${NOWHERE}/oauth/token`,
      OUTREACH_API_BASE_URL: `${NOWHERE}/api/v2`,
      FAKE_OUTREACH: "false",
    },
    authorize: `${NOWHERE}/oauth/authorize`,
  },
  {
    tool: "salesforce",
    name: "Salesforce",
    form: { environment: "production" },
    variables: {
      SALESFORCE_CLIENT_ID: "3MVG9-plan-client",
      SALESFORCE_CLIENT_SECRET: "salesforce-plan-secret",
      SALESFORCE_LOGIN_URL: NOWHERE,
      FAKE_SALESFORCE: "false",
    },
    authorize: `${NOWHERE}/services/oauth2/authorize`,
  },
])("Connect $name on Free", ({ tool, name, form, variables, authorize }) => {
  let browser: ToolBrowser;
  beforeAll(async () => {
    browser = await startToolConnectApp(tool, variables);
  });
  afterAll(async () => {
    await browser.close();
  });

  it("is refused with 402 and the sentence, before any handshake: no state cookie, no provider", async () => {
    const { db, user, sessionCookie } = await browser.signedInSeller();
    await makeFree(db, user.id);
    const pressed = await browser.pressConnect(sessionCookie, form);
    expect(pressed.response.status).toBe(402);
    expect(pressed.location).toBeNull();
    expect(pressed.setCookie).toBeNull();
    expect(pressed.response.headers.getSetCookie()).toEqual([]);
    expect(pressed.shown).toEqual({ title: "Nothing was connected", message: refusal(name) });
    expect(pressed.shown!.message).toContain("Settings → Billing");
    expect(await db.integrationConnection.count({ where: { userId: user.id } })).toBe(0);
  });

  it("on the trial or a paid subscription goes to the provider with the state cookie", async () => {
    const trial = await browser.signedInSeller();
    const paid = await browser.signedInSeller();
    await endTrial(paid.db, paid.user.id);
    await setSubscription(paid.db, paid.user.id, "active");
    for (const { sessionCookie } of [trial, paid]) {
      const pressed = await browser.pressConnect(sessionCookie, form);
      expect(pressed.response.status).toBe(302);
      expect(pressed.location!.startsWith(authorize)).toBe(true);
      expect(pressed.stateCookie).toMatch(new RegExp(`^${OAUTH_STATE_COOKIE}=.+`));
    }
  });

  it("a handshake started on Pro that comes back on Free stores nothing (402)", async () => {
    const { db, user, sessionCookie } = await browser.signedInSeller();
    const pressed = await browser.pressConnect(sessionCookie, form);
    const state = new URL(pressed.location!).searchParams.get("state")!;
    await makeFree(db, user.id);
    const back = new URL(`${APP_URL}/auth/${tool}/callback`);
    back.search = new URLSearchParams({ code: "code-from-provider", state }).toString();
    const finished = await browser.callback(back, [sessionCookie, pressed.stateCookie]);
    expect(finished.response.status).toBe(402);
    expect(finished.shown).toEqual({ title: "Nothing was connected", message: refusal(name) });
    expect(await db.integrationConnection.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("Connect Gmail / Google Calendar on Free", () => {
  const variables = {
    APP_URL,
    GOOGLE_CLIENT_ID: "plan-client.apps.example",
    GOOGLE_CLIENT_SECRET: "plan-client-secret",
    GOOGLE_AUTHORIZATION_ENDPOINT: `${NOWHERE}/authorize`,
    GOOGLE_TOKEN_ENDPOINT: `${NOWHERE}/token`,
    FAKE_GOOGLE: "false",
  };
  const savedEnv = { ...process.env };
  let app: Awaited<ReturnType<typeof startRemixTestServer>>;
  beforeAll(async () => {
    Object.assign(process.env, variables);
    resetEnvCache();
    app = await startRemixTestServer({
      routes: {
        "auth/google/connect": "auth.google.connect.tsx",
        "auth/google/callback": "auth.google.callback.tsx",
        "settings/connections": "settings.connections.tsx",
      },
      env: variables,
    });
  });
  afterAll(async () => {
    await app.close();
    process.env = savedEnv;
    resetEnvCache();
  });

  async function seller() {
    const db = await getDb();
    const user = await createUser(db);
    const { cookie } = await signIn(db, user.id);
    return { db, user, cookie };
  }
  const pressConnect = (cookie: string, provider: string) =>
    fetch(`${app.url}/auth/google/connect`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Cookie: cookie },
      body: new URLSearchParams({ provider }),
      redirect: "manual",
    });

  it("goes back to Connections, which says connecting is Pro and where to upgrade; no state cookie", async () => {
    const { db, user, cookie } = await seller();
    await makeFree(db, user.id);
    for (const [provider, tool] of [
      ["gmail", "Gmail"],
      ["gcal", "Google Calendar"],
    ] as const) {
      const response = await pressConnect(cookie, provider);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(`/settings/connections?plan_required=${provider}`);
      expect(response.headers.getSetCookie()).toEqual([]);
      const page = (await (
        await fetch(`${app.url}/settings/connections?plan_required=${provider}`, { headers: { Cookie: cookie } })
      ).json()) as RenderedPage;
      const loaded = (page.loaderData as Record<string, { planRequired: string | null }>)[
        "routes/settings.connections"
      ];
      expect(loaded!.planRequired).toBe(refusal(tool));
    }
    // Only a known tool's name: a crafted link cannot make the page say anything else.
    const crafted = (await (
      await fetch(`${app.url}/settings/connections?plan_required=evil`, { headers: { Cookie: cookie } })
    ).json()) as RenderedPage;
    expect(
      (crafted.loaderData as Record<string, { planRequired: string | null }>)["routes/settings.connections"]!
        .planRequired,
    ).toBeNull();
  });

  it("on the trial goes to Google with the state cookie; back on Free, the callback stores nothing", async () => {
    const { db, user, cookie } = await seller();
    const response = await pressConnect(cookie, "gmail");
    expect(response.status).toBe(302);
    const location = response.headers.get("location")!;
    expect(location.startsWith(`${NOWHERE}/authorize`)).toBe(true);
    const stateCookie = response.headers
      .getSetCookie()
      .find((c) => c.startsWith(`${OAUTH_STATE_COOKIE}=`))!
      .split(";")[0]!;
    await makeFree(db, user.id);
    const state = new URL(location).searchParams.get("state")!;
    const back = await fetch(`${app.url}/auth/google/callback?code=4%2Fcode&state=${state}`, {
      headers: { Cookie: `${cookie}; ${stateCookie}` },
      redirect: "manual",
    });
    expect(back.status).toBe(402);
    const page = (await back.json()) as RenderedPage;
    const shown = (page.loaderData as Record<string, { message: string }>)["routes/auth.google.callback"];
    expect(shown!.message).toBe(refusal("Gmail or Google Calendar"));
    expect(await db.integrationConnection.count({ where: { userId: user.id } })).toBe(0);
  });
});

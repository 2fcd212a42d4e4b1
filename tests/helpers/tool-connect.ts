// A seller's browser connecting Salesforce or Outreach, over real HTTP: the Express app serving the
// real routes (/auth/<tool>/connect, /auth/<tool>/callback, /settings/connections) with its
// same-origin check, session and Remix, and the provider's fake OAuth server on a loopback port.
// Used by app/routes/auth.salesforce.connect.test.ts and app/routes/auth.outreach.connect.test.ts.
import { expect } from "vitest";
import { OAUTH_STATE_COOKIE } from "../../server/auth/oauth-state";
import { getDatabase, getDb } from "../../server/db/client";
import { resetEnvCache } from "../../server/env";
import { QUEUES, setJobs, startJobs, type Jobs } from "../../server/jobs/jobs";
import { startRemixTestServer, type RenderedPage } from "./remix-server";
import { createUser, signIn } from "./users";

export const APP_URL = "http://app.test";

export type ToolBrowser = Awaited<ReturnType<typeof startToolConnectApp>>;

/** The app with `tool`'s routes and the given variables (the route modules read the process's environment too). */
export async function startToolConnectApp(tool: "salesforce" | "outreach", variables: Record<string, string>) {
  const savedEnv = { ...process.env };
  const all = { APP_URL, ...variables };
  Object.assign(process.env, all);
  resetEnvCache();
  const app = await startRemixTestServer({
    routes: {
      [`auth/${tool}/connect`]: `auth.${tool}.connect.tsx`,
      [`auth/${tool}/callback`]: `auth.${tool}.callback.tsx`,
      "settings/connections": "settings.connections.tsx",
    },
    env: all,
  });
  // The job system without workers: a queued first sync stays in pg-boss's table for the test to read.
  const jobs: Jobs = await startJobs(await getDatabase(), {}, { schedule: false });
  setJobs(jobs);

  async function signedInSeller() {
    const db = await getDb();
    const user = await createUser(db);
    const { cookie } = await signIn(db, user.id);
    return { db, user, sessionCookie: cookie };
  }

  /** Settings → Connections → Connect <tool>: the form post, and where it sends the browser. */
  async function pressConnect(sessionCookie: string | null, form: Record<string, string> = {}) {
    const response = await fetch(`${app.url}/auth/${tool}/connect`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Sec-Fetch-Site": "same-origin",
        ...(sessionCookie ? { Cookie: sessionCookie } : {}),
      },
      body: new URLSearchParams(form),
      redirect: "manual",
    });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${OAUTH_STATE_COOKIE}=`)) ?? null;
    const page = response.status === 302 ? null : ((await response.json()) as RenderedPage);
    const shown =
      ((page?.actionData as Record<string, unknown> | null | undefined)?.[`routes/auth.${tool}.connect`] as
        { title: string; message: string } | undefined) ?? null;
    return {
      response,
      location: response.headers.get("location"),
      setCookie,
      stateCookie: setCookie?.split(";")[0] ?? null,
      shown,
    };
  }

  /** Back at our callback with whatever cookies the browser has; a refusal's words as the page shows them. */
  async function callback(back: URL, cookies: (string | null)[]) {
    expect(back.origin).toBe(APP_URL);
    const response = await fetch(`${app.url}${back.pathname}${back.search}`, {
      headers: { Cookie: cookies.filter(Boolean).join("; ") },
      redirect: "manual",
    });
    const page = response.status === 302 ? null : ((await response.json()) as RenderedPage);
    const shown = (page?.loaderData as Record<string, unknown> | undefined)?.[`routes/auth.${tool}.callback`] as
      { title: string; message: string } | undefined;
    return { response, shown };
  }

  async function queuedPolls(connectionId: string): Promise<{ singleton_key: string | null }[]> {
    const { sql } = await getDatabase();
    return sql.query<{ singleton_key: string | null }>(
      `SELECT singleton_key FROM pgboss.job WHERE name = $1 AND data->>'connectionId' = $2`,
      [QUEUES.pollConnection, connectionId],
    );
  }

  return {
    app,
    signedInSeller,
    pressConnect,
    callback,
    queuedPolls,
    async close() {
      setJobs(null);
      await jobs.stop();
      await app.close();
      process.env = savedEnv;
      resetEnvCache();
    },
  };
}

// Settings → Connections as a browser without JavaScript gets it: the loader's data rendered to HTML
// by the route's own component, and the action's answers. Each state is set up directly in the
// database, the way the sync engine leaves it, and must show its own words — above all, a sync that
// is not moving must never look healthy.
import { renderToStaticMarkup } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppLoadContext } from "@remix-run/node";
import { getDatabase, type Db } from "../../server/db/client";
import { resetEnvCache } from "../../server/env";
import type { Prisma } from "../../server/db/generated/client";
import { QUEUES, setJobs, startJobs, type Jobs } from "../../server/jobs/jobs";
import { requestSync, SYNC_NOW_INTERVAL_MS, storeConnection } from "../../server/integrations/connections";
import { PROVIDERS } from "../../server/integrations/providers";
import { post, seller, type Answer } from "../../tests/helpers/routes";
import { callerFor } from "../../tests/helpers/users";
import { formatDateTime } from "../utils/format";
import Connections, { action, loader } from "./settings.connections";

const PAGE = "/settings/connections";
const GMAIL_SCOPES = PROVIDERS.find((p) => p.id === "gmail")!.scopes;
const minutes = (n: number) => n * 60_000;

/** The page as the server renders it for `context`: the real loader, the real component, plain HTML. */
async function renderPage(context: AppLoadContext, path = PAGE): Promise<string> {
  const routes = [
    {
      id: "routes/settings.connections",
      path: "/settings/connections",
      loader: ({ request }: { request: Request }) => loader({ request, context, params: {} }),
      Component: Connections,
    },
  ];
  const handler = createStaticHandler(routes);
  const routed = await handler.query(new Request(`http://localhost${path}`));
  if (routed instanceof Response) throw new Error(`the page answered ${routed.status}`);
  const router = createStaticRouter(handler.dataRoutes, routed);
  return renderToStaticMarkup(<StaticRouterProvider router={router} context={routed} hydrate={false} />);
}

/** One provider's row of the list, as HTML: from its start to the next provider's row. */
function rowHtml(html: string, provider: string): string {
  const start = html.indexOf(`data-testid="connection-${provider}"`);
  expect(start, `no row for ${provider}`).toBeGreaterThan(-1);
  const next = html.slice(start + 1).search(/data-testid="connection-(gmail|gcal|salesforce|outreach)"/);
  return next === -1 ? html.slice(start) : html.slice(start, start + 1 + next);
}

/** The text of one provider's row (tags stripped, entities decoded), to read like a person would. */
function rowText(html: string, provider: string): string {
  return rowHtml(html, provider)
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

async function connectedSeller() {
  const who = await seller();
  const connection = await storeConnection(who.db, who.user.id, {
    provider: "gmail",
    scopes: GMAIL_SCOPES,
    accessToken: "access-token-for-the-page-test",
    refreshToken: "refresh-token-for-the-page-test",
    accessTokenExpiresAt: new Date(Date.now() + minutes(60)),
    externalAccountId: "robin@mail.example",
    externalAccountName: "robin@mail.example",
  });
  return { ...who, connection };
}

async function setRow(db: Db, id: string, data: Prisma.IntegrationConnectionUpdateInput) {
  await db.integrationConnection.update({ where: { id }, data });
}

describe("Settings → Connections: every state in words (no JavaScript needed)", () => {
  it("offers Connect for every tool set up here as a real form post to its own route", async () => {
    const { context } = await seller();
    const html = await renderPage(context);
    for (const id of ["gmail", "gcal"]) {
      const row = rowHtml(html, id);
      expect(row).toMatch(/<form method="post" action="\/auth\/google\/connect"[^>]*>/);
      expect(row).toContain(`name="provider" value="${id}"`);
    }
    expect(rowText(html, "gmail")).toContain("Connect Gmail");
    expect(rowText(html, "gcal")).toContain("Connect Google Calendar");
    // The test instance runs the built-in fakes (demo defaults): one login host, no choice to make.
    for (const [id, name] of [
      ["salesforce", "Salesforce"],
      ["outreach", "Outreach"],
    ] as const) {
      const row = rowHtml(html, id);
      expect(row).toMatch(new RegExp(`<form method="post" action="/auth/${id}/connect"[^>]*>`));
      expect(rowText(html, id)).toContain(`Connect ${name}`);
      expect(row).not.toContain('name="provider"');
    }
    expect(rowHtml(html, "salesforce")).not.toContain('name="environment"');
  });

  it("Connecting: connected, first sync not started yet — and the notice after the handshake", async () => {
    const { context } = await connectedSeller();
    const html = await renderPage(context, `${PAGE}?connected=gmail`);
    const text = rowText(html, "gmail");
    expect(text).toContain("Connecting");
    expect(text).toContain("The first sync starts in a moment");
    expect(text).toContain("as robin@mail.example");
    expect(text).toMatch(/Last successful sync Not yet/);
    expect(html).toContain("Gmail connected — first sync started.");
    // Only a known tool's name: a crafted link says nothing.
    expect(await renderPage(context, `${PAGE}?connected=%3Cscript%3E`)).not.toContain("connected — first sync");
  });

  it("First sync: a real <progress> with the figure in words, the stage and since when", async () => {
    const { db, context, connection } = await connectedSeller();
    const started = new Date(Date.now() - minutes(2));
    await setRow(db, connection.id, {
      stage: "first_sync",
      stageStartedAt: started,
      lastSyncStartedAt: started,
      leaseExpiresAt: new Date(Date.now() + minutes(5)),
      progressDone: 1234,
      progressTotal: 5000,
    });
    const html = await renderPage(context);
    const text = rowText(html, "gmail");
    expect(text).toContain("First sync");
    expect(text).toContain("1,234 of 5,000 items read");
    expect(rowHtml(html, "gmail")).toMatch(/<progress[^>]*value="1234"[^>]*max="5000"/);
    expect(text).toContain(`Reading your history for the first time (since ${formatDateTime(started)})`);
    expect(text).toContain("Next attempt Running now");
    expect(html).not.toContain('data-testid="stall-gmail"');
  });

  it("Active: last success, next attempt, and counts for the last run and in total with skip reasons in words", async () => {
    const { db, context, connection } = await connectedSeller();
    const finished = new Date(Date.now() - minutes(1));
    const next = new Date(Date.now() + minutes(4));
    await setRow(db, connection.id, {
      firstSyncCompletedAt: new Date(Date.now() - minutes(60)),
      lastSyncStartedAt: new Date(finished.getTime() - 2000),
      lastSyncFinishedAt: finished,
      nextSyncAt: next,
      lastRunStats: {
        fetched: 12,
        created: 3,
        updated: 2,
        deleted: 1,
        skipped: { internal_only: 4, personal_only: 2 },
      },
      totalStats: { fetched: 4321, created: 1200, updated: 300, deleted: 7, skipped: { internal_only: 900 } },
    });
    const text = rowText(await renderPage(context), "gmail");
    expect(text).toContain("Active");
    expect(text).toContain(`Last successful sync ${formatDateTime(finished)}`);
    expect(text).toContain(`Next attempt ${formatDateTime(next)}`);
    expect(text).toContain("Waiting for the next sync");
    expect(text).toMatch(/Fetched 12 4,321/);
    expect(text).toMatch(/Created 3 1,200/);
    expect(text).toMatch(/Deleted 1 7/);
    expect(text).toMatch(/Skipped 6 900/);
    expect(text).toContain("Skipped — only your colleagues take part: 4 last run, 900 in total");
    expect(text).toContain("Skipped — only personal addresses that match no one you track: 2 last run, 0 in total");
    expect(text).not.toMatch(/Last error/);
  });

  it("Throttled until T, and Retrying at T with the try count, the error in words and its detail", async () => {
    const { db, context, connection } = await connectedSeller();
    const until = new Date(Date.now() + minutes(3));
    await setRow(db, connection.id, {
      status: "error",
      firstSyncCompletedAt: new Date(Date.now() - minutes(60)),
      lastErrorKind: "rate_limited",
      lastErrorAt: new Date(),
      lastSyncError: "HTTP 429 userRateLimitExceeded",
      consecutiveFailures: 2,
      nextSyncAt: until,
    });
    let text = rowText(await renderPage(context), "gmail");
    expect(text).toContain(`Throttled until ${formatDateTime(until)}`);
    expect(text).toContain("Google asked us to slow down");
    expect(text).toContain("Detail: HTTP 429 userRateLimitExceeded");
    expect(text).toContain("(try 3 of 8)");

    await setRow(db, connection.id, { lastErrorKind: "unavailable", lastSyncError: "HTTP 503" });
    text = rowText(await renderPage(context), "gmail");
    expect(text).toContain(`Retrying at ${formatDateTime(until)}`);
    expect(text).toContain("did not answer properly");
    expect(text).not.toContain("Active");
  });

  it("Reconnect needed: says polling stopped, offers Reconnect (the connect flow again) and no Sync now", async () => {
    const { db, context, connection } = await connectedSeller();
    await setRow(db, connection.id, {
      status: "needs_reauth",
      lastErrorKind: "permission",
      lastSyncError: "invalid_grant: Token has been expired or revoked.",
      nextSyncAt: null,
    });
    const html = await renderPage(context);
    const text = rowText(html, "gmail");
    expect(text).toContain("Reconnect needed");
    expect(text).toContain("Google no longer accepts our access");
    expect(text).toContain("Next attempt None until you reconnect");
    expect(rowHtml(html, "gmail")).toMatch(/action="\/auth\/google\/connect"[\s\S]*Reconnect/);
    expect(html).not.toContain('data-testid="sync-now-gmail"');
    // A stopped connection is not "stalled": it says why it stopped instead.
    expect(html).not.toContain('data-testid="stall-gmail"');
  });

  it("Failed: the last error, how many tries, and Sync now to start again", async () => {
    const { db, context, connection } = await connectedSeller();
    await setRow(db, connection.id, {
      status: "failed",
      lastErrorKind: "network",
      lastSyncError: "ECONNRESET",
      consecutiveFailures: 8,
      nextSyncAt: null,
    });
    const html = await renderPage(context);
    const text = rowText(html, "gmail");
    expect(text).toContain("Failed");
    expect(text).toContain("Syncing stopped after 8 failed tries in a row");
    expect(text).toContain("We could not reach Google");
    expect(text).toContain("Next attempt None until you press Sync now");
    expect(html).toContain('data-testid="sync-now-gmail"');
  });

  it("Disconnected: when, what stays, and Connect again", async () => {
    const { db, context, connection } = await connectedSeller();
    const at = new Date(Date.now() - minutes(30));
    await setRow(db, connection.id, { status: "disconnected", disconnectedAt: at, nextSyncAt: null });
    const text = rowText(await renderPage(context), "gmail");
    expect(text).toContain("Disconnected");
    expect(text).toContain(`Disconnected ${formatDateTime(at)}`);
    expect(text).toContain("kept until you delete your account");
    expect(text).toContain("Connect Gmail again");
  });

  it("a sync that is not moving never looks healthy: overdue, not scheduled, no progress, a lost worker", async () => {
    const { db, context, connection } = await connectedSeller();
    const healthy = {
      status: "active" as const,
      firstSyncCompletedAt: new Date(Date.now() - minutes(600)),
      lastSyncFinishedAt: new Date(Date.now() - minutes(180)),
      stage: "idle",
      stageStartedAt: null,
      leaseExpiresAt: null,
    };
    const stalls: [Prisma.IntegrationConnectionUpdateInput, RegExp][] = [
      [{ ...healthy, nextSyncAt: new Date(Date.now() - minutes(120)) }, /was due a while ago and has not started/],
      [{ ...healthy, nextSyncAt: null }, /No sync is scheduled/],
      [
        {
          ...healthy,
          firstSyncCompletedAt: null,
          stage: "first_sync",
          stageStartedAt: new Date(Date.now() - minutes(90)),
          lastSyncStartedAt: new Date(Date.now() - minutes(90)),
          leaseExpiresAt: new Date(Date.now() + minutes(5)),
          progressDone: 0,
        },
        /running for over half an hour without reading anything/,
      ],
      [
        {
          ...healthy,
          stage: "incremental",
          stageStartedAt: new Date(Date.now() - minutes(20)),
          leaseExpiresAt: new Date(Date.now() - minutes(10)),
        },
        /The sync stopped partway/,
      ],
    ];
    for (const [data, warning] of stalls) {
      await setRow(db, connection.id, data);
      const html = await renderPage(context);
      expect(rowText(html, "gmail")).toMatch(warning);
      // The badge turns amber, whatever the state word.
      expect(rowHtml(html, "gmail")).toMatch(/data-testid="status-gmail"><span class="[^"]*bg-amber-50/);
    }
    await setRow(db, connection.id, { ...healthy, nextSyncAt: new Date(Date.now() + minutes(2)) });
    const html = await renderPage(context);
    expect(html).not.toContain('data-testid="stall-gmail"');
    expect(rowHtml(html, "gmail")).toMatch(/data-testid="status-gmail"><span class="[^"]*bg-emerald-50/);
  });

  it("after reconnecting, the page says the next sync is a full one that merges", async () => {
    const { db, user, context, connection } = await connectedSeller();
    await setRow(db, connection.id, {
      status: "needs_reauth",
      cursor: { historyId: "12345" },
      firstSyncCompletedAt: new Date(Date.now() - minutes(6000)),
      createdAt: new Date(Date.now() - minutes(6000)),
      connectedAt: new Date(Date.now() - minutes(6000)),
      consecutiveFailures: 3,
      lastErrorKind: "permission",
      lastSyncError: "invalid_grant",
      nextSyncAt: null,
    });
    await storeConnection(db, user.id, {
      provider: "gmail",
      scopes: GMAIL_SCOPES,
      accessToken: "a-new-access-token",
      refreshToken: "a-new-refresh-token",
    });
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({
      status: "active",
      cursor: null,
      stage: "idle",
      firstSyncCompletedAt: null,
      consecutiveFailures: 0,
      lastErrorKind: null,
      lastSyncError: null,
      leaseId: null,
    });
    expect(row.nextSyncAt!.getTime()).toBeLessThanOrEqual(Date.now());
    const text = rowText(await renderPage(context), "gmail");
    expect(text).toContain("Connecting");
    expect(text).toContain("Reconnected: this sync reads the whole window again and merges");
  });

  it("the loader's data carries no token, cipher or lease id", async () => {
    const { context } = await connectedSeller();
    const data = await loader({ request: new Request(`http://localhost${PAGE}`), context, params: {} });
    const json = JSON.stringify(data);
    for (const secret of ["access-token-for-the-page-test", "refresh-token-for-the-page-test"])
      expect(json).not.toContain(secret);
    const gmail = data.providers.find((p) => p.provider.id === "gmail")!.connection!;
    for (const key of ["accessTokenCipher", "refreshTokenCipher", "tokenKeyId", "leaseId", "cursor"])
      expect(Object.keys(gmail)).not.toContain(key);
  });
});

describe("Settings → Connections on the Free plan", () => {
  /** The account's no-card trial ended long ago: Free. */
  async function endTrial(db: Db, userId: string) {
    await db.user.update({ where: { id: userId }, data: { createdAt: new Date(Date.now() - 60 * 24 * minutes(60)) } });
  }

  it("a live connection is paused by the plan: amber, not an error, the way to Billing, no Sync now", async () => {
    const { db, user, context, connection } = await connectedSeller();
    await endTrial(db, user.id);
    await setRow(db, connection.id, { status: "active", lastSyncFinishedAt: new Date(Date.now() - minutes(90)) });
    const html = await renderPage(context);
    const text = rowText(html, "gmail");
    expect(text).toContain("Paused — syncing is part of Pro");
    expect(text).toContain("Nothing synced is lost, and syncing resumes when you choose a plan");
    expect(rowHtml(html, "gmail")).toContain('href="/settings/billing"');
    expect(text).toContain("Next attempt None until you choose a plan");
    expect(rowHtml(html, "gmail")).not.toContain("sync-now-gmail");
    expect(text).not.toMatch(/Failed|Needs reconnecting/);
    // Disconnect stays (P12).
    expect(rowHtml(html, "gmail")).toContain("disconnect-gmail");
  });

  it("Connect leads to Billing instead of starting a handshake the server would refuse", async () => {
    const { db, user, context } = await seller();
    await endTrial(db, user.id);
    const html = await renderPage(context);
    for (const id of ["gmail", "salesforce"]) {
      const row = rowHtml(html, id);
      expect(row).not.toMatch(/<form method="post" action="\/auth\//);
      expect(row).toContain(`data-testid="connect-needs-pro-${id}"`);
      expect(row).toContain('href="/settings/billing"');
    }
    expect(rowText(html, "salesforce")).toContain("Connect Salesforce — part of Pro");
  });
});

describe("Sync now", () => {
  let jobs: Jobs;
  beforeAll(async () => {
    // The job system without workers: what is queued stays in pg-boss's table for the test to read.
    jobs = await startJobs(await getDatabase(), {}, { schedule: false });
    setJobs(jobs);
  });
  afterAll(async () => {
    setJobs(null);
    await jobs.stop();
  });

  async function queuedPolls(connectionId: string): Promise<number> {
    const { sql } = await getDatabase();
    const rows = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'connectionId' = $2 AND state = 'created'`,
      [QUEUES.pollConnection, connectionId],
    );
    return Number(rows[0]!.n);
  }

  const syncNow = (context: AppLoadContext, connectionId: string) =>
    action({ request: post(PAGE, { intent: "sync", connectionId }), context, params: {} });

  it("makes the connection due now and queues one poll; pressed again within a minute it is a 429 with Retry-After", async () => {
    const { db, context, connection } = await connectedSeller();
    await setRow(db, connection.id, { nextSyncAt: new Date(Date.now() + minutes(4)) });
    const before = Date.now();
    const first = (await syncNow(context, connection.id)) as { success: string };
    expect(first.success).toContain("Sync requested for Gmail");
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row.nextSyncAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.nextSyncAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(row.syncRequestedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await queuedPolls(connection.id)).toBe(1);

    const again = (await syncNow(context, connection.id)) as unknown as Answer;
    expect(again.init?.status).toBe(429);
    expect(again.data.formError).toMatch(/less than a minute ago.*again in \d+ seconds/);
    const retryAfter = Number(new Headers(again.init?.headers).get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(SYNC_NOW_INTERVAL_MS / 1000);
    // Remix keeps only cookies from an action's headers: the header also goes out through the load context.
    expect(context.answerHeaders.get("retry-after")).toBe(String(retryAfter));
    // The refused press changed nothing and queued nothing.
    expect(
      (await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } })).syncRequestedAt,
    ).toEqual(row.syncRequestedAt);
    expect(await queuedPolls(connection.id)).toBe(1);

    // A minute later it may be pressed again.
    const later = await requestSync(
      db,
      context.auth.user!.id,
      connection.id,
      new Date(Date.now() + SYNC_NOW_INTERVAL_MS + 1000),
    );
    expect(later.id).toBe(connection.id);
  });

  it("two presses at the same moment count as two: one passes, one is refused", async () => {
    const { db, user, connection } = await connectedSeller();
    const now = new Date();
    const results = await Promise.allSettled([
      requestSync(db, user.id, connection.id, now),
      requestSync(db, user.id, connection.id, now),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
  });

  it("gives a failed connection a fresh start: active again, no failures counted", async () => {
    const { db, context, connection } = await connectedSeller();
    await setRow(db, connection.id, {
      status: "failed",
      consecutiveFailures: 8,
      lastErrorKind: "unavailable",
      nextSyncAt: null,
    });
    await syncNow(context, connection.id);
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({ status: "active", consecutiveFailures: 0 });
    expect(row.nextSyncAt).not.toBeNull();
  });

  it("refuses a connection that needs reconnecting or is disconnected, with a message, changing nothing", async () => {
    const { db, context, connection } = await connectedSeller();
    for (const status of ["needs_reauth", "disconnected"] as const) {
      await setRow(db, connection.id, { status, nextSyncAt: null, syncRequestedAt: null });
      const answer = (await syncNow(context, connection.id)) as unknown as {
        data: { error: string };
        init: { status: number };
      };
      expect(answer.init.status).toBe(400);
      expect(answer.data.error).toMatch(/Reconnect|Connect it again/);
      const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
      expect(row).toMatchObject({ status, nextSyncAt: null, syncRequestedAt: null });
    }
    expect(await queuedPolls(connection.id)).toBe(0);
  });

  it("another user's connection is a 404, on the page and through the API, and nothing is queued", async () => {
    const { db, connection } = await connectedSeller();
    const other = await seller();
    const answer = (await syncNow(other.context, connection.id)) as unknown as { init: { status: number } };
    expect(answer.init.status).toBe(404);
    await expect(
      (await callerFor(other.auth)).connections.syncNow({ connectionId: connection.id }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(
      (await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } })).syncRequestedAt,
    ).toBeNull();
    expect(await queuedPolls(connection.id)).toBe(0);
  });

  it("Disconnect keeps working from the same page, and says what stays (P12)", async () => {
    const { db, context, connection, user } = await connectedSeller();
    await db.conversation.create({
      data: { userId: user.id, subject: "Renewal", source: "gmail", externalId: "thread-1" },
    });
    const answer = (await action({
      request: post(PAGE, { intent: "disconnect", connectionId: connection.id }),
      context,
      params: {},
    })) as { success: string };
    expect(answer.success).toMatch(/^Disconnected Gmail: nothing more is read from it/);
    expect(answer.success).toContain("The 1 email conversation already synced stay until you delete your account.");
    expect((await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } })).status).toBe(
      "disconnected",
    );
  });
});

describe("Settings → Connections: Salesforce and Outreach", () => {
  const SALESFORCE_SCOPES = PROVIDERS.find((p) => p.id === "salesforce")!.scopes;

  async function withEnv<T>(variables: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
    const saved = { ...process.env };
    for (const [name, value] of Object.entries(variables)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnvCache();
    try {
      return await run();
    } finally {
      process.env = saved;
      resetEnvCache();
    }
  }

  async function salesforceSeller() {
    const who = await seller();
    const connection = await storeConnection(who.db, who.user.id, {
      provider: "salesforce",
      scopes: SALESFORCE_SCOPES,
      accessToken: "00Dpage!access",
      refreshToken: "page-refresh",
      apiBaseUrl: "https://northbeam.my.salesforce.com",
      // Nothing listens there: a Disconnect in these tests reaches no real Salesforce.
      authBaseUrl: "http://127.0.0.1:9",
      externalAccountId: "005000000000001AAA",
      externalAccountName: "Alex Morgan",
    });
    return { ...who, connection };
  }

  it("Paused until T: the org's daily API allowance is nearly used — amber, not a failure, next attempt at T", async () => {
    const { db, context, connection } = await salesforceSeller();
    const resume = new Date(Date.now() + minutes(600));
    await setRow(db, connection.id, {
      status: "active",
      firstSyncCompletedAt: new Date(Date.now() - minutes(60)),
      lastErrorKind: "quota_paused",
      lastErrorAt: new Date(),
      lastSyncError: "Sforce-Limit-Info api-usage=14600/15000",
      nextSyncAt: resume,
    });
    const html = await renderPage(context);
    const text = rowText(html, "salesforce");
    expect(text).toContain(
      `Paused until ${formatDateTime(resume)}: the Salesforce org's daily API allowance is nearly used`,
    );
    expect(text).toContain(`${formatDateTime(resume)} (when the allowance renews)`);
    expect(text).not.toMatch(/\bActive\b|Failed|Retrying/);
    expect(text).toContain("Detail: Sforce-Limit-Info api-usage=14600/15000");
    // Still connected: Sync now and Disconnect, no Reconnect.
    expect(rowHtml(html, "salesforce")).toContain('data-testid="sync-now-salesforce"');
    expect(rowHtml(html, "salesforce")).not.toContain('data-testid="connect-salesforce"');
  });

  it("a Salesforce that no longer accepts our access says Salesforce, not Google", async () => {
    const { db, context, connection } = await salesforceSeller();
    await setRow(db, connection.id, { status: "needs_reauth", lastErrorKind: "permission", nextSyncAt: null });
    const text = rowText(await renderPage(context), "salesforce");
    expect(text).toContain("Salesforce no longer accepts our access to Salesforce");
    expect(text).not.toContain("Google");
  });

  it("a real Salesforce client: the seller chooses Production, Sandbox or My Domain in the form", async () => {
    await withEnv(
      {
        FAKE_SALESFORCE: "false",
        SALESFORCE_CLIENT_ID: "3MVG9-page-test",
        SALESFORCE_CLIENT_SECRET: "page-test-secret",
        SALESFORCE_LOGIN_URL: "https://login.salesforce.com",
      },
      async () => {
        const { context } = await seller();
        const row = rowHtml(await renderPage(context), "salesforce");
        expect(row).toMatch(/<form method="post" action="\/auth\/salesforce\/connect"[^>]*>/);
        expect(row).toContain('<select name="environment"');
        for (const value of ["production", "sandbox", "my_domain"]) expect(row).toContain(`value="${value}"`);
        expect(row).toContain("Production (login.salesforce.com)");
        expect(row).toContain('name="myDomain"');
      },
    );
  });

  it("a tool not set up on this instance says so, with no Connect button", async () => {
    await withEnv({ FAKE_SALESFORCE: "false", FAKE_OUTREACH: "false" }, async () => {
      const { context } = await seller();
      const html = await renderPage(context);
      for (const [id, name] of [
        ["salesforce", "Salesforce"],
        ["outreach", "Outreach"],
      ] as const) {
        expect(rowText(html, id)).toContain(`${name} is not set up on this instance`);
        expect(rowText(html, id)).toContain("Connecting Salesforce and Outreach");
        expect(rowHtml(html, id)).not.toContain("<button");
      }
      expect(rowHtml(html, "gmail")).toContain('data-testid="connect-gmail"');
    });
  });

  it("Disconnect says how many Salesforce records stay (P12): its links to records that still exist", async () => {
    const { db, context, connection, user } = await salesforceSeller();
    const account = await db.account.create({ data: { userId: user.id, name: "Northbeam", source: "salesforce" } });
    const link = (objectType: string, externalId: string, recordId: string | null, deletedAt: Date | null = null) =>
      db.syncedRecord.create({
        data: {
          userId: user.id,
          source: "salesforce",
          objectType,
          externalId,
          recordType: "account",
          recordId,
          remote: {},
          deletedAt,
        },
      });
    await link("Account", "001000000000001AAA", account.id);
    await link("Account", "001000000000002AAA", account.id);
    await link("Account", "001000000000003AAA", null);
    await link("Account", "001000000000004AAA", account.id, new Date());
    const answer = (await action({
      request: post(PAGE, { intent: "disconnect", connectionId: connection.id }),
      context,
      params: {},
    })) as { success: string };
    expect(answer.success).toMatch(/^Disconnected Salesforce: nothing more is read from it/);
    expect(answer.success).toContain("The 2 Salesforce records already synced stay until you delete your account.");
  });
});

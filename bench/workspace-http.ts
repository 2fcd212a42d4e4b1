// What the app costs per request over HTTP on a large workspace, against a baseline measured in the
// same run: a bare node:http + pg server sending PostgreSQL the same statements
// (bench/workspace-baseline.ts). The ratios are the price of everything between the socket and the
// SQL (Express and its middleware, Remix rendering, tRPC, superjson, Prisma) under load. When the
// database is the bottleneck, throughput hides that price, so a second table gives each server's
// CPU per request and its latency with no contention.
//   npm run build && npm run bench -- workspace-http
// Steps: a fresh database `sac_bench_http` on TEST_DATABASE_URL's server (default: the local
// PostgreSQL), migrated and seeded with one user's large workspace (bench/workspace-seed.ts); the
// built app (`node build/server-entry.js`, as `npm start` runs it) and the baseline as child
// processes; a check that both answer the same rows; autocannon against each route on each server;
// the tables; the database dropped.
// Environment: BENCH_SECONDS (measured seconds per route and server, default 10), BENCH_KEEP_DB=1
// (keep the database for a look afterwards), TEST_DATABASE_URL.
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import superjson from "superjson";
import { buildState } from "../scripts/build-freshness.mjs";
import { createSession, SESSION_COOKIE } from "../server/auth/session";
import { postgresDatabase } from "../server/db/client";
import { applyMigrations } from "../server/db/migrate";
import { pgPoolExecutor, type SqlExecutor } from "../server/db/sql";
import { acknowledgeCurrentPolicy } from "../server/privacy/policy";
import { projectRoot } from "../server/utils/project-root";
import { databaseUrl, TEST_DATABASE_PREFIX, withAdminClient } from "../tests/setup/test-database";
import { freePort, printTable, processCpuSeconds } from "./lib";
import { BENCH_USER, COMMON_SEARCH_WORD, countRows, seedWorkspace, SEED_SIZES } from "./workspace-seed";

const DATABASE_NAME = "sac_bench_http";
const DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
/**
 * Per-request timeout. Generous on purpose: a saturated route's latency is what we want to see, and
 * autocannon's default (10 s) would turn it into errors.
 */
const REQUEST_TIMEOUT_SECONDS = 120;
const READY_TIMEOUT_MS = 60_000;

if (DATABASE_NAME.startsWith(TEST_DATABASE_PREFIX))
  throw new Error("The benchmark database must not look like a test database.");

type Route = { name: string; path: string };

/** A tRPC query over GET, its input encoded the way the app's client encodes it (superjson). */
const trpcGet = (procedure: string, input: unknown) =>
  `/api/trpc/${procedure}?input=${encodeURIComponent(superjson.stringify(input))}`;

const ROUTES = {
  dashboard: { name: "GET /dashboard (page)", path: "/dashboard" },
  accounts: { name: "accounts.list (25 by name)", path: trpcGet("accounts.list", { limit: 25, sort: "name" }) },
  search: {
    name: `search.query "${COMMON_SEARCH_WORD}"`,
    path: trpcGet("search.query", { q: COMMON_SEARCH_WORD, limit: 20 }),
  },
} satisfies Record<string, Route>;

// ---------------------------------------------------------------------------------------------
// Child servers
// ---------------------------------------------------------------------------------------------

type RunningServer = {
  name: string;
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
};

async function startServer(name: string, args: string[], env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: projectRoot(),
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const running: RunningServer = {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${output}`);
    try {
      if ((await fetch(`${running.url}/healthz`)).ok) return running;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await running.stop();
      throw new Error(`${name} did not answer /healthz within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------------------------------------
// Checks: the routes answer, and the baseline answers what the app answers
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

async function getJson(url: string, cookie: string): Promise<{ status: number; body: Json | null }> {
  const response = await fetch(url, { headers: { cookie }, redirect: "manual" });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as Json };
  } catch {
    return { status: response.status, body: null };
  }
}

/** The `json` of a tRPC (superjson) answer; the baseline answers with the same envelope. */
function trpcData(body: Json | null): unknown {
  const result = body?.result as { data?: { json?: unknown } } | undefined;
  return result?.data?.json;
}

/** The ids of a list of rows, or of a `{ deals | items: rows }` section. */
const ids = (rows: unknown): string[] => {
  const list = Array.isArray(rows)
    ? rows
    : ((rows as { deals?: unknown; items?: unknown } | undefined)?.deals ??
      (rows as { items?: unknown } | undefined)?.items);
  return Array.isArray(list) ? list.map((row) => String((row as { id?: unknown }).id)) : [];
};
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

type CheckResult = { dashboardPageStatus: string | null; notes: string[] };

async function checkRoutes(app: RunningServer, baseline: RunningServer, cookie: string): Promise<CheckResult> {
  const notes: string[] = [];
  const compare = (label: string, ok: boolean, detail: string) =>
    notes.push(`${ok ? "ok  " : "DIFF"} ${label}: ${detail}`);

  // The page itself: a 200 with HTML, not a redirect to /login or a 404 (route not there yet).
  const page = await fetch(`${app.url}${ROUTES.dashboard.path}`, { headers: { cookie }, redirect: "manual" });
  const html = await page.text();
  let dashboardPageStatus: string | null = null;
  if (page.status !== 200 || !(page.headers.get("content-type") ?? "").includes("text/html")) {
    const location = page.headers.get("location");
    dashboardPageStatus = `${page.status}${location ? ` → ${location}` : ""}`;
  }
  notes.push(
    dashboardPageStatus
      ? `FAIL GET /dashboard answered ${dashboardPageStatus}: the dashboard route is missing or broken; its app row is not measured.`
      : `ok   GET /dashboard: 200, ${(html.length / 1024).toFixed(0)} kB of HTML`,
  );

  // The same data through both doors: dashboard.summary over tRPC against the baseline's JSON.
  const [appSummary, baseSummary] = await Promise.all([
    getJson(`${app.url}/api/trpc/dashboard.summary`, cookie),
    getJson(`${baseline.url}${ROUTES.dashboard.path}`, cookie),
  ]);
  const a = trpcData(appSummary.body) as Json | undefined;
  const b = baseSummary.body ?? undefined;
  const counts = (summary: Json) => ((summary.pipeline ?? []) as { count: number }[]).map((stage) => stage.count);
  const attention = (summary: Json) => (summary.needsAttention ?? {}) as { total?: number; deals?: unknown };
  const closingCount = (summary: Json) => (summary.closingThisMonth as { count?: number } | undefined)?.count;
  if (!a || !b) {
    compare("dashboard", false, `app ${appSummary.status}, baseline ${baseSummary.status}`);
  } else {
    // Shapes are compared loosely on purpose (ids and counts), so a new field in the app's answer
    // does not read as a difference; a changed query does.
    const parts: [string, unknown, unknown][] = [
      ["pipeline counts", counts(a), counts(b)],
      ["closing this month", [closingCount(a), ids(a.closingThisMonth)], [closingCount(b), ids(b.closingThisMonth)]],
      ["upcoming meetings", ids(a.upcomingMeetings), ids(b.upcomingMeetings)],
      ["recent activity", ids(a.recentActivity), ids(b.recentActivity)],
      ["needs attention", [attention(a).total, ids(attention(a).deals)], [attention(b).total, ids(attention(b).deals)]],
    ];
    const differing = parts.filter(([, x, y]) => !same(x, y)).map(([label]) => label);
    compare(
      "dashboard",
      differing.length === 0,
      differing.length === 0
        ? `same pipeline (${counts(a).reduce((n, c) => n + c, 0)} deals), ${closingCount(a) ?? ids(a.closingThisMonth).length} closing this month, ${ids(a.upcomingMeetings).length} meetings, ${attention(a).total} needing attention`
        : `differs in ${differing.join(", ")}`,
    );
  }

  for (const route of [ROUTES.accounts, ROUTES.search]) {
    const [fromApp, fromBase] = await Promise.all([
      getJson(`${app.url}${route.path}`, cookie),
      getJson(`${baseline.url}${route.path}`, cookie),
    ]);
    const x = trpcData(fromApp.body);
    const y = trpcData(fromBase.body);
    const total = (data: unknown) => (data as { total?: number } | undefined)?.total;
    const ok = fromApp.status === 200 && fromBase.status === 200 && same(ids(x), ids(y)) && total(x) === total(y);
    compare(
      route.name,
      ok,
      ok
        ? `the same ${ids(x).length} rows${total(x) === undefined ? "" : ` (total ${total(x)})`}`
        : `app ${fromApp.status}, baseline ${fromBase.status}, rows or totals differ`,
    );
  }
  return { dashboardPageStatus, notes };
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

type Measured = {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  completed: number;
  /** CPU the server process spent per answered request in the window; null without /proc. */
  cpuMsPerRequest: number | null;
};

/**
 * CPU time (user + system, ms) a process has used so far; null without /proc. Under load every route
 * here is bound by the database, so throughput hides the framework; the server's own CPU per request
 * shows it.
 */
function cpuMs(pid: number | undefined): number | null {
  const seconds = processCpuSeconds(pid);
  return seconds === null ? null : seconds * 1000;
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;

/** One request, body read to the end. */
async function requestOnce(url: string, cookie: string): Promise<void> {
  await fetch(url, { headers: { cookie } }).then((response) => response.arrayBuffer());
}

/**
 * One autocannon run of warm-up + measured seconds; only responses that complete inside the
 * measured window count. Why not autocannon's own result (requests.average, latency.p50, …): it
 * covers the whole run, and a separate warm-up run leaves the server idle again when the measured
 * run starts — for a saturated route, whose latency is seconds, the window would then see only the
 * first, least-queued requests. Here the queue is already full when the window opens.
 */
async function measure(server: RunningServer, route: Route, cookie: string, seconds: number): Promise<Measured> {
  const url = `${server.url}${route.path}`;
  const responses: { at: number; status: number; ms: number }[] = [];
  const errorTimes: number[] = [];
  const started = performance.now();
  const cpu: (number | null)[] = [];
  const sampleCpu = () => cpu.push(cpuMs(server.child.pid));
  const timers = [
    setTimeout(sampleCpu, WARMUP_SECONDS * 1000),
    setTimeout(sampleCpu, (WARMUP_SECONDS + seconds) * 1000),
  ];
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        headers: { cookie },
        timeout: REQUEST_TIMEOUT_SECONDS,
        duration: WARMUP_SECONDS + seconds,
      },
      (error: unknown) =>
        error ? reject(error instanceof Error ? error : new Error("autocannon failed", { cause: error })) : resolve(),
    );
    // autocannon emits (client, statusCode, resBytes, responseTime); @types/autocannon omits the client.
    instance.on("response", (...args: unknown[]) => {
      const [, status, , ms] = args;
      if (typeof status === "number" && typeof ms === "number") responses.push({ at: performance.now(), status, ms });
    });
    instance.on("reqError", () => errorTimes.push(performance.now()));
  });
  timers.forEach(clearTimeout);
  // Requests autocannon abandoned when it stopped are still being served (a closed socket does not
  // cancel the handler). The pools queue in order, so one request sent now answers about when that
  // backlog is gone: the next measurement starts on an idle server.
  await requestOnce(url, cookie);
  const from = started + WARMUP_SECONDS * 1000;
  const to = from + seconds * 1000;
  const inWindow = responses.filter((response) => response.at >= from && response.at <= to);
  const latencies = inWindow.map((response) => response.ms).sort((a, b) => a - b);
  return {
    requestsPerSecond: inWindow.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    non2xx: inWindow.filter((response) => response.status < 200 || response.status > 299).length,
    errors: errorTimes.filter((at) => at >= from && at <= to).length,
    completed: inWindow.length,
    cpuMsPerRequest:
      cpu.length === 2 && cpu[0] != null && cpu[1] != null && inWindow.length > 0
        ? (cpu[1] - cpu[0]) / inWindow.length
        : null,
  };
}

/**
 * Latency with no contention — one request at a time, median of `rounds` — on each server. The
 * servers take turns, so whatever else the machine is doing meanwhile weighs on both alike.
 */
async function unloaded(servers: RunningServer[], route: Route, cookie: string, rounds = 10): Promise<number[]> {
  const samples = servers.map((): number[] => []);
  for (let i = 0; i <= rounds; i += 1) {
    for (const [s, server] of servers.entries()) {
      const started = performance.now();
      await requestOnce(`${server.url}${route.path}`, cookie);
      if (i > 0) samples[s]!.push(performance.now() - started); // round 0 only warms up
    }
  }
  return samples.map((list) =>
    percentile(
      list.sort((a, b) => a - b),
      0.5,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

async function prepareDatabase(url: string): Promise<{
  cookie: string;
  seedMs: number;
  migrateMs: number;
  analyzeMs: number;
  counts: Record<string, number>;
  facts: string[];
}> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("error", () => {});
  const sql = pgPoolExecutor(pool);
  try {
    let started = performance.now();
    await applyMigrations(sql);
    const migrateMs = performance.now() - started;

    console.log("Seeding one user's workspace (set-based SQL):");
    const seed = await seedWorkspace(sql, (label, ms) =>
      console.log(`  ${label.padEnd(28)} ${(ms / 1000).toFixed(1).padStart(6)} s`),
    );

    // The session and policy acknowledgement go through the app's own functions, so the cookie is
    // exactly what a sign-in would set and the dashboard shows no policy notice.
    const database = postgresDatabase(url, { max: 1 });
    let token: string;
    try {
      token = (await createSession(database.prisma, BENCH_USER.id, { userAgent: "autocannon", ip: "127.0.0.1" })).token;
      await acknowledgeCurrentPolicy(database.prisma, BENCH_USER.id);
    } finally {
      await database.close();
    }

    started = performance.now();
    await sql.exec("ANALYZE");
    const analyzeMs = performance.now() - started;
    return {
      cookie: `${SESSION_COOKIE}=${token}`,
      seedMs: seed.totalMs,
      migrateMs,
      analyzeMs,
      counts: await countRows(sql),
      facts: await workspaceFacts(sql),
    };
  } finally {
    await pool.end();
  }
}

/** What the benchmarked queries have to chew through, to read the numbers by. */
async function workspaceFacts(sql: SqlExecutor): Promise<string[]> {
  const [row] = await sql.query<Record<string, string>>(
    `WITH q AS (SELECT websearch_to_tsquery('english', $1) || to_tsquery('simple', $1 || ':*') AS query)
     SELECT pg_size_pretty(pg_database_size(current_database())) AS size,
            (SELECT count(*) FROM messages, q WHERE "searchVector" @@ q.query) AS messages,
            (SELECT count(*) FROM activities, q WHERE "searchVector" @@ q.query) AS activities,
            (SELECT count(*) FROM notes, q WHERE "searchVector" @@ q.query) AS notes,
            (SELECT count(*) FROM opportunities WHERE stage::text NOT IN ('closed_won', 'closed_lost') AND "closeDate" < current_date) AS overdue,
            (SELECT count(*) FROM meetings WHERE "startsAt" >= now() AND "startsAt" < now() + interval '7 days') AS upcoming`,
    [COMMON_SEARCH_WORD],
  );
  return [
    `database size ${row?.size}`,
    `"${COMMON_SEARCH_WORD}" matches ${row?.messages} messages, ${row?.activities} activities, ${row?.notes} notes`,
    `${row?.overdue} open deals past their close date, ${row?.upcoming} meetings in the next 7 days`,
  ];
}

const fmt = (value: number, digits = 1) => value.toFixed(digits);
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "–");

export async function run() {
  const root = projectRoot();
  const state = buildState(root);
  if (state !== "fresh") {
    console.error(
      `workspace-http measures the production build, and build/server-entry.js is ${state === "missing" ? "missing" : "older than the sources"}.\n` +
        "Run `npm run build` first, then `npm run bench -- workspace-http` again.",
    );
    process.exit(2);
  }
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  if (!(seconds > 0))
    throw new Error(`BENCH_SECONDS must be a positive number of seconds, not "${process.env.BENCH_SECONDS}".`);
  const serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER_URL;
  const url = databaseUrl(serverUrl, DATABASE_NAME);

  await withAdminClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${DATABASE_NAME}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${DATABASE_NAME}"`);
  });
  const servers: RunningServer[] = [];
  try {
    const prepared = await prepareDatabase(url);

    const [app, baseline] = await Promise.all([
      // As the browser journeys start the built app (tests/e2e/harness.ts), but on PostgreSQL.
      startServer("the app", [path.join(root, "build", "server-entry.js")], {
        LOG_LEVEL: "warn",
        DATABASE_URL: url,
        DEMO_MODE: "false",
      }),
      startServer("the baseline", ["--import", "tsx", path.join(root, "bench", "workspace-baseline.ts")], {
        DATABASE_URL: url,
      }),
    ]);
    servers.push(app, baseline);

    const checks = await checkRoutes(app, baseline, prepared.cookie);
    console.log("\nChecks (one request each, before the load):");
    for (const note of checks.notes) console.log(`  ${note}`);

    console.log(
      `\nLoad: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${seconds} s measured, per route and server.`,
    );
    const rows: string[][] = [];
    const idleRows: string[][] = [];
    const notes: string[] = [];
    for (const route of [ROUTES.dashboard, ROUTES.accounts, ROUTES.search]) {
      const skipApp = route === ROUTES.dashboard && checks.dashboardPageStatus !== null;
      process.stdout.write(`  ${route.name}: app… `);
      const fromApp = skipApp ? null : await measure(app, route, prepared.cookie, seconds);
      process.stdout.write("baseline… ");
      const fromBase = await measure(baseline, route, prepared.cookie, seconds);
      process.stdout.write("one at a time… ");
      const idle = await unloaded(skipApp ? [baseline] : [baseline, app], route, prepared.cookie);
      const idleBase = idle[0]!;
      const idleApp = idle[1] ?? null;
      console.log("done");
      const cpuCell = (m: Measured | null) => (m?.cpuMsPerRequest == null ? "n/a" : fmt(m.cpuMsPerRequest));
      idleRows.push([
        route.name,
        idleApp === null ? "n/a" : fmt(idleApp),
        fmt(idleBase),
        idleApp === null ? "n/a" : fmt(idleApp - idleBase),
        cpuCell(fromApp),
        cpuCell(fromBase),
        fromApp?.cpuMsPerRequest != null && fromBase.cpuMsPerRequest != null
          ? ratio(fromApp.cpuMsPerRequest / fromBase.cpuMsPerRequest)
          : "n/a",
      ]);
      for (const [who, m] of [
        ["app", fromApp],
        ["baseline", fromBase],
      ] as const) {
        if (m && (m.non2xx > 0 || m.errors > 0))
          notes.push(`${route.name}, ${who}: ${m.non2xx} non-2xx answers, ${m.errors} errors`);
        if (m && m.completed < 100)
          notes.push(
            `${route.name}, ${who}: only ${m.completed} responses in the window: p99 is the slowest few, ratios are rough.`,
          );
      }
      rows.push([
        route.name,
        fromApp ? fmt(fromApp.requestsPerSecond) : "n/a",
        fromApp ? fmt(fromApp.p50, 0) : "n/a",
        fromApp ? fmt(fromApp.p99, 0) : "n/a",
        fmt(fromBase.requestsPerSecond),
        fmt(fromBase.p50, 0),
        fmt(fromBase.p99, 0),
        fromApp ? ratio(fromApp.requestsPerSecond / fromBase.requestsPerSecond) : "n/a",
        fromApp ? ratio(fromApp.p50 / fromBase.p50) : "n/a",
        `${fromApp ? `${fromApp.non2xx}/${fromApp.errors}` : "–"}, ${fromBase.non2xx}/${fromBase.errors}`,
      ]);
    }

    printTable(
      `Workspace over HTTP — the app (Express + Remix/tRPC + Prisma) vs bare node:http + pg with the same SQL (baseline), ${CONNECTIONS} connections, ${seconds} s each`,
      [
        "route",
        "app req/s",
        "app p50 ms",
        "app p99 ms",
        "base req/s",
        "base p50",
        "base p99",
        "app/base req/s",
        "p50 app/base",
        "non-2xx/errors (app, base)",
      ],
      rows,
    );
    printTable(
      "Cost per request: latency with no contention (one at a time, median of 10), and the server process's CPU per answered request under load",
      ["route", "idle app ms", "idle base ms", "app − base ms", "app CPU ms/req", "base CPU ms/req", "CPU app/base"],
      idleRows,
    );
    if (checks.dashboardPageStatus)
      notes.push(`GET /dashboard answered ${checks.dashboardPageStatus}: app row not measured.`);
    notes.push(
      "The baseline's /dashboard answers JSON (no HTML rendering); its SQL is the app's page SQL: session, policy notice, dashboard.summary.",
    );
    for (const note of notes) console.log(`  note: ${note}`);

    const counts = Object.entries(prepared.counts)
      .map(([table, n]) => `${n.toLocaleString("en-US")} ${table}`)
      .join(", ");
    console.log(
      `\nWorkspace: ${counts}.\n` +
        `Seeded in ${fmt(prepared.seedMs / 1000)} s (migrations ${fmt(prepared.migrateMs / 1000)} s before, ANALYZE ${fmt(prepared.analyzeMs / 1000)} s after); ${prepared.facts.join("; ")}.\n` +
        `Machine: ${availableParallelism()} CPUs shared by the server under test, PostgreSQL and autocannon; Node ${process.version}.`,
    );
    const unexpected = Object.entries(SEED_SIZES).filter(([table, n]) => prepared.counts[table] !== n);
    if (unexpected.length > 0)
      console.log(`  note: row counts differ from the plan for ${unexpected.map(([table]) => table).join(", ")}`);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    if (process.env.BENCH_KEEP_DB === "1") {
      console.log(`\nKept the database (BENCH_KEEP_DB=1): ${url}`);
    } else {
      await withAdminClient(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${DATABASE_NAME}" WITH (FORCE)`),
      );
    }
  }
}

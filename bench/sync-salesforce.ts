// The Salesforce first sync end to end (issue #13): a generated org of 10,000 accounts, 50,000
// contacts, 20,000 opportunities (with their contact roles and stage history) and 200,000 tasks,
// served by the fake Salesforce REST API over loopback HTTP in a child process
// (bench/sync-fake-salesforce.ts), synced into a fresh database by the real engine (runSync in a loop
// until caught up) with the real Salesforce connector and the real CRM ingest. The baseline in the
// same run writes the same workspace rows — exactly those the sync stored, read back from its database
// outside the timing — into a fresh database of the same schema with plain multi-row INSERTs
// (BASELINE_PAGE rows a statement, one table after another in foreign-key order). The link rows
// (synced_records) and the connection are the sync's own overhead and are not in the baseline.
// Both rates are the same org (its records, setup objects aside) divided by each one's time.
//   npm run bench -- sync          (the Gmail bench, then this one)
//   npm run bench -- sync-salesforce
// Environment: SYNC_BENCH_SF_SCALE (the org's size as a share of the issue's, default 1; 0.05 for a
// quick run), BENCH_KEEP_DB=1, TEST_DATABASE_URL (default: the local PostgreSQL), as bench/sync.ts.
// Goal (printed, never failing the run): ≥ 0.5× the baseline.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";
import pg from "pg";
import type { DatabaseHandle } from "../server/db/client";
import { storeConnection } from "../server/integrations/connections";
import type { ApplyChanges } from "../server/integrations/engine";
import { applyChanges } from "../server/integrations/ingest";
import { setSyncProvider } from "../server/integrations/registry";
import { createSalesforceProvider } from "../server/integrations/salesforce/provider";
import { parseTokenKeys, setTokenKeys } from "../server/integrations/token-crypto";
import { projectRoot } from "../server/utils/project-root";
import { databaseUrl, TEST_DATABASE_PREFIX, withAdminClient } from "../tests/setup/test-database";
import { printTable, processCpuSeconds } from "./lib";
import {
  backendCpuSeconds,
  cpuSince,
  DEFAULT_SERVER_URL,
  firstSync,
  freshDatabase,
  ownCpuSeconds,
  RSS_SAMPLE_MS,
  sampleRss,
  timedProvider,
  type PhaseTimes,
} from "./sync";
import { benchScale, SF_OWNER, SF_SCOPES } from "./sync-salesforce-plan";

const SYNC_DATABASE = "sac_bench_sf_sync";
const BASELINE_DATABASE = "sac_bench_sf_baseline";
/** Rows per INSERT statement (and transaction) in the baseline: the sync's page size. */
const BASELINE_PAGE = 2000;
const GOAL_RATIO = 0.5;
/** The org's own setup, read by the connector but not records of the seller's book. */
const SETUP_OBJECTS = new Set(["Organization", "User", "OpportunityStage"]);
/** The workspace tables a CRM sync writes, parents before children. */
const WORKSPACE_TABLES = [
  "accounts",
  "prospects",
  "opportunities",
  "opportunity_stage_changes",
  "opportunity_contacts",
  "conversations",
  "conversation_participants",
  "messages",
  "meetings",
  "meeting_attendees",
  "activities",
  "sequence_enrollments",
];

for (const name of [SYNC_DATABASE, BASELINE_DATABASE])
  if (name.startsWith(TEST_DATABASE_PREFIX))
    throw new Error("The benchmark databases must not look like test databases.");

/** Time spent in each raw SQL statement ingest sends (SYNC_BENCH_PROFILE=1), by its text's start. */
type StatementProfile = Map<string, { calls: number; ms: number }>;

/** The real ingest with its transaction's raw-SQL calls timed, statement by statement. */
const profiledIngest =
  (phases: PhaseTimes, profile: StatementProfile): ApplyChanges =>
  async (tx, context, changes) => {
    const timed = new Proxy(tx, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== "function" || typeof property !== "string" || !/^\$(query|execute)Raw/.test(property))
          return value;
        return async (...args: unknown[]) => {
          const first = args[0];
          const text = Array.isArray(first) ? (first as string[]).join("$") : String(first);
          const key = text.replace(/\s+/g, " ").trim().slice(0, 90);
          const started = performance.now();
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            const entry = profile.get(key) ?? { calls: 0, ms: 0 };
            entry.calls += 1;
            entry.ms += performance.now() - started;
            profile.set(key, entry);
          }
        };
      },
    });
    const started = performance.now();
    try {
      return await applyChanges(timed, context, changes);
    } finally {
      phases.ingestMs += performance.now() - started;
    }
  };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const count = (n: number) => n.toLocaleString("en-US");

type FakeSalesforce = {
  instanceUrl: string;
  accessToken: string;
  counts: Record<string, { live: number; deleted: number }>;
  /** API calls the fake has served so far. */
  requests: () => Promise<number>;
  cpuSeconds: () => number | null;
  stop: () => Promise<void>;
};

/** Starts the fake Salesforce child and waits for its first line: where it listens, the token, the org. */
async function startFakeSalesforce(scale: number, now: Date): Promise<FakeSalesforce> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(projectRoot(), "bench", "sync-fake-salesforce.ts")],
    {
      cwd: projectRoot(),
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        SYNC_BENCH_SF_SCALE: String(scale),
        SYNC_BENCH_NOW: now.toISOString(),
      },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-10_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  };
  const lines: Interface = createInterface({ input: child.stdout });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`the fake Salesforce exited (${code}) before it answered:\n${errors}`));
      child.once("exit", onExit);
      lines.once("line", (line) => {
        child.off("exit", onExit);
        resolve(line);
      });
    });
  const first = JSON.parse(await nextLine()) as Pick<FakeSalesforce, "instanceUrl" | "accessToken" | "counts">;
  return {
    ...first,
    async requests() {
      const answer = nextLine();
      child.stdin.write("requests\n");
      return (JSON.parse(await answer) as { requests: number }).requests;
    },
    cpuSeconds: () => processCpuSeconds(child.pid),
    async stop() {
      lines.close();
      await stop();
    },
  };
}

/** Columns of `table` that can be written (generated ones, such as search vectors, are computed). */
async function writableColumns(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
      ORDER BY attnum`,
    [table],
  );
  return rows.map((row) => row.name);
}

type TablePages = { table: string; columns: string[]; rows: number; pages: string[] };

/** The rows the sync stored, table by table, as JSON pages of BASELINE_PAGE rows (not timed). */
async function readStoredRows(url: string, tables: string[]): Promise<TablePages[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: TablePages[] = [];
    for (const table of tables) {
      const columns = await writableColumns(client, table);
      const list = columns.map((c) => `"${c}"`).join(", ");
      const pages: string[] = [];
      let rows = 0;
      // Keyset pages in id order (the page's last id is where the next starts).
      for (let after = ""; ;) {
        const { rows: page } = await client.query<{ page: string | null; n: string; last: string | null }>(
          `SELECT json_agg(t)::text AS page, count(*) AS n, max(t.id) AS last
             FROM (SELECT ${list} FROM ${table} WHERE id > $1 ORDER BY id LIMIT ${BASELINE_PAGE}) AS t`,
          [after],
        );
        if (!page[0]?.page || !page[0].last) break;
        pages.push(page[0].page);
        rows += Number(page[0].n);
        after = page[0].last;
      }
      out.push({ table, columns, rows, pages });
    }
    return out;
  } finally {
    await client.end();
  }
}

/**
 * The baseline: the same rows as plain SQL — per table, one multi-row INSERT of BASELINE_PAGE rows a
 * statement (json_populate_recordset of the page), each its own transaction. No look-ups, no upserts,
 * no links: the floor of what writing these records costs.
 */
async function baselineInsert(url: string, tables: TablePages[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const backend = rows[0]!.pid;
    const backendBefore = processCpuSeconds(backend);
    const cpuBefore = ownCpuSeconds();
    const started = performance.now();
    for (const { table, columns, pages } of tables) {
      const list = columns.map((c) => `"${c}"`).join(", ");
      for (const page of pages)
        await client.query(
          `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`,
          [page],
        );
    }
    const ms = performance.now() - started;
    const backendAfter = processCpuSeconds(backend);
    return {
      ms,
      cpuSeconds: ownCpuSeconds() - cpuBefore,
      postgresCpuSeconds: backendBefore === null || backendAfter === null ? null : backendAfter - backendBefore,
    };
  } finally {
    await client.end();
  }
}

async function tableCounts(db: DatabaseHandle): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [...WORKSPACE_TABLES, "synced_records"]) {
    const [row] = await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    out[table] = Number(row!.n);
  }
  return out;
}

async function databaseSize(db: DatabaseHandle): Promise<string> {
  const [row] = await db.sql.query<{ size: string }>(
    "SELECT pg_size_pretty(pg_database_size(current_database())) AS size",
  );
  return row!.size;
}

export async function run() {
  const scale = benchScale(process.env.SYNC_BENCH_SF_SCALE);
  const serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER_URL;
  try {
    await withAdminClient(serverUrl, (client) => client.query("SELECT 1"));
  } catch (error) {
    console.error(
      `sync-salesforce measures a sync into PostgreSQL, and ${serverUrl.replace(/\/\/[^@]*@/, "//…@")} did not answer (${error instanceof Error ? error.message : String(error)}).\n` +
        "Start PostgreSQL or set TEST_DATABASE_URL, then `npm run bench -- sync` again.",
    );
    process.exit(2);
  }

  const now = new Date();
  const loadStart = loadavg()[0]!;
  console.log(`\nsync-salesforce: generating the org (scale ${scale}) in the fake Salesforce (a child process)…`);
  const fake = await startFakeSalesforce(scale, now);
  const orgRecords = Object.entries(fake.counts)
    .filter(([object]) => !SETUP_OBJECTS.has(object))
    .reduce((sum, [, { live }]) => sum + live, 0);
  const objects = Object.entries(fake.counts)
    .filter(([object, { live }]) => !SETUP_OBJECTS.has(object) && live > 0)
    .map(([object, { live }]) => `${count(live)} ${object}`)
    .join(", ");
  const opened: DatabaseHandle[] = [];
  try {
    const db = await freshDatabase(serverUrl, SYNC_DATABASE);
    opened.push(db);
    const user = await db.prisma.user.create({ data: { email: SF_OWNER.email, name: SF_OWNER.name } });
    // The bench's own key: tokens are encrypted at rest as always (P15), with nothing written to disk.
    setTokenKeys(parseTokenKeys(`bench:${randomBytes(32).toString("base64")}`));
    const phases: PhaseTimes = { providerMs: 0, ingestMs: 0 };
    // The real connector as the registry builds it (its default page: batchSize 2000), timed.
    setSyncProvider("salesforce", timedProvider(createSalesforceProvider(), phases));
    const connection = await storeConnection(db.prisma, user.id, {
      provider: "salesforce",
      scopes: SF_SCOPES,
      accessToken: fake.accessToken,
      refreshToken: "bench-refresh-token",
      accessTokenExpiresAt: new Date(Date.now() + 86_400_000),
      externalAccountId: "005000000000001AAA",
      externalAccountName: SF_OWNER.email,
    });
    // The instance_url the token answer named, as the connect flow stores it.
    await db.prisma.integrationConnection.update({
      where: { id: connection.id },
      data: { apiBaseUrl: fake.instanceUrl },
    });

    console.log(`sync-salesforce: first sync of ${count(orgRecords)} records (${objects}) through runSync…`);
    const requestsBefore = await fake.requests();
    const rss = sampleRss();
    const cpuBefore = {
      own: ownCpuSeconds(),
      fake: fake.cpuSeconds(),
      postgres: await backendCpuSeconds(serverUrl, SYNC_DATABASE),
    };
    const profile: StatementProfile | null = process.env.SYNC_BENCH_PROFILE === "1" ? new Map() : null;
    const sync = await firstSync(
      db,
      connection.id,
      phases,
      profile ? { applyChanges: profiledIngest(phases, profile) } : undefined,
    );
    const memory = rss.stop();
    const cpu = {
      own: ownCpuSeconds() - cpuBefore.own,
      fake: cpuBefore.fake === null ? null : (fake.cpuSeconds() ?? 0) - cpuBefore.fake,
      postgres: cpuSince(cpuBefore.postgres, await backendCpuSeconds(serverUrl, SYNC_DATABASE)),
    };
    const served = (await fake.requests()) - requestsBefore;
    const synced = await tableCounts(db);
    const syncedSize = await databaseSize(db);

    console.log("sync-salesforce: reading the rows the sync stored, for the baseline (not timed)…");
    const tables = (await readStoredRows(databaseUrl(serverUrl, SYNC_DATABASE), WORKSPACE_TABLES)).filter(
      (t) => t.rows > 0,
    );
    const baselineDb = await freshDatabase(serverUrl, BASELINE_DATABASE);
    opened.push(baselineDb);
    // The same seller (same id), outside the timing.
    await baselineDb.prisma.user.create({ data: { id: user.id, email: SF_OWNER.email, name: SF_OWNER.name } });
    const rowsCopied = tables.reduce((sum, t) => sum + t.rows, 0);
    console.log(`sync-salesforce: baseline — the same ${count(rowsCopied)} rows as plain multi-row INSERTs…`);
    const baseline = await baselineInsert(databaseUrl(serverUrl, BASELINE_DATABASE), tables);
    const inserted = await tableCounts(baselineDb);
    const insertedSize = await databaseSize(baselineDb);
    for (const table of WORKSPACE_TABLES)
      if (inserted[table] !== synced[table])
        throw new Error(`the baseline wrote ${inserted[table]} ${table}, the sync ${synced[table]}`);

    const syncRate = orgRecords / (sync.ms / 1000);
    const baselineRate = orgRecords / (baseline.ms / 1000);
    const ratio = syncRate / baselineRate;
    const skipped = Object.entries(sync.stats.skipped)
      .map(([reason, n]) => `${reason} ${count(n)}`)
      .join(", ");
    const shown = WORKSPACE_TABLES.filter((t) => synced[t]! > 0);
    printTable(
      `First sync of a Salesforce org of ${count(orgRecords)} records into PostgreSQL: runSync + Salesforce connector + CRM ingest vs the same rows as plain SQL (baseline); rate = org records ÷ time`,
      ["", "seconds", "records/s", "vs baseline", ...shown, "synced_records"],
      [
        [
          `baseline: multi-row INSERTs, ${count(BASELINE_PAGE)} rows each`,
          (baseline.ms / 1000).toFixed(1),
          count(Math.round(baselineRate)),
          "baseline",
          ...shown.map((t) => count(inserted[t]!)),
          count(inserted.synced_records!),
        ],
        [
          "sync: runSync until caught up",
          (sync.ms / 1000).toFixed(1),
          count(Math.round(syncRate)),
          `${ratio.toFixed(2)}×`,
          ...shown.map((t) => count(synced[t]!)),
          count(synced.synced_records!),
        ],
      ],
    );
    printTable(
      "Sync details",
      ["", "value"],
      [
        [
          "runs (jobs of ≤ 25 s) / steps / HTTP requests (engine's count; served by the fake)",
          `${sync.runs} / ${count(sync.steps)} / ${count(sync.requests)} (${count(served)})`,
        ],
        [
          "fetched / created / updated",
          `${count(sync.stats.fetched)} / ${count(sync.stats.created)} / ${count(sync.stats.updated)}`,
        ],
        ["skipped (reasons)", skipped || "none"],
        [
          "time in provider steps (HTTP + JSON + mapping) / in ingest (inside the transaction) / the rest (engine, commit)",
          [phases.providerMs, phases.ingestMs, sync.ms - phases.providerMs - phases.ingestMs]
            .map((ms) => `${(ms / 1000).toFixed(1)} s (${((100 * ms) / sync.ms).toFixed(0)}%)`)
            .join(" / "),
        ],
        [
          "CPU seconds of the sync: the syncing process / the fake Salesforce / its PostgreSQL backends (≥)",
          `${cpu.own.toFixed(1)} / ${cpu.fake === null ? "n/a" : cpu.fake.toFixed(1)} / ${cpu.postgres.toFixed(1)}`,
        ],
        [
          "CPU seconds of the baseline: its process / its PostgreSQL backend",
          `${baseline.cpuSeconds.toFixed(1)} / ${baseline.postgresCpuSeconds === null ? "n/a" : baseline.postgresCpuSeconds.toFixed(1)}`,
        ],
        [
          `RSS of the syncing process (sampled every ${RSS_SAMPLE_MS} ms): start / peak / end`,
          `${mb(memory.start)} / ${mb(memory.peak)} / ${mb(memory.end)}`,
        ],
        ["database size after the sync / after the baseline", `${syncedSize} / ${insertedSize}`],
      ],
    );
    if (profile)
      printTable(
        "Ingest's SQL statements (SYNC_BENCH_PROFILE=1), by total time",
        ["statement", "calls", "seconds"],
        [...profile]
          .sort((a, b) => b[1].ms - a[1].ms)
          .slice(0, 25)
          .map(([key, { calls, ms }]) => [key, count(calls), (ms / 1000).toFixed(2)]),
      );
    const goal = (met: boolean) => (met ? "met" : "NOT met");
    console.log(
      `\nGoal (issue #13): ≥ ${GOAL_RATIO}× the baseline — ${goal(ratio >= GOAL_RATIO)} (${ratio.toFixed(2)}×, ${count(Math.round(syncRate))} records/s).`,
    );
    console.log(
      `Machine: ${availableParallelism()} CPUs shared by the sync, the fake Salesforce and PostgreSQL (load average ${loadStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end); Node ${process.version}.`,
    );
  } finally {
    setSyncProvider("salesforce", null);
    await fake.stop();
    await Promise.all(opened.map((db) => db.close()));
    if (process.env.BENCH_KEEP_DB === "1") {
      console.log(`\nKept the databases (BENCH_KEEP_DB=1): ${SYNC_DATABASE}, ${BASELINE_DATABASE}`);
    } else {
      await withAdminClient(serverUrl, async (client) => {
        for (const name of [SYNC_DATABASE, BASELINE_DATABASE])
          await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    }
  }
}

// The Gmail sync end to end on PostgreSQL (issue #12): a first sync of a generated 50,000-message
// mailbox from the fake Gmail through the real engine (runSync in a loop, the real Gmail provider
// and its official client, real ingest matching people to a seeded workspace), against a baseline in
// the same run that inserts the same mail, already fetched and parsed, as plain multi-row SQL into a
// fresh database of the same schema (the messages the sync kept, with their conversations and
// timeline entries). Both rates are the same mailbox divided by each one's time.
// Then an incremental poll with nothing new (requests and milliseconds). The fake Google runs in a
// child process (bench/sync-fake-gmail.ts) so the sampled RSS is the syncing process's own.
//   npm run bench -- sync
// Environment: SYNC_BENCH_MESSAGES (mailbox size, default 50,000), BENCH_ROUNDS (incremental polls
// timed, default 8), BENCH_KEEP_DB=1 (keep the databases), TEST_DATABASE_URL (default: the local
// PostgreSQL). Goals (printed, never failing the run): ≥ 0.5× the baseline and ≥ 1,000 messages/s.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { postgresDatabase, type DatabaseHandle } from "../server/db/client";
import { applyMigrations } from "../server/db/migrate";
import { pgPoolExecutor } from "../server/db/sql";
import { storeConnection } from "../server/integrations/connections";
import { addStats, emptyStats, runSync, type ApplyChanges, type SyncStats } from "../server/integrations/engine";
import { createGmailProvider } from "../server/integrations/google/gmail";
import { applyChanges } from "../server/integrations/ingest";
import { newRecordId } from "../server/integrations/ingest/record-id";
import { setSyncProvider } from "../server/integrations/registry";
import { parseTokenKeys, setTokenKeys } from "../server/integrations/token-crypto";
import type { SyncCursor, SyncedEmail, SyncProvider } from "../server/integrations/types";
import { projectRoot } from "../server/utils/project-root";
import { databaseUrl, TEST_DATABASE_PREFIX, withAdminClient } from "../tests/setup/test-database";
import { printTable, processCpuSeconds } from "./lib";
import { ACCOUNTS, accountDomain, GMAIL_SCOPES, KNOWN_PER_ACCOUNT, knownPerson, OWNER } from "./sync-plan";

const SYNC_DATABASE = "sac_bench_sync";
const BASELINE_DATABASE = "sac_bench_sync_baseline";
export const DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";
/** Rows per INSERT (and per transaction) in the baseline. */
const BASELINE_PAGE = 500;
/** How often the syncing process's RSS is sampled. */
export const RSS_SAMPLE_MS = 100;
const GOAL_RATIO = 0.5;
const GOAL_PER_SECOND = 1_000;

for (const name of [SYNC_DATABASE, BASELINE_DATABASE])
  if (name.startsWith(TEST_DATABASE_PREFIX))
    throw new Error("The benchmark databases must not look like test databases.");

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const count = (n: number) => n.toLocaleString("en-US");
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

type FakeGmail = {
  base: string;
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  messages: number;
  /** CPU seconds (user + system) the fake has used so far; null without /proc. */
  cpuSeconds: () => number | null;
  stop: () => Promise<void>;
};

/**
 * CPU seconds each PostgreSQL backend serving `database` has used so far, by pid (the server is
 * local; other helpers' databases are not counted). A backend that closes before the second snapshot
 * takes its share with it, so the difference is a lower bound.
 */
export async function backendCpuSeconds(serverUrl: string, database: string): Promise<Map<number, number>> {
  const { rows } = await withAdminClient(serverUrl, (client) =>
    client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [database]),
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== null) cpu.set(pid, seconds);
  }
  return cpu;
}

export const cpuSince = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, seconds]) => sum + seconds - (before.get(pid) ?? 0), 0);

/** This process's CPU seconds so far. */
export const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/** Starts the fake Google child and waits for its one line: where it listens, and the grant. */
async function startFakeGmail(messages: number, now: Date): Promise<FakeGmail> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot(), "bench", "sync-fake-gmail.ts")], {
    cwd: projectRoot(),
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      SYNC_BENCH_MESSAGES: String(messages),
      SYNC_BENCH_NOW: now.toISOString(),
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
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
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the fake Gmail exited (${code}) before it was ready:\n${errors}`)));
  });
  lines.close();
  return {
    ...(JSON.parse(first) as Omit<FakeGmail, "stop" | "cpuSeconds">),
    cpuSeconds: () => processCpuSeconds(child.pid),
    stop,
  };
}

/** A fresh, migrated database on the server; PostgreSQL's own pools, with room for long statements. */
export async function freshDatabase(serverUrl: string, name: string): Promise<DatabaseHandle> {
  await withAdminClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = databaseUrl(serverUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await applyMigrations(pgPoolExecutor(pool));
  } finally {
    await pool.end();
  }
  return postgresDatabase(url, { timeouts: { connectMs: 5_000, statementMs: 120_000 } });
}

/** The seller and their book: ACCOUNTS accounts with a domain each and KNOWN_PER_ACCOUNT prospects. */
async function seedWorkspace(db: DatabaseHandle): Promise<string> {
  const user = await db.prisma.user.create({ data: { email: OWNER.email, name: OWNER.name } });
  const accounts = Array.from({ length: ACCOUNTS }, (_, a) => ({
    id: newRecordId(),
    userId: user.id,
    name: `Account ${a}`,
    domain: accountDomain(a),
  }));
  await db.prisma.account.createMany({ data: accounts });
  await db.prisma.prospect.createMany({
    data: accounts.flatMap((account, a) =>
      Array.from({ length: KNOWN_PER_ACCOUNT }, (_, p) => {
        const person = knownPerson(a, p);
        const [firstName, lastName] = person.name.split(" ") as [string, string];
        return { userId: user.id, accountId: account.id, firstName, lastName, email: person.email };
      }),
    ),
  });
  return user.id;
}

/** Samples this process's RSS until stopped: start, peak and end of what it brackets. */
export function sampleRss() {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      const end = process.memoryUsage.rss();
      return { start, peak: Math.max(peak, end), end };
    },
  };
}

/** Where a sync's time goes: inside the provider's steps (fetch + parse) and inside ingest's SQL. */
export type PhaseTimes = { providerMs: number; ingestMs: number };

/** The real provider, its steps timed. */
export function timedProvider(provider: SyncProvider, phases: PhaseTimes): SyncProvider {
  return {
    ...provider,
    async step(input) {
      const started = performance.now();
      try {
        return await provider.step(input);
      } finally {
        phases.providerMs += performance.now() - started;
      }
    },
  };
}

/** The real ingest, timed. */
export const timedIngest =
  (phases: PhaseTimes): ApplyChanges =>
  async (tx, context, changes) => {
    const started = performance.now();
    try {
      return await applyChanges(tx, context, changes);
    } finally {
      phases.ingestMs += performance.now() - started;
    }
  };

export type FirstSync = { ms: number; runs: number; steps: number; requests: number; stats: SyncStats };

export async function firstSync(
  db: DatabaseHandle,
  connectionId: string,
  phases: PhaseTimes,
  options?: { applyChanges?: ApplyChanges },
): Promise<FirstSync> {
  const total: FirstSync = { ms: 0, runs: 0, steps: 0, requests: 0, stats: emptyStats() };
  const started = performance.now();
  for (;;) {
    const result = await runSync(db.prisma, connectionId, {
      workerId: "bench",
      applyChanges: options?.applyChanges ?? timedIngest(phases),
    });
    total.runs += 1;
    total.steps += result.steps;
    total.requests += result.requests;
    total.stats = addStats(total.stats, result.stats);
    if (result.outcome === "caught_up") break;
    if (result.outcome !== "continues") {
      const row = await db.prisma.integrationConnection.findUnique({
        where: { id: connectionId },
        select: { lastSyncError: true },
      });
      throw new Error(`the first sync stopped: ${result.outcome} (${row?.lastSyncError ?? "no error recorded"})`);
    }
  }
  total.ms = performance.now() - started;
  return total;
}

/** Polls with nothing new: each made due at once (as Sync now does), then one runSync, timed. */
async function idlePolls(db: DatabaseHandle, connectionId: string, rounds: number) {
  const samples: { ms: number; requests: number; outcome: string }[] = [];
  for (let i = 0; i <= rounds; i += 1) {
    await db.prisma.integrationConnection.update({ where: { id: connectionId }, data: { nextSyncAt: new Date() } });
    const started = performance.now();
    const result = await runSync(db.prisma, connectionId, { workerId: "bench" });
    const ms = performance.now() - started;
    if (i > 0) samples.push({ ms, requests: result.requests, outcome: result.outcome }); // the first warms up
  }
  return samples;
}

/** The baseline's input, outside the timing: every message fetched and parsed by the same provider. */
async function fetchParsed(base: string, accessToken: string, now: Date): Promise<SyncedEmail[]> {
  const provider = createGmailProvider({ rootUrl: base });
  const window = { mailSince: new Date(now.getTime() - 90 * 86_400_000), calendarFrom: now, calendarTo: now };
  const emails: SyncedEmail[] = [];
  let cursor: SyncCursor | null = null;
  for (;;) {
    const step = await provider.step({ accessToken, cursor, window, now, signal: AbortSignal.timeout(120_000) });
    for (const change of step.changes) if (change.kind === "email") emails.push(change);
    cursor = step.cursor;
    // The listing is over when the provider hands over to incremental sync.
    if (step.caughtUp || (cursor as { mode?: string } | null)?.mode === "incremental") return emails;
  }
}

/**
 * The baseline: the parsed mail as plain SQL — for each page of BASELINE_PAGE messages, in one
 * transaction, one multi-row INSERT (unnest of arrays) each of new conversations, messages and
 * timeline entries. No matching, no upserts, no look-ups: the floor of what writing this mail costs.
 */
async function baselineInsert(
  url: string,
  userId: string,
  emails: SyncedEmail[],
): Promise<{ ms: number; cpuSeconds: number; postgresCpuSeconds: number | null }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const conversationOf = new Map<string, string>();
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const backend = rows[0]!.pid;
    const backendBefore = processCpuSeconds(backend);
    const cpuBefore = ownCpuSeconds();
    const started = performance.now();
    for (let from = 0; from < emails.length; from += BASELINE_PAGE) {
      const page = emails.slice(from, from + BASELINE_PAGE);
      const now = new Date();
      const newThreads: SyncedEmail[] = [];
      for (const email of page)
        if (!conversationOf.has(email.threadId)) {
          conversationOf.set(email.threadId, newRecordId());
          newThreads.push(email);
        }
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO conversations (id, "userId", channel, subject, "lastMessageAt", source, "externalId", "createdAt", "updatedAt")
         SELECT id, $1, 'email', subject, at, 'gmail', "externalId", $2, $2
           FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::text[]) AS x(id, subject, at, "externalId")`,
        [
          userId,
          now,
          newThreads.map((e) => conversationOf.get(e.threadId)!),
          newThreads.map((e) => e.subject),
          newThreads.map((e) => e.sentAt),
          newThreads.map((e) => e.threadId),
        ],
      );
      await client.query(
        `INSERT INTO messages (id, "userId", "conversationId", "fromEmail", "toEmails", "sentAt", body, "quotedText",
                               "attachmentNames", "rfcMessageId", source, "externalId", "createdAt", "updatedAt")
         SELECT id, $1, "conversationId", "fromEmail", string_to_array("toEmails", E'\\x1f'), "sentAt", body, "quotedText",
                string_to_array("attachmentNames", E'\\x1f'), "rfcMessageId", 'gmail', "externalId", $2, $2
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[],
                       $10::text[], $11::text[], $12::text[])
             AS x(id, "conversationId", "fromEmail", "toEmails", "sentAt", body, "quotedText", "attachmentNames",
                  "rfcMessageId", "externalId")`,
        [
          userId,
          now,
          page.map(() => newRecordId()),
          page.map((e) => conversationOf.get(e.threadId)!),
          page.map((e) => e.from.email),
          // Arrays of arrays cannot be ragged in PostgreSQL: each list travels as one unit-separated string.
          page.map((e) => [...e.to, ...e.cc].map((to) => to.email).join("\x1f")),
          page.map((e) => e.sentAt),
          page.map((e) => e.body),
          page.map((e) => e.quotedText),
          page.map((e) => e.attachmentNames.join("\x1f")),
          page.map((e) => e.rfcMessageId),
          page.map((e) => e.externalId),
        ],
      );
      await client.query(
        `INSERT INTO activities (id, "userId", type, at, "conversationId", summary, source, "externalId", "createdAt", "updatedAt")
         SELECT id, $1, 'email_received', at, "conversationId", summary, 'gmail', "externalId", $2, $2
           FROM unnest($3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[])
             AS x(id, at, "conversationId", summary, "externalId")`,
        [
          userId,
          now,
          page.map(() => newRecordId()),
          page.map((e) => e.sentAt),
          page.map((e) => conversationOf.get(e.threadId)!),
          page.map((e) => `Email: ${e.subject}`),
          page.map((e) => e.externalId),
        ],
      );
      await client.query("COMMIT");
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

async function tableCounts(db: DatabaseHandle) {
  const [row] = await db.sql.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM conversations) AS conversations, (SELECT count(*) FROM messages) AS messages,
            (SELECT count(*) FROM activities) AS activities, (SELECT count(*) FROM prospects) AS prospects,
            pg_size_pretty(pg_database_size(current_database())) AS size`,
  );
  return row!;
}

export async function run() {
  const messages = Number(process.env.SYNC_BENCH_MESSAGES ?? 50_000);
  if (!(Number.isInteger(messages) && messages > 0))
    throw new Error(`SYNC_BENCH_MESSAGES must be a positive whole number, not "${process.env.SYNC_BENCH_MESSAGES}".`);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 8);
  const serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER_URL;
  try {
    await withAdminClient(serverUrl, (client) => client.query("SELECT 1"));
  } catch (error) {
    console.error(
      `sync measures ingest into PostgreSQL, and ${serverUrl.replace(/\/\/[^@]*@/, "//…@")} did not answer (${error instanceof Error ? error.message : String(error)}).\n` +
        "Start PostgreSQL or set TEST_DATABASE_URL, then `npm run bench -- sync` again.",
    );
    process.exit(2);
  }

  const now = new Date();
  const loadStart = loadavg()[0]!;
  console.log(`\nsync: generating a ${count(messages)}-message mailbox in the fake Gmail (a child process)…`);
  const fake = await startFakeGmail(messages, now);
  const opened: DatabaseHandle[] = [];
  try {
    const db = await freshDatabase(serverUrl, SYNC_DATABASE);
    opened.push(db);
    const userId = await seedWorkspace(db);
    // The bench's own key: tokens are encrypted at rest as always (P15), with nothing written to disk.
    setTokenKeys(parseTokenKeys(`bench:${randomBytes(32).toString("base64")}`));
    // The real Gmail provider, pointed at the fake (as GOOGLE_API_BASE_URL would point the registry's).
    const phases: PhaseTimes = { providerMs: 0, ingestMs: 0 };
    setSyncProvider("gmail", timedProvider(createGmailProvider({ rootUrl: fake.base }), phases));
    const connection = await storeConnection(db.prisma, userId, {
      provider: "gmail",
      scopes: GMAIL_SCOPES,
      accessToken: fake.accessToken,
      refreshToken: fake.refreshToken,
      accessTokenExpiresAt: new Date(Date.now() + fake.expiresInSeconds * 1000),
      externalAccountId: OWNER.email,
      externalAccountName: OWNER.email,
    });

    console.log(`sync: first sync of ${count(fake.messages)} messages through runSync…`);
    const rss = sampleRss();
    const cpuBefore = {
      own: ownCpuSeconds(),
      fake: fake.cpuSeconds(),
      postgres: await backendCpuSeconds(serverUrl, SYNC_DATABASE),
    };
    const sync = await firstSync(db, connection.id, phases);
    const memory = rss.stop();
    const cpu = {
      own: ownCpuSeconds() - cpuBefore.own,
      fake: cpuBefore.fake === null ? null : (fake.cpuSeconds() ?? 0) - cpuBefore.fake,
      postgres: cpuSince(cpuBefore.postgres, await backendCpuSeconds(serverUrl, SYNC_DATABASE)),
    };
    const synced = await tableCounts(db);

    console.log(`sync: ${rounds} incremental polls with nothing new…`);
    const polls = await idlePolls(db, connection.id, rounds);

    console.log("sync: fetching and parsing the same mailbox for the baseline (not timed)…");
    // The same rows as the sync stored: the messages ingest kept (not those it skipped by rule).
    const kept = new Set(
      (await db.prisma.message.findMany({ select: { externalId: true } })).map((message) => message.externalId),
    );
    const fetchedParsed = await fetchParsed(fake.base, fake.accessToken, now);
    const parsed = fetchedParsed.filter((email) => kept.has(email.externalId));
    const baselineDb = await freshDatabase(serverUrl, BASELINE_DATABASE);
    opened.push(baselineDb);
    const baselineUserId = await seedWorkspace(baselineDb);
    console.log(
      `sync: baseline — the ${count(parsed.length)} of ${count(fetchedParsed.length)} parsed messages the sync kept, as plain multi-row INSERTs…`,
    );
    const baseline = await baselineInsert(databaseUrl(serverUrl, BASELINE_DATABASE), baselineUserId, parsed);
    const baselineMs = baseline.ms;
    const inserted = await tableCounts(baselineDb);

    const syncRate = fake.messages / (sync.ms / 1000);
    const baselineRate = fake.messages / (baselineMs / 1000);
    const ratio = syncRate / baselineRate;
    const skipped = Object.entries(sync.stats.skipped)
      .map(([reason, n]) => `${reason} ${count(n)}`)
      .join(", ");
    printTable(
      `First sync of ${count(fake.messages)} messages into PostgreSQL: runSync + Gmail provider + ingest vs the same parsed mail as plain SQL (baseline); rate = mailbox ÷ time`,
      ["", "seconds", "messages/s", "vs baseline", "conversations", "messages", "activities", "prospects"],
      [
        [
          `baseline: unnest INSERTs, ${BASELINE_PAGE} a transaction`,
          (baselineMs / 1000).toFixed(1),
          count(Math.round(baselineRate)),
          "baseline",
          count(Number(inserted.conversations)),
          count(Number(inserted.messages)),
          count(Number(inserted.activities)),
          count(Number(inserted.prospects)),
        ],
        [
          "sync: runSync until caught up",
          (sync.ms / 1000).toFixed(1),
          count(Math.round(syncRate)),
          `${ratio.toFixed(2)}×`,
          count(Number(synced.conversations)),
          count(Number(synced.messages)),
          count(Number(synced.activities)),
          count(Number(synced.prospects)),
        ],
      ],
    );
    printTable(
      "Sync details",
      ["", "value"],
      [
        [
          "runs (jobs of ≤ 25 s) / steps / HTTP requests",
          `${sync.runs} / ${count(sync.steps)} / ${count(sync.requests)}`,
        ],
        [
          "fetched / created / updated",
          `${count(sync.stats.fetched)} / ${count(sync.stats.created)} / ${count(sync.stats.updated)}`,
        ],
        ["skipped (reasons)", skipped || "none"],
        [
          "time in provider steps (fetch + parse) / in ingest (inside the transaction) / the rest (engine, commit)",
          [phases.providerMs, phases.ingestMs, sync.ms - phases.providerMs - phases.ingestMs]
            .map((ms) => `${(ms / 1000).toFixed(1)} s (${((100 * ms) / sync.ms).toFixed(0)}%)`)
            .join(" / "),
        ],
        [
          "CPU seconds of the sync: the syncing process / the fake Gmail / its PostgreSQL backends (≥)",
          `${cpu.own.toFixed(1)} / ${cpu.fake === null ? "n/a" : cpu.fake.toFixed(1)} / ${cpu.postgres.toFixed(1)}`,
        ],
        [
          "CPU seconds of the baseline: its process / its PostgreSQL backend",
          `${baseline.cpuSeconds.toFixed(1)} / ${baseline.postgresCpuSeconds === null ? "n/a" : baseline.postgresCpuSeconds.toFixed(1)}`,
        ],
        [
          "messages per CPU-second, all processes counted: sync (without the fake's) / baseline",
          `${count(Math.round(fake.messages / (cpu.own + cpu.postgres)))} / ${count(Math.round(fake.messages / (baseline.cpuSeconds + (baseline.postgresCpuSeconds ?? 0))))}`,
        ],
        [
          `RSS of the syncing process (sampled every ${RSS_SAMPLE_MS} ms): start / peak / end`,
          `${mb(memory.start)} / ${mb(memory.peak)} / ${mb(memory.end)}`,
        ],
        ["database size after the sync / after the baseline", `${synced.size} / ${inserted.size}`],
        [
          `incremental poll, nothing new (median of ${polls.length}): ms`,
          polls.length ? median(polls.map((p) => p.ms)).toFixed(1) : "n/a",
        ],
        [
          "incremental poll, nothing new: HTTP requests (outcomes)",
          `${[...new Set(polls.map((p) => p.requests))].join(", ")} (${[...new Set(polls.map((p) => p.outcome))].join(", ")})`,
        ],
      ],
    );
    const goal = (met: boolean) => (met ? "met" : "NOT met");
    console.log(
      `\nGoals (issue #12): ≥ ${GOAL_RATIO}× the baseline — ${goal(ratio >= GOAL_RATIO)} (${ratio.toFixed(2)}×); ` +
        `≥ ${count(GOAL_PER_SECOND)} messages/s — ${goal(syncRate >= GOAL_PER_SECOND)} (${count(Math.round(syncRate))}).`,
    );
    console.log(
      `Machine: ${availableParallelism()} CPUs shared by the sync, the fake Gmail and PostgreSQL (load average ${loadStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end: anything above ${availableParallelism()} means other work competed for the CPUs); Node ${process.version}.`,
    );
  } finally {
    setSyncProvider("gmail", null);
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

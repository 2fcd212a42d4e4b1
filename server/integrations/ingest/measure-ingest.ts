// A quick measurement (not a test, not the end-to-end benchmark): how fast applyChanges turns
// parsed emails into records, page by page in its own transaction as the engine calls it, against a
// baseline in the same run that inserts the same rows (conversations, messages, activities) with
// plain multi-row SQL and no matching at all.
//   npx tsx server/integrations/ingest/measure-ingest.ts [emails=10000]
//   (PostgreSQL too when TEST_DATABASE_URL is set, e.g. postgres://postgres@127.0.0.1:5432/postgres;
//   MEASURE_SKIP_PGLITE=1 for PostgreSQL only)
import pg from "pg";
import { pgliteDatabase, postgresDatabase, type DatabaseHandle } from "../../db/client";
import { applyMigrations } from "../../db/migrate";
import { pgPoolExecutor } from "../../db/sql";
import { createMigratedPGlite, databaseUrl, withAdminClient } from "../../../tests/setup/test-database";
import type { SyncedEmail } from "../types";
import { applyChanges } from "./index";
import { newRecordId as createId } from "./record-id";

const TOTAL = Number(process.argv[2] ?? 10_000);
const PAGE = 100;
const ME = "seller@northwind.test";

/** A deterministic mailbox: 200 accounts, 3 known people each, threads of 1–4 messages, 1 in 10 skipped. */
function mailbox(total: number): SyncedEmail[] {
  const out: SyncedEmail[] = [];
  let thread = 0;
  while (out.length < total) {
    thread += 1;
    const account = thread % 200;
    const length = 1 + (thread % 4);
    const outsider =
      thread % 10 === 0
        ? `friend${thread}@gmail.com`
        : thread % 7 === 0
          ? `new${thread % 50}@acct${account}.test`
          : `p${thread % 3}@acct${account}.test`;
    for (let i = 0; i < length && out.length < total; i += 1) {
      const n = out.length;
      const fromMe = i % 2 === 1;
      out.push({
        kind: "email",
        externalId: `msg${n}`,
        threadId: `thr${thread}`,
        rfcMessageId: `id${n}@mail.test`,
        subject: `${i > 0 ? "Re: " : ""}Renewal terms for account ${account}`,
        from: fromMe ? { email: ME, name: "Me" } : { email: outsider, name: `Person ${thread % 3}` },
        to: fromMe ? [{ email: outsider, name: null }] : [{ email: ME, name: "Me" }],
        cc: i === 0 ? [{ email: `colleague@northwind.test`, name: null }] : [],
        sentAt: new Date(Date.UTC(2026, 9, 1) + n * 60_000),
        body: `Hello,\n\nfollowing up on the renewal (${n}). The pricing sheet is attached; can we meet next week?\n\nBest`,
        quotedText: i > 0 ? "> earlier message\n> quoted" : null,
        attachmentNames: n % 5 === 0 ? ["pricing.pdf"] : [],
      });
    }
  }
  return out;
}

async function seed(db: DatabaseHandle) {
  const user = await db.prisma.user.create({ data: { email: ME, name: "Seller" } });
  for (let a = 0; a < 200; a += 1) {
    const account = await db.prisma.account.create({
      data: { userId: user.id, name: `Acct ${a}`, domain: `acct${a}.test` },
    });
    await db.prisma.prospect.createMany({
      data: [0, 1, 2].map((p) => ({
        userId: user.id,
        accountId: account.id,
        firstName: `P${p}`,
        lastName: `A${a}`,
        email: `p${p}@acct${a}.test`,
      })),
    });
  }
  return user.id;
}

async function ingest(db: DatabaseHandle, userId: string, emails: SyncedEmail[]) {
  for (let i = 0; i < emails.length; i += PAGE) {
    const page = emails.slice(i, i + PAGE);
    await db.prisma.$transaction(
      (tx) => applyChanges(tx, { userId, source: "gmail", ownEmails: [ME], now: new Date() }, page),
      { timeout: 60_000 },
    );
  }
}

/** The baseline: the same rows, already parsed and matched, inserted with plain multi-row SQL. */
async function baseline(db: DatabaseHandle, userId: string, emails: SyncedEmail[]) {
  const conversationOf = new Map<string, string>();
  for (let i = 0; i < emails.length; i += PAGE) {
    const page = emails.slice(i, i + PAGE);
    const conversations: object[] = [];
    for (const e of page)
      if (!conversationOf.has(e.threadId)) {
        const id = createId();
        conversationOf.set(e.threadId, id);
        conversations.push({ id, subject: e.subject, lastMessageAt: e.sentAt, externalId: e.threadId });
      }
    const messages = page.map((e) => ({
      id: createId(),
      conversationId: conversationOf.get(e.threadId),
      fromEmail: e.from.email,
      toEmails: e.to.map((t) => t.email),
      sentAt: e.sentAt,
      body: e.body,
      quotedText: e.quotedText,
      attachmentNames: e.attachmentNames,
      rfcMessageId: e.rfcMessageId,
      externalId: e.externalId,
    }));
    const activities = page.map((e) => ({
      id: createId(),
      at: e.sentAt,
      conversationId: conversationOf.get(e.threadId),
      summary: `Email: ${e.subject}`,
      externalId: e.externalId,
    }));
    const now = new Date();
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO conversations (id, "userId", channel, subject, "lastMessageAt", source, "externalId", "createdAt", "updatedAt")
        SELECT x.id, ${userId}, 'email', x.subject, x."lastMessageAt", 'gmail', x."externalId", ${now}, ${now}
        FROM jsonb_to_recordset(${JSON.stringify(conversations)}::jsonb)
          AS x(id text, subject text, "lastMessageAt" timestamptz, "externalId" text)`;
      await tx.$executeRaw`
        INSERT INTO messages (id, "userId", "conversationId", "fromEmail", "toEmails", "sentAt", body, "quotedText",
                              "attachmentNames", "rfcMessageId", source, "externalId", "createdAt", "updatedAt")
        SELECT x.id, ${userId}, x."conversationId", x."fromEmail", x."toEmails", x."sentAt", x.body, x."quotedText",
               x."attachmentNames", x."rfcMessageId", 'gmail', x."externalId", ${now}, ${now}
        FROM jsonb_to_recordset(${JSON.stringify(messages)}::jsonb) AS x(id text, "conversationId" text, "fromEmail" text,
             "toEmails" text[], "sentAt" timestamptz, body text, "quotedText" text, "attachmentNames" text[],
             "rfcMessageId" text, "externalId" text)`;
      await tx.$executeRaw`
        INSERT INTO activities (id, "userId", type, at, "conversationId", summary, source, "externalId", "createdAt", "updatedAt")
        SELECT x.id, ${userId}, 'email_received', x.at, x."conversationId", x.summary, 'gmail', x."externalId", ${now}, ${now}
        FROM jsonb_to_recordset(${JSON.stringify(activities)}::jsonb)
          AS x(id text, at timestamptz, "conversationId" text, summary text, "externalId" text)`;
    });
  }
}

async function measure(label: string, open: () => Promise<DatabaseHandle>) {
  const emails = mailbox(TOTAL);
  const rows: string[] = [];
  for (const [name, work] of [
    ["baseline: plain multi-row INSERT", baseline],
    ["applyChanges (matching, upserts)", ingest],
    ["applyChanges again (nothing new)", null],
  ] as const) {
    if (work === null) continue;
    const db = await open();
    try {
      const userId = await seed(db);
      const started = performance.now();
      await work(db, userId, emails);
      const ms = performance.now() - started;
      rows.push(
        `${label.padEnd(11)} ${name.padEnd(36)} ${ms.toFixed(0).padStart(7)} ms ${((TOTAL / ms) * 1000).toFixed(0).padStart(7)} msg/s`,
      );
      if (work === ingest) {
        const again = performance.now();
        await ingest(db, userId, emails);
        const ms2 = performance.now() - again;
        rows.push(
          `${label.padEnd(11)} ${"applyChanges again (nothing new)".padEnd(36)} ${ms2.toFixed(0).padStart(7)} ms ${((TOTAL / ms2) * 1000).toFixed(0).padStart(7)} msg/s`,
        );
        const messages = await db.prisma.message.count();
        rows.push(`${label.padEnd(11)} stored messages ${messages}, prospects ${await db.prisma.prospect.count()}`);
      }
    } finally {
      await db.close();
    }
  }
  for (const row of rows) console.log(row);
}

// MEASURE_SKIP_PGLITE=1 measures PostgreSQL only.
if (!process.env.MEASURE_SKIP_PGLITE) await measure("PGlite", async () => pgliteDatabase(await createMigratedPGlite()));
const serverUrl = process.env.TEST_DATABASE_URL;
if (serverUrl) {
  let n = 0;
  await measure("PostgreSQL", async () => {
    n += 1;
    const name = `sac_test_measure_ingest_${process.pid}_${n}`;
    await withAdminClient(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
    const pool = new pg.Pool({ connectionString: databaseUrl(serverUrl, name), max: 1 });
    await applyMigrations(pgPoolExecutor(pool));
    await pool.end();
    const db = postgresDatabase(databaseUrl(serverUrl, name), { timeouts: { connectMs: 5_000, statementMs: 120_000 } });
    const close = db.close.bind(db);
    return {
      ...db,
      close: async () => {
        await close();
        await withAdminClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      },
    };
  });
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

// The whole sync, end to end, with the REAL Google providers: the fake Google OAuth server issues,
// refreshes and revokes the tokens; the fake Gmail and Calendar APIs (seeded by their deterministic
// generators) answer on loopback; the registry's Gmail and Calendar providers read them through
// Google's official clients; the engine runs them and the real ingest turns what they find into
// records in a real database (PGlite or PostgreSQL). Everything is proven by counts of records.
// The engine's own edge cases, with a generic provider, are in engine.test.ts.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CalendarStore } from "../../tests/fakes/google-apis/calendar";
import { generateCalendar, loadCalendar } from "../../tests/fakes/google-apis/calendar-data";
import { GmailStore, type GmailMessagePart } from "../../tests/fakes/google-apis/gmail";
import { generateMailbox, type GeneratedMailbox } from "../../tests/fakes/google-apis/mailbox";
import { makeDue, startSyncHarness, type SyncHarness } from "../../tests/fakes/provider/harness";
import { databaseUrl } from "../../tests/setup/test-database";
import { beginGoogleConnect, completeGoogleConnect, googleRedirectUri } from "../auth/google";
import type { Db } from "../db/client";
import { createLogger, setLogger } from "../logger";
import { connectTool } from "./connect";
import { disconnectConnection, requestSync } from "./connections";
import { dueConnections, LEASE_MS, rescueStuckSyncs, runSync, type RunResult } from "./engine";
import { PROVIDERS } from "./providers";
import { decryptToken, parseTokenKeys, setTokenKeys } from "./token-crypto";

const GMAIL_SCOPES = PROVIDERS.find((p) => p.id === "gmail")!.scopes;
const CALENDAR_SCOPES = PROVIDERS.find((p) => p.id === "gcal")!.scopes;
const APP_URL = "http://127.0.0.1:3999";
const MAX_ATTEMPTS = 4;
/** In a message body only: it must never reach a log line (P5). */
const BODY_MARKER = "Confidential-body-marker-5c1e9a";
const CUSTOMER_DOMAIN = "orbit-logistics.example";
const COUNTERPARTS = [
  { email: `ana.silva@${CUSTOMER_DOMAIN}`, name: "Ana Silva" },
  { email: `bo.berg@${CUSTOMER_DOMAIN}`, name: "Bo Berg" },
];

let harness: SyncHarness;
const logLines: string[] = [];
/** Every secret seen in this file (tokens, codes): none may appear in a log line (P5). */
const secrets: string[] = [];

beforeAll(async () => {
  harness = await startSyncHarness({
    googleApis: true,
    maxAttempts: MAX_ATTEMPTS,
    accounts: [{ sub: "10987654321", email: "mara@northbeam.example", name: "Mara North" }],
    redirectUris: [googleRedirectUri(APP_URL)],
  });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString("utf8"));
      done();
    },
  });
  setLogger(createLogger({ level: "debug", destination }));
});
beforeEach(() => apis().clearFaults());
afterAll(async () => {
  setLogger(createLogger({ level: "silent" }));
  await harness.close();
});

const googleApis = () => harness.googleApis!;
const apis = () => googleApis().apis;

/** The kinds of thread in a generated mailbox and what ingest does with each (the rules). */
const SKIP_OF_KIND = { internal: "internal_only", freemail: "personal_only", newsletter: "no_known_party" } as const;

/**
 * What a first sync of a generated mailbox must store and skip, worked out from the generator alone:
 * Spam and Trash are not listed; a message without From is missing a field; customer threads are
 * stored (their people are prospects or at the account's domain); the other kinds are skipped per
 * message, with their reason.
 */
function expectedOf(generated: GeneratedMailbox) {
  const stored = new Set<string>();
  const threads = new Set<string>();
  const skipped: Record<string, number> = {};
  for (let index = 0; index < generated.count; index += 1) {
    const entry = generated.entry(index);
    if (entry.labelIds.includes("SPAM") || entry.labelIds.includes("TRASH")) continue;
    const reason =
      index % 500 === 19
        ? "missing_field"
        : generated.kind(index) === "customer"
          ? null
          : SKIP_OF_KIND[generated.kind(index) as keyof typeof SKIP_OF_KIND];
    if (reason) skipped[reason] = (skipped[reason] ?? 0) + 1;
    else {
      stored.add(entry.id);
      threads.add(entry.threadId);
    }
  }
  const fetched = stored.size + Object.values(skipped).reduce((a, b) => a + b, 0);
  return { stored, threads, skipped, fetched };
}

/** A seller with a customer account (one known prospect) and a connected mailbox or calendar. */
async function seller(provider: "gmail" | "gcal" = "gmail") {
  const mailbox = `seller-${randomBytes(4).toString("hex")}@northbeam.example`;
  const connected = await harness.connectedUser(undefined, { provider, mailbox });
  secrets.push(connected.tokens.accessToken, connected.tokens.refreshToken);
  const account = await connected.db.account.create({
    data: { userId: connected.user.id, name: "Orbit Logistics", domain: CUSTOMER_DOMAIN },
  });
  await connected.db.prospect.create({
    data: {
      userId: connected.user.id,
      accountId: account.id,
      firstName: "Ana",
      lastName: "Silva",
      email: COUNTERPARTS[0]!.email,
    },
  });
  return { ...connected, account };
}

function mailboxFor(owner: string, messageCount: number, seed = 12) {
  const generated = generateMailbox({
    seed,
    owner: { email: owner, name: "Sam Seller" },
    colleagues: [{ email: `kim@${owner.split("@")[1]}`, name: "Kim Colleague" }],
    counterparts: COUNTERPARTS,
    messageCount,
    days: 60,
    now: new Date(),
  });
  const store = new GmailStore(owner);
  store.seed(generated);
  googleApis().mailboxes.set(owner, store);
  return { store, generated, expected: expectedOf(generated) };
}

async function gmailCounts(db: Db, userId: string) {
  const [messages, distinct, conversations] = await Promise.all([
    db.message.count({ where: { userId, source: "gmail" } }),
    db.message.groupBy({ by: ["externalId"], where: { userId, source: "gmail" } }),
    db.conversation.count({ where: { userId, source: "gmail" } }),
  ]);
  return { messages, distinctMessages: distinct.length, conversations };
}

const connectionRow = (db: Db, id: string) => db.integrationConnection.findUniqueOrThrow({ where: { id } });

/** Runs the connection's sync until the provider is caught up (a long sync continues from job to job). */
async function syncToEnd(db: Db, connectionId: string): Promise<RunResult> {
  let last: RunResult | null = null;
  for (let run = 0; run < 50; run += 1) {
    last = await runSync(db, connectionId);
    if (last.outcome !== "continues") return last;
  }
  throw new Error(`never caught up: ${JSON.stringify(last)}`);
}

function customerMessage(subject: string, body: string, extra: { threadId?: string; from?: string } = {}) {
  const payload: GmailMessagePart = {
    partId: "",
    mimeType: "text/plain",
    filename: "",
    headers: [
      { name: "From", value: `Ana Silva <${extra.from ?? COUNTERPARTS[0]!.email}>` },
      { name: "To", value: "seller@northbeam.example" },
      { name: "Subject", value: subject },
      { name: "Date", value: new Date().toUTCString() },
      { name: "Message-ID", value: `<${randomBytes(6).toString("hex")}@${CUSTOMER_DOMAIN}>` },
      { name: "Content-Type", value: 'text/plain; charset="utf-8"' },
    ],
    body: { size: Buffer.byteLength(body), data: Buffer.from(body).toString("base64url") },
  };
  return { labelIds: ["INBOX"], internalDate: Date.now() - 60_000, payload, threadId: extra.threadId };
}

describe("Gmail: first sync and incremental polling", () => {
  it("a generated mailbox of several pages: every eligible message exactly once, a conversation per thread, skips counted per reason", async () => {
    const { db, user, connection, mailbox } = await seller();
    const { expected } = mailboxFor(mailbox, 260);
    expect(expected.stored.size).toBeGreaterThan(100);

    const result = await syncToEnd(db, connection.id);
    expect(result.outcome).toBe("caught_up");
    expect(await gmailCounts(db, user.id)).toEqual({
      messages: expected.stored.size,
      distinctMessages: expected.stored.size,
      conversations: expected.threads.size,
    });
    const stored = await db.message.findMany({
      where: { userId: user.id, source: "gmail" },
      select: { externalId: true },
    });
    expect(new Set(stored.map((m) => m.externalId))).toEqual(expected.stored);
    const row = await connectionRow(db, connection.id);
    expect(row.totalStats).toMatchObject({ fetched: expected.fetched, skipped: expected.skipped, deleted: 0 });
    expect(row).toMatchObject({ status: "active", stage: "idle", cursor: { mode: "incremental" } });
    expect(row.firstSyncCompletedAt).toBeInstanceOf(Date);
    // Several pages of Gmail's listing, each message fetched once.
    const listings = apis().requests.filter((r) => r.email === mailbox && /\/users\/me\/messages$/.test(r.path));
    expect(listings.length).toBeGreaterThanOrEqual(3);
    const gets = apis().requests.filter((r) => r.email === mailbox && /\/users\/me\/messages\/[^/]+$/.test(r.path));
    expect(gets).toHaveLength(expected.fetched);
    // The customer's other person, unknown before, became a prospect of the account.
    expect(await db.prospect.count({ where: { userId: user.id, email: COUNTERPARTS[1]!.email } })).toBe(1);
  });

  it("incremental: a new message arrives, one is deleted at Gmail (gone here), one moved to Trash (gone here)", async () => {
    const { db, user, connection, mailbox } = await seller();
    const { store, expected } = mailboxFor(mailbox, 120, 21);
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const [deletedId, trashedId] = [...expected.stored];
    const arrived = store.addMessage(customerMessage("Signed order form", `${BODY_MARKER} here is the order form.`));
    store.deleteMessage(deletedId!);
    store.addLabels(trashedId!, ["TRASH"]);

    await makeDue(db, connection.id);
    const before = apis().requests.length;
    const polled = await syncToEnd(db, connection.id);
    expect(polled).toMatchObject({ outcome: "caught_up", steps: 1 });
    expect(polled.stats).toMatchObject({ created: 1, deleted: 2 });
    // history.list once, then the one new message.
    expect(apis().requests.length - before).toBe(2);
    const ids = new Set(
      (await db.message.findMany({ where: { userId: user.id, source: "gmail" }, select: { externalId: true } })).map(
        (m) => m.externalId,
      ),
    );
    expect(ids.has(arrived)).toBe(true);
    expect(ids.has(deletedId!)).toBe(false);
    expect(ids.has(trashedId!)).toBe(false);
    expect((await gmailCounts(db, user.id)).messages).toBe(expected.stored.size + 1 - 2);
    expect(await db.message.count({ where: { userId: user.id, body: { contains: BODY_MARKER } } })).toBe(1);

    // Nothing new: one request, nothing written.
    await makeDue(db, connection.id);
    const quiet = apis().requests.length;
    expect(await syncToEnd(db, connection.id)).toMatchObject({ outcome: "caught_up", requests: 1 });
    expect(apis().requests.length - quiet).toBe(1);
  });
});

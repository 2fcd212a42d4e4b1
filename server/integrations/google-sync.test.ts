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
import { dueConnections, LEASE_MS, rescueStuckSyncs, runSync, syncWindow, type RunResult } from "./engine";
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

function calendarFor(owner: string, seed = 5) {
  const store = new CalendarStore({ owner });
  const generated = generateCalendar({
    seed,
    owner: { email: owner, name: "Sam Seller" },
    colleagues: [{ email: `kim@${owner.split("@")[1]}`, name: "Kim Colleague" }],
    counterparts: COUNTERPARTS,
    daysBack: 60,
    daysAhead: 120,
    count: 90,
    now: new Date(),
  });
  loadCalendar(store, generated);
  googleApis().calendars.set(owner, store);
  return { store, generated };
}

const meetingsOf = (db: Db, userId: string) =>
  db.meeting.findMany({ where: { userId, source: "gcal" }, include: { attendees: true } });

describe("Google Calendar: first sync and incremental polling", () => {
  it("a generated calendar: every meeting once, recurring instances within the window, all-day and broken events skipped, the cancelled instance absent", async () => {
    const { db, user, connection, mailbox } = await seller("gcal");
    const { generated } = calendarFor(mailbox);
    const [series] = generated.series;
    expect(series?.movedInstance && series.cancelledInstance).toBeTruthy();

    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const meetings = await meetingsOf(db, user.id);
    const oneOff = meetings.filter((m) => !m.externalId!.includes("_"));
    const instances = meetings.filter((m) => m.externalId!.startsWith(`${mailbox}:${series!.id}_`));
    expect(oneOff).toHaveLength(generated.counts.customer);
    expect(instances.length + oneOff.length).toBe(meetings.length);
    expect(new Set(meetings.map((m) => m.externalId)).size).toBe(meetings.length);
    // The weekly series is open-ended: one instance a week from its start (inside the sync window)
    // to the window's end (180 days ahead by default), less the cancelled one.
    const master = generated.events.find((e) => e.id === series!.id)!;
    const firstStart = Date.parse(master.start!.dateTime!);
    const windowEnd = syncWindow(new Date()).calendarTo.getTime();
    expect(firstStart).toBeGreaterThan(syncWindow(new Date()).calendarFrom.getTime());
    expect(instances).toHaveLength(Math.ceil((windowEnd - firstStart) / (7 * 86_400_000)) - 1);
    const instanceId = (iso: string) =>
      `${mailbox}:${series!.id}_${new Date(iso)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "")}`;
    expect(meetings.some((m) => m.externalId === instanceId(series!.cancelledInstance!))).toBe(false);
    const moved = meetings.find((m) => m.externalId === instanceId(series!.movedInstance!))!;
    expect(moved.startsAt).toEqual(new Date(Date.parse(series!.movedInstance!) + 3_600_000));
    expect(meetings.every((m) => m.cancelledAt === null && m.attendees.length > 0)).toBe(true);

    const row = await connectionRow(db, connection.id);
    expect(row.totalStats).toMatchObject({
      created: meetings.length,
      skipped: {
        all_day: generated.counts.allDay,
        missing_field: generated.counts.missingEnd,
        malformed: generated.counts.badDateTime,
        // Internal 1:1s and events with nobody but the owner have no outside party.
        internal_only: generated.counts.internal + generated.counts.noAttendees,
      },
    });
    expect(row.firstSyncCompletedAt).toBeInstanceOf(Date);
  });

  it("an event moved, then cancelled: the meeting follows the move, then is marked cancelled with the moved times kept", async () => {
    const { db, user, connection, mailbox } = await seller("gcal");
    const { store } = calendarFor(mailbox, 6);
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const before = await meetingsOf(db, user.id);
    const target = before.find((m) => !m.externalId!.includes("_") && m.startsAt > new Date())!;
    const eventId = target.externalId!.split(":")[1]!;
    const start = new Date(target.startsAt.getTime() + 2 * 86_400_000);
    const end = new Date(start.getTime() + 45 * 60_000);
    store.moveEvent(mailbox, eventId, { dateTime: start.toISOString() }, { dateTime: end.toISOString() });

    await makeDue(db, connection.id);
    expect(await syncToEnd(db, connection.id)).toMatchObject({ outcome: "caught_up", stats: { updated: 1 } });
    let meeting = await db.meeting.findUniqueOrThrow({ where: { id: target.id } });
    expect(meeting).toMatchObject({ startsAt: start, endsAt: end, cancelledAt: null });

    store.cancelEvent(mailbox, eventId);
    await makeDue(db, connection.id);
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    meeting = await db.meeting.findUniqueOrThrow({ where: { id: target.id } });
    expect(meeting.cancelledAt).toBeInstanceOf(Date);
    expect(meeting).toMatchObject({ startsAt: start, endsAt: end });
    expect(await db.meeting.count({ where: { userId: user.id, source: "gcal" } })).toBe(before.length);
  });
});

describe("a cursor the provider no longer knows: full re-sync that merges", () => {
  it("Gmail history 404: no duplicates, the new mail arrives, and the user's link of a synced conversation to a deal survives", async () => {
    const { db, user, account, connection, mailbox } = await seller();
    const { store, expected } = mailboxFor(mailbox, 130, 31);
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const deal = await db.opportunity.create({ data: { userId: user.id, accountId: account.id, name: "Orbit pilot" } });
    const conversation = await db.conversation.findFirstOrThrow({ where: { userId: user.id, source: "gmail" } });
    await db.conversation.update({ where: { id: conversation.id }, data: { opportunityId: deal.id } });

    const arrived = store.addMessage(customerMessage("While you were away", "New numbers attached."));
    // Gmail kept no history back to our historyId (about a week offline).
    store.expireHistoryBefore(store.historyId);
    await makeDue(db, connection.id);
    const firstCompleted = (await connectionRow(db, connection.id)).firstSyncCompletedAt;
    const resynced = await syncToEnd(db, connection.id);
    expect(resynced.outcome, (await connectionRow(db, connection.id)).lastSyncError ?? "").toBe("caught_up");
    expect(apis().requests.some((r) => r.email === mailbox && r.path.endsWith("/history") && r.status === 404)).toBe(
      true,
    );
    // The whole window read again: only the new message is created; what was stored is merged.
    expect(resynced.stats).toMatchObject({ fetched: expected.fetched + 1, created: 1, deleted: 0 });
    expect(await gmailCounts(db, user.id)).toEqual({
      messages: expected.stored.size + 1,
      distinctMessages: expected.stored.size + 1,
      conversations: expected.threads.size + 1,
    });
    expect(await db.message.count({ where: { userId: user.id, externalId: arrived } })).toBe(1);
    expect(await db.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).toMatchObject({
      opportunityId: deal.id,
    });
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "active", stage: "idle", lastErrorKind: null, consecutiveFailures: 0 });
    expect(row.firstSyncCompletedAt).toEqual(firstCompleted);
  });

  it("Calendar 410 Gone: no duplicates, and a note on a synced meeting survives", async () => {
    const { db, user, connection, mailbox } = await seller("gcal");
    const { store } = calendarFor(mailbox, 8);
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const count = await db.meeting.count({ where: { userId: user.id, source: "gcal" } });
    const meeting = await db.meeting.findFirstOrThrow({ where: { userId: user.id, source: "gcal" } });
    await db.note.create({ data: { userId: user.id, meetingId: meeting.id, body: "They want SSO before signing." } });

    store.invalidateSyncTokens();
    await makeDue(db, connection.id);
    const resynced = await syncToEnd(db, connection.id);
    expect(resynced.outcome).toBe("caught_up");
    expect(apis().requests.some((r) => r.email === mailbox && r.status === 410)).toBe(true);
    // Unchanged meetings are read again and left as they are: nothing created, nothing deleted.
    expect(resynced.stats).toMatchObject({ created: 0, deleted: 0 });
    expect(resynced.stats.fetched).toBeGreaterThanOrEqual(count);
    expect(await db.meeting.count({ where: { userId: user.id, source: "gcal" } })).toBe(count);
    expect(await db.note.findUniqueOrThrow({ where: { meetingId: meeting.id } })).toMatchObject({
      body: "They want SSO before signing.",
    });
  });
});

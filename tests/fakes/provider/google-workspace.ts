// What the end-to-end sync tests with the real Google providers share (server/integrations/
// google-sync*.test.ts): sellers with a customer account and a connected mailbox or calendar, seeded
// by the deterministic generators into the harness's fake Gmail and Calendar APIs; what a first sync
// of a generated mailbox must store and skip, worked out from the generator alone; counts of records.
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import type { Db } from "../../../server/db/client";
import { runSync, type RunResult } from "../../../server/integrations/engine";
import { createLogger, setLogger } from "../../../server/logger";
import { CalendarStore } from "../google-apis/calendar";
import { generateCalendar, loadCalendar } from "../google-apis/calendar-data";
import { GmailStore, type GmailMessagePart } from "../google-apis/gmail";
import { generateMailbox, type GeneratedMailbox } from "../google-apis/mailbox";
import type { SyncHarness } from "./harness";

/** In a message body only: it must never reach a log line (P5). */
export const BODY_MARKER = "Confidential-body-marker-5c1e9a";
export const CUSTOMER_DOMAIN = "orbit-logistics.example";
export const COUNTERPARTS = [
  { email: `ana.silva@${CUSTOMER_DOMAIN}`, name: "Ana Silva" },
  { email: `bo.berg@${CUSTOMER_DOMAIN}`, name: "Bo Berg" },
];

/** Captures every log line of this process (debug and up) for the P5 checks; returns the lines. */
export function captureLogs(): string[] {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  setLogger(createLogger({ level: "debug", destination }));
  return lines;
}

export const connectionRow = (db: Db, id: string) => db.integrationConnection.findUniqueOrThrow({ where: { id } });

/** Runs the connection's sync until the provider is caught up (a long sync continues from job to job). */
export async function syncToEnd(db: Db, connectionId: string): Promise<RunResult> {
  let last: RunResult | null = null;
  for (let run = 0; run < 50; run += 1) {
    last = await runSync(db, connectionId);
    if (last.outcome !== "continues") return last;
  }
  throw new Error(`never caught up: ${JSON.stringify(last)}`);
}

export async function gmailCounts(db: Db, userId: string) {
  const [messages, distinct, conversations] = await Promise.all([
    db.message.count({ where: { userId, source: "gmail" } }),
    db.message.groupBy({ by: ["externalId"], where: { userId, source: "gmail" } }),
    db.conversation.count({ where: { userId, source: "gmail" } }),
  ]);
  return { messages, distinctMessages: distinct.length, conversations };
}

/** The kinds of thread in a generated mailbox and what ingest does with each (the rules). */
const SKIP_OF_KIND = { internal: "internal_only", freemail: "personal_only", newsletter: "no_known_party" } as const;

/**
 * What a first sync of a generated mailbox must store and skip, worked out from the generator alone:
 * Spam and Trash are not listed; a message without From is missing a field; customer threads are
 * stored (their people are prospects or at the account's domain); the other kinds are skipped per
 * message, with their reason.
 */
export function expectedOf(generated: GeneratedMailbox) {
  const stored = new Set<string>();
  const threads = new Set<string>();
  const skipped: Record<string, number> = {};
  for (let index = 0; index < generated.count; index += 1) {
    const entry = generated.entry(index);
    if (entry.labelIds.includes("SPAM") || entry.labelIds.includes("TRASH")) continue;
    // The generator leaves the From header out at this offset of every 500 messages (ODD_AT).
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

/** Sellers, mailboxes and calendars in `harness` (started with googleApis). */
export function googleWorkspace(harness: SyncHarness) {
  const googleApis = () => harness.googleApis!;
  /** Every token the fake issued for these sellers: none may appear in a log line (P5). */
  const secrets: string[] = [];

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

  return { seller, mailboxFor, calendarFor, secrets };
}

export const meetingsOf = (db: Db, userId: string) =>
  db.meeting.findMany({ where: { userId, source: "gcal" }, include: { attendees: true } });

export function customerMessage(subject: string, body: string, extra: { threadId?: string; from?: string } = {}) {
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

// The whole sync, end to end, with the REAL Google providers: the fake Google OAuth server issues,
// refreshes and revokes the tokens; the fake Gmail and Calendar APIs (seeded by their deterministic
// generators) answer on loopback; the registry's Gmail and Calendar providers read them through
// Google's official clients; the engine runs them and the real ingest turns what they find into
// records in a real database (PGlite or PostgreSQL). Everything is proven by counts of records.
// The engine's own edge cases, with a generic provider, are in engine.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  BODY_MARKER,
  captureLogs,
  connectionRow,
  COUNTERPARTS,
  customerMessage,
  gmailCounts,
  googleWorkspace,
  meetingsOf,
  syncToEnd,
} from "../../tests/fakes/provider/google-workspace";
import { makeDue, startSyncHarness, type SyncHarness } from "../../tests/fakes/provider/harness";
import { createLogger, setLogger } from "../logger";
import { syncWindow } from "./engine";

let harness: SyncHarness;
let workspace: ReturnType<typeof googleWorkspace>;

beforeAll(async () => {
  harness = await startSyncHarness({ googleApis: true });
  workspace = googleWorkspace(harness);
  captureLogs();
});
beforeEach(() => apis().clearFaults());
afterAll(async () => {
  setLogger(createLogger({ level: "silent" }));
  await harness.close();
});

const apis = () => harness.googleApis!.apis;
/** HTTP requests sent to Google (a batch is one, whatever it carries). */
const httpRequests = () => apis().requests.filter((r) => !r.inBatch).length;
describe("Gmail: first sync and incremental polling", () => {
  it("a generated mailbox of several pages: every eligible message exactly once, a conversation per thread, skips counted per reason", async () => {
    const { db, user, connection, mailbox } = await workspace.seller();
    const { expected } = workspace.mailboxFor(mailbox, 260);
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
    const { db, user, connection, mailbox } = await workspace.seller();
    const { store, expected } = workspace.mailboxFor(mailbox, 120, 21);
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const [deletedId, trashedId] = [...expected.stored];
    const arrived = store.addMessage(customerMessage("Signed order form", `${BODY_MARKER} here is the order form.`));
    store.deleteMessage(deletedId!);
    store.addLabels(trashedId!, ["TRASH"]);

    await makeDue(db, connection.id);
    const before = httpRequests();
    const polled = await syncToEnd(db, connection.id);
    expect(polled).toMatchObject({ outcome: "caught_up", steps: 1 });
    expect(polled.stats).toMatchObject({ created: 1, deleted: 2 });
    // history.list once, then one batch fetching the new message.
    expect(httpRequests() - before).toBe(2);
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
    const quiet = httpRequests();
    expect(await syncToEnd(db, connection.id)).toMatchObject({ outcome: "caught_up", requests: 1 });
    expect(httpRequests() - quiet).toBe(1);
  });
});

describe("Google Calendar: first sync and incremental polling", () => {
  it("a generated calendar: every meeting once, recurring instances within the window, all-day and broken events skipped, the cancelled instance absent", async () => {
    const { db, user, connection, mailbox } = await workspace.seller("gcal");
    const { generated } = workspace.calendarFor(mailbox);
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
    const { db, user, connection, mailbox } = await workspace.seller("gcal");
    const { store } = workspace.calendarFor(mailbox, 6);
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
    const { db, user, account, connection, mailbox } = await workspace.seller();
    const { store, expected } = workspace.mailboxFor(mailbox, 130, 31);
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
    const { db, user, connection, mailbox } = await workspace.seller("gcal");
    const { store } = workspace.calendarFor(mailbox, 8);
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

// The Calendar provider against the fake Calendar API on a loopback port: the official client, real
// HTTP, the fake's sync tokens, empty pages, 410s and injected faults.
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CalendarStore, calendarRouter, HOLIDAY_CALENDAR_ID } from "../../../tests/fakes/google-apis/calendar";
import {
  demoCalendarStore,
  generateCalendar,
  holidayEvents,
  loadCalendar,
  MEETING_ROOM,
} from "../../../tests/fakes/google-apis/calendar-data";
import { FakeGoogleApis, listenOnLoopback, type GoogleApiCaller } from "../../../tests/fakes/google-apis/index";
import { AccessTokenRejectedError, CursorExpiredError, ProviderAuthError, TemporaryProviderError } from "../errors";
import type { SkippedItem, SyncChange, SyncCursor, SyncedMeeting, SyncProvider, SyncStep, SyncWindow } from "../types";
import { syncProvider } from "../registry";
import { convertEvent, createCalendarProvider, type CalendarCursor } from "./calendar";

/** A change's provider id (every kind the calendar sends has one). */
const idOf = (c: SyncChange) => ("externalId" in c ? c.externalId : "");

const CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.readonly";
const NOW = new Date("2026-12-07T12:00:00Z");
const DAY = 86_400_000;
const WINDOW: SyncWindow = {
  mailSince: new Date(NOW.getTime() - 90 * DAY),
  calendarFrom: new Date(NOW.getTime() - 30 * DAY),
  calendarTo: new Date(NOW.getTime() + 60 * DAY),
};

const tokens = new Map<string, GoogleApiCaller>();
const stores = new Map<string, CalendarStore>();
const apis = new FakeGoogleApis((token) => tokens.get(token) ?? null);
apis.mount(
  "/calendar/v3",
  calendarRouter((email) => stores.get(email)),
);
let server: Awaited<ReturnType<typeof listenOnLoopback>>;
let provider: SyncProvider;
let userCount = 0;

beforeAll(async () => {
  server = await listenOnLoopback(apis.router());
  provider = createCalendarProvider({ rootUrl: server.base, pageSize: 5 });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => apis.clearFaults());

/** A fresh user with a calendar store and a valid access token. */
function newUser(
  options: { secondary?: boolean; holidays?: boolean; emptyPageEvery?: number; scopes?: string[] } = {},
) {
  userCount += 1;
  const email = `seller${userCount}@acme.test`;
  const store = new CalendarStore({ owner: email, now: () => NOW, ...options });
  stores.set(email, store);
  const token = `token-${userCount}`;
  tokens.set(token, { email, scopes: options.scopes ?? [CALENDAR_SCOPE] });
  return { email, store, token };
}

const at = (iso: string) => ({ dateTime: iso, timeZone: "UTC" });

function meetingInput(id: string, startIso: string, minutes = 30, guests = ["buyer@globex.test"]) {
  const start = new Date(startIso);
  return {
    id,
    summary: `Meeting ${id}`,
    organizer: { email: "organizer@acme.test" },
    start: at(start.toISOString()),
    end: at(new Date(start.getTime() + minutes * 60_000).toISOString()),
    attendees: guests.map((email) => ({ email, responseStatus: "accepted" as const })),
  };
}

const signal = () => new AbortController().signal;

async function step(token: string, cursor: SyncCursor | null, window = WINDOW): Promise<SyncStep> {
  return provider.step({ accessToken: token, cursor, window, now: NOW, signal: signal() });
}

/** Steps until the provider says it caught up; every step is kept. */
async function syncToEnd(token: string, cursor: SyncCursor | null, window = WINDOW) {
  const steps: SyncStep[] = [];
  let current = cursor;
  for (let i = 0; i < 10_000; i += 1) {
    const result = await step(token, current, window);
    steps.push(result);
    current = result.cursor;
    if (result.caughtUp) break;
  }
  const changes: SyncChange[] = steps.flatMap((s) => s.changes);
  const skipped: SkippedItem[] = steps.flatMap((s) => s.skipped);
  return { steps, changes, skipped, cursor: current!, requests: steps.reduce((n, s) => n + s.requests, 0) };
}

const meetings = (changes: SyncChange[]) => changes.filter((c): c is SyncedMeeting => c.kind === "meeting");

describe("full sync", () => {
  it("reads both owned calendars page by page, through empty pages, and leaves the holiday calendar alone", async () => {
    const { store, token, email } = newUser({ secondary: true, holidays: true, emptyPageEvery: 3 });
    for (let i = 0; i < 12; i += 1) store.addEvent(email, meetingInput(`prim${i}0000`, `2026-12-${10 + i}T15:00:00Z`));
    const secondary = store.secondaryCalendarId!;
    for (let i = 0; i < 3; i += 1)
      store.addEvent(secondary, meetingInput(`seco${i}0000`, `2026-11-${10 + i}T09:00:00Z`));
    store.addEvents(HOLIDAY_CALENDAR_ID, holidayEvents(NOW));
    // Outside the window: not listed at all.
    store.addEvent(email, meetingInput("farfuture0", "2027-06-01T10:00:00Z"));
    store.addEvent(email, meetingInput("longago000", "2026-01-05T10:00:00Z"));
    apis.requests.length = 0;

    const { steps, changes, skipped, cursor } = await syncToEnd(token, null);

    const ids = meetings(changes).map((m) => m.externalId);
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(15);
    expect(ids.filter((id) => id.startsWith(`${email}:prim`))).toHaveLength(12);
    expect(ids.filter((id) => id.startsWith(`${secondary}:seco`))).toHaveLength(3);
    expect(skipped).toEqual([]);
    // An empty page with a nextPageToken was followed, not taken for the end.
    const emptyButMore = steps.filter((s) => s.changes.length === 0 && !s.caughtUp);
    expect(emptyButMore.length).toBeGreaterThanOrEqual(1);
    expect(steps.every((s) => s.mode === "full")).toBe(true);
    expect(steps.at(-1)!.caughtUp).toBe(true);
    expect(steps.slice(0, -1).every((s) => !s.caughtUp)).toBe(true);
    expect(steps.at(-1)!.progress).toEqual({ done: 15, total: 15 });
    // Each step reads at most one page of events.
    expect(steps.every((s) => s.changes.length <= 5)).toBe(true);

    const stored = cursor as CalendarCursor;
    expect(Object.keys(stored.calendars).sort()).toEqual([email, secondary].sort());
    expect(Object.values(stored.calendars).every((c) => c.syncToken && !c.pageToken)).toBe(true);
    expect(apis.requests.some((r) => decodeURIComponent(r.path).includes("holiday"))).toBe(false);
    expect(apis.requests.filter((r) => r.path.endsWith("/calendarList"))).toHaveLength(1);

    const first = meetings(changes).find((m) => m.externalId === `${email}:prim00000`)!;
    expect(first).toEqual({
      kind: "meeting",
      externalId: `${email}:prim00000`,
      title: "Meeting prim00000",
      startsAt: new Date("2026-12-10T15:00:00Z"),
      endsAt: new Date("2026-12-10T15:30:00Z"),
      location: null,
      organizer: { email: "organizer@acme.test", name: null },
      attendees: [{ email: "buyer@globex.test", name: null }],
      cancelled: false,
    });
  });

  it("resumes from a saved cursor after a crash with nothing lost and nothing twice; what changed while it paged comes next poll", async () => {
    const { store, token, email } = newUser({ secondary: true });
    for (let i = 0; i < 23; i += 1)
      store.addEvent(
        email,
        meetingInput(`page${String(i).padStart(2, "0")}000`, `2026-12-${10 + (i % 15)}T1${i % 8}:00:00Z`),
      );
    for (let i = 0; i < 7; i += 1)
      store.addEvent(store.secondaryCalendarId!, meetingInput(`side${i}0000`, `2026-11-2${i}T09:00:00Z`));

    // The engine stored the cursor of step 3 with its records, then the process died.
    const before: SyncStep[] = [];
    let cursor: SyncCursor | null = null;
    for (let i = 0; i < 3; i += 1) {
      const result = await step(token, cursor);
      before.push(result);
      cursor = result.cursor;
    }
    // Meanwhile the user edits the calendar: one event moved, one added, one cancelled.
    store.moveEvent(email, "page00000", at("2026-12-30T08:00:00Z"), at("2026-12-30T08:30:00Z"));
    store.addEvent(email, meetingInput("late000001", "2026-12-31T10:00:00Z"));
    store.cancelEvent(email, "page22000");

    const resumed = await syncToEnd(token, cursor);
    const ids = [...before, ...resumed.steps].flatMap((s) => s.changes).map((c) => idOf(c));
    // Every event once. (Edits that land after their page was read come with the next poll.)
    expect(new Set(ids).size).toBe(ids.length);
    const expected = new Set([
      ...Array.from({ length: 22 }, (_, i) => `${email}:page${String(i).padStart(2, "0")}000`),
      ...Array.from({ length: 7 }, (_, i) => `${store.secondaryCalendarId}:side${i}0000`),
    ]);
    for (const id of expected) expect(ids).toContain(id);

    const next = await syncToEnd(token, resumed.cursor);
    expect(next.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ externalId: `${email}:page00000`, startsAt: new Date("2026-12-30T08:00:00Z") }),
        expect.objectContaining({ externalId: `${email}:late000001` }),
        { kind: "meeting_cancelled", externalId: `${email}:page22000` },
      ]),
    );
  });

  it("names the connected account after the primary calendar", async () => {
    const { token, email } = newUser({ secondary: true, holidays: true });
    await expect(provider.connectedAccount(token, signal())).resolves.toEqual({ id: email, name: email });
  });

  it("expands a weekly series within the window, with its moved instance moved and its cancelled one left out", async () => {
    const { store, token, email } = newUser();
    // Tuesdays at 10:00, from well before the window to well after it.
    store.addEvent(email, {
      ...meetingInput("weekly0000", "2026-09-01T10:00:00Z"),
      recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=TU"],
    });
    store.moveInstance(
      email,
      "weekly0000",
      "2026-12-15T10:00:00Z",
      at("2026-12-16T14:00:00Z"),
      at("2026-12-16T14:30:00Z"),
    );
    store.cancelInstance(email, "weekly0000", "2026-12-22T10:00:00Z");
    // A daily stand-up with COUNT and INTERVAL, and a series that ended (UNTIL) before the window.
    store.addEvent(email, {
      ...meetingInput("standup000", "2026-12-01T08:00:00Z", 15),
      recurrence: ["RRULE:FREQ=DAILY;INTERVAL=2;COUNT=5"],
    });
    store.addEvent(email, {
      ...meetingInput("oldseries0", "2026-06-01T08:00:00Z"),
      recurrence: ["RRULE:FREQ=WEEKLY;UNTIL=20260801T000000Z"],
    });

    const { changes, skipped } = await syncToEnd(token, null);
    const weekly = meetings(changes).filter((m) => m.externalId.startsWith(`${email}:weekly0000_`));
    // Tuesdays from 2026-11-10 (first after 2026-11-07) to 2027-02-02 (last before 2027-02-05): 13,
    // minus the cancelled one.
    expect(weekly).toHaveLength(12);
    const moved = weekly.find((m) => m.externalId === `${email}:weekly0000_20261215T100000Z`)!;
    expect(moved.startsAt).toEqual(new Date("2026-12-16T14:00:00Z"));
    expect(weekly.some((m) => m.externalId === `${email}:weekly0000_20261222T100000Z`)).toBe(false);
    expect(weekly.every((m) => m.startsAt >= WINDOW.calendarFrom && m.startsAt < WINDOW.calendarTo)).toBe(true);
    expect(weekly.filter((m) => m.externalId !== moved.externalId).every((m) => m.startsAt.getUTCDay() === 2)).toBe(
      true,
    );

    const standUp = meetings(changes)
      .filter((m) => m.externalId.startsWith(`${email}:standup000_`))
      .map((m) => m.startsAt.toISOString().slice(0, 10))
      .sort();
    expect(standUp).toEqual(["2026-12-01", "2026-12-03", "2026-12-05", "2026-12-07", "2026-12-09"]);
    expect(changes.some((c) => idOf(c).includes("oldseries0"))).toBe(false);
    expect(skipped).toEqual([]);
  });

  it("skips what is not a meeting, or is broken, and keeps the rest of the page", async () => {
    const { store, token, email } = newUser({ emptyPageEvery: 0 });
    store.addEvent(email, meetingInput("good000001", "2026-12-08T10:00:00Z"));
    store.addEvent(email, {
      id: "allday0001",
      summary: "Out of office",
      start: { date: "2026-12-09" },
      end: { date: "2026-12-10" },
    });
    store.addEvent(email, { ...meetingInput("noend00001", "2026-12-08T11:00:00Z"), end: undefined });
    store.addEvent(email, {
      ...meetingInput("badtime001", "2026-12-08T12:00:00Z"),
      start: { dateTime: "2026-12-08T25:61:00 at noon" },
    });
    store.addEvent(email, { ...meetingInput("backward01", "2026-12-08T12:00:00Z"), end: at("2026-12-08T11:00:00Z") });
    // Not the shape Google documents: a summary that is a number.
    store.addEvent(email, { ...meetingInput("wrongtype1", "2026-12-08T13:00:00Z"), summary: 42 as unknown as string });
    store.addEvent(email, {
      ...meetingInput("room000001", "2026-12-08T14:00:00Z"),
      summary: "   ",
      location: " Berlin-4 ",
      attendees: [
        { email: "buyer@globex.test", displayName: "Bea Buyer" },
        { email: MEETING_ROOM.email, displayName: MEETING_ROOM.name, resource: true },
        { email: "not an address" },
      ],
    });
    store.addEvent(email, meetingInput("good000002", "2026-12-08T15:00:00Z"));

    const { changes, skipped } = await syncToEnd(token, null);
    expect(
      meetings(changes)
        .map((m) => m.externalId.split(":")[1])
        .sort(),
    ).toEqual(["good000001", "good000002", "room000001"]);
    expect(skipped.sort((a, b) => a.externalId.localeCompare(b.externalId))).toEqual([
      { externalId: `${email}:allday0001`, reason: "all_day" },
      { externalId: `${email}:backward01`, reason: "malformed" },
      { externalId: `${email}:badtime001`, reason: "malformed" },
      { externalId: `${email}:noend00001`, reason: "missing_field" },
      { externalId: `${email}:wrongtype1`, reason: "malformed" },
    ]);
    const room = meetings(changes).find((m) => m.externalId.endsWith("room000001"))!;
    expect(room.title).toBe("(no title)");
    expect(room.location).toBe("Berlin-4");
    expect(room.attendees).toEqual([{ email: "buyer@globex.test", name: "Bea Buyer" }]);
  });
});

describe("one event", () => {
  const full = {
    id: "abc123def",
    status: "cancelled",
    summary: "Pricing review",
    start: { dateTime: "2026-12-10T15:00:00+01:00" },
    end: { dateTime: "2026-12-10T16:00:00+01:00" },
    organizer: { email: "buyer@globex.test", displayName: "Bea Buyer" },
  };

  it("a cancelled event that still has its data stays a meeting, marked cancelled", () => {
    expect(convertEvent("cal@x.test", full, WINDOW)).toMatchObject({
      kind: "meeting",
      externalId: "cal@x.test:abc123def",
      startsAt: new Date("2026-12-10T14:00:00Z"),
      cancelled: true,
      organizer: { email: "buyer@globex.test", name: "Bea Buyer" },
    });
  });

  it("a cancelled event with only its id, or all-day, or outside the window becomes a cancellation", () => {
    const cancellation = { kind: "meeting_cancelled", externalId: "cal@x.test:abc123def" };
    expect(convertEvent("cal@x.test", { id: "abc123def", status: "cancelled" }, WINDOW)).toEqual(cancellation);
    expect(
      convertEvent("cal@x.test", { ...full, start: { date: "2026-12-10" }, end: { date: "2026-12-11" } }, WINDOW),
    ).toEqual(cancellation);
    expect(
      convertEvent(
        "cal@x.test",
        { ...full, start: { dateTime: "2028-01-01T10:00:00Z" }, end: { dateTime: "2028-01-01T11:00:00Z" } },
        WINDOW,
      ),
    ).toEqual(cancellation);
  });

  it("an item without an id, or not an object, is malformed", () => {
    expect(convertEvent("cal@x.test", { summary: "no id" }, WINDOW)).toEqual({ externalId: null, reason: "malformed" });
    expect(convertEvent("cal@x.test", "garbage", WINDOW)).toEqual({ externalId: null, reason: "malformed" });
    expect(convertEvent("cal@x.test", { ...full, status: "maybe" }, WINDOW)).toEqual({
      externalId: "cal@x.test:abc123def",
      reason: "malformed",
    });
  });
});

describe("the registry", () => {
  it("serves the Calendar provider as gcal", async () => {
    expect((await syncProvider("gcal"))?.id).toBe("gcal");
  });
});

describe("incremental sync", () => {
  async function synced(options: { secondary?: boolean } = {}) {
    const user = newUser(options);
    user.store.addEvent(user.email, meetingInput("existing01", "2026-12-09T10:00:00Z"));
    const full = await syncToEnd(user.token, null);
    return { ...user, cursor: full.cursor };
  }

  it("reports nothing new in one request per calendar", async () => {
    const { token, cursor } = await synced({ secondary: true });
    const poll = await syncToEnd(token, cursor);
    expect(poll.changes).toEqual([]);
    expect(poll.steps.every((s) => s.mode === "incremental")).toBe(true);
    expect(poll.requests).toBe(2);
    // And again: a caught-up cursor starts a new round.
    const again = await syncToEnd(token, poll.cursor);
    expect(again.requests).toBe(2);
    expect(again.changes).toEqual([]);
  });

  it("follows an event added, moved, then cancelled", async () => {
    const { store, token, email, cursor } = await synced();
    store.addEvent(email, meetingInput("newevent01", "2026-12-14T10:00:00Z"));
    const added = await syncToEnd(token, cursor);
    expect(meetings(added.changes).map((m) => [m.externalId, m.startsAt.toISOString()])).toEqual([
      [`${email}:newevent01`, "2026-12-14T10:00:00.000Z"],
    ]);

    store.moveEvent(email, "newevent01", at("2026-12-15T16:00:00Z"), at("2026-12-15T17:00:00Z"));
    const moved = await syncToEnd(token, added.cursor);
    expect(moved.changes).toEqual([
      expect.objectContaining({
        kind: "meeting",
        externalId: `${email}:newevent01`,
        startsAt: new Date("2026-12-15T16:00:00Z"),
        endsAt: new Date("2026-12-15T17:00:00Z"),
        cancelled: false,
      }),
    ]);

    store.cancelEvent(email, "newevent01");
    const cancelled = await syncToEnd(token, moved.cursor);
    expect(cancelled.changes).toEqual([{ kind: "meeting_cancelled", externalId: `${email}:newevent01` }]);
    expect(cancelled.skipped).toEqual([]);
  });

  it("pages through many changes one page per step, and cancels a single instance of a series", async () => {
    const { store, token, email, cursor } = await synced();
    store.addEvent(email, {
      ...meetingInput("weekly0001", "2026-12-01T09:00:00Z"),
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=6"],
    });
    for (let i = 0; i < 8; i += 1) store.addEvent(email, meetingInput(`burst${i}0000`, `2026-12-1${i}T13:00:00Z`));
    const first = await syncToEnd(token, cursor);
    expect(first.steps.length).toBeGreaterThan(2);
    expect(meetings(first.changes)).toHaveLength(14);

    store.cancelInstance(email, "weekly0001", "2026-12-15T09:00:00Z");
    const second = await syncToEnd(token, first.cursor);
    expect(second.changes).toEqual([{ kind: "meeting_cancelled", externalId: `${email}:weekly0001_20261215T090000Z` }]);
  });

  it("leaves out far-future instances a change to a series brings, but takes a one-off event moved far away", async () => {
    const { store, token, email, cursor } = await synced();
    store.addEvent(email, { ...meetingInput("forever001", "2026-11-30T09:00:00Z"), recurrence: ["RRULE:FREQ=WEEKLY"] });
    store.moveEvent(email, "existing01", at("2027-09-01T10:00:00Z"), at("2027-09-01T11:00:00Z"));
    const { changes, skipped } = await syncToEnd(token, cursor);
    const series = meetings(changes).filter((m) => m.externalId.includes("forever001"));
    // 2026-11-30 … 2027-02-01 are inside the window (it ends 2027-02-05).
    expect(series).toHaveLength(10);
    expect(skipped.length).toBeGreaterThan(50);
    expect(skipped.every((s) => s.reason === "outside_window" && s.externalId.includes("forever001"))).toBe(true);
    expect(meetings(changes).find((m) => m.externalId === `${email}:existing01`)?.startsAt).toEqual(
      new Date("2027-09-01T10:00:00Z"),
    );
  });

  it("throws CursorExpiredError when Google answers 410 Gone for a sync token", async () => {
    const { store, token, cursor } = await synced();
    store.invalidateSyncTokens();
    await expect(step(token, cursor)).rejects.toBeInstanceOf(CursorExpiredError);
    // The engine then starts over with no cursor; that works.
    const again = await syncToEnd(token, null);
    expect(meetings(again.changes)).toHaveLength(1);
  });

  it("throws CursorExpiredError for a cursor it cannot read", async () => {
    const { token } = newUser();
    await expect(step(token, { calendars: "nonsense" })).rejects.toBeInstanceOf(CursorExpiredError);
  });

  it("stops syncing a calendar that was deleted and goes on with the rest", async () => {
    const { store, token, email, cursor } = await synced({ secondary: true });
    const secondary = store.secondaryCalendarId!;
    store.removeCalendar(secondary);
    store.addEvent(email, meetingInput("after00001", "2026-12-20T10:00:00Z"));
    const poll = await syncToEnd(token, cursor);
    expect(meetings(poll.changes).map((m) => m.externalId)).toEqual([`${email}:after00001`]);
    expect(Object.keys((poll.cursor as CalendarCursor).calendars)).toEqual([email]);
  });
});

describe("errors", () => {
  it("429 with Retry-After → TemporaryProviderError(rate_limited) with the wait", async () => {
    const { token } = newUser();
    apis.injectFault({
      pathPrefix: "/calendar/v3",
      status: 429,
      reason: "rateLimitExceeded",
      retryAfterSeconds: 7,
      times: 3,
    });
    const before = apis.requests.length;
    const error = await step(token, null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporaryProviderError);
    expect(error).toMatchObject({ kind: "rate_limited", retryAfterMs: 7000 });
    // Exactly one request: the client does not retry behind the engine's back.
    expect(apis.requests.slice(before).map((r) => r.status)).toEqual([429]);
    apis.clearFaults();
    const { changes } = await syncToEnd(token, null);
    expect(changes).toEqual([]);
  });

  it("403 userRateLimitExceeded → rate_limited; 503 → unavailable", async () => {
    const { token } = newUser();
    apis.injectFault({ pathPrefix: "/calendar/v3", status: 403, reason: "userRateLimitExceeded" });
    await expect(step(token, null)).rejects.toMatchObject({
      name: "TemporaryProviderError",
      kind: "rate_limited",
      retryAfterMs: null,
    });
    apis.injectFault({ pathPrefix: "/calendar/v3", status: 503, reason: "backendError", retryAfterSeconds: 2 });
    await expect(step(token, null)).rejects.toMatchObject({
      name: "TemporaryProviderError",
      kind: "unavailable",
      retryAfterMs: 2000,
    });
  });

  it("401 → AccessTokenRejectedError; a token without the calendar scope → ProviderAuthError", async () => {
    await expect(step("revoked-or-unknown", null)).rejects.toBeInstanceOf(AccessTokenRejectedError);
    const { token } = newUser({ scopes: ["https://www.googleapis.com/auth/gmail.readonly"] });
    await expect(step(token, null)).rejects.toBeInstanceOf(ProviderAuthError);
  });

  it("an unreachable API → TemporaryProviderError(network)", async () => {
    const gone = await listenOnLoopback(apis.router());
    await gone.close();
    const offline = createCalendarProvider({ rootUrl: gone.base });
    const { token } = newUser();
    await expect(
      offline.step({ accessToken: token, cursor: null, window: WINDOW, now: NOW, signal: signal() }),
    ).rejects.toMatchObject({ name: "TemporaryProviderError", kind: "network" });
  });

  it("an aborted step rejects with the abort itself, not a provider error", async () => {
    const { token } = newUser();
    const controller = new AbortController();
    controller.abort();
    const error: unknown = await provider
      .step({ accessToken: token, cursor: null, window: WINDOW, now: NOW, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TemporaryProviderError);
    expect((error as Error).name).toMatch(/Abort/);
  });

  it("a request in flight stops when the engine aborts the step", async () => {
    const hanging = express.Router();
    hanging.use((_req, _res) => undefined); // never answers
    const slow = await listenOnLoopback(hanging);
    try {
      const { token } = newUser();
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 50);
      const error: unknown = await createCalendarProvider({ rootUrl: slow.base })
        .step({ accessToken: token, cursor: null, window: WINDOW, now: NOW, signal: controller.signal })
        .catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).not.toBeInstanceOf(TemporaryProviderError);
      expect((error as Error).name).toBe("AbortError");
      // Not gaxios's error: that one carries the request, Authorization header included (P5).
      expect(JSON.stringify(error)).not.toContain(token);
    } finally {
      await slow.close();
    }
  });

  it("an error message never carries the access token", async () => {
    const secret = "ya29.secret-token-value";
    const error: unknown = await step(secret, null).catch((e: unknown) => e);
    if (!(error instanceof AccessTokenRejectedError)) throw new Error("expected the token to be refused");
    expect(`${error.message} ${error.stack ?? ""}`).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
  });
});

describe("the fake Calendar API", () => {
  it("refuses a sync token combined with timeMin, like Google (400)", async () => {
    const { token, email } = newUser();
    const list = (query: string) =>
      fetch(`${server.base}/calendar/v3/calendars/${encodeURIComponent(email)}/events?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const first = (await (await list("singleEvents=true")).json()) as { nextSyncToken: string };
    const refused = await list(`syncToken=${first.nextSyncToken}&timeMin=${encodeURIComponent(NOW.toISOString())}`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/sync token/i);
    expect((await list(`syncToken=${first.nextSyncToken}`)).status).toBe(200);
    expect((await list(`singleEvents=true&timeMin=yesterday`)).status).toBe(400);
    const unknown = await fetch(`${server.base}/calendar/v3/calendars/nobody%40else.test/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(unknown.status).toBe(404);
  });

  it("generates the same calendar from the same seed, with every kind of event", () => {
    const options = {
      seed: 42,
      owner: { email: "ada@acme.test", name: "Ada Lovelace" },
      colleagues: [{ email: "grace@acme.test", name: "Grace Hopper" }],
      counterparts: [
        { email: "buyer@globex.test", name: "Bea Buyer" },
        { email: "cto@initech.test", name: "Carl Tech" },
      ],
      daysBack: 30,
      daysAhead: 60,
      count: 200,
      now: NOW,
    };
    const one = generateCalendar(options);
    expect(JSON.stringify(generateCalendar(options))).toBe(JSON.stringify(one));
    expect(JSON.stringify(generateCalendar({ ...options, seed: 43 }))).not.toBe(JSON.stringify(one));
    const { counts } = one;
    for (const kind of [
      "customer",
      "internal",
      "allDay",
      "noAttendees",
      "missingEnd",
      "badDateTime",
      "withRoom",
      "series",
    ] as const) {
      expect(counts[kind], kind).toBeGreaterThan(0);
    }
    expect(one.series[0]!.movedInstance).not.toBeNull();
    expect(one.series[0]!.cancelledInstance).not.toBeNull();
  });
});

describe("the demo calendar", () => {
  it("syncs with meetings on two calendars, some with the demo workspace's prospects", async () => {
    const email = "newcomer@northbeam.example";
    const store = demoCalendarStore(email, NOW);
    stores.set(email, store);
    tokens.set("demo-token", { email, scopes: [CALENDAR_SCOPE] });
    const { changes, skipped } = await syncToEnd("demo-token", null);
    const all = meetings(changes);
    expect(all.some((m) => m.externalId.startsWith(`${store.secondaryCalendarId}:`))).toBe(true);
    expect(all.some((m) => m.attendees.some((a) => a.email.endsWith("@acme-logistics.example")))).toBe(true);
    expect(skipped.some((s) => s.reason === "all_day")).toBe(true);
    expect(changes.some((c) => idOf(c).startsWith(HOLIDAY_CALENDAR_ID))).toBe(false);
  });
});

describe("a generated calendar of thousands of events", () => {
  it("syncs in full with every skip accounted for, and reports its speed", async () => {
    const { store, token, email } = newUser({ emptyPageEvery: 7 });
    const generated = generateCalendar({
      seed: 7,
      owner: { email, name: "Sam Seller" },
      colleagues: Array.from({ length: 8 }, (_, i) => ({ email: `colleague${i}@acme.test`, name: `Colleague ${i}` })),
      counterparts: Array.from({ length: 200 }, (_, i) => ({
        email: `person${i}@customer${i % 40}.test`,
        name: `Person ${i}`,
      })),
      daysBack: 30,
      daysAhead: 60,
      count: 4000,
      now: NOW,
    });
    loadCalendar(store, generated);
    const big = createCalendarProvider({ rootUrl: server.base, pageSize: 250 });
    const started = performance.now();
    const steps: SyncStep[] = [];
    let cursor: SyncCursor | null = null;
    do {
      const result = await big.step({ accessToken: token, cursor, window: WINDOW, now: NOW, signal: signal() });
      steps.push(result);
      cursor = result.cursor;
    } while (!steps.at(-1)!.caughtUp);
    const seconds = (performance.now() - started) / 1000;
    const changes = steps.flatMap((s) => s.changes);
    const skipped = steps.flatMap((s) => s.skipped);
    const reasons = (reason: string) => skipped.filter((s) => s.reason === reason).length;
    expect(reasons("all_day")).toBe(generated.counts.allDay);
    expect(reasons("missing_field")).toBe(generated.counts.missingEnd);
    expect(reasons("malformed")).toBe(generated.counts.badDateTime);
    // Every one-off timed event, plus the series' instances inside the window.
    const oneOff = generated.counts.customer + generated.counts.internal + generated.counts.noAttendees;
    const instances = changes.filter((c) => idOf(c).includes("_")).length;
    expect(changes.length - instances).toBe(oneOff);
    expect(instances).toBeGreaterThan(generated.counts.series * 10);
    expect(new Set(changes.map((c) => idOf(c))).size).toBe(changes.length);
    const items = changes.length + skipped.length;
    console.info(
      `[calendar bench] full sync: ${items} events in ${steps.length} steps, ${seconds.toFixed(2)} s, ${Math.round(items / seconds)} events/s`,
    );
  });
});

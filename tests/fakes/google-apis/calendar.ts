// A fake of Google Calendar's REST API (calendar/v3): calendarList.list and events.list, with the
// behaviour a sync client must cope with — sync tokens that Google can invalidate (410 Gone,
// `fullSyncRequired`), pagination whose pages may be EMPTY while still carrying a nextPageToken,
// recurring series expanded into instances (singleEvents=true) with moved and cancelled instances
// applied, cancelled events reported in incremental sync as minimal `{id, status: "cancelled"}`
// objects, and Google's 400 when a sync token is combined with a time bound. Mounted by
// FakeGoogleApis at /calendar/v3 (./index.ts), which checks the bearer token and injects faults.
//
// Pagination is keyset-based (a page token carries the sort key of the last item handed out), so an
// event added or removed while a client pages through does not make it miss an unchanged event; and
// the nextSyncToken of a listing is the store's position when its FIRST page was read, so whatever
// changes while the client pages is delivered again by the next incremental sync (at least once).
import express, { type Request, type Response, type Router } from "express";
import { FakeGoogleApis, sendGoogleError } from "./index";

export type CalendarDateTime = { dateTime?: string; date?: string; timeZone?: string };

export type CalendarAttendee = {
  email: string;
  displayName?: string;
  responseStatus?: "needsAction" | "declined" | "tentative" | "accepted";
  self?: boolean;
  organizer?: boolean;
  resource?: boolean;
  optional?: boolean;
};

/** Google's Event resource, as much of it as a sync client reads. Loose on purpose: the generator
 *  also stores broken events (no end, an unreadable dateTime) to test the client's validation. */
export type CalendarEvent = {
  kind: "calendar#event";
  id: string;
  etag: string;
  status: "confirmed" | "tentative" | "cancelled";
  htmlLink?: string;
  created: string;
  updated: string;
  summary?: string;
  description?: string;
  location?: string;
  creator?: { email: string; displayName?: string; self?: boolean };
  organizer?: { email: string; displayName?: string; self?: boolean };
  start?: CalendarDateTime;
  end?: CalendarDateTime;
  /** Only on a recurring series' master: ["RRULE:FREQ=WEEKLY;BYDAY=TU"]. */
  recurrence?: string[];
  /** On an instance (or an exception) of a recurring series: the master's id. */
  recurringEventId?: string;
  originalStartTime?: CalendarDateTime;
  iCalUID: string;
  sequence: number;
  attendees?: CalendarAttendee[];
  eventType?: "default" | "outOfOffice" | "focusTime" | "workingLocation";
};

/** What a test or the generator hands the store: an event without the fields the store stamps. */
export type CalendarEventInput = Omit<
  CalendarEvent,
  "kind" | "etag" | "created" | "updated" | "iCalUID" | "sequence" | "status"
> & {
  status?: CalendarEvent["status"];
  iCalUID?: string;
};

export type CalendarListEntry = {
  kind: "calendar#calendarListEntry";
  etag: string;
  id: string;
  summary: string;
  timeZone: string;
  accessRole: "freeBusyReader" | "reader" | "writer" | "owner";
  selected: boolean;
  primary?: boolean;
};

export type CalendarStoreOptions = {
  /** The user's email: the id of their primary calendar. */
  owner: string;
  timeZone?: string;
  /** A second calendar the user owns ("Customer meetings"): synced like the primary one. */
  secondary?: boolean;
  /** A read-only holiday subscription: listed, but a sync client should not read it. */
  holidays?: boolean;
  /** Every n-th page of a listing (n ≥ 2) comes back empty but with a nextPageToken, like Google's
   *  "incomplete pages". 0 turns it off. Default 3. */
  emptyPageEvery?: number;
  /** The clock that stamps `updated`; tests pass a fixed one. */
  now?: () => Date;
};

export const SECONDARY_CALENDAR_SUFFIX = "@group.calendar.google.com";
export const HOLIDAY_CALENDAR_ID = "en.usa#holiday@group.v.calendar.google.com";

type StoredEvent = { event: CalendarEvent; changedAt: number };

/** An event as a listing hands it out: with its last change, its bounds in ms and its sort key. */
export type ListedItem = { event: CalendarEvent; changedAt: number; start: number; end: number; key: string };
type ListingOrder = "id" | "startTime" | "sequence";

type StoredCalendar = {
  entry: CalendarListEntry;
  events: Map<string, StoredEvent>;
  /** Bumped by every change to this calendar's events; sync tokens carry it. */
  sequence: number;
  /** Bumped by invalidateSyncTokens: tokens of an older epoch answer 410 Gone. */
  epoch: number;
};

/** Instances of a series are expanded this far past the series start at most (Google expands
 *  open-ended series too; a bound keeps the fake finite). */
const MAX_SERIES_DAYS = 730;
const MAX_INSTANCES = 1000;
const DAY_MS = 86_400_000;

export class CalendarStore {
  readonly owner: string;
  private readonly calendars = new Map<string, StoredCalendar>();
  private readonly clock: () => Date;
  readonly emptyPageEvery: number;
  private etagCounter = 0;
  /** Sorted listings by calendar, expansion and order, valid while the calendar's sequence stands. */
  private readonly listings = new Map<string, { sequence: number; items: ListedItem[] }>();

  constructor(options: CalendarStoreOptions) {
    this.owner = options.owner.toLowerCase();
    this.clock = options.now ?? (() => new Date());
    this.emptyPageEvery = options.emptyPageEvery ?? 3;
    const timeZone = options.timeZone ?? "UTC";
    this.addCalendar({ id: this.owner, summary: this.owner, timeZone, accessRole: "owner", primary: true });
    if (options.secondary) {
      const id = `c_${simpleHash(this.owner)}${SECONDARY_CALENDAR_SUFFIX}`;
      this.addCalendar({ id, summary: "Customer meetings", timeZone, accessRole: "owner" });
    }
    if (options.holidays) {
      this.addCalendar({
        id: HOLIDAY_CALENDAR_ID,
        summary: "Holidays in United States",
        timeZone,
        accessRole: "reader",
      });
    }
  }

  /** Adds a calendar to the user's calendar list (another person's shared calendar: accessRole "reader"). */
  addCalendar(entry: Omit<CalendarListEntry, "kind" | "etag" | "selected"> & { selected?: boolean }): string {
    this.calendars.set(entry.id, {
      entry: { kind: "calendar#calendarListEntry", etag: this.nextEtag(), selected: true, ...entry },
      events: new Map(),
      sequence: 0,
      epoch: 0,
    });
    return entry.id;
  }

  /** Removes a calendar (deleted, or no longer shared): its events answer 404 from now on. */
  removeCalendar(calendarId: string): void {
    this.calendars.delete(this.resolveId(calendarId));
  }

  get primaryCalendarId(): string {
    return this.owner;
  }

  /** The secondary owned calendar's id (when the store was made with `secondary`). */
  get secondaryCalendarId(): string | null {
    return [...this.calendars.keys()].find((id) => id.endsWith(SECONDARY_CALENDAR_SUFFIX)) ?? null;
  }

  calendarList(): CalendarListEntry[] {
    return [...this.calendars.values()].map((c) => c.entry);
  }

  hasCalendar(calendarId: string): boolean {
    return this.calendars.has(this.resolveId(calendarId));
  }

  /** "primary" is Google's alias for the user's primary calendar. */
  resolveId(calendarId: string): string {
    return calendarId === "primary" ? this.owner : calendarId;
  }

  /** Adds an event (or an exception of a series, when it has recurringEventId + originalStartTime). */
  addEvent(calendarId: string, input: CalendarEventInput): CalendarEvent {
    const calendar = this.calendar(calendarId);
    if (calendar.events.has(input.id)) throw new Error(`Event ${input.id} exists already`);
    const stamp = this.clock().toISOString();
    const event: CalendarEvent = {
      ...input,
      kind: "calendar#event",
      status: input.status ?? "confirmed",
      etag: this.nextEtag(),
      created: stamp,
      updated: stamp,
      iCalUID: input.iCalUID ?? `${input.recurringEventId ?? input.id}@google.com`,
      sequence: 0,
    };
    calendar.events.set(event.id, { event, changedAt: ++calendar.sequence });
    return event;
  }

  addEvents(calendarId: string, inputs: CalendarEventInput[]): void {
    for (const input of inputs) this.addEvent(calendarId, input);
  }

  getEvent(calendarId: string, eventId: string): CalendarEvent | undefined {
    return this.calendar(calendarId).events.get(eventId)?.event;
  }

  /** Changes an event (its title, its attendees, …); every change is reported to incremental sync. */
  updateEvent(calendarId: string, eventId: string, patch: Partial<CalendarEventInput>): CalendarEvent {
    const calendar = this.calendar(calendarId);
    const stored = calendar.events.get(eventId);
    if (!stored) throw new Error(`No event ${eventId}`);
    stored.event = {
      ...stored.event,
      ...patch,
      id: stored.event.id,
      etag: this.nextEtag(),
      updated: this.clock().toISOString(),
      sequence: stored.event.sequence + 1,
    };
    stored.changedAt = ++calendar.sequence;
    return stored.event;
  }

  /** Moves an event in time. */
  moveEvent(calendarId: string, eventId: string, start: CalendarDateTime, end: CalendarDateTime): CalendarEvent {
    return this.updateEvent(calendarId, eventId, { start, end });
  }

  /** Cancels (deletes) an event; a cancelled series master cancels every instance. */
  cancelEvent(calendarId: string, eventId: string): CalendarEvent {
    return this.updateEvent(calendarId, eventId, { status: "cancelled" });
  }

  /** Moves one instance of a series (it becomes an exception with its own times). */
  moveInstance(
    calendarId: string,
    masterId: string,
    originalStart: string,
    start: CalendarDateTime,
    end: CalendarDateTime,
  ): CalendarEvent {
    return this.upsertException(calendarId, masterId, originalStart, { start, end });
  }

  /** Cancels one instance of a series (Google keeps it as a cancelled exception). */
  cancelInstance(calendarId: string, masterId: string, originalStart: string): CalendarEvent {
    return this.upsertException(calendarId, masterId, originalStart, { status: "cancelled" });
  }

  /** Every sync token handed out so far (for one calendar, or all) now answers 410 Gone. */
  invalidateSyncTokens(calendarId?: string): void {
    for (const [id, calendar] of this.calendars) {
      if (!calendarId || id === this.resolveId(calendarId)) calendar.epoch += 1;
    }
  }

  /** Current sync position of a calendar (for tests that build tokens by hand). */
  position(calendarId: string): { sequence: number; epoch: number } {
    const calendar = this.calendar(calendarId);
    return { sequence: calendar.sequence, epoch: calendar.epoch };
  }

  /** The instance id Google gives an occurrence of a series: `${masterId}_${yyyymmddThhmmssZ}`. */
  static instanceId(masterId: string, originalStart: CalendarDateTime): string {
    if (originalStart.date) return `${masterId}_${originalStart.date.replaceAll("-", "")}`;
    const compact = new Date(originalStart.dateTime!)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    return `${masterId}_${compact}`;
  }

  /**
   * The events a listing returns, expanded like Google does for `singleEvents`, each with the
   * sequence of its last change. Window filtering and sync-token filtering are the router's.
   */
  listItems(calendarId: string, singleEvents: boolean): { event: CalendarEvent; changedAt: number }[] {
    const calendar = this.calendar(calendarId);
    if (!singleEvents) return [...calendar.events.values()].map(({ event, changedAt }) => ({ event, changedAt }));
    const exceptions = new Map<string, StoredEvent>();
    for (const stored of calendar.events.values()) {
      if (stored.event.recurringEventId) exceptions.set(stored.event.id, stored);
    }
    const items: { event: CalendarEvent; changedAt: number }[] = [];
    const covered = new Set<string>();
    for (const stored of calendar.events.values()) {
      const { event } = stored;
      if (event.recurringEventId) continue;
      if (!event.recurrence) {
        items.push({ event, changedAt: stored.changedAt });
        continue;
      }
      for (const instance of expandSeries(event)) {
        const exception = exceptions.get(instance.id);
        if (exception && exceptions.get(instance.id)!.event.status !== "cancelled" && event.status !== "cancelled") {
          items.push({ event: exception.event, changedAt: Math.max(exception.changedAt, stored.changedAt) });
        } else if (exception || event.status === "cancelled") {
          const changedAt = Math.max(exception?.changedAt ?? 0, stored.changedAt);
          items.push({ event: { ...instance, status: "cancelled" }, changedAt });
        } else {
          items.push({ event: instance, changedAt: stored.changedAt });
        }
        covered.add(instance.id);
      }
    }
    // An exception whose original slot is not produced by the rule any more still is an event.
    for (const [id, exception] of exceptions) {
      if (!covered.has(id)) items.push({ event: exception.event, changedAt: exception.changedAt });
    }
    return items;
  }

  /**
   * A calendar's listing sorted for keyset pagination: by id, by start time, or (for sync) by the
   * sequence of the last change. Built once per change of the calendar, so paging is cheap.
   */
  sortedItems(calendarId: string, singleEvents: boolean, order: ListingOrder): ListedItem[] {
    const id = this.resolveId(calendarId);
    const sequence = this.calendar(id).sequence;
    const cacheKey = `${id}|${singleEvents}|${order}`;
    const cached = this.listings.get(cacheKey);
    if (cached?.sequence === sequence) return cached.items;
    const items = this.listItems(id, singleEvents).map(({ event, changedAt }) => {
      const bounds = eventBounds(event);
      const end = event.recurrence ? Infinity : bounds.end;
      const key =
        order === "sequence"
          ? sequenceKey(changedAt, event.id)
          : order === "startTime"
            ? `${String(Number.isNaN(bounds.start) ? 0 : bounds.start + 1e14).padStart(16, "0")}|${event.id}`
            : event.id;
      return { event, changedAt, start: bounds.start, end, key };
    });
    items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.listings.set(cacheKey, { sequence, items });
    return items;
  }

  private upsertException(
    calendarId: string,
    masterId: string,
    originalStart: string,
    patch: Partial<CalendarEventInput>,
  ): CalendarEvent {
    const calendar = this.calendar(calendarId);
    const master = calendar.events.get(masterId)?.event;
    if (!master?.recurrence) throw new Error(`No recurring event ${masterId}`);
    const instance = expandSeries(master).find(
      (i) => i.originalStartTime && sameInstant(i.originalStartTime, originalStart),
    );
    if (!instance) throw new Error(`Series ${masterId} has no instance at ${originalStart}`);
    const existing = calendar.events.get(instance.id);
    if (existing) return this.updateEvent(calendarId, instance.id, patch);
    const { kind: _kind, etag: _etag, created: _created, updated: _updated, sequence: _sequence, ...rest } = instance;
    return this.addEvent(calendarId, { ...rest, ...patch });
  }

  private calendar(calendarId: string): StoredCalendar {
    const calendar = this.calendars.get(this.resolveId(calendarId));
    if (!calendar) throw new Error(`No calendar ${calendarId}`);
    return calendar;
  }

  private nextEtag(): string {
    this.etagCounter += 1;
    return `"${3_300_000_000_000 + this.etagCounter}"`;
  }
}

function simpleHash(text: string): string {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash.toString(32).padStart(7, "0");
}

function sameInstant(time: CalendarDateTime, iso: string): boolean {
  if (time.date) return time.date === iso;
  return Date.parse(time.dateTime ?? "") === Date.parse(iso);
}

/** When an event starts and ends, in ms; all-day dates count from UTC midnight. NaN when unreadable. */
function eventBounds(event: CalendarEvent): { start: number; end: number } {
  const read = (time: CalendarDateTime | undefined) =>
    time?.dateTime ? Date.parse(time.dateTime) : time?.date ? Date.parse(`${time.date}T00:00:00Z`) : NaN;
  const start = read(event.start);
  const end = read(event.end);
  return { start, end: Number.isNaN(end) ? start : end };
}

const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

type Rule = { freq: "DAILY" | "WEEKLY"; interval: number; count: number | null; until: number | null; byDay: number[] };

/** The RRULE subset the fake understands: FREQ=DAILY|WEEKLY with INTERVAL, COUNT, UNTIL, BYDAY. */
function parseRule(recurrence: string[]): Rule | null {
  const line = recurrence.find((r) => r.startsWith("RRULE:"));
  if (!line) return null;
  const parts = new Map(
    line
      .slice(6)
      .split(";")
      .map((p) => p.split("=") as [string, string]),
  );
  const freq = parts.get("FREQ");
  if (freq !== "DAILY" && freq !== "WEEKLY") return null;
  const untilRaw = parts.get("UNTIL");
  let until: number | null = null;
  if (untilRaw) {
    const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(untilRaw);
    if (m) until = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 23), +(m[5] ?? 59), +(m[6] ?? 59));
  }
  return {
    freq,
    interval: Math.max(1, Number(parts.get("INTERVAL") ?? 1) || 1),
    count: parts.has("COUNT") ? Number(parts.get("COUNT")) : null,
    until,
    byDay: (parts.get("BYDAY") ?? "")
      .split(",")
      .map((d) => WEEKDAYS.indexOf(d.trim()))
      .filter((d) => d >= 0),
  };
}

/**
 * The instances of a series, each shaped like Google's: id `${master}_${start}`, recurringEventId,
 * originalStartTime, the master's data with shifted times. Times are stepped in the UTC offset of the
 * master's start (the fake does not model daylight-saving changes).
 */
function expandSeries(master: CalendarEvent): CalendarEvent[] {
  const rule = master.recurrence ? parseRule(master.recurrence) : null;
  const { start, end } = eventBounds(master);
  if (!rule || Number.isNaN(start)) return [];
  const allDay = Boolean(master.start?.date);
  const offsetMs = allDay ? 0 : parseOffsetMs(master.start?.dateTime ?? "");
  const duration = end - start;
  const limit = start + MAX_SERIES_DAYS * DAY_MS;
  const instances: CalendarEvent[] = [];
  const { recurrence: _recurrence, ...base } = master;
  const localStart = start + offsetMs; // wall-clock time as if it were UTC, for weekday arithmetic
  const startDay = Math.floor(localStart / DAY_MS);
  const timeOfDay = localStart - startDay * DAY_MS;
  const startWeekday = new Date(startDay * DAY_MS).getUTCDay();
  const byDay = rule.freq === "WEEKLY" && rule.byDay.length === 0 ? [startWeekday] : rule.byDay;
  for (let day = startDay; instances.length < MAX_INSTANCES; day += 1) {
    const at = day * DAY_MS + timeOfDay - offsetMs;
    if (at > limit || (rule.until !== null && at > rule.until)) break;
    if (rule.count !== null && instances.length >= rule.count) break;
    const dayIndex = day - startDay;
    const weekday = new Date(day * DAY_MS).getUTCDay();
    let matches: boolean;
    if (rule.freq === "DAILY") {
      matches = dayIndex % rule.interval === 0 && (rule.byDay.length === 0 || rule.byDay.includes(weekday));
    } else {
      // Weeks start on Monday (RRULE's default WKST=MO).
      const weekOf = (d: number) => Math.floor((d - ((new Date(d * DAY_MS).getUTCDay() + 6) % 7)) / 7);
      matches = (weekOf(day) - weekOf(startDay)) % rule.interval === 0 && byDay.includes(weekday);
    }
    if (!matches) continue;
    const originalStartTime = formatTime(at, allDay, offsetMs, master.start?.timeZone);
    instances.push({
      ...base,
      id: CalendarStore.instanceId(master.id, originalStartTime),
      recurringEventId: master.id,
      originalStartTime,
      start: originalStartTime,
      end: formatTime(at + duration, allDay, offsetMs, master.end?.timeZone ?? master.start?.timeZone),
    });
  }
  return instances;
}

function parseOffsetMs(dateTime: string): number {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(dateTime);
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

function formatTime(at: number, allDay: boolean, offsetMs: number, timeZone: string | undefined): CalendarDateTime {
  if (allDay) return { date: new Date(at).toISOString().slice(0, 10) };
  const local = new Date(at + offsetMs).toISOString().slice(0, 19);
  const sign = offsetMs < 0 ? "-" : "+";
  const abs = Math.abs(offsetMs) / 60_000;
  const offset =
    offsetMs === 0
      ? "Z"
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return timeZone ? { dateTime: `${local}${offset}`, timeZone } : { dateTime: `${local}${offset}` };
}

/** A deleted event as incremental sync reports it: only the id is guaranteed (plus, for an
 *  instance of a series, which series and which occurrence). */
function minimalCancelled(event: CalendarEvent) {
  return {
    kind: "calendar#event",
    etag: event.etag,
    id: event.id,
    status: "cancelled",
    ...(event.recurringEventId
      ? { recurringEventId: event.recurringEventId, originalStartTime: event.originalStartTime }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The HTTP side.

type PageState = { calendarId: string; after: string | null; page: number; upTo: number; syncFrom: number | null };

const encodeToken = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function decodeToken<T>(token: string): T | null {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === "string" ? value : undefined;
}

function queryBoolean(req: Request, name: string): boolean | undefined {
  const value = queryString(req, name);
  return value === undefined ? undefined : value === "true";
}

export function calendarRouter(lookup: (email: string) => CalendarStore | undefined): Router {
  const router = express.Router();

  router.get("/users/me/calendarList", (req: Request, res: Response) => {
    const store = lookup(FakeGoogleApis.caller(res).email);
    const entries = store?.calendarList() ?? [];
    const maxResults = Math.min(250, Math.max(1, Number(queryString(req, "maxResults") ?? 100) || 100));
    const pageToken = queryString(req, "pageToken");
    const offset = pageToken ? (decodeToken<{ offset: number }>(pageToken)?.offset ?? NaN) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      return sendGoogleError(res, 400, "Invalid page token value.", "invalid");
    const items = entries.slice(offset, offset + maxResults);
    const more = offset + maxResults < entries.length;
    res.json({
      kind: "calendar#calendarList",
      etag: `"${entries.length}"`,
      ...(more
        ? { nextPageToken: encodeToken({ offset: offset + maxResults }) }
        : { nextSyncToken: encodeToken({ n: entries.length }) }),
      items,
    });
  });

  router.get("/calendars/:calendarId/events", (req: Request, res: Response) => {
    const store = lookup(FakeGoogleApis.caller(res).email);
    const calendarId = store?.resolveId(req.params.calendarId!);
    if (!store || !calendarId || !store.hasCalendar(calendarId))
      return sendGoogleError(res, 404, "Not Found", "notFound");

    const syncToken = queryString(req, "syncToken");
    const timeMin = queryString(req, "timeMin");
    const timeMax = queryString(req, "timeMax");
    const showDeletedParam = queryBoolean(req, "showDeleted");
    const singleEvents = queryBoolean(req, "singleEvents") ?? false;
    const orderBy = queryString(req, "orderBy");
    if (syncToken !== undefined) {
      const restricted = [
        "timeMin",
        "timeMax",
        "updatedMin",
        "q",
        "iCalUID",
        "orderBy",
        "privateExtendedProperty",
        "sharedExtendedProperty",
      ];
      if (restricted.some((name) => req.query[name] !== undefined) || showDeletedParam === false) {
        return sendGoogleError(res, 400, "Sync token cannot be used with other request restrictions.", "invalid");
      }
    }
    for (const [name, value] of [
      ["timeMin", timeMin],
      ["timeMax", timeMax],
    ] as const) {
      if (value !== undefined && !RFC3339.test(value))
        return sendGoogleError(res, 400, `Bad Request: ${name}`, "badRequest");
    }
    if (orderBy !== undefined && orderBy !== "startTime" && orderBy !== "updated") {
      return sendGoogleError(res, 400, `Invalid value for: orderBy`, "invalid");
    }
    if (orderBy === "startTime" && !singleEvents) {
      return sendGoogleError(res, 400, "The requested ordering is not available for the particular query.", "invalid");
    }
    const maxResults = Math.min(2500, Math.max(1, Number(queryString(req, "maxResults") ?? 250) || 250));

    const position = store.position(calendarId);
    let syncFrom: number | null = null;
    if (syncToken !== undefined) {
      const decoded = decodeToken<{ c: string; s: number; e: number }>(syncToken);
      if (!decoded || decoded.c !== calendarId || !Number.isInteger(decoded.s)) {
        return sendGoogleError(res, 400, "Invalid sync token value.", "invalid");
      }
      if (decoded.e !== position.epoch || decoded.s > position.sequence) {
        return sendGoogleError(res, 410, "Sync token is no longer valid, a full sync is required.", "fullSyncRequired");
      }
      syncFrom = decoded.s;
    }

    const pageToken = queryString(req, "pageToken");
    let state: PageState = { calendarId, after: null, page: 0, upTo: position.sequence, syncFrom };
    if (pageToken !== undefined) {
      const decoded = decodeToken<PageState>(pageToken);
      if (!decoded || decoded.calendarId !== calendarId || decoded.syncFrom !== syncFrom) {
        return sendGoogleError(res, 400, "Invalid page token value.", "invalid");
      }
      state = decoded;
    }

    // Sync (incremental): everything changed since the token, deleted events included, in the order
    // of change. Listing: events overlapping [timeMin, timeMax) — Google's timeMin bounds an event's
    // end and timeMax its start — deleted ones only with showDeleted.
    const min = timeMin ? Date.parse(timeMin) : -Infinity;
    const max = timeMax ? Date.parse(timeMax) : Infinity;
    const showDeleted = syncFrom !== null || showDeletedParam === true;
    const wanted = (item: ListedItem) => {
      if (syncFrom !== null) return item.changedAt > syncFrom;
      if (item.event.status === "cancelled" && !showDeleted) return false;
      // An unreadable time is listed anyway (Google never stores one; the fake does to test clients).
      if (Number.isNaN(item.start)) return true;
      return item.end > min && item.start < max;
    };
    const order = syncFrom !== null ? "sequence" : orderBy === "startTime" ? "startTime" : "id";
    const listing = store.sortedItems(calendarId, singleEvents, order);
    // Keyset: continue after the last key handed out (a sync starts after the token's position).
    const startKey = state.after ?? (syncFrom !== null ? sequenceKey(syncFrom, "\uffff") : null);
    let index = startKey === null ? 0 : firstAfter(listing, startKey);
    const nextWanted = (from: number) => {
      let i = from;
      while (i < listing.length && !wanted(listing[i]!)) i += 1;
      return i;
    };

    const every = store.emptyPageEvery;
    const pageItems: ListedItem[] = [];
    let lastKey = state.after;
    if (!(every >= 2 && state.page % every === every - 1)) {
      while (pageItems.length < maxResults) {
        index = nextWanted(index);
        if (index >= listing.length) break;
        pageItems.push(listing[index]!);
        lastKey = listing[index]!.key;
        index += 1;
      }
    }
    const more = nextWanted(index) < listing.length;

    res.json({
      kind: "calendar#events",
      etag: `"p${position.sequence}"`,
      summary: calendarId,
      updated: new Date().toISOString(),
      timeZone: "UTC",
      accessRole: store.calendarList().find((c) => c.id === calendarId)?.accessRole ?? "reader",
      defaultReminders: [],
      ...(more
        ? { nextPageToken: encodeToken({ ...state, after: lastKey, page: state.page + 1 } satisfies PageState) }
        : { nextSyncToken: encodeToken({ c: calendarId, s: state.upTo, e: position.epoch }) }),
      items: pageItems.map(({ event }) =>
        event.status === "cancelled" && syncFrom !== null ? minimalCancelled(event) : event,
      ),
    });
  });

  return router;
}

function sequenceKey(changedAt: number, id: string): string {
  return `${String(changedAt).padStart(12, "0")}|${id}`;
}

/** The index of the first item whose key sorts after `key` (binary search). */
function firstAfter(items: ListedItem[], key: string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (items[middle]!.key <= key) low = middle + 1;
    else high = middle;
  }
  return low;
}

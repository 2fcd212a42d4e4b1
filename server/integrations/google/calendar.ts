// The Google Calendar SyncProvider: reads the user's own calendars with events.list and turns each
// event (each instance of a recurring one) into a SyncedMeeting.
//
// - Full sync (cursor null, or the engine restarting after a 410): list the calendars, then read each
//   one's window (timeMin/timeMax from the engine, singleEvents=true so series come as instances),
//   one page per step, following nextPageToken even through empty pages; the last page of a calendar
//   carries its nextSyncToken, which the cursor keeps.
// - Incremental: events.list with each calendar's syncToken (no time bounds: Google refuses them with
//   a sync token), one page per step; a round ends when every calendar's last page was read.
// - 410 Gone on a sync token → CursorExpiredError: the engine starts a full sync that merges.
//
// The official client (@googleapis/calendar) does the HTTP, with its own retries turned off: the
// engine owns backoff, and a client retrying a 429 behind its back would hide the Retry-After. Every
// answer is validated with zod; an event that does not parse is skipped with a reason, and the rest
// of its page goes on.
import { calendar, type calendar_v3 } from "@googleapis/calendar";
import { z } from "zod";
import { CursorExpiredError, ProviderAuthError, TemporaryProviderError } from "../errors";
import type {
  ConnectedAccount,
  SkippedItem,
  SkipReason,
  SyncChange,
  SyncCursor,
  SyncedMeeting,
  SyncedPerson,
  SyncProvider,
  SyncStep,
  SyncStepInput,
  SyncWindow,
} from "../types";
import { googleHttpStatus, toProviderError } from "./api-errors";

/** Calendar answers 410 Gone to a sync token it no longer honours: a full re-sync (merging). */
const CURSOR_STATUSES = [410];

export type CalendarProviderOptions = {
  /** Where the API is (a fake Google in tests and the demo); null for Google's own. */
  rootUrl: string | null;
  /** Events per page; Google's default is 250, its maximum 2500. */
  pageSize?: number;
  /** How long one request may take, in ms. */
  timeoutMs?: number;
};

// ---------------------------------------------------------------------------------------------
// What Google answers (validated; unknown fields pass through unread).

const calendarListPage = z.object({
  items: z.array(z.unknown()).optional(),
  nextPageToken: z.string().optional(),
});
const calendarListEntry = z.object({
  id: z.string().min(1),
  summary: z.string().optional(),
  primary: z.boolean().optional(),
  accessRole: z.string().optional(),
  deleted: z.boolean().optional(),
});
type CalendarListEntry = z.infer<typeof calendarListEntry>;

const eventsPage = z.object({
  items: z.array(z.unknown()).optional(),
  nextPageToken: z.string().min(1).optional(),
  nextSyncToken: z.string().min(1).optional(),
});

const eventTime = z.object({ dateTime: z.string().optional(), date: z.string().optional() });
const person = z.object({ email: z.string().optional(), displayName: z.string().optional() });
const eventSchema = z.object({
  id: z.string().min(1).max(1024),
  status: z.enum(["confirmed", "tentative", "cancelled"]).optional(),
  summary: z.string().optional(),
  location: z.string().optional(),
  start: eventTime.optional(),
  end: eventTime.optional(),
  organizer: person.optional(),
  attendees: z.array(z.unknown()).optional(),
  recurringEventId: z.string().optional(),
});
const attendeeSchema = person.extend({ resource: z.boolean().optional() });
type CalendarEventData = z.infer<typeof eventSchema>;

// ---------------------------------------------------------------------------------------------
// The cursor: one entry per synced calendar.

const calendarPosition = z.object({
  /** Null until the calendar's full sync read its last page. */
  syncToken: z.string().nullable(),
  /** The next page of the listing in progress (full or incremental). */
  pageToken: z.string().nullable(),
  /** The calendar's last page was read in the current round. */
  done: z.boolean(),
});
const cursorSchema = z.object({
  version: z.literal(1),
  calendars: z.record(z.string(), calendarPosition),
  /** Events read by the full sync so far (its progress figure). */
  fullSyncItems: z.number().int().nonnegative(),
});
export type CalendarCursor = z.infer<typeof cursorSchema>;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_TITLE = 500;
const MAX_LOCATION = 500;

export function createCalendarProvider(options: CalendarProviderOptions): SyncProvider {
  const pageSize = options.pageSize ?? 100;
  const api = calendar({
    version: "v3",
    retry: false,
    timeout: options.timeoutMs ?? 30_000,
  });

  async function call<T>(signal: AbortSignal, request: () => Promise<{ data: T }>): Promise<T> {
    // gaxios swaps a signal that is already aborted for its timeout signal and sends the request
    // anyway; a step the engine has stopped must not reach Google.
    signal.throwIfAborted();
    try {
      return (await request()).data;
    } catch (error) {
      throw toProviderError(error, CURSOR_STATUSES, signal);
    }
  }

  const requestOptions = (accessToken: string, signal: AbortSignal) => ({
    // Per request, not on the client: a client-wide rootUrl keeps only its origin, so the demo's fake
    // under /dev/fake-google-apis was never reached (see gmail-client.ts).
    ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}),
    headers: { Authorization: `Bearer ${accessToken}` },
    signal,
  });

  /** Every calendarList page (a user has a handful of calendars; ten pages is far more than enough). */
  async function listCalendars(accessToken: string, signal: AbortSignal) {
    const entries: CalendarListEntry[] = [];
    let pageToken: string | undefined;
    let requests = 0;
    do {
      const data = await call(signal, () =>
        api.calendarList.list({ maxResults: 250, pageToken }, requestOptions(accessToken, signal)),
      );
      requests += 1;
      const page = calendarListPage.safeParse(data);
      if (!page.success)
        throw new TemporaryProviderError(
          "Google Calendar answered the calendar list in an unexpected shape",
          "unavailable",
        );
      // An entry that does not parse is left out; the calendars that do are still synced.
      for (const item of page.data.items ?? []) {
        const entry = calendarListEntry.safeParse(item);
        if (entry.success) entries.push(entry.data);
      }
      pageToken = page.data.nextPageToken;
    } while (pageToken && requests < 10);
    return { entries, requests };
  }

  async function listEvents(
    accessToken: string,
    signal: AbortSignal,
    params: calendar_v3.Params$Resource$Events$List,
  ): Promise<z.infer<typeof eventsPage> | null> {
    let data: unknown;
    signal.throwIfAborted();
    try {
      data = (await api.events.list(params, requestOptions(accessToken, signal))).data;
    } catch (error) {
      // The calendar was deleted (or unshared) since it was listed: null, and it leaves the cursor.
      if (googleHttpStatus(error) === 404 && !signal.aborted) return null;
      throw toProviderError(error, CURSOR_STATUSES, signal);
    }
    const page = eventsPage.safeParse(data);
    if (!page.success || (!page.data.nextPageToken && !page.data.nextSyncToken)) {
      // Without either token there is no way on; a later try may get a proper answer.
      throw new TemporaryProviderError("Google Calendar answered an events page in an unexpected shape", "unavailable");
    }
    return page.data;
  }

  return {
    id: "gcal",

    async connectedAccount(accessToken: string, signal: AbortSignal): Promise<ConnectedAccount> {
      const { entries } = await listCalendars(accessToken, signal);
      const primary = entries.find((entry) => entry.primary);
      if (!primary) throw new ProviderAuthError("Google Calendar shows no primary calendar for this account");
      return { id: primary.id, name: primary.summary ?? primary.id };
    },

    async step(input: SyncStepInput): Promise<SyncStep> {
      const { accessToken, signal, window } = input;
      let requests = 0;
      let cursor = input.cursor === null ? null : readCursor(input.cursor);

      if (!cursor || Object.keys(cursor.calendars).length === 0) {
        const { entries, requests: listed } = await listCalendars(accessToken, signal);
        requests += listed;
        // The primary calendar and the calendars the user owns. Read-only subscriptions (holidays,
        // colleagues' calendars shared with them, other people's calendars) are left out: their
        // events are not the user's meetings, and a colleague's calendar would import their deals.
        const synced = entries.filter((entry) => !entry.deleted && (entry.primary || entry.accessRole === "owner"));
        cursor = {
          version: 1,
          calendars: Object.fromEntries(
            synced.map((entry) => [entry.id, { syncToken: null, pageToken: null, done: false }]),
          ),
          fullSyncItems: 0,
        };
        if (synced.length === 0) {
          return {
            changes: [],
            skipped: [],
            cursor,
            mode: "full",
            caughtUp: true,
            progress: { done: 0, total: 0 },
            requests,
          };
        }
      }

      // jsonb does not keep key order, so calendars are visited in sorted order.
      const ids = Object.keys(cursor.calendars).sort();
      const fullSyncing = ids.some((id) => cursor.calendars[id]!.syncToken === null);

      if (fullSyncing) {
        const calendarId = ids.find((id) => cursor.calendars[id]!.syncToken === null)!;
        const position = cursor.calendars[calendarId]!;
        const page = await listEvents(accessToken, signal, {
          calendarId,
          timeMin: window.calendarFrom.toISOString(),
          timeMax: window.calendarTo.toISOString(),
          singleEvents: true,
          maxResults: pageSize,
          ...(position.pageToken ? { pageToken: position.pageToken } : {}),
        });
        requests += 1;
        if (!page) return dropCalendar(cursor, cursor.calendars, calendarId, "full", requests);
        const { changes, skipped } = convertPage(calendarId, page.items ?? [], window);
        const next: CalendarCursor = {
          ...cursor,
          calendars: {
            ...cursor.calendars,
            [calendarId]: page.nextPageToken
              ? { syncToken: null, pageToken: page.nextPageToken, done: false }
              : { syncToken: page.nextSyncToken!, pageToken: null, done: true },
          },
          fullSyncItems: cursor.fullSyncItems + (page.items?.length ?? 0),
        };
        const finished = ids.every((id) => next.calendars[id]!.syncToken !== null);
        return {
          changes,
          skipped,
          cursor: next,
          mode: "full",
          caughtUp: finished,
          // Google gives no count of a listing, so the total is unknown until the end.
          progress: { done: next.fullSyncItems, total: finished ? next.fullSyncItems : null },
          requests,
        };
      }

      // Incremental. A new round starts once the previous one read every calendar to its end.
      let calendars = cursor.calendars;
      if (ids.every((id) => calendars[id]!.done)) {
        calendars = Object.fromEntries(ids.map((id) => [id, { ...calendars[id]!, done: false }]));
      }
      const calendarId = ids.find((id) => !calendars[id]!.done)!;
      const position = calendars[calendarId]!;
      const page = await listEvents(accessToken, signal, {
        calendarId,
        syncToken: position.syncToken!,
        singleEvents: true,
        maxResults: pageSize,
        ...(position.pageToken ? { pageToken: position.pageToken } : {}),
      });
      requests += 1;
      if (!page) return dropCalendar(cursor, calendars, calendarId, "incremental", requests);
      const { changes, skipped } = convertPage(calendarId, page.items ?? [], window);
      const nextCalendars = {
        ...calendars,
        [calendarId]: page.nextPageToken
          ? { ...position, pageToken: page.nextPageToken, done: false }
          : { syncToken: page.nextSyncToken!, pageToken: null, done: true },
      };
      return {
        changes,
        skipped,
        cursor: { ...cursor, calendars: nextCalendars },
        mode: "incremental",
        caughtUp: ids.every((id) => nextCalendars[id]!.done),
        requests,
      };
    },
  };
}

/** A calendar that is gone (404) stops being synced; the others go on. */
function dropCalendar(
  cursor: CalendarCursor,
  current: CalendarCursor["calendars"],
  calendarId: string,
  mode: SyncStep["mode"],
  requests: number,
): SyncStep {
  const { [calendarId]: _gone, ...calendars } = current;
  const ids = Object.keys(calendars);
  return {
    changes: [],
    skipped: [],
    cursor: { ...cursor, calendars },
    mode,
    caughtUp:
      mode === "full" ? ids.every((id) => calendars[id]!.syncToken !== null) : ids.every((id) => calendars[id]!.done),
    requests,
  };
}

/** A stored cursor that does not parse cannot be resumed: re-sync in full (merging). */
function readCursor(raw: SyncCursor): CalendarCursor {
  const parsed = cursorSchema.safeParse(raw);
  if (!parsed.success) throw new CursorExpiredError("The stored Calendar sync position is unreadable");
  return parsed.data;
}

function convertPage(
  calendarId: string,
  items: unknown[],
  window: SyncWindow,
): { changes: SyncChange[]; skipped: SkippedItem[] } {
  const changes: SyncChange[] = [];
  const skipped: SkippedItem[] = [];
  items.forEach((item, index) => {
    const result = convertEvent(calendarId, item, window);
    if ("reason" in result)
      skipped.push({ externalId: result.externalId ?? `${calendarId}:#${index}`, reason: result.reason });
    else changes.push(result);
  });
  return { changes, skipped };
}

type Skip = { externalId: string | null; reason: SkipReason };

/** One event of an answer: a meeting, a cancellation, or a skip with its reason. */
export function convertEvent(calendarId: string, item: unknown, window: SyncWindow): SyncChange | Skip {
  const parsed = eventSchema.safeParse(item);
  if (!parsed.success) {
    const id = typeof (item as { id?: unknown } | null)?.id === "string" ? (item as { id: string }).id : null;
    return { externalId: id ? `${calendarId}:${id}` : null, reason: "malformed" };
  }
  const event = parsed.data;
  const externalId = `${calendarId}:${event.id}`;
  const cancelled = event.status === "cancelled";
  const meeting = toMeeting(externalId, event, cancelled);

  if (cancelled) {
    // Deleted events come back from a sync with only their id; one with its data still attached
    // and inside the window is kept as a cancelled meeting.
    if ("kind" in meeting && insideWindow(meeting, window)) return meeting;
    return { kind: "meeting_cancelled", externalId };
  }
  if ("reason" in meeting) return meeting;
  // Incremental sync is not bounded by time: a change to a series brings its instances for years
  // ahead. Those are left out; a one-off event is always taken, so one moved far away is not left
  // standing at its old time.
  if (event.recurringEventId && !insideWindow(meeting, window)) return { externalId, reason: "outside_window" };
  return meeting;
}

function toMeeting(externalId: string, event: CalendarEventData, cancelled: boolean): SyncedMeeting | Skip {
  if (event.start?.date || event.end?.date) return { externalId, reason: "all_day" };
  if (!event.start?.dateTime || !event.end?.dateTime) return { externalId, reason: "missing_field" };
  const startsAt = readDateTime(event.start.dateTime);
  const endsAt = readDateTime(event.end.dateTime);
  if (!startsAt || !endsAt || endsAt < startsAt) return { externalId, reason: "malformed" };
  const organizer = readPerson(event.organizer);
  const attendees: SyncedPerson[] = [];
  for (const raw of event.attendees ?? []) {
    const attendee = attendeeSchema.safeParse(raw);
    // Meeting rooms and other resources are not people.
    if (!attendee.success || attendee.data.resource) continue;
    const one = readPerson(attendee.data);
    if (one) attendees.push(one);
  }
  return {
    kind: "meeting",
    externalId,
    title: event.summary?.trim().slice(0, MAX_TITLE) || "(no title)",
    startsAt,
    endsAt,
    location: event.location?.trim().slice(0, MAX_LOCATION) || null,
    organizer,
    attendees,
    cancelled,
  };
}

function readDateTime(value: string): Date | null {
  if (!RFC3339.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : new Date(at);
}

function readPerson(value: { email?: string; displayName?: string } | undefined): SyncedPerson | null {
  const email = value?.email?.trim();
  if (!email || !EMAIL.test(email)) return null;
  return { email, name: value?.displayName?.trim() || null };
}

function insideWindow(meeting: SyncedMeeting, window: SyncWindow): boolean {
  return meeting.endsAt > window.calendarFrom && meeting.startsAt < window.calendarTo;
}

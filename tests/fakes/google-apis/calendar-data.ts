// A deterministic calendar for the fake Calendar API: the same seed and `now` always give the same
// events. It holds what a seller's real calendar holds — customer meetings with external attendees
// (sometimes in a meeting room), internal 1:1s, weekly recurring syncs (one instance moved, one
// cancelled), all-day out-of-office days, events nobody was invited to — plus a few broken ones
// (no end, an unreadable dateTime) that a client must skip without stopping. It scales to thousands
// of events for the benchmark.
import { generateDemoWorkspace } from "../../../prisma/seed/demo-workspace";
import { CalendarStore, HOLIDAY_CALENDAR_ID, type CalendarEventInput } from "./calendar";

export type CalendarPerson = { email: string; name: string };

export type GenerateCalendarOptions = {
  seed: number;
  /** Whose calendar it is (the primary calendar's id). */
  owner: CalendarPerson;
  /** People at the owner's company (internal meetings). */
  colleagues: CalendarPerson[];
  /** People at customers and prospects (customer meetings). */
  counterparts: CalendarPerson[];
  daysBack: number;
  daysAhead: number;
  /** How many one-off events (the recurring series come on top). */
  count: number;
  now: Date;
};

export type GeneratedCalendar = {
  /** Events and exceptions, in the order to add them to a CalendarStore. */
  events: CalendarEventInput[];
  /** How many one-off events of each kind, for tests to reason about. */
  counts: {
    customer: number;
    internal: number;
    allDay: number;
    noAttendees: number;
    missingEnd: number;
    badDateTime: number;
    withRoom: number;
    series: number;
  };
  /** The recurring series, with the instance moved and the instance cancelled (ISO original starts). */
  series: { id: string; movedInstance: string | null; cancelledInstance: string | null }[];
};

export const MEETING_ROOM = { email: "c_1889rooms-berlin-4@resource.calendar.google.com", name: "Berlin-4-Orbit (8)" };

/** mulberry32: small, fast, and the same seed always yields the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;
const CUSTOMER_TOPICS = [
  "Discovery call",
  "Demo",
  "Pricing review",
  "Security questionnaire",
  "Kick-off",
  "QBR",
  "Renewal",
];
const INTERNAL_TOPICS = ["1:1", "Deal review", "Forecast", "Pipeline hygiene", "Coaching"];
const PLACES = ["Zoom", "Google Meet", "Their office", "Café Luna", null];

export function generateCalendar(options: GenerateCalendarOptions): GeneratedCalendar {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const tag = (options.seed >>> 0).toString(32);
  let serial = 0;
  // Google event ids use base32hex (0-9, a-v), 5 to 1024 characters.
  const nextId = () => `ev${tag}${(serial++).toString(32).padStart(6, "0")}`;
  const owner = { email: options.owner.email.toLowerCase(), displayName: options.owner.name };
  const self = { ...owner, self: true as const };
  const counts: GeneratedCalendar["counts"] = {
    customer: 0,
    internal: 0,
    allDay: 0,
    noAttendees: 0,
    missingEnd: 0,
    badDateTime: 0,
    withRoom: 0,
    series: 0,
  };
  const events: CalendarEventInput[] = [];
  const today = Math.floor(options.now.getTime() / DAY_MS) * DAY_MS;
  const firstDay = today - options.daysBack * DAY_MS;
  const spanDays = Math.max(1, options.daysBack + options.daysAhead);

  /** A weekday at a working hour (UTC), somewhere in the window. */
  const slot = () => {
    let day = firstDay + Math.floor(random() * spanDays) * DAY_MS;
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0) day += DAY_MS;
    if (weekday === 6) day += 2 * DAY_MS;
    const start = day + (8 + Math.floor(random() * 10)) * 3_600_000 + (random() < 0.5 ? 0 : 1_800_000);
    const minutes = pick([30, 30, 45, 60, 60, 90]);
    return { start, end: start + minutes * 60_000 };
  };
  const time = (ms: number) => ({ dateTime: new Date(ms).toISOString().replace(".000Z", "Z"), timeZone: "UTC" });
  const attendee = (person: CalendarPerson) => ({
    email: person.email,
    displayName: person.name,
    responseStatus: pick(["accepted", "accepted", "tentative", "needsAction", "declined"] as const),
  });

  for (let index = 0; index < options.count; index += 1) {
    const id = nextId();
    const { start, end } = slot();
    const roll = random();
    // Roughly 2% odd events, at least one of each kind once there are twenty events.
    const odd = (index === 7 && options.count >= 20) || (index === 13 && options.count >= 20) || roll < 0.02;
    if (odd) {
      const missingEnd = index === 7 || (index !== 13 && random() < 0.5);
      if (missingEnd) counts.missingEnd += 1;
      else counts.badDateTime += 1;
      events.push({
        id,
        summary: pick(CUSTOMER_TOPICS),
        organizer: owner,
        start: missingEnd
          ? time(start)
          : { dateTime: `${new Date(start).toISOString().slice(0, 10)}T25:61:00 at noon` },
        ...(missingEnd ? {} : { end: time(end) }),
        attendees: [{ ...self, organizer: true, responseStatus: "accepted" }, attendee(pick(options.counterparts))],
      });
      continue;
    }
    if (roll < 0.07) {
      counts.allDay += 1;
      const day = new Date(start).toISOString().slice(0, 10);
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS * (1 + Math.floor(random() * 3)));
      events.push({
        id,
        summary: "Out of office",
        eventType: "outOfOffice",
        organizer: owner,
        start: { date: day },
        end: { date: next.toISOString().slice(0, 10) },
      });
      continue;
    }
    if (roll < 0.12 || options.counterparts.length === 0) {
      counts.noAttendees += 1;
      events.push({
        id,
        summary: pick(["Focus time", "Prep", "Admin", "Lunch"]),
        organizer: owner,
        start: time(start),
        end: time(end),
      });
      continue;
    }
    if (roll < 0.3 && options.colleagues.length > 0) {
      counts.internal += 1;
      const colleague = pick(options.colleagues);
      events.push({
        id,
        summary: `${pick(INTERNAL_TOPICS)}: ${colleague.name.split(" ")[0]} / ${options.owner.name.split(" ")[0]}`,
        organizer: owner,
        start: time(start),
        end: time(end),
        attendees: [{ ...self, organizer: true, responseStatus: "accepted" }, attendee(colleague)],
      });
      continue;
    }
    counts.customer += 1;
    const guests = new Set<CalendarPerson>();
    const guestCount = 1 + Math.floor(random() * 3);
    for (let g = 0; g < guestCount; g += 1) guests.add(pick(options.counterparts));
    const withColleague = options.colleagues.length > 0 && random() < 0.3;
    const withRoom = random() < 0.15;
    if (withRoom) counts.withRoom += 1;
    const theyOrganize = random() < 0.3;
    const organizer = theyOrganize ? [...guests][0]! : options.owner;
    events.push({
      id,
      summary: `${pick(CUSTOMER_TOPICS)} — ${domainLabel([...guests][0]!.email)}`,
      ...(withRoom ? { location: MEETING_ROOM.name } : pick(PLACES) ? { location: pick(PLACES) ?? "Zoom" } : {}),
      organizer: { email: organizer.email, displayName: organizer.name },
      start: time(start),
      end: time(end),
      attendees: [
        { ...self, organizer: !theyOrganize, responseStatus: "accepted" },
        ...[...guests].map((guest) => ({ ...attendee(guest), organizer: guest === organizer })),
        ...(withColleague ? [attendee(pick(options.colleagues))] : []),
        ...(withRoom
          ? [
              {
                email: MEETING_ROOM.email,
                displayName: MEETING_ROOM.name,
                resource: true,
                responseStatus: "accepted" as const,
              },
            ]
          : []),
      ],
    });
  }

  // Weekly syncs: one per 500 one-off events, at least one; each started before the window and
  // running on past its end, with one instance moved an hour later and one cancelled.
  const seriesCount = Math.max(1, Math.floor(options.count / 500));
  const series: GeneratedCalendar["series"] = [];
  for (let s = 0; s < seriesCount; s += 1) {
    counts.series += 1;
    const id = nextId();
    const firstMonday = firstDay - 7 * DAY_MS - ((new Date(firstDay).getUTCDay() + 6) % 7) * DAY_MS;
    const weekday = s % 5; // Monday … Friday
    const start = firstMonday + weekday * DAY_MS + (9 + (s % 8)) * 3_600_000;
    const guest = options.counterparts.length > 0 ? pick(options.counterparts) : null;
    events.push({
      id,
      summary: guest ? `Weekly sync — ${domainLabel(guest.email)}` : "Weekly team sync",
      organizer: owner,
      start: time(start),
      end: time(start + 30 * 60_000),
      recurrence: [`RRULE:FREQ=WEEKLY;BYDAY=${["MO", "TU", "WE", "TH", "FR"][weekday]}`],
      attendees: [
        { ...self, organizer: true, responseStatus: "accepted" },
        ...(guest ? [attendee(guest)] : options.colleagues.slice(0, 3).map(attendee)),
      ],
    });
    // The instances two and three weeks after today: inside any window that reaches a month ahead.
    const moved = start + (Math.ceil((today - start) / (7 * DAY_MS)) + 2) * 7 * DAY_MS;
    const cancelled = moved + 7 * DAY_MS;
    const movedInstance = options.daysAhead >= 21 ? time(moved) : null;
    const cancelledInstance = options.daysAhead >= 28 ? time(cancelled) : null;
    if (movedInstance) {
      events.push({
        id: instanceId(id, movedInstance.dateTime),
        recurringEventId: id,
        originalStartTime: movedInstance,
        summary: events.at(-1)!.summary,
        organizer: owner,
        start: time(moved + 3_600_000),
        end: time(moved + 3_600_000 + 30 * 60_000),
        attendees: events.at(-1)!.attendees,
      });
    }
    if (cancelledInstance) {
      events.push({
        id: instanceId(id, cancelledInstance.dateTime),
        status: "cancelled",
        recurringEventId: id,
        originalStartTime: cancelledInstance,
        organizer: owner,
        start: cancelledInstance,
        end: time(cancelled + 30 * 60_000),
      });
    }
    series.push({
      id,
      movedInstance: movedInstance?.dateTime ?? null,
      cancelledInstance: cancelledInstance?.dateTime ?? null,
    });
  }
  return { events, counts, series };
}

/** Public holidays for the read-only holiday calendar (all-day, no attendees). */
export function holidayEvents(now: Date): CalendarEventInput[] {
  const year = now.getUTCFullYear();
  return [
    ["New Year's Day", `${year + 1}-01-01`],
    ["Independence Day", `${year}-07-04`],
    ["Christmas Day", `${year}-12-25`],
  ].map(([summary, date], index) => ({
    id: `holiday${year}${index}`,
    summary,
    start: { date },
    end: { date: new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10) },
    organizer: { email: "en.usa#holiday@group.v.calendar.google.com", displayName: "Holidays in United States" },
  }));
}

/** Puts a generated calendar into a store's calendar (the primary one by default). */
export function loadCalendar(
  store: CalendarStore,
  generated: GeneratedCalendar,
  calendarId = store.primaryCalendarId,
): void {
  store.addEvents(calendarId, generated.events);
}

/**
 * The calendar the built-in fake Google shows a newcomer who connects Google Calendar: meetings
 * with the demo workspace's prospects, with people nobody has met yet at their companies, with
 * free-mail addresses, with colleagues at the user's own domain; a secondary owned calendar and a
 * holiday subscription beside the primary one. The same for the same email and day.
 */
export function demoCalendarStore(email: string, now: Date, name = email.split("@")[0] ?? email): CalendarStore {
  const store = new CalendarStore({ owner: email, secondary: true, holidays: true });
  const demo = generateDemoWorkspace();
  const prospects = (demo.prospects ?? [])
    .slice(0, 40)
    .map((p) => ({ email: p.email ?? "", name: `${p.firstName} ${p.lastName}` }));
  const strangers = (demo.accounts ?? [])
    .slice(0, 10)
    .flatMap((a) => (a.domain ? [{ email: `ops-lead@${a.domain}`, name: `Ops lead at ${a.name}` }] : []));
  const personal = [
    { email: "jamie.r.1987@gmail.com", name: "Jamie R" },
    { email: "consultant.kim@outlook.com", name: "Kim Consulting" },
  ];
  const domain = email.split("@")[1] ?? "example.com";
  const colleagues = ["Priya Shah", "Tom Becker", "Lena Ortiz"].map((full) => ({
    email: `${full.split(" ")[0]!.toLowerCase()}@${domain}`,
    name: full,
  }));
  const seed = [...email].reduce((hash, char) => Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0, 2166136261);
  const options = { owner: { email, name }, colleagues, daysBack: 90, daysAhead: 180, now };
  const primary = generateCalendar({
    ...options,
    seed,
    counterparts: [...prospects.filter((p) => p.email), ...strangers, ...personal],
    count: 150,
  });
  loadCalendar(store, primary);
  const secondary = generateCalendar({ ...options, seed: seed + 1, counterparts: prospects.slice(0, 10), count: 20 });
  loadCalendar(store, secondary, store.secondaryCalendarId!);
  store.addEvents(HOLIDAY_CALENDAR_ID, holidayEvents(now));
  return store;
}

function instanceId(masterId: string, dateTime: string): string {
  return `${masterId}_${new Date(dateTime)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "")}`;
}

function domainLabel(email: string): string {
  const domain = email.split("@")[1] ?? email;
  const name = domain.split(".")[0] ?? domain;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

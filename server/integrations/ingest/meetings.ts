// Calendar events into meetings: upserted on (source, event id), attendees replaced by the calendar's
// current list, cancelled and un-cancelled as the calendar says, one timeline entry each.
import { maxLengths } from "../../crm/limits";
import { truncateLine } from "../../utils/text";
import { activitiesSql } from "./emails";
import { skip, type IngestRun } from "./run";
import type { CleanMeeting } from "./normalize";
import { accountOf, classify, keys, oneOf, relevance } from "./resolve";

const SUMMARY_MAX = 300;

export function meetingSummary(title: string, cancelled: boolean): string {
  return truncateLine(
    `${cancelled ? "Cancelled meeting" : "Meeting"}: ${title}`,
    Math.min(SUMMARY_MAX, maxLengths.activitySummary),
  );
}

type Attendee = { meetingId: string; prospectId: string | null; email: string | null };

export async function writeMeetings(
  run: IngestRun,
  meetings: CleanMeeting[],
  ensureProspects: (addresses: Iterable<string>) => Promise<void>,
): Promise<void> {
  if (meetings.length === 0) return;
  const { tx, context, self, people, stats } = run;
  const existing = new Map(
    (
      await tx.$queryRaw<{ id: string; externalId: string; accountId: string | null }[]>`
        SELECT m.id, m."externalId", m."accountId"
        FROM ${keys(meetings.map((m) => m.externalId))},
          LATERAL (SELECT * FROM meetings
                   WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource" AND "externalId" = k.v OFFSET 0) m`
    ).map((m) => [m.externalId, m]),
  );
  // A meeting already stored stays stored (and follows the calendar); a new one is stored when one of
  // its people is a prospect or at a known account.
  const stored: CleanMeeting[] = [];
  for (const meeting of meetings) {
    const verdict = existing.has(meeting.externalId)
      ? "known"
      : relevance(
          self,
          people,
          meeting.people.map((p) => p.email),
        );
    if (verdict === "known") stored.push(meeting);
    else skip(stats, verdict);
  }
  if (stored.length === 0) return;
  await ensureProspects(stored.flatMap((m) => m.people.map((p) => p.email)));

  const rows: Record<string, unknown>[] = [];
  const wantedAttendees = new Map<string, Attendee[]>();
  const activities: Record<string, unknown>[] = [];
  for (const meeting of stored) {
    const before = existing.get(meeting.externalId);
    const id = before?.id ?? run.newId();
    const addresses = meeting.people.map((p) => p.email);
    const accountId = before?.accountId ?? accountOf(self, people, addresses);
    rows.push({
      id,
      accountId,
      title: meeting.title,
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      location: meeting.location,
      cancelled: meeting.cancelled,
      externalId: meeting.externalId,
    });
    // The user's own addresses are not attendees (it is the user's meeting); everyone else is, as a
    // prospect when we know them, else by address.
    const attendees: Attendee[] = [];
    let firstProspect: string | null = null;
    for (const address of addresses) {
      const who = classify(self, people, address);
      if (who.kind === "self") continue;
      if (who.kind === "prospect") {
        firstProspect ??= who.prospect.id;
        attendees.push({ meetingId: id, prospectId: who.prospect.id, email: null });
      } else attendees.push({ meetingId: id, prospectId: null, email: address });
    }
    wantedAttendees.set(id, attendees);
    activities.push({
      type: "meeting_held",
      at: meeting.startsAt,
      accountId,
      prospectId: firstProspect,
      conversationId: null,
      meetingId: id,
      summary: meetingSummary(meeting.title, meeting.cancelled),
      externalId: meeting.externalId,
    });
  }

  const json = JSON.stringify(rows);
  // cancelledAt keeps the moment we first saw the cancellation (so a page applied again changes
  // nothing); a cancelled event that comes back confirmed is un-cancelled.
  const written = await tx.$queryRaw<{ id: string; inserted: boolean }[]>`
    INSERT INTO meetings (id, "userId", "accountId", title, "startsAt", "endsAt", location, "cancelledAt", source,
                          "externalId", "createdAt", "updatedAt")
    SELECT x.id, ${context.userId}, x."accountId", x.title, x."startsAt", x."endsAt", x.location,
           CASE WHEN x.cancelled THEN ${context.now}::timestamptz END, ${context.source}::"RecordSource", x."externalId",
           ${context.now}, ${context.now}
    FROM jsonb_to_recordset(${json}::jsonb) AS x(id text, "accountId" text, title text, "startsAt" timestamptz,
         "endsAt" timestamptz, location text, cancelled boolean, "externalId" text)
    ON CONFLICT ("userId", source, "externalId") DO UPDATE
    SET "accountId" = COALESCE(meetings."accountId", EXCLUDED."accountId"), title = EXCLUDED.title,
        "startsAt" = EXCLUDED."startsAt", "endsAt" = EXCLUDED."endsAt", location = EXCLUDED.location,
        "cancelledAt" = CASE WHEN EXCLUDED."cancelledAt" IS NULL THEN NULL
                             ELSE COALESCE(meetings."cancelledAt", EXCLUDED."cancelledAt") END,
        "updatedAt" = EXCLUDED."updatedAt"
    WHERE (meetings."accountId", meetings.title, meetings."startsAt", meetings."endsAt", meetings.location,
           meetings."cancelledAt" IS NULL)
          IS DISTINCT FROM
          (COALESCE(meetings."accountId", EXCLUDED."accountId"), EXCLUDED.title, EXCLUDED."startsAt", EXCLUDED."endsAt",
           EXCLUDED.location, EXCLUDED."cancelledAt" IS NULL)
    RETURNING id, (xmax = 0) AS inserted`;
  const changed = new Set<string>();
  for (const row of written) {
    if (row.inserted) stats.created += 1;
    else changed.add(row.id);
  }

  // Attendees: replaced where the calendar's list differs from what is stored.
  const key = (a: Attendee) => `${a.prospectId ?? ""}\u0001${a.email ?? ""}`;
  const have = new Map<string, string[]>();
  const existingIds = [...existing.values()].map((m) => m.id);
  if (existingIds.length > 0) {
    const rows = await tx.$queryRaw<Attendee[]>`
      SELECT "meetingId", "prospectId", lower(email) AS email FROM meeting_attendees
      WHERE "userId" = ${context.userId} AND "meetingId" = ${oneOf(existingIds)}`;
    for (const row of rows) {
      const list = have.get(row.meetingId) ?? [];
      list.push(key(row));
      have.set(row.meetingId, list);
    }
  }
  const replace: string[] = [];
  const insert: Attendee[] = [];
  for (const [meetingId, attendees] of wantedAttendees) {
    const isNew = !existingIds.includes(meetingId);
    const same = !isNew && [...(have.get(meetingId) ?? [])].sort().join("\n") === attendees.map(key).sort().join("\n");
    if (same) continue;
    if (!isNew) {
      replace.push(meetingId);
      changed.add(meetingId);
    }
    insert.push(...attendees);
  }
  if (replace.length > 0)
    await tx.$executeRaw`
      DELETE FROM meeting_attendees WHERE "userId" = ${context.userId} AND "meetingId" = ${oneOf(replace)}`;
  if (insert.length > 0) {
    const attendeesJson = JSON.stringify(insert.map((a) => ({ id: run.newId(), ...a })));
    await tx.$executeRaw`
      INSERT INTO meeting_attendees (id, "userId", "meetingId", "prospectId", email)
      SELECT x.id, ${context.userId}, x."meetingId", x."prospectId", x.email
      FROM jsonb_to_recordset(${attendeesJson}::jsonb) AS x(id text, "meetingId" text, "prospectId" text, email text)`;
  }
  stats.updated += changed.size;
  await tx.$executeRaw`${activitiesSql(run, activities)}`;
}

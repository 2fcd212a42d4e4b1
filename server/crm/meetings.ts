// Meetings: what is on the calendar, who comes, and the notes taken.
import { z } from "zod";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { FieldError, NotFoundError } from "../errors";
import { dateTimeInput, definedOnly, ensureOwnedRef, idInput, optionalRef, optionalText, requiredText } from "./inputs";
import { maxLengths } from "./limits";
import { cursorInput, keysetOrderBy, keysetPage, keysetWhere, pageSizeInput, type SortKey } from "./pagination";

export const listMeetingsInput = z.object({
  limit: pageSizeInput,
  cursor: cursorInput.nullish(),
  /** `upcoming`: from now on, soonest first. `past`: before now, latest first. */
  when: z.enum(["upcoming", "past"]).default("upcoming"),
  accountId: idInput.nullish(),
  opportunityId: idInput.nullish(),
});

const listSelect = {
  id: true,
  title: true,
  startsAt: true,
  endsAt: true,
  location: true,
  cancelledAt: true,
  source: true,
  account: { select: { id: true, name: true } },
  opportunity: { select: { id: true, name: true } },
  attendees: { select: { prospect: { select: { id: true, firstName: true, lastName: true } } } },
  notes: { select: { id: true } },
} satisfies Prisma.MeetingSelect;
type MeetingRow = Prisma.MeetingGetPayload<{ select: typeof listSelect }>;

export async function listMeetings(
  db: Db,
  userId: string,
  input: z.output<typeof listMeetingsInput>,
  now = new Date(),
) {
  const upcoming = input.when === "upcoming";
  const key: SortKey<MeetingRow> = {
    field: "startsAt",
    direction: upcoming ? "asc" : "desc",
    kind: "date",
    value: (row) => row.startsAt,
  };
  const filters: Prisma.MeetingWhereInput = {
    userId,
    startsAt: upcoming ? { gte: now } : { lt: now },
    ...(input.accountId ? { accountId: input.accountId } : {}),
    ...(input.opportunityId ? { opportunityId: input.opportunityId } : {}),
  };
  const rows = await db.meeting.findMany({
    where: { AND: [filters, keysetWhere(key, input.cursor) as Prisma.MeetingWhereInput] },
    orderBy: keysetOrderBy(key),
    take: input.limit + 1,
    select: listSelect,
  });
  return keysetPage(rows, input.limit, key);
}

export async function getMeeting(db: Db, userId: string, id: string) {
  const meeting = await db.meeting.findFirst({
    where: { id, userId },
    select: {
      ...listSelect,
      attendees: {
        select: {
          email: true,
          prospect: {
            select: {
              id: true,
              firstName: true,
              lastName: true,
              title: true,
              account: { select: { id: true, name: true } },
            },
          },
        },
      },
      notes: { select: { id: true, body: true, updatedAt: true } },
    },
  });
  if (!meeting) throw new NotFoundError("meeting");
  return meeting;
}

const meetingFields = {
  title: requiredText(maxLengths.meetingTitle, "Give the meeting a title."),
  startsAt: dateTimeInput,
  endsAt: dateTimeInput,
  location: optionalText(maxLengths.location),
  accountId: optionalRef,
  opportunityId: optionalRef,
  attendeeIds: z.array(idInput).max(100).default([]),
};
export const createMeetingInput = z
  .object(meetingFields)
  .refine((m) => m.endsAt >= m.startsAt, { message: "It cannot end before it starts.", path: ["endsAt"] });
export const updateMeetingInput = z.object({
  id: idInput,
  title: meetingFields.title.optional(),
  startsAt: dateTimeInput.optional(),
  endsAt: dateTimeInput.optional(),
  location: meetingFields.location,
  accountId: optionalRef,
  opportunityId: optionalRef,
  attendeeIds: z.array(idInput).max(100).optional(),
});

async function checkRefs(
  db: Db,
  userId: string,
  input: { accountId?: string | null; opportunityId?: string | null; attendeeIds?: string[] },
) {
  await ensureOwnedRef(db, "account", userId, input.accountId, "accountId");
  await ensureOwnedRef(db, "opportunity", userId, input.opportunityId, "opportunityId");
  for (const id of input.attendeeIds ?? []) await ensureOwnedRef(db, "prospect", userId, id, "attendeeIds");
}

export async function createMeeting(db: Db, userId: string, input: z.output<typeof createMeetingInput>) {
  await checkRefs(db, userId, input);
  const { attendeeIds, ...data } = input;
  return db.meeting.create({
    data: {
      userId,
      ...data,
      attendees: { create: [...new Set(attendeeIds)].map((prospectId) => ({ userId, prospectId })) },
    },
    select: { id: true, title: true },
  });
}

export async function updateMeeting(db: Db, userId: string, input: z.output<typeof updateMeetingInput>) {
  if (!(await db.meeting.count({ where: { id: input.id, userId } }))) throw new NotFoundError("meeting");
  await checkRefs(db, userId, input);
  const { id, attendeeIds, ...changes } = input;
  return db.$transaction(async (tx) => {
    const before = await tx.meeting.findFirst({ where: { id, userId }, select: { startsAt: true, endsAt: true } });
    if (!before) throw new NotFoundError("meeting");
    const startsAt = changes.startsAt ?? before.startsAt;
    const endsAt = changes.endsAt ?? before.endsAt;
    if (endsAt < startsAt) throw new FieldError("endsAt", "It cannot end before it starts.");
    await tx.meeting.update({ where: { id }, data: definedOnly(changes) });
    if (attendeeIds) {
      // Replaces the people attending; guests known only by email (from a calendar) stay.
      await tx.meetingAttendee.deleteMany({ where: { userId, meetingId: id, prospectId: { not: null } } });
      await tx.meetingAttendee.createMany({
        data: [...new Set(attendeeIds)].map((prospectId) => ({ userId, meetingId: id, prospectId })),
      });
    }
    return { id };
  });
}

export async function deleteMeeting(db: Db, userId: string, id: string) {
  const result = await db.meeting.deleteMany({ where: { id, userId } });
  if (result.count === 0) throw new NotFoundError("meeting");
  return { id };
}

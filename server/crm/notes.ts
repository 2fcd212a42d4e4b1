// Notes: on an account, a deal, a person, or a meeting (its notes).
import { z } from "zod";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { FieldError, NotFoundError } from "../errors";
import { truncateText } from "../utils/text";
import { recordActivity } from "./activity";
import { ensureOwnedRef, idInput, optionalRef, requiredText } from "./inputs";
import { maxLengths } from "./limits";
import { cursorInput, keysetOrderBy, keysetPage, keysetWhere, pageSizeInput, type SortKey } from "./pagination";

export const listNotesInput = z.object({
  limit: pageSizeInput,
  cursor: cursorInput.nullish(),
  accountId: idInput.nullish(),
  opportunityId: idInput.nullish(),
  prospectId: idInput.nullish(),
  meetingId: idInput.nullish(),
});

const noteSelect = {
  id: true,
  body: true,
  createdAt: true,
  updatedAt: true,
  account: { select: { id: true, name: true } },
  opportunity: { select: { id: true, name: true } },
  prospect: { select: { id: true, firstName: true, lastName: true } },
  meeting: { select: { id: true, title: true, startsAt: true } },
} satisfies Prisma.NoteSelect;
type NoteRow = Prisma.NoteGetPayload<{ select: typeof noteSelect }>;
const byUpdated: SortKey<NoteRow> = {
  field: "updatedAt",
  direction: "desc",
  kind: "date",
  value: (row) => row.updatedAt,
};

export async function listNotes(db: Db, userId: string, input: z.output<typeof listNotesInput>) {
  const filters: Prisma.NoteWhereInput = {
    userId,
    ...(input.accountId ? { accountId: input.accountId } : {}),
    ...(input.opportunityId ? { opportunityId: input.opportunityId } : {}),
    ...(input.prospectId ? { prospectId: input.prospectId } : {}),
    ...(input.meetingId ? { meetingId: input.meetingId } : {}),
  };
  const rows = await db.note.findMany({
    where: { AND: [filters, keysetWhere(byUpdated, input.cursor) as Prisma.NoteWhereInput] },
    orderBy: keysetOrderBy(byUpdated),
    take: input.limit + 1,
    select: noteSelect,
  });
  return keysetPage(rows, input.limit, byUpdated);
}

export const createNoteInput = z
  .object({
    body: requiredText(maxLengths.noteBody, "Write something in the note."),
    accountId: optionalRef,
    opportunityId: optionalRef,
    prospectId: optionalRef,
    meetingId: optionalRef,
  })
  .refine((n) => n.accountId || n.opportunityId || n.prospectId || n.meetingId, {
    message: "A note belongs to an account, a deal, a person or a meeting.",
    path: ["body"],
  });
export const updateNoteInput = z.object({
  id: idInput,
  body: requiredText(maxLengths.noteBody, "Write something in the note."),
});

export async function createNote(db: Db, userId: string, input: z.output<typeof createNoteInput>, now = new Date()) {
  await ensureOwnedRef(db, "account", userId, input.accountId, "accountId");
  await ensureOwnedRef(db, "opportunity", userId, input.opportunityId, "opportunityId");
  await ensureOwnedRef(db, "prospect", userId, input.prospectId, "prospectId");
  await ensureOwnedRef(db, "meeting", userId, input.meetingId, "meetingId");
  const meeting = input.meetingId
    ? await db.meeting.findFirst({
        where: { id: input.meetingId, userId },
        select: { accountId: true, opportunityId: true, notes: { select: { id: true } } },
      })
    : null;
  if (meeting?.notes) throw new FieldError("meetingId", "This meeting already has notes: edit them instead.");
  const accountId = input.accountId ?? meeting?.accountId ?? null;
  const opportunityId = input.opportunityId ?? meeting?.opportunityId ?? null;
  return db.$transaction(async (tx) => {
    const note = await tx.note.create({
      data: {
        userId,
        body: input.body,
        accountId,
        opportunityId,
        prospectId: input.prospectId,
        meetingId: input.meetingId,
      },
      select: { id: true },
    });
    await recordActivity(tx, {
      userId,
      type: "note_added",
      at: now,
      accountId,
      opportunityId,
      prospectId: input.prospectId,
      meetingId: input.meetingId,
      summary: `Note added: ${truncateText(input.body.split("\n")[0]!, 120, "")}`,
    });
    return note;
  });
}

export async function updateNote(db: Db, userId: string, input: z.output<typeof updateNoteInput>) {
  const result = await db.note.updateMany({ where: { id: input.id, userId }, data: { body: input.body } });
  if (result.count === 0) throw new NotFoundError("note");
  return { id: input.id };
}

export async function deleteNote(db: Db, userId: string, id: string) {
  const result = await db.note.deleteMany({ where: { id, userId } });
  if (result.count === 0) throw new NotFoundError("note");
  return { id };
}

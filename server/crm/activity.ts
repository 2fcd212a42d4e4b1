// The activity timeline: what happened, when, with whom — from the product itself (stage changes,
// notes) and from connected tools.
import { z } from "zod";
import type { Db, Queryable } from "../db/client";
import type { ActivityType, Prisma } from "../db/generated/client";
import { NotFoundError } from "../errors";
import { idInput } from "./inputs";
import { cursorInput, keysetOrderBy, keysetPage, keysetWhere, pageSizeInput, type SortKey } from "./pagination";

export const timelineInput = z.object({
  /** Whose timeline: exactly one of these. */
  of: z.enum(["account", "prospect", "opportunity"]),
  id: idInput,
  limit: pageSizeInput,
  cursor: cursorInput.nullish(),
});

const timelineSelect = {
  id: true,
  type: true,
  at: true,
  summary: true,
  source: true,
  account: { select: { id: true, name: true } },
  prospect: { select: { id: true, firstName: true, lastName: true } },
  opportunity: { select: { id: true, name: true } },
} satisfies Prisma.ActivitySelect;
export type TimelineItem = Prisma.ActivityGetPayload<{ select: typeof timelineSelect }>;

const byTime: SortKey<TimelineItem> = { field: "at", direction: "desc", kind: "date", value: (row) => row.at };

export async function activityTimeline(db: Db, userId: string, input: z.output<typeof timelineInput>) {
  const owner =
    input.of === "account"
      ? await db.account.findFirst({ where: { id: input.id, userId }, select: { id: true } })
      : input.of === "prospect"
        ? await db.prospect.findFirst({ where: { id: input.id, userId }, select: { id: true } })
        : await db.opportunity.findFirst({ where: { id: input.id, userId }, select: { id: true } });
  if (!owner)
    throw new NotFoundError(input.of === "prospect" ? "person" : input.of === "opportunity" ? "deal" : "account");
  const where: Prisma.ActivityWhereInput = { userId, [`${input.of}Id`]: input.id };
  const rows = await db.activity.findMany({
    where: { AND: [where, keysetWhere(byTime, input.cursor) as Prisma.ActivityWhereInput] },
    orderBy: keysetOrderBy(byTime),
    take: input.limit + 1,
    select: timelineSelect,
  });
  return keysetPage(rows, input.limit, byTime);
}

/** The user's latest activity across everything. */
export async function recentActivity(db: Db, userId: string, limit = 10) {
  return db.activity.findMany({
    where: { userId },
    orderBy: [{ at: "desc" }, { id: "asc" }],
    take: limit,
    select: timelineSelect,
  });
}

/** Writes one entry of the timeline (inside the caller's transaction when there is one). */
export async function recordActivity(
  db: Queryable,
  entry: {
    userId: string;
    type: ActivityType;
    summary: string;
    at?: Date;
    accountId?: string | null;
    prospectId?: string | null;
    opportunityId?: string | null;
    conversationId?: string | null;
    meetingId?: string | null;
  },
) {
  return db.activity.create({ data: { ...entry, at: entry.at ?? new Date(), source: "manual" }, select: { id: true } });
}

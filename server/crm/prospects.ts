// Prospects: the people the seller works with, at their accounts.
import { z } from "zod";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { prospectRoles } from "../data-rights/workspace-format";
import { NotFoundError } from "../errors";
import { deleteOrphans } from "./accounts";
import { definedOnly, emailInput, ensureOwnedRef, idInput, optionalRef, optionalText, requiredText } from "./inputs";
import { maxLengths } from "./limits";
import { crmSourceOf, linksOf, linksOfRecord } from "./record-links";
import { cursorInput, keysetOrderBy, keysetPage, keysetWhere, pageSizeInput, type SortKey } from "./pagination";

export const prospectSorts = ["name", "recent"] as const;
export const prospectStatuses = ["active", "unresponsive", "left_company"] as const;

export const listProspectsInput = z.object({
  limit: pageSizeInput,
  cursor: cursorInput.nullish(),
  sort: z.enum(prospectSorts).default("name"),
  accountId: idInput.nullish(),
  role: z.enum(prospectRoles).nullish(),
  status: z.string().trim().max(40).nullish(),
  nameContains: z.string().trim().max(120).nullish(),
});
export type ListProspectsInput = z.output<typeof listProspectsInput>;

const listSelect = {
  id: true,
  firstName: true,
  lastName: true,
  title: true,
  email: true,
  role: true,
  status: true,
  updatedAt: true,
  account: { select: { id: true, name: true } },
} satisfies Prisma.ProspectSelect;
export type ProspectListItem = Prisma.ProspectGetPayload<{ select: typeof listSelect }>;

const sortKeys: Record<(typeof prospectSorts)[number], SortKey<ProspectListItem>> = {
  name: { field: "lastName", direction: "asc", kind: "string", value: (row) => row.lastName },
  recent: { field: "updatedAt", direction: "desc", kind: "date", value: (row) => row.updatedAt },
};

export async function listProspects(db: Db, userId: string, input: ListProspectsInput) {
  const key = sortKeys[input.sort];
  const filters: Prisma.ProspectWhereInput = {
    userId,
    ...(input.accountId ? { accountId: input.accountId } : {}),
    ...(input.role ? { role: input.role } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.nameContains
      ? {
          OR: [
            { firstName: { contains: input.nameContains, mode: "insensitive" } },
            { lastName: { contains: input.nameContains, mode: "insensitive" } },
            { email: { contains: input.nameContains.toLowerCase() } },
          ],
        }
      : {}),
  };
  const [rows, total] = await Promise.all([
    db.prospect.findMany({
      where: { AND: [filters, keysetWhere(key, input.cursor) as Prisma.ProspectWhereInput] },
      orderBy: keysetOrderBy(key),
      take: input.limit + 1,
      select: listSelect,
    }),
    db.prospect.count({ where: filters }),
  ]);
  return { ...keysetPage(rows, input.limit, key), total };
}

export async function getProspect(db: Db, userId: string, id: string) {
  const prospect = await db.prospect.findFirst({
    where: { id, userId },
    select: {
      id: true,
      firstName: true,
      lastName: true,
      title: true,
      email: true,
      phone: true,
      linkedinUrl: true,
      role: true,
      status: true,
      source: true,
      createdAt: true,
      updatedAt: true,
      account: { select: { id: true, name: true } },
      conversations: {
        orderBy: { conversation: { lastMessageAt: "desc" } },
        take: 20,
        select: { conversation: { select: { id: true, subject: true, channel: true, lastMessageAt: true } } },
      },
      meetings: {
        orderBy: { meeting: { startsAt: "desc" } },
        take: 20,
        select: { meeting: { select: { id: true, title: true, startsAt: true } } },
      },
      // Scoped to the user as well as to the person: another user's row must never show here.
      sequences: {
        where: { userId },
        // What is running now first, then what changed last.
        orderBy: [{ stateChangedAt: { sort: "desc", nulls: "last" } }, { id: "asc" }],
        take: 20,
        select: {
          id: true,
          sequenceName: true,
          step: true,
          totalSteps: true,
          state: true,
          stateChangedAt: true,
          source: true,
        },
      },
      deals: {
        where: { userId, opportunity: { userId } },
        orderBy: [{ isPrimary: "desc" }, { opportunity: { updatedAt: "desc" } }],
        take: 20,
        select: {
          id: true,
          role: true,
          isPrimary: true,
          opportunity: {
            select: {
              id: true,
              name: true,
              stage: true,
              crmStage: true,
              crmStageUnmapped: true,
              source: true,
              amount: true,
              currency: true,
              closeDate: true,
            },
          },
        },
      },
    },
  });
  if (!prospect) throw new NotFoundError("person");
  const { sequences, deals, ...rest } = prospect;
  const dealIds = deals.map((d) => d.opportunity.id);
  const [links, dealLinks] = await Promise.all([
    linksOfRecord(db, userId, "prospect", id),
    linksOf(db, userId, "opportunity", dealIds),
  ]);
  return {
    ...rest,
    links,
    sequences: sortEnrollments(sequences),
    deals: deals.map(({ opportunity: { amount, ...deal }, ...onDeal }) => ({
      ...onDeal,
      opportunity: {
        ...deal,
        amount: amount === null ? null : Number(amount),
        crmSource: deal.crmStage === null ? null : crmSourceOf(deal.source, dealLinks.get(deal.id) ?? []),
      },
    })),
  };
}

/**
 * Enrollments still running ("active") first, then those waiting (paused, pending), then the ended
 * ones; within each, the latest change first.
 */
export function sortEnrollments<T extends { state: string; stateChangedAt: Date | null }>(enrollments: T[]): T[] {
  const rank = (e: T) => {
    const state = e.state.trim().toLowerCase();
    return state === "active" ? 0 : state === "paused" || state === "pending" ? 1 : 2;
  };
  return [...enrollments].sort(
    (a, b) => rank(a) - rank(b) || (b.stateChangedAt?.getTime() ?? 0) - (a.stateChangedAt?.getTime() ?? 0),
  );
}

const prospectFields = {
  accountId: optionalRef,
  firstName: requiredText(maxLengths.firstName, "Enter a first name."),
  lastName: z.string().trim().max(maxLengths.lastName, `Use at most ${maxLengths.lastName} characters.`).default(""),
  title: optionalText(maxLengths.jobTitle),
  email: emailInput.nullish().or(z.literal("").transform(() => null)),
  phone: optionalText(maxLengths.phone),
  linkedinUrl: optionalText(maxLengths.url).refine(
    (v) => v === null || v === undefined || /^https?:\/\//.test(v),
    "Use a full link starting with https://.",
  ),
  role: z.enum(prospectRoles, { message: "Choose a role." }).default("other"),
  status: z.enum(prospectStatuses, { message: "Choose a status." }).default("active"),
};

export const createProspectInput = z.object(prospectFields);
export const updateProspectInput = z.object({
  id: idInput,
  ...prospectFields,
  firstName: prospectFields.firstName.optional(),
  lastName: z.string().trim().max(maxLengths.lastName, `Use at most ${maxLengths.lastName} characters.`).optional(),
  role: z.enum(prospectRoles, { message: "Choose a role." }).optional(),
  status: z.enum(prospectStatuses, { message: "Choose a status." }).optional(),
});

export async function createProspect(db: Db, userId: string, input: z.output<typeof createProspectInput>) {
  await ensureOwnedRef(db, "account", userId, input.accountId, "accountId");
  return db.prospect.create({ data: { userId, ...input }, select: { id: true, firstName: true, lastName: true } });
}

export async function updateProspect(db: Db, userId: string, input: z.output<typeof updateProspectInput>) {
  const { id, ...changes } = input;
  if (!(await db.prospect.count({ where: { id, userId } }))) throw new NotFoundError("person");
  await ensureOwnedRef(db, "account", userId, changes.accountId, "accountId");
  const result = await db.prospect.updateMany({ where: { id, userId }, data: definedOnly(changes) });
  if (result.count === 0) throw new NotFoundError("person");
  return { id };
}

/** Deletes the person; notes and timeline entries that belonged to them alone go with them. */
export async function deleteProspect(db: Db, userId: string, id: string) {
  return db.$transaction(async (tx) => {
    const result = await tx.prospect.deleteMany({ where: { id, userId } });
    if (result.count === 0) throw new NotFoundError("person");
    await deleteOrphans(tx, userId);
    return { id };
  });
}

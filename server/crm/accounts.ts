// Accounts (companies): the list the seller works through, each with its people, deals, timeline
// and notes. Every function takes the user id from the caller's session and scopes every query to it.
import { z } from "zod";
import type { Db, Queryable } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { NotFoundError } from "../errors";
import { definedOnly, idInput, optionalText, requiredText } from "./inputs";
import { EMPLOYEE_COUNT_MAX, maxLengths } from "./limits";
import { linksOfRecord } from "./record-links";
import { cursorInput, keysetOrderBy, keysetPage, keysetWhere, pageSizeInput, type SortKey } from "./pagination";

export const accountSorts = ["name", "recent"] as const;

export const listAccountsInput = z.object({
  limit: pageSizeInput,
  cursor: cursorInput.nullish(),
  /** `name`: A→Z. `recent`: most recently updated first. */
  sort: z.enum(accountSorts).default("name"),
  /** Filters: a tier, an industry, and a name that contains this text. */
  tier: z.string().trim().max(40).nullish(),
  industry: z.string().trim().max(120).nullish(),
  nameContains: z.string().trim().max(120).nullish(),
});
export type ListAccountsInput = z.output<typeof listAccountsInput>;

const listSelect = {
  id: true,
  name: true,
  domain: true,
  industry: true,
  tier: true,
  hqCity: true,
  employeeCount: true,
  updatedAt: true,
} satisfies Prisma.AccountSelect;

type AccountRow = Prisma.AccountGetPayload<{ select: typeof listSelect }>;
export type AccountListItem = AccountRow & { _count: { prospects: number; opportunities: number } };

const sortKeys: Record<(typeof accountSorts)[number], SortKey<AccountRow>> = {
  name: { field: "name", direction: "asc", kind: "string", value: (row) => row.name },
  recent: { field: "updatedAt", direction: "desc", kind: "date", value: (row) => row.updatedAt },
};

export async function listAccounts(db: Db, userId: string, input: ListAccountsInput) {
  const key = sortKeys[input.sort];
  const filters: Prisma.AccountWhereInput = {
    userId,
    ...(input.tier ? { tier: input.tier } : {}),
    ...(input.industry ? { industry: input.industry } : {}),
    ...(input.nameContains ? { name: { contains: input.nameContains, mode: "insensitive" } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.account.findMany({
      where: { ...filters, ...(keysetWhere(key, input.cursor) as Prisma.AccountWhereInput) },
      orderBy: keysetOrderBy(key),
      take: input.limit + 1,
      select: listSelect,
    }),
    db.account.count({ where: filters }),
  ]);
  const page = keysetPage(rows, input.limit, key);
  // Counted for this page's accounts only. (Prisma's `_count` relation select aggregates the whole
  // people and deals tables, every user's, on each call: 25× slower on a large database.)
  const ids = page.items.map((account) => account.id);
  const [people, deals] = await Promise.all([
    db.prospect.groupBy({ by: ["accountId"], where: { userId, accountId: { in: ids } }, _count: { _all: true } }),
    db.opportunity.groupBy({ by: ["accountId"], where: { userId, accountId: { in: ids } }, _count: { _all: true } }),
  ]);
  const countOf = (groups: { accountId: string | null; _count: { _all: number } }[], id: string) =>
    groups.find((group) => group.accountId === id)?._count._all ?? 0;
  const items: AccountListItem[] = page.items.map((account) => ({
    ...account,
    _count: { prospects: countOf(people, account.id), opportunities: countOf(deals, account.id) },
  }));
  return { items, nextCursor: page.nextCursor, total };
}

/** The distinct tiers and industries in the user's book, for filter menus. */
export async function accountFacets(db: Db, userId: string) {
  const [tiers, industries] = await Promise.all([
    db.account.findMany({
      where: { userId, tier: { not: null } },
      distinct: ["tier"],
      select: { tier: true },
      orderBy: { tier: "asc" },
    }),
    db.account.findMany({
      where: { userId, industry: { not: null } },
      distinct: ["industry"],
      select: { industry: true },
      orderBy: { industry: "asc" },
    }),
  ]);
  return { tiers: tiers.map((t) => t.tier!), industries: industries.map((i) => i.industry!) };
}

export async function getAccount(db: Db, userId: string, id: string) {
  const account = await db.account.findFirst({
    where: { id, userId },
    select: {
      id: true,
      name: true,
      domain: true,
      industry: true,
      employeeCount: true,
      hqCity: true,
      tier: true,
      description: true,
      ownerNotes: true,
      source: true,
      externalId: true,
      createdAt: true,
      updatedAt: true,
      _count: { select: { prospects: true, opportunities: true, conversations: true, meetings: true, notes: true } },
    },
  });
  if (!account) throw new NotFoundError("account");
  return { ...account, links: await linksOfRecord(db, userId, "account", id) };
}

const accountFields = {
  name: requiredText(maxLengths.accountName, "Give the account a name."),
  domain: optionalText(maxLengths.domain),
  industry: optionalText(maxLengths.industry),
  employeeCount: z
    .number()
    .int("Use a whole number.")
    .min(0, "Cannot be negative.")
    .max(EMPLOYEE_COUNT_MAX, "Use a number up to 10,000,000.")
    .nullish(),
  hqCity: optionalText(maxLengths.city),
  tier: optionalText(maxLengths.tier),
  description: optionalText(maxLengths.accountDescription),
  ownerNotes: optionalText(maxLengths.ownerNotes),
};

export const createAccountInput = z.object(accountFields);
export const updateAccountInput = z.object({ id: idInput, ...accountFields, name: accountFields.name.optional() });

export async function createAccount(db: Db, userId: string, input: z.output<typeof createAccountInput>) {
  return db.account.create({ data: { userId, ...input }, select: { id: true, name: true } });
}

export async function updateAccount(db: Db, userId: string, input: z.output<typeof updateAccountInput>) {
  const { id, ...changes } = input;
  const result = await db.account.updateMany({ where: { id, userId }, data: definedOnly(changes) });
  if (result.count === 0) throw new NotFoundError("account");
  return { id };
}

/**
 * Deletes the account. Its people, deals, conversations and meetings stay, no longer linked to it;
 * notes and timeline entries that belonged to it alone go with it (nothing would show them again).
 */
export async function deleteAccount(db: Db, userId: string, id: string) {
  return db.$transaction(async (tx) => {
    const result = await tx.account.deleteMany({ where: { id, userId } });
    if (result.count === 0) throw new NotFoundError("account");
    await deleteOrphans(tx, userId);
    return { id };
  });
}

/**
 * After an account or a person is deleted in the same transaction (the foreign keys have already set
 * their ids to null), removes the user's notes and activities left linked to nothing: no page could
 * reach them again, yet search would still find them.
 */
export async function deleteOrphans(tx: Queryable, userId: string) {
  await tx.note.deleteMany({
    where: { userId, accountId: null, opportunityId: null, prospectId: null, meetingId: null },
  });
  await tx.activity.deleteMany({
    where: { userId, accountId: null, opportunityId: null, prospectId: null, conversationId: null, meetingId: null },
  });
}

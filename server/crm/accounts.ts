// Accounts (companies): the list the seller works through. Every function takes the user id from
// the caller's session and scopes every query to it.
import { z } from "zod";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { cursorInput, decodeCursor, encodeCursor, pageSizeInput } from "./pagination";

export const accountSorts = ["name", "recent"] as const;

export const listAccountsInput = z.object({
  limit: pageSizeInput,
  cursor: cursorInput.nullish(),
  /** `name`: A→Z. `recent`: most recently updated first. */
  sort: z.enum(accountSorts).default("name"),
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
  _count: { select: { prospects: true, opportunities: true } },
} satisfies Prisma.AccountSelect;

export type AccountListItem = Prisma.AccountGetPayload<{ select: typeof listSelect }>;

export async function listAccounts(db: Db, userId: string, input: ListAccountsInput) {
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const orderBy: Prisma.AccountOrderByWithRelationInput[] =
    input.sort === "name" ? [{ name: "asc" }, { id: "asc" }] : [{ updatedAt: "desc" }, { id: "asc" }];

  let keyset: Prisma.AccountWhereInput = {};
  if (after) {
    keyset =
      input.sort === "name"
        ? { OR: [{ name: { gt: String(after.v) } }, { name: String(after.v), id: { gt: after.id } }] }
        : {
            OR: [
              { updatedAt: { lt: new Date(Number(after.v)) } },
              { updatedAt: new Date(Number(after.v)), id: { gt: after.id } },
            ],
          };
  }

  const [rows, total] = await Promise.all([
    db.account.findMany({ where: { userId, ...keyset }, orderBy, take: input.limit + 1, select: listSelect }),
    db.account.count({ where: { userId } }),
  ]);
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > input.limit && last
      ? encodeCursor({ v: input.sort === "name" ? last.name : last.updatedAt.getTime(), id: last.id })
      : null;
  return { items, nextCursor, total };
}

// Opportunities (deals): the pipeline. A stage change is recorded twice on purpose — in the deal's
// stage history (how long it sat in each stage) and on the timeline (what happened when).
import { z } from "zod";
import type { Db, Queryable } from "../db/client";
import type { OpportunityStage, Prisma } from "../db/generated/client";
import { opportunityStages } from "../data-rights/workspace-format";
import { NotFoundError } from "../errors";
import { deleteOrphans } from "./accounts";
import { recordActivity } from "./activity";
import { stageLabels } from "./stage-labels";
import {
  amountInput,
  currencyInput,
  dateInput,
  definedOnly,
  ensureOwnedRef,
  idInput,
  optionalRef,
  optionalText,
  requiredText,
} from "./inputs";
import { maxLengths } from "./limits";
import { cursorInput, keysetOrderBy, keysetPage, keysetWhere, pageSizeInput, type SortKey } from "./pagination";

export const OPEN_STAGES = opportunityStages.filter((stage) => !stage.startsWith("closed_"));
export { stageLabels };

export const opportunitySorts = ["closeDate", "amount", "recent", "name"] as const;

export const listOpportunitiesInput = z.object({
  limit: pageSizeInput,
  cursor: cursorInput.nullish(),
  sort: z.enum(opportunitySorts).default("closeDate"),
  stages: z.array(z.enum(opportunityStages)).max(8).nullish(),
  accountId: idInput.nullish(),
  /** `open`: not closed; `closed`: won or lost. */
  state: z.enum(["open", "closed", "all"]).default("all"),
});
export type ListOpportunitiesInput = z.output<typeof listOpportunitiesInput>;

const listSelect = {
  id: true,
  name: true,
  stage: true,
  amount: true,
  currency: true,
  closeDate: true,
  probability: true,
  nextStep: true,
  updatedAt: true,
  account: { select: { id: true, name: true } },
} satisfies Prisma.OpportunitySelect;
type OpportunityRow = Prisma.OpportunityGetPayload<{ select: typeof listSelect }>;

/** Amounts leave the server as numbers of minor units (safe up to 2^53 cents). */
function present<T extends { amount: bigint | null }>(row: T): Omit<T, "amount"> & { amount: number | null } {
  return { ...row, amount: row.amount === null ? null : Number(row.amount) };
}
export type OpportunityListItem = ReturnType<typeof present<OpportunityRow>>;

const sortKeys: Record<(typeof opportunitySorts)[number], SortKey<OpportunityRow>> = {
  closeDate: { field: "closeDate", direction: "asc", kind: "date", nullable: true, value: (row) => row.closeDate },
  amount: { field: "amount", direction: "desc", kind: "bigint", nullable: true, value: (row) => row.amount },
  recent: { field: "updatedAt", direction: "desc", kind: "date", value: (row) => row.updatedAt },
  name: { field: "name", direction: "asc", kind: "string", value: (row) => row.name },
};

function stageFilter(input: {
  stages?: OpportunityStage[] | null;
  state: "open" | "closed" | "all";
}): Prisma.OpportunityWhereInput {
  if (input.stages?.length) return { stage: { in: input.stages } };
  if (input.state === "open") return { stage: { in: OPEN_STAGES } };
  if (input.state === "closed") return { stage: { in: ["closed_won", "closed_lost"] } };
  return {};
}

export async function listOpportunities(db: Db, userId: string, input: ListOpportunitiesInput) {
  const key = sortKeys[input.sort];
  const filters: Prisma.OpportunityWhereInput = {
    userId,
    ...(input.accountId ? { accountId: input.accountId } : {}),
    ...stageFilter(input),
  };
  const [rows, total] = await Promise.all([
    db.opportunity.findMany({
      where: { AND: [filters, keysetWhere(key, input.cursor) as Prisma.OpportunityWhereInput] },
      orderBy: keysetOrderBy(key),
      take: input.limit + 1,
      select: listSelect,
    }),
    db.opportunity.count({ where: filters }),
  ]);
  const page = keysetPage(rows, input.limit, key);
  return { items: page.items.map(present), nextCursor: page.nextCursor, total };
}

export const boardInput = z.object({ perStage: z.number().int().min(1).max(200).default(50) });

/** The pipeline as columns: every stage with its count, total per currency, and its first deals. */
export async function opportunityBoard(db: Db, userId: string, input: z.output<typeof boardInput>) {
  const [groups, columns] = await Promise.all([
    db.opportunity.groupBy({
      by: ["stage", "currency"],
      where: { userId },
      _count: { _all: true },
      _sum: { amount: true },
    }),
    Promise.all(
      opportunityStages.map((stage) =>
        db.opportunity.findMany({
          where: { userId, stage },
          orderBy: [{ closeDate: { sort: "asc", nulls: "last" } }, { id: "asc" }],
          take: input.perStage,
          select: listSelect,
        }),
      ),
    ),
  ]);
  return opportunityStages.map((stage, i) => {
    const mine = groups.filter((g) => g.stage === stage);
    return {
      stage,
      label: stageLabels[stage],
      count: mine.reduce((n, g) => n + g._count._all, 0),
      totals: mine
        .map((g) => ({ currency: g.currency, amount: Number(g._sum.amount ?? 0n) }))
        .sort((a, b) => b.amount - a.amount),
      deals: columns[i]!.map(present),
    };
  });
}

export async function getOpportunity(db: Db, userId: string, id: string) {
  const deal = await db.opportunity.findFirst({
    where: { id, userId },
    select: {
      ...listSelect,
      lossReason: true,
      source: true,
      createdAt: true,
      stageHistory: { orderBy: { at: "asc" }, select: { id: true, fromStage: true, stage: true, at: true } },
      conversations: {
        orderBy: { lastMessageAt: "desc" },
        take: 20,
        select: { id: true, subject: true, channel: true, lastMessageAt: true },
      },
      meetings: { orderBy: { startsAt: "desc" }, take: 20, select: { id: true, title: true, startsAt: true } },
    },
  });
  if (!deal) throw new NotFoundError("deal");
  return present(deal);
}

const dealFields = {
  accountId: optionalRef,
  name: requiredText(maxLengths.dealName, "Give the deal a name."),
  stage: z.enum(opportunityStages, { message: "Choose a stage." }).default("prospecting"),
  amount: amountInput.nullish(),
  currency: currencyInput.default("USD"),
  closeDate: dateInput.nullish(),
  probability: z.number().int("Use a whole percentage.").min(0, "Use 0 to 100.").max(100, "Use 0 to 100.").nullish(),
  nextStep: optionalText(maxLengths.nextStep),
  lossReason: optionalText(maxLengths.lossReason),
};

export const createOpportunityInput = z.object(dealFields);
export const updateOpportunityInput = z.object({
  id: idInput,
  ...dealFields,
  name: dealFields.name.optional(),
  stage: z.enum(opportunityStages, { message: "Choose a stage." }).optional(),
  currency: currencyInput.optional(),
});
export const moveStageInput = z.object({
  id: idInput,
  stage: z.enum(opportunityStages, { message: "Choose a stage." }),
});

export async function createOpportunity(
  db: Db,
  userId: string,
  input: z.output<typeof createOpportunityInput>,
  now = new Date(),
) {
  await ensureOwnedRef(db, "account", userId, input.accountId, "accountId");
  const { amount, ...rest } = input;
  return db.$transaction(async (tx) => {
    const deal = await tx.opportunity.create({
      data: { userId, ...rest, amount: amount === null || amount === undefined ? null : BigInt(amount) },
      select: { id: true, name: true, stage: true, accountId: true },
    });
    await tx.opportunityStageChange.create({
      data: { userId, opportunityId: deal.id, fromStage: null, stage: deal.stage, at: now },
    });
    return deal;
  });
}

async function changeStage(
  tx: Queryable,
  userId: string,
  deal: { id: string; name: string; stage: OpportunityStage; accountId: string | null },
  stage: OpportunityStage,
  now: Date,
) {
  await tx.opportunityStageChange.create({
    data: { userId, opportunityId: deal.id, fromStage: deal.stage, stage, at: now },
  });
  await recordActivity(tx, {
    userId,
    type: "stage_changed",
    at: now,
    accountId: deal.accountId,
    opportunityId: deal.id,
    summary: `Stage changed from ${stageLabels[deal.stage].toLowerCase()} to ${stageLabels[stage].toLowerCase()} on ${deal.name}.`,
  });
}

export async function updateOpportunity(
  db: Db,
  userId: string,
  input: z.output<typeof updateOpportunityInput>,
  now = new Date(),
) {
  const { id, amount, ...changes } = input;
  // The deal first: someone else's deal is "not found" whatever else the input says.
  if (!(await db.opportunity.count({ where: { id, userId } }))) throw new NotFoundError("deal");
  await ensureOwnedRef(db, "account", userId, changes.accountId, "accountId");
  return db.$transaction(async (tx) => {
    const before = await tx.opportunity.findFirst({
      where: { id, userId },
      select: { id: true, name: true, stage: true, accountId: true },
    });
    if (!before) throw new NotFoundError("deal");
    const data: Prisma.OpportunityUpdateInput = definedOnly({ ...changes, accountId: undefined });
    if (changes.accountId !== undefined)
      data.account = changes.accountId ? { connect: { id: changes.accountId } } : { disconnect: true };
    if (amount !== undefined) data.amount = amount === null ? null : BigInt(amount);
    const after = await tx.opportunity.update({
      where: { id },
      data,
      select: { id: true, name: true, stage: true, accountId: true },
    });
    if (changes.stage && changes.stage !== before.stage)
      await changeStage(tx, userId, { ...before, name: after.name, accountId: after.accountId }, changes.stage, now);
    return after;
  });
}

/** Moves a deal to another stage (the board's drag and drop, or its stage select). */
export async function moveOpportunityStage(
  db: Db,
  userId: string,
  input: z.output<typeof moveStageInput>,
  now = new Date(),
) {
  return db.$transaction(async (tx) => {
    const deal = await tx.opportunity.findFirst({
      where: { id: input.id, userId },
      select: { id: true, name: true, stage: true, accountId: true },
    });
    if (!deal) throw new NotFoundError("deal");
    if (deal.stage === input.stage) return { id: deal.id, stage: deal.stage, changed: false };
    await tx.opportunity.update({ where: { id: deal.id }, data: { stage: input.stage } });
    await changeStage(tx, userId, deal, input.stage, now);
    return { id: deal.id, stage: input.stage, changed: true };
  });
}

/** Deletes the deal; notes and timeline entries that belonged to it alone go with it (as for accounts). */
export async function deleteOpportunity(db: Db, userId: string, id: string) {
  return db.$transaction(async (tx) => {
    const result = await tx.opportunity.deleteMany({ where: { id, userId } });
    if (result.count === 0) throw new NotFoundError("deal");
    await deleteOrphans(tx, userId);
    return { id };
  });
}

// Opportunities (deals): the pipeline. A stage change is recorded twice on purpose — in the deal's
// stage history (how long it sat in each stage) and on the timeline (what happened when).
import { z } from "zod";
import type { Db, Queryable } from "../db/client";
import type { OpportunityStage, Prisma, RecordSource } from "../db/generated/client";
import { opportunityStages } from "../data-rights/workspace-format";
import { NotFoundError } from "../errors";
import { deleteOrphans } from "./accounts";
import { recordActivity } from "./activity";
import { crmSourceOf, linksOf, linksOfRecord } from "./record-links";
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
  source: true,
  crmStage: true,
  crmStageUnmapped: true,
  account: { select: { id: true, name: true } },
} satisfies Prisma.OpportunitySelect;
type OpportunityRow = Prisma.OpportunityGetPayload<{ select: typeof listSelect }>;

/** Amounts leave the server as numbers of minor units (safe up to 2^53 cents). */
function present<T extends { amount: bigint | null }>(row: T): Omit<T, "amount"> & { amount: number | null } {
  return { ...row, amount: row.amount === null ? null : Number(row.amount) };
}

/**
 * Each deal with the tool its CRM stage comes from (`crmSource`: "salesforce", "outreach", or null for
 * a deal no tool names a stage of), so a page can say "Legal Review · Salesforce stage". Only deals
 * with a CRM stage cost a look at their links.
 */
async function withCrmSource<T extends { id: string; source: RecordSource; crmStage: string | null }>(
  db: Queryable,
  userId: string,
  deals: T[],
): Promise<(T & { crmSource: "salesforce" | "outreach" | null })[]> {
  const staged = deals.filter((deal) => deal.crmStage !== null).map((deal) => deal.id);
  const links = await linksOf(db, userId, "opportunity", staged);
  return deals.map((deal) => ({
    ...deal,
    crmSource: deal.crmStage === null ? null : crmSourceOf(deal.source, links.get(deal.id) ?? []),
  }));
}
export type OpportunityListItem = Awaited<
  ReturnType<typeof withCrmSource<ReturnType<typeof present<OpportunityRow>>>>
>[number];

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
  return { items: await withCrmSource(db, userId, page.items.map(present)), nextCursor: page.nextCursor, total };
}

export const boardInput = z.object({ perStage: z.number().int().min(1).max(200).default(50) });

/**
 * The pipeline as columns: every stage with its count, total per currency, and its first deals. A deal
 * whose CRM stage maps onto none of ours is in no column (its `stage` would be a guess): it is in
 * `unmapped`, with the CRM's label on its card, counted and totalled apart.
 */
export async function opportunityBoard(db: Db, userId: string, input: z.output<typeof boardInput>) {
  const mapped = { userId, crmStageUnmapped: false } satisfies Prisma.OpportunityWhereInput;
  const unmapped = { userId, crmStageUnmapped: true } satisfies Prisma.OpportunityWhereInput;
  const [groups, columnRows, unmappedGroups, unmappedRows] = await Promise.all([
    db.opportunity.groupBy({
      by: ["stage", "currency"],
      where: mapped,
      _count: { _all: true },
      _sum: { amount: true },
    }),
    Promise.all(
      opportunityStages.map((stage) =>
        db.opportunity.findMany({
          where: { ...mapped, stage },
          orderBy: [{ closeDate: { sort: "asc", nulls: "last" } }, { id: "asc" }],
          take: input.perStage,
          select: listSelect,
        }),
      ),
    ),
    db.opportunity.groupBy({
      by: ["currency"],
      where: unmapped,
      _count: { _all: true },
      _sum: { amount: true },
    }),
    db.opportunity.findMany({
      where: unmapped,
      // Grouped by the CRM's label on the board, so sorted by it first.
      orderBy: [{ crmStage: "asc" }, { closeDate: { sort: "asc", nulls: "last" } }, { id: "asc" }],
      take: input.perStage,
      select: listSelect,
    }),
  ]);
  const deals = await withCrmSource(db, userId, [...columnRows.flat(), ...unmappedRows].map(present));
  const byId = new Map(deals.map((deal) => [deal.id, deal]));
  const totalsOf = (rows: { currency: string; _sum: { amount: bigint | null } }[]) =>
    rows
      .map((g) => ({ currency: g.currency, amount: Number(g._sum.amount ?? 0n) }))
      .sort((a, b) => b.amount - a.amount);
  const columns = opportunityStages.map((stage, i) => {
    const mine = groups.filter((g) => g.stage === stage);
    return {
      stage,
      label: stageLabels[stage],
      count: mine.reduce((n, g) => n + g._count._all, 0),
      totals: totalsOf(mine),
      deals: columnRows[i]!.map((row) => byId.get(row.id)!),
    };
  });
  return {
    columns,
    unmapped: {
      count: unmappedGroups.reduce((n, g) => n + g._count._all, 0),
      totals: totalsOf(unmappedGroups),
      deals: unmappedRows.map((row) => byId.get(row.id)!),
    },
  };
}

export async function getOpportunity(db: Db, userId: string, id: string) {
  const deal = await db.opportunity.findFirst({
    where: { id, userId },
    select: {
      ...listSelect,
      lossReason: true,
      createdAt: true,
      // Every nested list is scoped to the user too: a row of someone else's that pointed here (a bad
      // sync) must not show their people on this page.
      stageHistory: {
        where: { userId },
        orderBy: [{ at: "asc" }, { id: "asc" }],
        select: { id: true, fromStage: true, stage: true, at: true, crmStage: true, source: true },
      },
      contacts: {
        where: { userId, prospect: { userId } },
        // The primary contact first, then by name; as many as a CRM is likely to attach to one deal.
        orderBy: [{ isPrimary: "desc" }, { prospect: { lastName: "asc" } }, { prospect: { firstName: "asc" } }],
        take: 50,
        select: {
          id: true,
          role: true,
          isPrimary: true,
          source: true,
          prospect: { select: { id: true, firstName: true, lastName: true, title: true, email: true } },
        },
      },
      conversations: {
        orderBy: { lastMessageAt: "desc" },
        take: 20,
        select: { id: true, subject: true, channel: true, lastMessageAt: true },
      },
      meetings: { orderBy: { startsAt: "desc" }, take: 20, select: { id: true, title: true, startsAt: true } },
    },
  });
  if (!deal) throw new NotFoundError("deal");
  const links = await linksOfRecord(db, userId, "opportunity", id);
  const { stageHistory, ...rest } = present(deal);
  return {
    ...rest,
    links,
    crmSource: deal.crmStage === null ? null : crmSourceOf(deal.source, links),
    stageHistory: stageHistory.map((change) => ({
      ...change,
      crmStageUnmapped: isUnmappedChange(change, deal),
    })),
  };
}

/**
 * Whether a history entry's CRM stage mapped onto none of ours. Entries carry no flag of their own, so
 * this is read from what the entry shows: the deal's current unmapped label, or a CRM change that left
 * our stage where it was (a mapped CRM stage moves ours; an unmapped one cannot). When unsure, the
 * page shows the CRM's label alone, which is never a guess.
 */
export function isUnmappedChange(
  change: { fromStage: OpportunityStage | null; stage: OpportunityStage; crmStage: string | null },
  deal: { crmStage: string | null; crmStageUnmapped: boolean },
): boolean {
  if (change.crmStage === null) return false;
  if (deal.crmStageUnmapped && change.crmStage === deal.crmStage) return true;
  return change.fromStage !== null && change.fromStage === change.stage;
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
    // The seller's own choice of stage maps a deal whose CRM stage had none of ours (as a move does).
    if (changes.stage && changes.stage !== before.stage) data.crmStageUnmapped = false;
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
    const found = await tx.opportunity.findFirst({
      where: { id: input.id, userId },
      select: { id: true, name: true, stage: true, accountId: true, crmStageUnmapped: true },
    });
    if (!found) throw new NotFoundError("deal");
    const { crmStageUnmapped, ...deal } = found;
    // A deal whose CRM stage maps onto none of ours gets the stage the seller chooses for it, even the
    // one it was last known in: from then on the page shows that stage, the CRM's label beside it.
    if (deal.stage === input.stage) {
      if (crmStageUnmapped) await tx.opportunity.update({ where: { id: deal.id }, data: { crmStageUnmapped: false } });
      return { id: deal.id, stage: deal.stage, changed: crmStageUnmapped };
    }
    await tx.opportunity.update({ where: { id: deal.id }, data: { stage: input.stage, crmStageUnmapped: false } });
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

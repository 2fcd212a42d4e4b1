// The dashboard: the morning view of the pipeline, what closes this month, the week's meetings,
// what just happened, and the deals that need attention.
import type { Db } from "../db/client";
import type { OpportunityStage } from "../db/generated/client";
import { opportunityStages } from "../data-rights/workspace-format";
import { recentActivity } from "./activity";
import { OPEN_STAGES, stageLabels } from "./opportunities";

const DAY_MS = 86_400_000;
/** An open deal with no activity for this long needs attention. */
export const STALE_AFTER_DAYS = 14;

export type AttentionDeal = {
  id: string;
  name: string;
  stage: OpportunityStage;
  amount: number | null;
  currency: string;
  closeDate: Date | null;
  accountId: string | null;
  accountName: string | null;
  lastActivityAt: Date | null;
  /** The last activity, or when the deal was created if it never had any. */
  quietSince: Date;
  pastCloseDate: boolean;
  stale: boolean;
};

export async function dashboardSummary(db: Db, userId: string, now = new Date()) {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const staleBefore = new Date(now.getTime() - STALE_AFTER_DAYS * DAY_MS);

  const closingWhere = { userId, stage: { in: OPEN_STAGES }, closeDate: { gte: monthStart, lt: nextMonth } };
  const [groups, closing, closingTotals, meetings, recent, attention] = await Promise.all([
    db.opportunity.groupBy({
      by: ["stage", "currency"],
      where: { userId },
      _count: { _all: true },
      _sum: { amount: true },
    }),
    db.opportunity.findMany({
      where: closingWhere,
      orderBy: [{ closeDate: "asc" }, { id: "asc" }],
      take: 25,
      select: {
        id: true,
        name: true,
        stage: true,
        amount: true,
        currency: true,
        closeDate: true,
        probability: true,
        account: { select: { id: true, name: true } },
      },
    }),
    db.opportunity.groupBy({ by: ["currency"], where: closingWhere, _count: { _all: true }, _sum: { amount: true } }),
    db.meeting.findMany({
      where: { userId, startsAt: { gte: now, lt: new Date(now.getTime() + 7 * DAY_MS) } },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
      take: 25,
      select: {
        id: true,
        title: true,
        startsAt: true,
        endsAt: true,
        location: true,
        account: { select: { id: true, name: true } },
      },
    }),
    recentActivity(db, userId, 12),
    db.$queryRaw<
      (Omit<AttentionDeal, "amount" | "pastCloseDate" | "stale"> & { amount: bigint | null; total: bigint })[]
    >`
      SELECT o.id, o.name, o.stage, o.amount, o.currency, o."closeDate", o."accountId", a.name AS "accountName",
             last.at AS "lastActivityAt", COALESCE(last.at, o."createdAt") AS "quietSince", count(*) OVER () AS total
        FROM opportunities o
        LEFT JOIN accounts a ON a.id = o."accountId"
        LEFT JOIN LATERAL (SELECT max(x.at) AS at FROM activities x WHERE x."opportunityId" = o.id) last ON true
       WHERE o."userId" = ${userId}
         AND o.stage::text NOT IN ('closed_won', 'closed_lost')
         AND (o."closeDate" < ${today} OR COALESCE(last.at, o."createdAt") < ${staleBefore})
       ORDER BY COALESCE(last.at, o."createdAt") ASC, o.id
       LIMIT 25`,
  ]);

  const pipeline = opportunityStages.map((stage) => {
    const mine = groups.filter((g) => g.stage === stage);
    return {
      stage,
      label: stageLabels[stage],
      open: !stage.startsWith("closed_"),
      count: mine.reduce((n, g) => n + g._count._all, 0),
      totals: mine
        .map((g) => ({ currency: g.currency, amount: Number(g._sum.amount ?? 0n) }))
        .sort((a, b) => b.amount - a.amount),
    };
  });

  return {
    now,
    pipeline,
    closingThisMonth: {
      /** All of the month's deals, even beyond the ones listed. */
      count: closingTotals.reduce((n, g) => n + g._count._all, 0),
      totals: closingTotals
        .map((g) => ({ currency: g.currency, amount: Number(g._sum.amount ?? 0n) }))
        .sort((a, b) => b.amount - a.amount),
      deals: closing.map((d) => ({ ...d, amount: d.amount === null ? null : Number(d.amount) })),
    },
    upcomingMeetings: meetings,
    recentActivity: recent,
    needsAttention: {
      total: Number(attention[0]?.total ?? 0),
      deals: attention.map(({ total: _total, ...d }): AttentionDeal => ({
        ...d,
        amount: d.amount === null ? null : Number(d.amount),
        pastCloseDate: d.closeDate !== null && d.closeDate < today,
        stale: d.quietSince < staleBefore,
      })),
    },
  };
}

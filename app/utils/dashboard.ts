// What the dashboard shows, derived from dashboard.summary: the figures are computed once in the
// loader so the page only lays them out (and tests can read them without rendering).
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/root";

export type DashboardSummary = inferRouterOutputs<AppRouter>["dashboard"]["summary"];
type StageRow = DashboardSummary["pipeline"][number];
export type MoneyTotal = { currency: string; amount: number };

const DAY_MS = 86_400_000;

/** Sums amounts per currency, largest first. */
export function totalsByCurrency(items: { currency: string; amount: number | null }[]): MoneyTotal[] {
  const sums = new Map<string, number>();
  for (const item of items) {
    if (item.amount === null) continue;
    sums.set(item.currency, (sums.get(item.currency) ?? 0) + item.amount);
  }
  return [...sums]
    .map(([currency, amount]) => ({ currency, amount }))
    .sort((a, b) => b.amount - a.amount || a.currency.localeCompare(b.currency));
}

/**
 * The currency the chart is drawn in: the one with the largest open pipeline. Amounts in different
 * currencies cannot be added without exchange rates, so the others are listed, not converted.
 */
export function mainCurrency(pipeline: StageRow[]): string {
  const open = pipeline.filter((s) => s.open);
  const totals = totalsByCurrency(open.flatMap((s) => s.totals));
  if (totals[0] && totals[0].amount > 0) return totals[0].currency;
  // No open amounts: fall back to whatever the closed deals use, then dollars.
  return totalsByCurrency(pipeline.flatMap((s) => s.totals))[0]?.currency ?? "USD";
}

export type StageFigure = {
  stage: StageRow["stage"];
  label: string;
  count: number;
  /** In the main currency. */
  amount: number;
  /** Amounts in any other currency, for the table and the bar's label. */
  otherCurrencies: MoneyTotal[];
};

function stageFigure(row: StageRow, currency: string): StageFigure {
  return {
    stage: row.stage,
    label: row.label,
    count: row.count,
    amount: row.totals.find((t) => t.currency === currency)?.amount ?? 0,
    otherCurrencies: row.totals.filter((t) => t.currency !== currency && t.amount !== 0),
  };
}

/** Whole calendar days (UTC) between two instants: "no activity for 20 days" means since that date. */
export function daysBetween(earlier: Date, later: Date): number {
  const day = (d: Date) => Math.floor(d.getTime() / DAY_MS);
  return Math.max(0, day(later) - day(earlier));
}

export function attentionReasons(
  deal: { pastCloseDate: boolean; stale: boolean; quietSince: Date },
  now: Date,
): string[] {
  const reasons: string[] = [];
  if (deal.pastCloseDate) reasons.push("Past close date");
  if (deal.stale) {
    const days = daysBetween(deal.quietSince, now);
    reasons.push(`No activity for ${days} ${days === 1 ? "day" : "days"}`);
  }
  return reasons;
}

export function dashboardView(summary: DashboardSummary) {
  const currency = mainCurrency(summary.pipeline);
  const byStage = (stage: StageRow["stage"]) => summary.pipeline.find((s) => s.stage === stage);
  const won = byStage("closed_won");
  const lost = byStage("closed_lost");
  const openStages = summary.pipeline.filter((s) => s.open).map((s) => stageFigure(s, currency));
  return {
    now: summary.now,
    currency,
    stageLabels: Object.fromEntries(summary.pipeline.map((s) => [s.stage, s.label])) as Record<
      StageRow["stage"],
      string
    >,
    hasDeals: summary.pipeline.some((s) => s.count > 0),
    pipeline: {
      open: openStages,
      openCount: openStages.reduce((n, s) => n + s.count, 0),
      openTotals: totalsByCurrency(summary.pipeline.filter((s) => s.open).flatMap((s) => s.totals)),
      won: won ? stageFigure(won, currency) : null,
      lost: lost ? stageFigure(lost, currency) : null,
    },
    // Totals and count come from the server: they cover the whole month, not just the listed deals.
    closingThisMonth: summary.closingThisMonth,
    upcomingMeetings: summary.upcomingMeetings,
    recentActivity: summary.recentActivity,
    needsAttention: {
      total: summary.needsAttention.total,
      deals: summary.needsAttention.deals.map((deal) => ({ ...deal, reasons: attentionReasons(deal, summary.now) })),
    },
  };
}

export type DashboardView = ReturnType<typeof dashboardView>;

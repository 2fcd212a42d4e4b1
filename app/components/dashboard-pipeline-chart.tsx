// The open pipeline as bars, one per stage, drawn as plain SVG (no chart library). Each bar names
// itself for screen readers and on hover; the same figures are in a table under it.
import { formatCount, formatMoney, formatMoneyShort } from "../utils/format";
import type { MoneyTotal, StageFigure } from "../utils/dashboard";

const WIDTH = 640;
const HEIGHT = 250;
const TOP = 34; // room for the value above the tallest bar
const BASELINE = 200;
const SLOT = WIDTH / 6;
const BAR = SLOT * 0.58;

function dealCount(count: number): string {
  return `${formatCount(count)} ${count === 1 ? "deal" : "deals"}`;
}

function others(totals: MoneyTotal[]): string {
  return totals.map((t) => formatMoney(t.amount, t.currency)).join(" + ");
}

export function stageSentence(stage: StageFigure, currency: string): string {
  const extra = stage.otherCurrencies.length ? ` (plus ${others(stage.otherCurrencies)})` : "";
  return `${stage.label}: ${dealCount(stage.count)}, ${formatMoney(stage.amount, currency)}${extra}`;
}

export function PipelineChart({ stages, currency }: { stages: StageFigure[]; currency: string }) {
  // Bars are as tall as their value; with no amounts at all (deals without one) they show counts.
  const byAmount = stages.some((s) => s.amount > 0);
  const value = (s: StageFigure) => (byAmount ? s.amount : s.count);
  const max = Math.max(1, ...stages.map(value));
  return (
    <div>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full"
        role="group"
        aria-label={`Open pipeline by stage, amounts in ${currency}`}
        data-testid="pipeline-chart"
      >
        <line x1={0} x2={WIDTH} y1={BASELINE} y2={BASELINE} className="stroke-slate-300" strokeWidth={1} />
        {stages.map((stage, i) => {
          const height = Math.max(2, ((BASELINE - TOP) * value(stage)) / max);
          const x = i * SLOT + (SLOT - BAR) / 2;
          const centre = i * SLOT + SLOT / 2;
          const sentence = stageSentence(stage, currency);
          return (
            <g key={stage.stage} role="img" aria-label={sentence} data-testid="pipeline-bar" data-stage={stage.stage}>
              <title>{sentence}</title>
              <rect
                x={x}
                y={BASELINE - height}
                width={BAR}
                height={height}
                rx={3}
                className={stage.count > 0 ? "fill-brand-600" : "fill-slate-200"}
              />
              <text
                x={centre}
                y={BASELINE - height - 8}
                textAnchor="middle"
                className="fill-slate-900 text-[13px] font-semibold"
              >
                {formatMoneyShort(stage.amount, currency)}
              </text>
              <text x={centre} y={BASELINE + 20} textAnchor="middle" className="fill-slate-700 text-[13px] font-medium">
                {stage.label}
              </text>
              <text x={centre} y={BASELINE + 38} textAnchor="middle" className="fill-slate-500 text-[12px]">
                {dealCount(stage.count)}
              </text>
            </g>
          );
        })}
      </svg>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-600 hover:text-slate-900">Show the figures as a table</summary>
        <table className="mt-2 min-w-full text-left text-sm" data-testid="pipeline-table">
          <caption className="sr-only">Open pipeline by stage</caption>
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="py-1 pr-4">
                Stage
              </th>
              <th scope="col" className="py-1 pr-4 text-right">
                Deals
              </th>
              <th scope="col" className="py-1 pr-4 text-right">
                Total ({currency})
              </th>
              <th scope="col" className="py-1">
                Other currencies
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {stages.map((stage) => (
              <tr key={stage.stage}>
                <th scope="row" className="py-1 pr-4 font-medium text-slate-800">
                  {stage.label}
                </th>
                <td className="py-1 pr-4 text-right tabular-nums">{formatCount(stage.count)}</td>
                <td className="py-1 pr-4 text-right tabular-nums">{formatMoney(stage.amount, currency)}</td>
                <td className="py-1 text-slate-600">
                  {stage.otherCurrencies.length ? others(stage.otherCurrencies) : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

/** Closed won / closed lost, beside the chart. */
export function ClosedFigure({
  stage,
  currency,
  tone,
}: {
  stage: StageFigure;
  currency: string;
  tone: "won" | "lost";
}) {
  return (
    <div
      className={`rounded-md px-4 py-3 ring-1 ${tone === "won" ? "bg-emerald-50 ring-emerald-200" : "bg-red-50 ring-red-200"}`}
      data-testid={`closed-${tone}`}
    >
      <div
        className={`text-xs font-medium uppercase tracking-wide ${tone === "won" ? "text-emerald-800" : "text-red-800"}`}
      >
        {stage.label}
      </div>
      <div className="mt-1 text-xl font-semibold tabular-nums text-slate-900">
        {formatMoney(stage.amount, currency)}
      </div>
      <div className="text-sm text-slate-600">
        {dealCount(stage.count)}
        {stage.otherCurrencies.length ? <> · plus {others(stage.otherCurrencies)}</> : null}
      </div>
    </div>
  );
}

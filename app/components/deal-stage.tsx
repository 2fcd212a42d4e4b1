// A deal's stage as the seller should read it when a CRM names it too: the CRM's label alone when it
// maps onto none of our stages (never the stage we would have to guess), or ours with the CRM's label
// beside it when the two differ. One component for the deal page, the board's cards and the list.
import { dealStageView } from "../utils/source-labels";
import { Badge, stageTone } from "./ui";

type DealStageFields = { stage: string; crmStage: string | null; crmStageUnmapped: boolean; crmSource: string | null };

/** The CRM's own label, marked as not ours: a dashed outline instead of a stage colour. */
export function UnmappedStageChip({ label }: { label: string }) {
  return (
    <span
      className="inline-flex max-w-full items-center rounded-xl border border-dashed border-amber-500 bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900"
      data-testid="crm-stage-unmapped"
    >
      {/* Wrapped, never cut: the CRM's label is the only stage the seller sees for this deal. */}
      <span className="min-w-0 break-words">{label}</span>
    </span>
  );
}

export function DealStage({
  deal,
  labels,
  compact = false,
}: {
  deal: DealStageFields;
  labels: Record<string, string>;
  /** Cards and table cells: the CRM's name in a shorter note. */
  compact?: boolean;
}) {
  const view = dealStageView(deal, labels);
  if (view.kind === "ours") return <Badge tone={stageTone(deal.stage)}>{view.label}</Badge>;
  if (view.kind === "unmapped")
    return (
      <span className="inline-flex max-w-full flex-wrap items-center gap-x-1.5 gap-y-0.5">
        <UnmappedStageChip label={view.crmLabel} />
        <span className="text-xs text-slate-600" data-testid="crm-stage-note">
          {compact ? "not mapped" : view.note}
        </span>
      </span>
    );
  return (
    <span className="inline-flex max-w-full flex-wrap items-center gap-x-1.5 gap-y-0.5">
      <Badge tone={stageTone(deal.stage)}>{view.label}</Badge>
      <span className="min-w-0 text-xs text-slate-600" data-testid="crm-stage-label">
        {view.crmName}: {view.crmLabel}
      </span>
    </span>
  );
}

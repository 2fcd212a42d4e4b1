// A deal's way through the pipeline: each stage it entered, when, and how long it stayed there (the
// current stage counts up to `now`, the loader's time, so server and browser render the same).
// An entry a CRM reported (Salesforce's OpportunityHistory) shows the stage as the CRM named it: alone
// when it mapped onto none of ours, with ours beside it when they differ.
import { formatDateTime } from "../utils/format";
import { dealStageView, sourceLabel } from "../utils/source-labels";
import { UnmappedStageChip } from "./deal-stage";
import { Badge, stageTone } from "./ui";

type Change = {
  id: string;
  fromStage: string | null;
  stage: string;
  at: Date | string;
  crmStage?: string | null;
  crmStageUnmapped?: boolean;
  source?: string;
};

/** The CRM's name for an entry's stage, when a CRM reported it. */
function crmView(change: Change, labels: Record<string, string>) {
  return dealStageView(
    {
      stage: change.stage,
      crmStage: change.crmStage ?? null,
      crmStageUnmapped: change.crmStageUnmapped ?? false,
      crmSource: change.source === "salesforce" || change.source === "outreach" ? change.source : null,
    },
    labels,
  );
}

/** "3 days", "5 hours", "under an hour". */
export function formatDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 1) return "under an hour";
  if (hours < 48) return `${hours} ${hours === 1 ? "hour" : "hours"}`;
  const days = Math.floor(hours / 24);
  if (days < 60) return `${days} days`;
  const months = Math.floor(days / 30);
  return `${months} months`;
}

export function DealStageHistory({
  history,
  labels,
  now,
}: {
  history: Change[];
  labels: Record<string, string>;
  now: string;
}) {
  if (history.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        No stage changes recorded yet. Moving the deal to another stage starts its history.
      </p>
    );
  }
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5" data-testid="stage-history">
      {history.map((change, i) => {
        const start = new Date(change.at).getTime();
        const end = new Date(history[i + 1]?.at ?? now).getTime();
        const current = i === history.length - 1;
        const view = crmView(change, labels);
        return (
          <li key={change.id} className="relative" data-testid="stage-history-entry">
            <span
              aria-hidden
              className={`absolute -left-[26px] top-1 h-3 w-3 rounded-full ring-4 ring-white ${current ? "bg-brand-600" : "bg-slate-300"}`}
            />
            <div className="flex flex-wrap items-center gap-2">
              {view.kind === "unmapped" ? (
                <UnmappedStageChip label={view.crmLabel} />
              ) : (
                <Badge tone={stageTone(change.stage)}>{labels[change.stage] ?? change.stage}</Badge>
              )}
              {view.kind === "both" ? (
                <span className="text-xs text-slate-600" data-testid="stage-history-crm">
                  {view.crmName}: {view.crmLabel}
                </span>
              ) : null}
              <span className="text-xs text-slate-600">
                for {formatDuration(Math.max(0, end - start))}
                {current ? " so far" : ""}
              </span>
            </div>
            <p className="mt-0.5 text-xs text-slate-500">
              {view.kind === "unmapped"
                ? `${view.note} · `
                : change.fromStage
                  ? `From ${labels[change.fromStage] ?? change.fromStage} · `
                  : "Started here · "}
              {formatDateTime(change.at)}
              {view.kind !== "unmapped" && change.source && change.source !== "manual"
                ? ` · from ${sourceLabel(change.source)}`
                : ""}
            </p>
          </li>
        );
      })}
    </ol>
  );
}

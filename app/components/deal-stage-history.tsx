// A deal's way through the pipeline: each stage it entered, when, and how long it stayed there (the
// current stage counts up to `now`, the loader's time, so server and browser render the same).
import { formatDateTime } from "../utils/format";
import { Badge, stageTone } from "./ui";

type Change = { id: string; fromStage: string | null; stage: string; at: Date | string };

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
        return (
          <li key={change.id} className="relative" data-testid="stage-history-entry">
            <span
              aria-hidden
              className={`absolute -left-[26px] top-1 h-3 w-3 rounded-full ring-4 ring-white ${current ? "bg-brand-600" : "bg-slate-300"}`}
            />
            <div className="flex flex-wrap items-center gap-2">
              <Badge tone={stageTone(change.stage)}>{labels[change.stage] ?? change.stage}</Badge>
              <span className="text-xs text-slate-600">
                for {formatDuration(Math.max(0, end - start))}
                {current ? " so far" : ""}
              </span>
            </div>
            <p className="mt-0.5 text-xs text-slate-500">
              {change.fromStage ? `From ${labels[change.fromStage] ?? change.fromStage} · ` : "Started here · "}
              {formatDateTime(change.at)}
            </p>
          </li>
        );
      })}
    </ol>
  );
}

// What happened on a deal, newest first (activity.timeline of:"opportunity").
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/root";
import { formatDateTime } from "../utils/format";
import { PagerFooter } from "./pager";
import { SourceBadge } from "./source-badge";

type TimelinePage = inferRouterOutputs<AppRouter>["activity"]["timeline"];

const typeLabels: Record<string, string> = {
  email_sent: "Email",
  email_received: "Email",
  call_logged: "Call",
  meeting_held: "Meeting",
  note_added: "Note",
  stage_changed: "Stage",
  task_completed: "Task",
  sequence_step: "Sequence",
};

export function DealTimeline({
  page,
  olderHref,
  newestHref,
}: {
  page: TimelinePage;
  olderHref: string | null;
  newestHref: string | null;
}) {
  if (page.items.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        Nothing has happened on this deal yet. Moving it, adding a note or logging a conversation shows up here.
      </p>
    );
  }
  return (
    <div className="space-y-3">
      <ol className="divide-y divide-slate-100" data-testid="deal-timeline">
        {page.items.map((item) => (
          <li key={item.id} className="flex gap-3 py-2.5 text-sm" data-testid="timeline-item">
            <span className="mt-0.5 w-14 shrink-0 text-xs font-medium uppercase tracking-wide text-slate-500">
              {typeLabels[item.type] ?? item.type.replace(/_/g, " ")}
            </span>
            <div className="min-w-0">
              <p className="text-slate-800">{item.summary}</p>
              <p className="text-xs text-slate-500">
                {formatDateTime(item.at)}
                {item.source !== "manual" ? (
                  <>
                    {" · "}
                    <SourceBadge source={item.source} />
                  </>
                ) : null}
              </p>
            </div>
          </li>
        ))}
      </ol>
      <PagerFooter
        frame="inline"
        first={newestHref ? { to: newestHref, label: "Newest activity", preventScrollReset: true } : null}
        next={olderHref ? { to: olderHref, label: "Older activity", preventScrollReset: true } : null}
      />
    </div>
  );
}

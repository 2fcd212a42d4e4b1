// An activity timeline (an account's or a person's), newest first, with a plain "Older" link to
// the next page so it pages the same with or without JavaScript.
import { Link } from "@remix-run/react";
import { activityLabel } from "../utils/account-labels";
import { formatDateTime, personName } from "../utils/format";
import { PagerFooter } from "./pager";
import { SourceBadge } from "./source-badge";
import { Badge, EmptyState } from "./ui";

export type ActivityEntry = {
  id: string;
  type: string;
  at: Date | string;
  summary: string;
  source: string;
  account: { id: string; name: string } | null;
  prospect: { id: string; firstName: string; lastName: string } | null;
  opportunity: { id: string; name: string } | null;
};

export function ActivityList({
  items,
  olderHref,
  newestHref,
  empty,
  show = { account: false, prospect: true },
}: {
  items: ActivityEntry[];
  /** The next (older) page, when there is one. */
  olderHref: string | null;
  /** Back to the newest entries, when this is not the first page. */
  newestHref?: string | null;
  empty: { title: string; text: string };
  show?: { account: boolean; prospect: boolean };
}) {
  if (items.length === 0 && !newestHref) {
    return (
      <EmptyState title={empty.title}>
        <p>{empty.text}</p>
      </EmptyState>
    );
  }
  return (
    <div className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <ol className="divide-y divide-slate-100" data-testid="activity-list">
        {items.map((entry) => (
          <li
            key={entry.id}
            className="flex flex-wrap items-start gap-x-3 gap-y-1 px-4 py-3 text-sm"
            data-testid="activity-row"
          >
            <span className="w-28 shrink-0">
              <Badge>{activityLabel(entry.type)}</Badge>
            </span>
            <div className="min-w-0 flex-1">
              <p className="text-slate-900">{entry.summary}</p>
              <p className="mt-0.5 text-xs text-slate-500">
                <time dateTime={new Date(entry.at).toISOString()}>{formatDateTime(entry.at)}</time>
                {entry.source !== "manual" ? (
                  <>
                    {" · "}
                    <SourceBadge source={entry.source} />
                  </>
                ) : null}
                {show.account && entry.account ? (
                  <>
                    {" · "}
                    <Link to={`/accounts/${entry.account.id}`} className="font-medium text-brand-600 hover:underline">
                      {entry.account.name}
                    </Link>
                  </>
                ) : null}
                {show.prospect && entry.prospect ? (
                  <>
                    {" · "}
                    <Link to={`/prospects/${entry.prospect.id}`} className="font-medium text-brand-600 hover:underline">
                      {personName(entry.prospect)}
                    </Link>
                  </>
                ) : null}
                {entry.opportunity ? (
                  <>
                    {" · "}
                    <Link
                      to={`/opportunities/${entry.opportunity.id}`}
                      className="font-medium text-brand-600 hover:underline"
                    >
                      {entry.opportunity.name}
                    </Link>
                  </>
                ) : null}
              </p>
            </div>
          </li>
        ))}
      </ol>
      <PagerFooter
        frame="card"
        first={newestHref ? { to: newestHref, label: "Newest" } : null}
        next={olderHref ? { to: olderHref, label: "Older", testId: "timeline-older" } : null}
      />
    </div>
  );
}

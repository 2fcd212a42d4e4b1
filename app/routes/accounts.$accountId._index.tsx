import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ActivityList } from "../components/account-activity";
import { BrainAskPanel } from "../components/brain-ask-panel";
import { Badge, ButtonLink, Card, stageTone } from "../components/ui";
import { stageLabel } from "../utils/account-labels";
import { useAccount } from "../utils/account-route";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { formatDate, formatDateTime, formatMoney, personName } from "../utils/format";
import { serverCaller } from "../utils/trpc.server";

/** Open deals summed for the overview; beyond this many the totals say they are partial. */
export const OPEN_DEALS_SUMMED = 100;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const accountId = params.accountId ?? "";
  const api = await serverCaller(context);
  // The timeline checks the account is the user's (404 otherwise); the lists are scoped anyway.
  const [activity, openDeals, meetings] = await Promise.all([
    orNotFound(api.activity.timeline({ of: "account", id: accountId, limit: 5 })),
    api.opportunities.list({ accountId, state: "open", sort: "closeDate", limit: OPEN_DEALS_SUMMED }),
    api.meetings.list({ accountId, when: "upcoming", limit: 5 }),
  ]);
  // Totals per currency: amounts in different currencies are never added together.
  const totals = new Map<string, number>();
  for (const deal of openDeals.items) {
    if (deal.amount !== null) totals.set(deal.currency, (totals.get(deal.currency) ?? 0) + deal.amount);
  }
  return {
    activity: activity.items,
    openDeals: {
      count: openDeals.total,
      partial: openDeals.total > openDeals.items.length,
      totals: [...totals].map(([currency, amount]) => ({ currency, amount })).sort((a, b) => b.amount - a.amount),
      first: openDeals.items.slice(0, 5),
    },
    meetings: meetings.items,
  };
}

export default function AccountOverview() {
  const account = useAccount();
  const { activity, openDeals, meetings } = useLoaderData<typeof loader>();
  const base = `/accounts/${account.id}`;
  return (
    <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
      <div className="space-y-6">
        <Card title="About">
          <div className="space-y-4 text-sm">
            <div>
              <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">Description</h3>
              <p className="mt-1 whitespace-pre-wrap text-slate-800" data-testid="account-description">
                {account.description ?? (
                  <span className="text-slate-500">
                    No description yet.{" "}
                    <Link to={`${base}/edit`} className="font-medium text-brand-600 hover:underline">
                      Add one
                    </Link>
                  </span>
                )}
              </p>
            </div>
            <div>
              <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">Owner notes</h3>
              <p className="mt-1 whitespace-pre-wrap text-slate-800">
                {account.ownerNotes ?? <span className="text-slate-500">None yet.</span>}
              </p>
            </div>
          </div>
        </Card>
        <section aria-labelledby="latest-activity">
          <div className="mb-2 flex items-center justify-between">
            <h2 id="latest-activity" className="text-sm font-semibold text-slate-900">
              Latest activity
            </h2>
            <Link to={`${base}/timeline`} className="text-sm font-medium text-brand-600 hover:underline">
              Full timeline
            </Link>
          </div>
          <ActivityList
            items={activity}
            olderHref={null}
            empty={{
              title: "Nothing has happened here yet",
              text: "Emails, meetings, stage changes and notes on this account will show up here.",
            }}
          />
        </section>
      </div>
      <div className="space-y-6">
        <BrainAskPanel name={account.name} about={{ accountId: account.id }} />
        <Card
          title="Open deals"
          actions={
            <Link to={`${base}/deals`} className="font-medium text-brand-600 hover:underline">
              All deals
            </Link>
          }
        >
          {openDeals.count === 0 ? (
            <div className="text-sm text-slate-600">
              <p>No open deals.</p>
              <ButtonLink
                to={`/opportunities/new?accountId=${encodeURIComponent(account.id)}`}
                variant="secondary"
                className="mt-3"
              >
                New deal
              </ButtonLink>
            </div>
          ) : (
            <div className="space-y-3 text-sm" data-testid="open-deals">
              <p className="text-slate-700">
                <span className="font-semibold text-slate-900">{openDeals.count}</span> open{" "}
                {openDeals.count === 1 ? "deal" : "deals"}
                {openDeals.totals.length > 0 ? (
                  <>
                    {" worth "}
                    <span className="font-semibold text-slate-900" data-testid="open-deals-total">
                      {openDeals.totals.map((t) => formatMoney(t.amount, t.currency)).join(" + ")}
                    </span>
                  </>
                ) : null}
                {openDeals.partial ? ` (the first ${OPEN_DEALS_SUMMED} by close date)` : null}.
              </p>
              <ul className="divide-y divide-slate-100">
                {openDeals.first.map((deal) => (
                  <li key={deal.id} className="flex items-center justify-between gap-3 py-2">
                    <div className="min-w-0">
                      <Link
                        to={`/opportunities/${deal.id}`}
                        className="block truncate font-medium text-slate-900 hover:text-brand-600 hover:underline"
                      >
                        {deal.name}
                      </Link>
                      <span className="text-xs text-slate-500">
                        {deal.closeDate ? `Closes ${formatDate(deal.closeDate)}` : "No close date"}
                      </span>
                    </div>
                    <div className="flex shrink-0 flex-col items-end gap-1">
                      <span className="tabular-nums text-slate-900">{formatMoney(deal.amount, deal.currency)}</span>
                      <Badge tone={stageTone(deal.stage)}>{stageLabel(deal.stage)}</Badge>
                    </div>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Card>
        <Card title="Next meetings">
          {meetings.length === 0 ? (
            <p className="text-sm text-slate-600">
              Nothing scheduled with this account.{" "}
              <Link
                to={`/meetings/new?accountId=${encodeURIComponent(account.id)}`}
                className="font-medium text-brand-600 hover:underline"
              >
                Schedule a meeting
              </Link>
            </p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm" data-testid="next-meetings">
              {meetings.map((meeting) => (
                <li key={meeting.id} className="py-2">
                  <Link
                    to={`/meetings/${meeting.id}`}
                    className="font-medium text-slate-900 hover:text-brand-600 hover:underline"
                  >
                    {meeting.title}
                  </Link>
                  <div className="text-xs text-slate-500">{formatDateTime(meeting.startsAt)}</div>
                  {meeting.attendees.some((a) => a.prospect) ? (
                    <div className="text-xs text-slate-500">
                      With {meeting.attendees.flatMap((a) => (a.prospect ? [personName(a.prospect)] : [])).join(", ")}
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}

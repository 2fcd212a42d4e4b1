import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { ClosedFigure, PipelineChart } from "../components/dashboard-pipeline-chart";
import { Badge, ButtonLink, Card, EmptyState, PageHeader, stageTone } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { dashboardView, type DashboardView } from "../utils/dashboard";
import { formatCount, formatDate, formatDateTime, formatMoney, formatRelative, personName } from "../utils/format";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const summary = await (await serverCaller(context)).dashboard.summary();
  return dashboardView(summary);
}

const linkClass = "font-medium text-brand-600 hover:underline";

function Muted({ children }: { children: ReactNode }) {
  return <p className="text-sm text-slate-600">{children}</p>;
}

function totalsText(totals: { currency: string; amount: number }[]): string {
  return totals.length ? totals.map((t) => formatMoney(t.amount, t.currency)).join(" + ") : formatMoney(0);
}

function Pipeline({ view }: { view: DashboardView }) {
  const { pipeline, currency } = view;
  return (
    <Card
      title="Pipeline by stage"
      actions={
        <span className="text-slate-600" data-testid="pipeline-open-total">
          {formatCount(pipeline.openCount)} open · {totalsText(pipeline.openTotals)}
        </span>
      }
    >
      <div className="grid gap-6 md:grid-cols-[1fr_13rem]">
        <PipelineChart stages={pipeline.open} currency={currency} />
        <div className="flex flex-col gap-3">
          {pipeline.won ? <ClosedFigure stage={pipeline.won} currency={currency} tone="won" /> : null}
          {pipeline.lost ? <ClosedFigure stage={pipeline.lost} currency={currency} tone="lost" /> : null}
          <Link to="/opportunities" className={`text-sm ${linkClass}`}>
            See every deal
          </Link>
        </div>
      </div>
    </Card>
  );
}

function NeedsAttention({ view }: { view: DashboardView }) {
  const { deals, total } = view.needsAttention;
  return (
    <Card
      title={
        <>
          Needs attention{" "}
          <span
            className="ml-1 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900"
            data-testid="attention-total"
          >
            {formatCount(total)}
          </span>
        </>
      }
    >
      {deals.length === 0 ? (
        <Muted>
          {view.pipeline.openCount > 0
            ? "Nothing needs attention: every open deal has its close date ahead and recent activity."
            : "Deals that slip past their close date or go quiet for two weeks will show up here."}
        </Muted>
      ) : (
        <>
          <ul className="divide-y divide-slate-100" data-testid="needs-attention">
            {deals.map((deal) => (
              <li key={deal.id} className="py-2.5 first:pt-0" data-testid="attention-deal">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <Link to={`/opportunities/${deal.id}`} className={linkClass}>
                    {deal.name}
                  </Link>
                  <span className="text-sm tabular-nums text-slate-700">{formatMoney(deal.amount, deal.currency)}</span>
                </div>
                <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-slate-500">
                  {deal.accountName ? <span>{deal.accountName} ·</span> : null}
                  <span>{view.stageLabels[deal.stage]}</span>
                  {deal.closeDate ? <span>· closes {formatDate(deal.closeDate)}</span> : null}
                  {deal.reasons.map((reason) => (
                    <Badge key={reason} tone={reason === "Past close date" ? "red" : "amber"}>
                      {reason}
                    </Badge>
                  ))}
                </div>
              </li>
            ))}
          </ul>
          {total > deals.length ? (
            <p className="mt-3 text-xs text-slate-500">
              Showing the {formatCount(deals.length)} quietest of {formatCount(total)}.
            </p>
          ) : null}
        </>
      )}
    </Card>
  );
}

function ClosingThisMonth({ view }: { view: DashboardView }) {
  const { deals, totals } = view.closingThisMonth;
  return (
    <Card
      title="Closing this month"
      actions={
        deals.length ? (
          <span className="tabular-nums text-slate-700" data-testid="closing-total">
            {totalsText(totals)}
          </span>
        ) : null
      }
    >
      {deals.length === 0 ? (
        <Muted>
          No open deal is set to close this month. Give your deals close dates on{" "}
          <Link to="/opportunities" className={linkClass}>
            Deals
          </Link>{" "}
          to see them here.
        </Muted>
      ) : (
        <table className="min-w-full text-left text-sm" data-testid="closing-this-month">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="pb-2 pr-3">
                Deal
              </th>
              <th scope="col" className="pb-2 pr-3 text-right">
                Amount
              </th>
              <th scope="col" className="pb-2 pr-3">
                Closes
              </th>
              <th scope="col" className="pb-2">
                Stage
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {deals.map((deal) => (
              <tr key={deal.id} data-testid="closing-deal">
                <td className="py-2 pr-3">
                  <Link to={`/opportunities/${deal.id}`} className={linkClass}>
                    {deal.name}
                  </Link>
                  {deal.account ? <div className="text-xs text-slate-500">{deal.account.name}</div> : null}
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{formatMoney(deal.amount, deal.currency)}</td>
                <td className="py-2 pr-3 whitespace-nowrap text-slate-700">
                  {deal.closeDate ? formatDate(deal.closeDate) : "—"}
                </td>
                <td className="py-2">
                  <Badge tone={stageTone(deal.stage)}>{view.stageLabels[deal.stage]}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function UpcomingMeetings({ view }: { view: DashboardView }) {
  const meetings = view.upcomingMeetings;
  return (
    <Card
      title="Upcoming meetings (next 7 days)"
      actions={
        <Link to="/meetings" className={linkClass}>
          All meetings
        </Link>
      }
    >
      {meetings.length === 0 ? (
        <Muted>
          Nothing on the calendar this week. Schedule one from{" "}
          <Link to="/meetings" className={linkClass}>
            Meetings
          </Link>
          .
        </Muted>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="upcoming-meetings">
          {meetings.map((meeting) => (
            <li key={meeting.id} className="py-2.5 first:pt-0" data-testid="upcoming-meeting">
              <div className="text-xs font-medium text-slate-500">
                <time dateTime={new Date(meeting.startsAt).toISOString()}>{formatDateTime(meeting.startsAt)}</time>
              </div>
              <Link to={`/meetings/${meeting.id}`} className={linkClass}>
                {meeting.title}
              </Link>
              {meeting.account ? <span className="text-sm text-slate-600"> · {meeting.account.name}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function RecentActivity({ view }: { view: DashboardView }) {
  const items = view.recentActivity;
  return (
    <Card title="Recent activity">
      {items.length === 0 ? (
        <Muted>
          No activity yet. Emails, meetings, calls and stage changes appear here as they happen — or{" "}
          <Link to="/settings/data" className={linkClass}>
            import a workspace
          </Link>{" "}
          to bring your history in.
        </Muted>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="recent-activity">
          {items.map((item) => (
            <li key={item.id} className="py-2.5 first:pt-0" data-testid="activity-item">
              <div className="text-sm text-slate-800">{item.summary}</div>
              <div className="mt-0.5 flex flex-wrap gap-x-2 text-xs text-slate-500">
                <time dateTime={new Date(item.at).toISOString()} title={formatDateTime(item.at)}>
                  {formatRelative(item.at, view.now)}
                </time>
                {item.opportunity ? (
                  <Link to={`/opportunities/${item.opportunity.id}`} className={linkClass}>
                    {item.opportunity.name}
                  </Link>
                ) : null}
                {item.account ? (
                  <Link to={`/accounts/${item.account.id}`} className={linkClass}>
                    {item.account.name}
                  </Link>
                ) : null}
                {item.prospect ? (
                  <Link to={`/prospects/${item.prospect.id}`} className={linkClass}>
                    {personName(item.prospect)}
                  </Link>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export default function Dashboard() {
  const view = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`Your book of business on ${formatDate(view.now)}. Amounts in ${view.currency} unless marked.`}
        actions={
          <ButtonLink to="/opportunities/new" variant="secondary">
            New deal
          </ButtonLink>
        }
      />
      <div className="space-y-6">
        {view.hasDeals ? (
          <Pipeline view={view} />
        ) : (
          <EmptyState title="No deals yet">
            Your pipeline appears here once you have deals.{" "}
            <Link to="/opportunities/new" className={linkClass}>
              Create your first deal
            </Link>
            , or{" "}
            <Link to="/settings/data" className={linkClass}>
              import a workspace
            </Link>{" "}
            to bring in your accounts, people, deals and history at once.
          </EmptyState>
        )}
        <div className="grid gap-6 lg:grid-cols-2">
          <NeedsAttention view={view} />
          <ClosingThisMonth view={view} />
          <UpcomingMeetings view={view} />
          <RecentActivity view={view} />
        </div>
      </div>
    </>
  );
}

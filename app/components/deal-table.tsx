// The deals as a table (/opportunities?view=list): sortable, filtered by open/closed, paged with
// plain links so it needs no JavaScript.
import { Link } from "@remix-run/react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/root";
import { dateInputValue, formatDate, formatMoney } from "../utils/format";
import { PagerFooter, shownSoFar } from "./pager";
import { DealStage } from "./deal-stage";
import { EmptyState, LinkToggle, TableHead } from "./ui";

type DealsPage = inferRouterOutputs<AppRouter>["opportunities"]["list"];
export type DealSort = "closeDate" | "amount" | "recent" | "name";
export type DealState = "open" | "closed" | "all";

const sorts: [DealSort, string][] = [
  ["closeDate", "Close date"],
  ["amount", "Amount"],
  ["recent", "Recently updated"],
  ["name", "Name"],
];
const states: [DealState, string][] = [
  ["open", "Open"],
  ["closed", "Closed"],
  ["all", "All"],
];

export function dealListHref(params: { sort: DealSort; state: DealState; cursor?: string | null }) {
  const search = new URLSearchParams({ view: "list" });
  if (params.sort !== "closeDate") search.set("sort", params.sort);
  if (params.state !== "open") search.set("state", params.state);
  if (params.cursor) search.set("cursor", params.cursor);
  return `?${search}`;
}

export function DealTable({
  page,
  sort,
  state,
  isFirstPage,
  today,
  stageLabels,
}: {
  page: DealsPage;
  sort: DealSort;
  state: DealState;
  isFirstPage: boolean;
  today: string;
  stageLabels: Record<string, string>;
}) {
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <LinkToggle
          label="Show deals"
          current={state}
          options={states.map(([value, label]) => ({ value, label, to: dealListHref({ sort, state: value }) }))}
        />
        <LinkToggle
          label="Sort deals"
          current={sort}
          options={sorts.map(([value, label]) => ({ value, label, to: dealListHref({ sort: value, state }) }))}
        />
      </div>
      {page.total === 0 ? (
        <EmptyState
          title={state === "closed" ? "No closed deals" : state === "open" ? "No open deals" : "No deals yet"}
        >
          {state === "all" ? (
            <>
              Create one with{" "}
              <Link to="/opportunities/new" className="font-medium text-brand-600 hover:underline">
                New deal
              </Link>
              .
            </>
          ) : (
            <>
              Try{" "}
              <Link to={dealListHref({ sort, state: "all" })} className="font-medium text-brand-600 hover:underline">
                all deals
              </Link>
              , or create one with{" "}
              <Link to="/opportunities/new" className="font-medium text-brand-600 hover:underline">
                New deal
              </Link>
              .
            </>
          )}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="deals-table">
            <TableHead
              columns={[
                "Deal",
                "Stage",
                { label: "Amount", numeric: true },
                "Close date",
                { label: "Probability", numeric: true },
                "Next step",
              ]}
            />
            <tbody className="divide-y divide-slate-100">
              {page.items.map((deal) => {
                const pastDue =
                  deal.closeDate !== null &&
                  dateInputValue(deal.closeDate) < today &&
                  !deal.stage.startsWith("closed_");
                return (
                  <tr key={deal.id} className="hover:bg-slate-50" data-testid="deal-row">
                    <td className="px-4 py-3">
                      <Link
                        to={`/opportunities/${deal.id}`}
                        className="font-medium text-slate-900 hover:text-brand-600 hover:underline"
                      >
                        {deal.name}
                      </Link>
                      {deal.account ? <div className="text-xs text-slate-500">{deal.account.name}</div> : null}
                    </td>
                    <td className="px-4 py-3">
                      <DealStage deal={deal} labels={stageLabels} compact />
                    </td>
                    <td className="px-4 py-3 text-right tabular-nums text-slate-800">
                      {formatMoney(deal.amount, deal.currency)}
                    </td>
                    <td className={`px-4 py-3 ${pastDue ? "font-medium text-red-700" : "text-slate-700"}`}>
                      {deal.closeDate ? `${pastDue ? "Past due · " : ""}${formatDate(deal.closeDate)}` : "—"}
                    </td>
                    <td className="px-4 py-3 text-right tabular-nums text-slate-700">
                      {deal.probability === null ? "—" : `${deal.probability}%`}
                    </td>
                    <td className="max-w-xs truncate px-4 py-3 text-slate-600">{deal.nextStep ?? "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <PagerFooter
            frame="table"
            summary={shownSoFar(page.items.length, page.total, isFirstPage)}
            first={isFirstPage ? null : { to: dealListHref({ sort, state }), label: "Back to the first page" }}
            next={
              page.nextCursor
                ? { to: dealListHref({ sort, state, cursor: page.nextCursor }), label: "More", testId: "deals-more" }
                : null
            }
          />
        </div>
      )}
    </div>
  );
}

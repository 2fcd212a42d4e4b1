// The accounts list. The first page comes from the route's loader (server-side caller); "Load more"
// fetches further pages through the typed tRPC client when JavaScript runs, and is a plain link to
// the next page when it does not. Both keep the filters the page was opened with.
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "@remix-run/react";
import { useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/root";
import { formatCount, formatDate, formatTier } from "../utils/format";
import { useTRPC } from "../utils/trpc";
import { PagerFooter, shownSoFar } from "./pager";
import { TableHead } from "./ui";

type AccountsPage = inferRouterOutputs<AppRouter>["accounts"]["list"];

export type AccountSort = "name" | "recent";
export type AccountFilters = { tier: string | null; industry: string | null; nameContains: string | null };

/** The list's address for a sort, filters and (optionally) a page cursor: `?sort=recent&tier=smb`. */
export function accountsListSearch(sort: AccountSort, filters: AccountFilters, cursor?: string | null): string {
  const params = new URLSearchParams();
  if (sort !== "name") params.set("sort", sort);
  if (filters.nameContains) params.set("q", filters.nameContains);
  if (filters.tier) params.set("tier", filters.tier);
  if (filters.industry) params.set("industry", filters.industry);
  if (cursor) params.set("cursor", cursor);
  return `?${params}`;
}

export function AccountsTable({
  firstPage,
  sort,
  filters,
  pageSize,
  isFirstPage,
}: {
  firstPage: AccountsPage;
  sort: AccountSort;
  filters: AccountFilters;
  pageSize: number;
  isFirstPage: boolean;
}) {
  const trpc = useTRPC();
  const [loadingMore, setLoadingMore] = useState(false);
  const more = useInfiniteQuery({
    ...trpc.accounts.list.infiniteQueryOptions(
      { limit: pageSize, sort, ...filters },
      { initialCursor: firstPage.nextCursor, getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    // Only once the user asks for more: the first page is already on screen.
    enabled: loadingMore && firstPage.nextCursor !== null,
  });
  const rows = [...firstPage.items, ...(more.data?.pages.flatMap((p) => p.items) ?? [])];
  const nextCursor = more.data ? (more.data.pages.at(-1)?.nextCursor ?? null) : firstPage.nextCursor;
  const busy = more.isFetching;

  return (
    <div className="overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="accounts-table">
        <TableHead
          columns={[
            "Account",
            "Industry",
            "Tier",
            "HQ",
            { label: "People", numeric: true },
            { label: "Deals", numeric: true },
            "Updated",
          ]}
        />
        <tbody className="divide-y divide-slate-100">
          {rows.map((account) => (
            <tr key={account.id} className="hover:bg-slate-50" data-testid="account-row">
              <td className="px-4 py-3">
                <Link
                  to={`/accounts/${account.id}`}
                  className="font-medium text-slate-900 hover:text-brand-600 hover:underline"
                  data-testid="account-link"
                >
                  {account.name}
                </Link>
                {account.domain ? <div className="text-xs text-slate-500">{account.domain}</div> : null}
              </td>
              <td className="px-4 py-3 text-slate-700">{account.industry ?? "—"}</td>
              <td className="px-4 py-3 text-slate-700">{formatTier(account.tier)}</td>
              <td className="px-4 py-3 text-slate-700">{account.hqCity ?? "—"}</td>
              <td className="px-4 py-3 text-right tabular-nums text-slate-700">
                {formatCount(account._count.prospects)}
              </td>
              <td className="px-4 py-3 text-right tabular-nums text-slate-700">
                {formatCount(account._count.opportunities)}
              </td>
              <td className="px-4 py-3 text-slate-600">{formatDate(account.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PagerFooter
        frame="table"
        summary={shownSoFar(rows.length, firstPage.total, isFirstPage)}
        summaryTestId="accounts-shown"
        first={isFirstPage ? null : { to: accountsListSearch(sort, filters), label: "Back to the first page" }}
        next={
          nextCursor
            ? {
                to: accountsListSearch(sort, filters, nextCursor),
                label: busy ? "Loading…" : "Load more",
                testId: "load-more",
                "aria-disabled": busy,
                onClick: (event) => {
                  // With JavaScript: append the next page in place instead of navigating.
                  event.preventDefault();
                  if (busy) return;
                  if (!loadingMore) setLoadingMore(true);
                  else void more.fetchNextPage();
                },
              }
            : null
        }
      >
        {more.isError ? (
          <span role="alert" className="text-red-700">
            Could not load more accounts. {more.error.message}
          </span>
        ) : null}
      </PagerFooter>
    </div>
  );
}

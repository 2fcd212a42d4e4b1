import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CursorPager } from "../components/pager";
import { Badge, ButtonLink, EmptyState, stageTone, TableHead } from "../components/ui";
import { stageLabel } from "../utils/account-labels";
import { accountTabTitle, useAccount } from "../utils/account-route";
import { requireUser } from "../utils/auth.server";
import { formatDate, formatMoney } from "../utils/format";
import { pageOrFirst } from "../utils/list-params.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = ({ matches }) => accountTabTitle(matches, "Deals");

export const DEALS_PAGE_SIZE = 50;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const accountId = params.accountId ?? "";
  const { page, cursor } = await pageOrFirst(new URL(request.url).searchParams.get("cursor"), (cursor) =>
    api.opportunities.list({ accountId, sort: "closeDate", state: "all", limit: DEALS_PAGE_SIZE, cursor }),
  );
  return { page, isFirstPage: !cursor };
}

export default function AccountDeals() {
  const account = useAccount();
  const { page, isFirstPage } = useLoaderData<typeof loader>();
  const newDeal = `/opportunities/new?${new URLSearchParams({ accountId: account.id })}`;
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-4">
        <h2 className="text-lg font-semibold text-slate-900">Deals with {account.name}</h2>
        <ButtonLink to={newDeal}>New deal</ButtonLink>
      </div>
      {page.total === 0 ? (
        <EmptyState title="No deals with this account yet">
          <p>
            Open a deal when there is something to sell here; its stage, amount and close date will show up on this tab.
          </p>
          <div className="mt-4">
            <ButtonLink to={newDeal} variant="secondary">
              New deal
            </ButtonLink>
          </div>
        </EmptyState>
      ) : (
        <div className="overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="account-deals">
              <TableHead columns={["Deal", "Stage", { label: "Amount", numeric: true }, "Close date", "Next step"]} />
              <tbody className="divide-y divide-slate-100">
                {page.items.map((deal) => (
                  <tr key={deal.id} className="hover:bg-slate-50" data-testid="deal-row">
                    <td className="px-4 py-3">
                      <Link
                        to={`/opportunities/${deal.id}`}
                        className="font-medium text-slate-900 hover:text-brand-600 hover:underline"
                      >
                        {deal.name}
                      </Link>
                    </td>
                    <td className="px-4 py-3">
                      <Badge tone={stageTone(deal.stage)}>{stageLabel(deal.stage)}</Badge>
                    </td>
                    <td className="px-4 py-3 text-right tabular-nums text-slate-900">
                      {formatMoney(deal.amount, deal.currency)}
                    </td>
                    <td className="px-4 py-3 text-slate-700">{deal.closeDate ? formatDate(deal.closeDate) : "—"}</td>
                    <td className="px-4 py-3 text-slate-600">{deal.nextStep ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <CursorPager
            total={page.total}
            noun={["deal", "deals"]}
            firstHref={isFirstPage ? null : `/accounts/${account.id}/deals`}
            nextCursor={page.nextCursor}
          />
        </div>
      )}
    </div>
  );
}

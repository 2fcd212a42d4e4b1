import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AccountsTable } from "../components/accounts-table";
import { EmptyState, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { formatCount } from "../utils/format";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "Accounts · Sales-as-Code" }];

export const PAGE_SIZE = 25;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const sort = url.searchParams.get("sort") === "recent" ? ("recent" as const) : ("name" as const);
  const cursor = url.searchParams.get("cursor");
  const api = await serverCaller(context);
  try {
    const page = await api.accounts.list({ limit: PAGE_SIZE, sort, cursor });
    return { page, sort, isFirstPage: !cursor };
  } catch (error) {
    // A stale or hand-edited ?cursor= is the user's input, not our failure: start over.
    if (cursor && error instanceof Error && "code" in error && error.code === "BAD_REQUEST") {
      const page = await api.accounts.list({ limit: PAGE_SIZE, sort });
      return { page, sort, isFirstPage: true };
    }
    throw error;
  }
}

export default function AccountsIndex() {
  const { page, sort, isFirstPage } = useLoaderData<typeof loader>();
  const sortLink = (value: "name" | "recent", label: string) => (
    <Link
      to={value === "name" ? "?" : `?sort=${value}`}
      aria-current={sort === value ? "true" : undefined}
      className={`rounded-md px-2.5 py-1 text-sm ${sort === value ? "bg-white font-medium text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:text-slate-900"}`}
    >
      {label}
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Accounts"
        description={`${formatCount(page.total)} ${page.total === 1 ? "company" : "companies"} in your book.`}
        actions={
          <div className="flex items-center gap-1 rounded-lg bg-slate-100 p-1" role="group" aria-label="Sort accounts">
            {sortLink("name", "Name")}
            {sortLink("recent", "Recently updated")}
          </div>
        }
      />
      {page.total === 0 ? (
        <EmptyState title="No accounts yet">
          Accounts appear here when you import a workspace or connect Salesforce.
        </EmptyState>
      ) : (
        // Keyed on the first row so a new server page (no-JS "Load more", or a sort change) starts fresh.
        <AccountsTable key={`${sort}:${page.items[0]?.id ?? ""}`} firstPage={page} sort={sort} pageSize={PAGE_SIZE} isFirstPage={isFirstPage} />
      )}
    </>
  );
}

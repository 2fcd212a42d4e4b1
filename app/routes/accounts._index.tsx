import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AccountsTable, accountsListSearch, type AccountFilters, type AccountSort } from "../components/accounts-table";
import { SelectField, TextField } from "../components/forms";
import { Button, ButtonLink, EmptyState, LinkToggle, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { formatCount, formatTier } from "../utils/format";
import { pageOrFirst, queryFilter } from "../utils/list-params.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "Accounts · Sales-as-Code" }];

export const PAGE_SIZE = 25;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const sort: AccountSort = params.get("sort") === "recent" ? "recent" : "name";
  // Cut to what the API accepts, so an over-long hand-edited filter narrows instead of failing.
  const filters: AccountFilters = {
    tier: queryFilter(params, "tier", 40),
    industry: queryFilter(params, "industry", 120),
    nameContains: queryFilter(params, "q", 120),
  };
  const api = await serverCaller(context);
  const [{ page, cursor }, facets] = await Promise.all([
    pageOrFirst(params.get("cursor"), (cursor) => api.accounts.list({ limit: PAGE_SIZE, sort, cursor, ...filters })),
    api.accounts.facets(),
  ]);
  return { page, sort, filters, facets, isFirstPage: !cursor };
}

export default function AccountsIndex() {
  const { page, sort, filters, facets, isFirstPage } = useLoaderData<typeof loader>();
  const filtered = Boolean(filters.tier || filters.industry || filters.nameContains);
  return (
    <>
      <PageHeader
        title="Accounts"
        description={
          filtered
            ? `${formatCount(page.total)} ${page.total === 1 ? "company matches" : "companies match"} these filters.`
            : `${formatCount(page.total)} ${page.total === 1 ? "company" : "companies"} in your book.`
        }
        actions={
          <>
            <LinkToggle
              label="Sort accounts"
              current={sort}
              options={[
                { value: "name", label: "Name", to: accountsListSearch("name", filters) },
                { value: "recent", label: "Recently updated", to: accountsListSearch("recent", filters) },
              ]}
            />
            <ButtonLink to="/accounts/new" data-testid="new-account">
              New account
            </ButtonLink>
          </>
        }
      />
      {/* A GET form: the filters live in the address, so they work without JavaScript and can be shared. */}
      <Form
        method="get"
        role="search"
        aria-label="Filter accounts"
        className="mb-4 grid items-end gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-[1fr_12rem_14rem_auto]"
        // Remount when the address changes (e.g. "Clear"), so the fields show the filters in use.
        key={accountsListSearch(sort, filters)}
        data-testid="account-filters"
      >
        {sort !== "name" ? <input type="hidden" name="sort" value={sort} /> : null}
        <TextField
          label="Name contains"
          name="q"
          type="search"
          defaultValue={filters.nameContains ?? ""}
          maxLength={120}
        />
        <SelectField
          label="Tier"
          name="tier"
          emptyLabel="All tiers"
          options={facets.tiers.map((tier) => ({ value: tier, label: formatTier(tier) }))}
          defaultValue={filters.tier ?? ""}
        />
        <SelectField
          label="Industry"
          name="industry"
          emptyLabel="All industries"
          options={facets.industries.map((industry) => ({ value: industry, label: industry }))}
          defaultValue={filters.industry ?? ""}
        />
        <div className="flex items-center gap-2">
          <Button type="submit" variant="secondary">
            Filter
          </Button>
          {filtered ? (
            <Link
              to={accountsListSearch(sort, { tier: null, industry: null, nameContains: null })}
              className="px-1 text-sm font-medium text-brand-600 hover:underline"
            >
              Clear
            </Link>
          ) : null}
        </div>
      </Form>
      {page.total === 0 ? (
        filtered ? (
          <EmptyState title="No accounts match these filters">
            Try a shorter name or fewer filters, or{" "}
            <Link
              to={accountsListSearch(sort, { tier: null, industry: null, nameContains: null })}
              className="font-medium text-brand-600 hover:underline"
            >
              clear them
            </Link>
            .
          </EmptyState>
        ) : (
          <EmptyState title="No accounts yet">
            <p>Create your first account to start tracking its people, deals and notes — or import a workspace.</p>
            <div className="mt-4">
              <ButtonLink to="/accounts/new">New account</ButtonLink>
            </div>
          </EmptyState>
        )
      ) : (
        // Keyed on the query and first row so a new server page (no-JS "Load more", a sort or filter change) starts fresh.
        <AccountsTable
          key={`${accountsListSearch(sort, filters)}:${page.items[0]?.id ?? ""}`}
          firstPage={page}
          sort={sort}
          filters={filters}
          pageSize={PAGE_SIZE}
          isFirstPage={isFirstPage}
        />
      )}
    </>
  );
}

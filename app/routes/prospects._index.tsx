import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { SelectField, TextField } from "../components/forms";
import { PagerFooter } from "../components/pager";
import { PeopleTable } from "../components/people-table";
import { Button, ButtonLink, EmptyState, LinkToggle, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { formatCount } from "../utils/format";
import { pageOrFirst, queryChoice, queryFilter } from "../utils/list-params.server";
import { prospectRoleValues, prospectStatuses, roleOptions, statusOptions } from "../utils/person-labels";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "People · Sales-as-Code" }];

export const PROSPECTS_PAGE_SIZE = 25;

type Sort = "name" | "recent";
type Filters = { role: string | null; status: string | null; nameContains: string | null };

/** The list's address for a sort, filters and (optionally) a page cursor. */
function listSearch(sort: Sort, filters: Filters, cursor?: string | null): string {
  const params = new URLSearchParams();
  if (sort !== "name") params.set("sort", sort);
  if (filters.nameContains) params.set("q", filters.nameContains);
  if (filters.role) params.set("role", filters.role);
  if (filters.status) params.set("status", filters.status);
  if (cursor) params.set("cursor", cursor);
  return `?${params}`;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const sort: Sort = params.get("sort") === "recent" ? "recent" : "name";
  // Unknown roles and statuses (hand-edited addresses) are ignored rather than refused.
  const role = queryChoice(params, "role", prospectRoleValues);
  const status = queryChoice(params, "status", prospectStatuses);
  const nameContains = queryFilter(params, "q", 120);
  const api = await serverCaller(context);
  const { page, cursor } = await pageOrFirst(params.get("cursor"), (cursor) =>
    api.prospects.list({ limit: PROSPECTS_PAGE_SIZE, sort, cursor, role, status, nameContains }),
  );
  const filters: Filters = { role, status, nameContains };
  return { page, sort, filters, isFirstPage: !cursor };
}

const noFilters: Filters = { role: null, status: null, nameContains: null };

export default function ProspectsIndex() {
  const { page, sort, filters, isFirstPage } = useLoaderData<typeof loader>();
  const filtered = Boolean(filters.role || filters.status || filters.nameContains);
  return (
    <>
      <PageHeader
        title="People"
        description={
          filtered
            ? `${formatCount(page.total)} ${page.total === 1 ? "person matches" : "people match"} these filters.`
            : `${formatCount(page.total)} ${page.total === 1 ? "person" : "people"} you work with.`
        }
        actions={
          <>
            <LinkToggle
              label="Sort people"
              current={sort}
              options={[
                { value: "name", label: "Name", to: listSearch("name", filters) },
                { value: "recent", label: "Recently updated", to: listSearch("recent", filters) },
              ]}
            />
            <ButtonLink to="/prospects/new" data-testid="new-person">
              New person
            </ButtonLink>
          </>
        }
      />
      <Form
        method="get"
        role="search"
        aria-label="Filter people"
        className="mb-4 grid items-end gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-[1fr_12rem_12rem_auto]"
        // Remount when the address changes (e.g. "Clear"), so the fields show the filters in use.
        key={listSearch(sort, filters)}
        data-testid="prospect-filters"
      >
        {sort !== "name" ? <input type="hidden" name="sort" value={sort} /> : null}
        <TextField
          label="Name or email contains"
          name="q"
          type="search"
          defaultValue={filters.nameContains ?? ""}
          maxLength={120}
        />
        <SelectField
          label="Role"
          name="role"
          emptyLabel="All roles"
          options={roleOptions}
          defaultValue={filters.role ?? ""}
        />
        <SelectField
          label="Status"
          name="status"
          emptyLabel="All statuses"
          options={statusOptions}
          defaultValue={filters.status ?? ""}
        />
        <div className="flex items-center gap-2">
          <Button type="submit" variant="secondary">
            Filter
          </Button>
          {filtered ? (
            <Link to={listSearch(sort, noFilters)} className="px-1 text-sm font-medium text-brand-600 hover:underline">
              Clear
            </Link>
          ) : null}
        </div>
      </Form>
      {page.total === 0 ? (
        filtered ? (
          <EmptyState title="No people match these filters">
            Try a shorter name or fewer filters, or{" "}
            <Link to={listSearch(sort, noFilters)} className="font-medium text-brand-600 hover:underline">
              clear them
            </Link>
            .
          </EmptyState>
        ) : (
          <EmptyState title="No people yet">
            <p>Add the people you sell to — from here, or from an account’s People tab so they are linked to it.</p>
            <div className="mt-4">
              <ButtonLink to="/prospects/new">New person</ButtonLink>
            </div>
          </EmptyState>
        )
      ) : (
        <PeopleTable
          rows={page.items}
          showAccount
          footer={
            <PagerFooter
              frame="table"
              summary={
                isFirstPage
                  ? `Showing ${formatCount(page.items.length)} of ${formatCount(page.total)}`
                  : `Showing ${formatCount(page.items.length)} more of ${formatCount(page.total)}`
              }
              summaryTestId="prospects-shown"
              first={isFirstPage ? null : { to: listSearch(sort, filters), label: "First page" }}
              next={
                page.nextCursor
                  ? { to: listSearch(sort, filters, page.nextCursor), label: "Next page", testId: "next-page" }
                  : null
              }
            />
          }
        />
      )}
    </>
  );
}

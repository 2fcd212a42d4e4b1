import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { CursorPager } from "../components/pager";
import { PeopleTable } from "../components/people-table";
import { ButtonLink, EmptyState } from "../components/ui";
import { accountTabTitle, useAccount } from "../utils/account-route";
import { requireUser } from "../utils/auth.server";
import { pageOrFirst } from "../utils/list-params.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = ({ matches }) => accountTabTitle(matches, "People");

export const PEOPLE_PAGE_SIZE = 50;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const accountId = params.accountId ?? "";
  // Another user's account id finds no one here; the layout's loader answers 404 for the page.
  const { page, cursor } = await pageOrFirst(new URL(request.url).searchParams.get("cursor"), (cursor) =>
    api.prospects.list({ accountId, sort: "name", limit: PEOPLE_PAGE_SIZE, cursor }),
  );
  return { page, isFirstPage: !cursor };
}

export default function AccountPeople() {
  const account = useAccount();
  const { page, isFirstPage } = useLoaderData<typeof loader>();
  const addPerson = `/prospects/new?${new URLSearchParams({ accountId: account.id })}`;
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-4">
        <h2 className="text-lg font-semibold text-slate-900">People at {account.name}</h2>
        <ButtonLink to={addPerson} data-testid="add-person">
          Add person
        </ButtonLink>
      </div>
      {page.total === 0 ? (
        <EmptyState title="No people at this account yet">
          <p>Add the people you talk to here — champions, buyers, evaluators — to keep track of who is who.</p>
          <div className="mt-4">
            <ButtonLink to={addPerson} variant="secondary">
              Add person
            </ButtonLink>
          </div>
        </EmptyState>
      ) : (
        <PeopleTable
          rows={page.items}
          showAccount={false}
          footer={
            <CursorPager
              total={page.total}
              noun={["person", "people"]}
              firstHref={isFirstPage ? null : `/accounts/${account.id}/people`}
              nextCursor={page.nextCursor}
            />
          }
        />
      )}
    </div>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ActivityList } from "../components/account-activity";
import { accountTabTitle, useAccount } from "../utils/account-route";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { pageOrFirst } from "../utils/list-params.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = ({ matches }) => accountTabTitle(matches, "Timeline");

export const TIMELINE_PAGE_SIZE = 25;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const id = params.accountId ?? "";
  const { page, cursor } = await orNotFound(
    pageOrFirst(new URL(request.url).searchParams.get("cursor"), (cursor) =>
      api.activity.timeline({ of: "account", id, limit: TIMELINE_PAGE_SIZE, cursor }),
    ),
  );
  return { page, isFirstPage: !cursor };
}

export default function AccountTimeline() {
  const account = useAccount();
  const { page, isFirstPage } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <h2 className="text-lg font-semibold text-slate-900">Timeline</h2>
      <ActivityList
        items={page.items}
        olderHref={page.nextCursor ? `?${new URLSearchParams({ cursor: page.nextCursor })}` : null}
        newestHref={isFirstPage ? null : `/accounts/${account.id}/timeline`}
        empty={{
          title: "Nothing on the timeline yet",
          text: "Emails, meetings, calls, stage changes and notes on this account appear here as they happen. Add a note to start.",
        }}
      />
    </div>
  );
}

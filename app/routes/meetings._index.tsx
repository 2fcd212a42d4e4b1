import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MeetingList } from "../components/meeting-list";
import { PagerFooter } from "../components/pager";
import { ButtonLink, EmptyState, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { pageOrFirst } from "../utils/list-params.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "Meetings · Sales-as-Code" }];

export const PAGE_SIZE = 20;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const when = url.searchParams.get("when") === "past" ? ("past" as const) : ("upcoming" as const);
  const api = await serverCaller(context);
  const { page, cursor } = await pageOrFirst(url.searchParams.get("cursor"), (cursor) =>
    api.meetings.list({ limit: PAGE_SIZE, when, cursor }),
  );
  return { page, when, isFirstPage: !cursor };
}

export default function Meetings() {
  const { page, when, isFirstPage } = useLoaderData<typeof loader>();
  const tab = (value: "upcoming" | "past", label: string) => (
    <Link
      to={value === "upcoming" ? "/meetings" : "/meetings?when=past"}
      aria-current={when === value ? "page" : undefined}
      className={`rounded-md px-2.5 py-1 text-sm ${when === value ? "bg-white font-medium text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:text-slate-900"}`}
      data-testid={`meetings-${value}`}
    >
      {label}
    </Link>
  );
  const base = when === "past" ? "/meetings?when=past" : "/meetings";
  return (
    <>
      <PageHeader
        title="Meetings"
        description="Times are shown in UTC."
        actions={
          <>
            <nav className="flex items-center gap-1 rounded-lg bg-slate-100 p-1" aria-label="Which meetings">
              {tab("upcoming", "Upcoming")}
              {tab("past", "Past")}
            </nav>
            <ButtonLink to="/meetings/new">New meeting</ButtonLink>
          </>
        }
      />
      {page.items.length === 0 ? (
        isFirstPage ? (
          <EmptyState title={when === "past" ? "No past meetings" : "No upcoming meetings"}>
            {when === "past" ? (
              "Meetings you have held show up here, with their notes."
            ) : (
              <>
                Nothing on the calendar.{" "}
                <Link to="/meetings/new" className="font-medium text-brand-600 hover:underline">
                  Schedule a meeting
                </Link>
                .
              </>
            )}
          </EmptyState>
        ) : (
          <EmptyState title="No more meetings">
            <Link to={base} className="font-medium text-brand-600 hover:underline">
              Back to the first page
            </Link>
          </EmptyState>
        )
      ) : (
        <>
          <MeetingList meetings={page.items} />
          <PagerFooter
            frame="page"
            first={isFirstPage ? null : { to: base, label: "Back to the first page" }}
            next={
              page.nextCursor
                ? {
                    to: `/meetings?${new URLSearchParams({ ...(when === "past" ? { when } : {}), cursor: page.nextCursor })}`,
                    label: "More",
                    testId: "meetings-more",
                  }
                : null
            }
          />
        </>
      )}
    </>
  );
}

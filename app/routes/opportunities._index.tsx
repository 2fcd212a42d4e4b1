import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DealBoard } from "../components/deal-board";
import { DealTable, dealListHref, type DealSort, type DealState } from "../components/deal-table";
import { FormMessage } from "../components/forms";
import { ButtonLink, EmptyState, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { isStage, stageOptions } from "../utils/deal-stages.server";
import { formatCount, formatMoneyShort } from "../utils/format";
import { formErrorsFrom, formText } from "../utils/forms.server";
import { pageOrFirst, queryChoice } from "../utils/list-params.server";
import { withToast } from "../utils/toasts";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "Deals · Sales-as-Code" }];

export const LIST_PAGE_SIZE = 25;
const sorts: readonly DealSort[] = ["closeDate", "amount", "recent", "name"];
const states: readonly DealState[] = ["open", "closed", "all"];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const url = new URL(request.url);
  const api = await serverCaller(context);
  // Past-due is judged against the server's day (UTC), so server and browser render the same.
  const today = new Date().toISOString().slice(0, 10);
  if (url.searchParams.get("view") === "list") {
    const sort = queryChoice(url.searchParams, "sort", sorts) ?? "closeDate";
    const state = queryChoice(url.searchParams, "state", states) ?? "open";
    const stageLabels = Object.fromEntries(stageOptions().map((s) => [s.value, s.label]));
    const { page, cursor } = await pageOrFirst(url.searchParams.get("cursor"), (cursor) =>
      api.opportunities.list({ limit: LIST_PAGE_SIZE, sort, state, cursor }),
    );
    return { view: "list" as const, page, sort, state, isFirstPage: !cursor, today, stageLabels };
  }
  const { columns, unmapped } = await api.opportunities.board();
  return { view: "board" as const, board: columns, unmapped, today };
}

/** The board's no-JavaScript move: a card's stage select and its "Move" button. */
export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  if (formText(form, "intent") !== "move")
    return data({ formError: "That action is not available here." }, { status: 400 });
  const id = formText(form, "id");
  const stage = formText(form, "stage");
  if (!isStage(stage)) return data({ formError: "Choose a stage to move the deal to." }, { status: 400 });
  try {
    await (await serverCaller(context)).opportunities.moveStage({ id, stage });
  } catch (error) {
    const { fieldErrors, formError } = formErrorsFrom(error);
    return data(
      { formError: formError ?? Object.values(fieldErrors)[0] ?? "The deal could not be moved." },
      { status: 400 },
    );
  }
  // Back to the card that moved, so a keyboard or no-JavaScript user keeps their place.
  return redirect(withToast(`/opportunities#deal-${id}`, "deal-moved"));
}

export default function Opportunities() {
  const loaded = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const viewLink = (view: "board" | "list", label: string) => (
    <Link
      to={view === "board" ? "/opportunities" : dealListHref({ sort: "closeDate", state: "open" })}
      aria-current={loaded.view === view ? "page" : undefined}
      className={`rounded-md px-2.5 py-1 text-sm ${loaded.view === view ? "bg-white font-medium text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:text-slate-900"}`}
      data-testid={`view-${view}`}
    >
      {label}
    </Link>
  );
  const actions = (
    <>
      <div className="flex items-center gap-1 rounded-lg bg-slate-100 p-1" role="group" aria-label="View">
        {viewLink("board", "Board")}
        {viewLink("list", "List")}
      </div>
      <ButtonLink to="/opportunities/new" data-testid="new-deal">
        New deal
      </ButtonLink>
    </>
  );

  if (loaded.view === "list") {
    return (
      <>
        <PageHeader
          title="Deals"
          description={`${formatCount(loaded.page.total)} ${loaded.page.total === 1 ? "deal" : "deals"} shown by this filter.`}
          actions={actions}
        />
        <DealTable
          page={loaded.page}
          sort={loaded.sort}
          state={loaded.state}
          isFirstPage={loaded.isFirstPage}
          today={loaded.today}
          stageLabels={loaded.stageLabels}
        />
      </>
    );
  }

  const open = loaded.board.filter((column) => !column.stage.startsWith("closed_"));
  const openCount = open.reduce((n, column) => n + column.count, 0);
  const openTotals = new Map<string, number>();
  for (const column of open)
    for (const t of column.totals) openTotals.set(t.currency, (openTotals.get(t.currency) ?? 0) + t.amount);
  const totalText = [...openTotals.entries()]
    .filter(([, amount]) => amount > 0)
    .map(([currency, amount]) => formatMoneyShort(amount, currency))
    .join(" + ");
  const unmapped = loaded.unmapped.count;
  const everything = loaded.board.reduce((n, column) => n + column.count, 0) + unmapped;
  return (
    <>
      <PageHeader
        title="Deals"
        description={`${formatCount(openCount)} open ${openCount === 1 ? "deal" : "deals"}${totalText ? ` worth ${totalText}` : ""}${unmapped ? `, and ${formatCount(unmapped)} in ${unmapped === 1 ? "a CRM stage" : "CRM stages"} not mapped here` : ""}. Drag a card to another stage, or use its stage menu.`}
        actions={actions}
      />
      {answer?.formError ? (
        <div className="mb-4">
          <FormMessage tone="error">{answer.formError}</FormMessage>
        </div>
      ) : null}
      {everything === 0 ? (
        <EmptyState title="No deals yet">
          <p>Track an opportunity from first call to signature.</p>
          <p className="mt-4">
            <ButtonLink to="/opportunities/new">Create your first deal</ButtonLink>
          </p>
        </EmptyState>
      ) : (
        <DealBoard board={loaded.board} unmapped={loaded.unmapped} today={loaded.today} />
      )}
    </>
  );
}

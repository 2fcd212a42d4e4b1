// The pipeline board. Every card carries a plain form (stage select + "Move") that the route's action
// handles, so the board works without JavaScript. Once hydrated, a card can be dragged to another
// column, or its select changed, and the move goes through the typed client: the card moves at once
// (optimistically), goes back with the error beside it if the server refuses, and the loader is
// revalidated on success so counts and totals come from the server again.
// Deals whose CRM stage maps onto none of ours sit in their own group, under the CRM's label, between
// the open and the closed columns: a column of ours would be a guess, and would count them in its
// total. Choosing a stage for one (drag or select) places it there.
import { Form, Link, useRevalidator } from "@remix-run/react";
import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useEffect, useRef, useState, type DragEvent, type ReactNode } from "react";
import { useHydrated } from "../utils/use-hydrated";
import type { AppRouter } from "../../server/trpc/root";
import { dateInputValue, formatCount, formatDate, formatMoney, formatMoneyShort } from "../utils/format";
import { dealStageView, sourceLabel } from "../utils/source-labels";
import { useTRPC } from "../utils/trpc";
import { DealStage } from "./deal-stage";

type BoardOutput = inferRouterOutputs<AppRouter>["opportunities"]["board"];
export type Board = BoardOutput["columns"];
export type UnmappedGroup = BoardOutput["unmapped"];
type Column = Board[number];
type Deal = Column["deals"][number];
type Stage = Column["stage"];

/** A move the board shows before the loader's data agrees with it. */
type Move = { stage: Stage; pending: boolean; seq: number };

function isClosed(stage: Stage) {
  return stage === "closed_won" || stage === "closed_lost";
}

/** Server order inside a column: close date (none last), then id. */
function byCloseDate(a: Deal, b: Deal) {
  const at = a.closeDate ? new Date(a.closeDate).getTime() : Number.POSITIVE_INFINITY;
  const bt = b.closeDate ? new Date(b.closeDate).getTime() : Number.POSITIVE_INFINITY;
  return at === bt ? (a.id < b.id ? -1 : 1) : at - bt;
}

type Totals = Map<string, number>;
const addTo = (totals: Totals, deal: Deal, sign: 1 | -1) => {
  if (deal.amount !== null) totals.set(deal.currency, (totals.get(deal.currency) ?? 0) + sign * deal.amount);
};
const totalsList = (totals: Totals) =>
  [...totals.entries()].filter(([, amount]) => amount > 0).sort((a, b) => b[1] - a[1]);

/**
 * The columns as the user should see them: the server's, with pending moves applied to cards, counts
 * and totals. A moved unmapped deal leaves the unmapped group for the column it was moved to.
 */
function applyMoves(board: Board, unmapped: UnmappedGroup, moves: Record<string, Move>) {
  const columns = new Map(
    board.map((column) => [
      column.stage,
      { ...column, deals: [] as Deal[], totals: new Map(column.totals.map((t) => [t.currency, t.amount])) },
    ]),
  );
  for (const column of board) {
    for (const deal of column.deals) {
      const target = moves[deal.id]?.stage ?? column.stage;
      columns.get(target)!.deals.push(deal);
      if (target === column.stage) continue;
      const from = columns.get(column.stage)!;
      const to = columns.get(target)!;
      from.count -= 1;
      to.count += 1;
      addTo(from.totals, deal, -1);
      addTo(to.totals, deal, 1);
    }
  }
  const rest = {
    count: unmapped.count,
    deals: [] as Deal[],
    totals: new Map(unmapped.totals.map((t) => [t.currency, t.amount])),
  };
  for (const deal of unmapped.deals) {
    const target = moves[deal.id]?.stage;
    if (!target) {
      rest.deals.push(deal);
      continue;
    }
    const to = columns.get(target)!;
    to.deals.push(deal);
    to.count += 1;
    addTo(to.totals, deal, 1);
    rest.count -= 1;
    addTo(rest.totals, deal, -1);
  }
  return {
    columns: [...columns.values()].map((column) => ({
      ...column,
      deals: column.deals.sort(byCloseDate),
      totals: totalsList(column.totals),
    })),
    unmapped: { ...rest, totals: totalsList(rest.totals) },
  };
}

/** The unmapped deals under each CRM label, in the server's order (label, then close date). */
function byCrmLabel(deals: Deal[]) {
  const groups = new Map<string, Deal[]>();
  for (const deal of deals) {
    const key = `${deal.crmSource ?? ""}\u0000${deal.crmStage ?? ""}`;
    groups.set(key, [...(groups.get(key) ?? []), deal]);
  }
  return [...groups.values()].map((deals) => ({
    label: deals[0]!.crmStage ?? "",
    tool: deals[0]!.crmSource ? sourceLabel(deals[0]!.crmSource) : "CRM",
    deals,
  }));
}

export function DealBoard({ board, unmapped, today }: { board: Board; unmapped: UnmappedGroup; today: string }) {
  const trpc = useTRPC();
  const revalidator = useRevalidator();
  // The "Move" buttons are for browsers without JavaScript; once it runs, the select moves by itself.
  const hydrated = useHydrated();
  const [moves, setMoves] = useState<Record<string, Move>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [announcement, setAnnouncement] = useState("");
  const [dragging, setDragging] = useState<string | null>(null);
  const [dropTarget, setDropTarget] = useState<Stage | null>(null);
  // The card whose select was used: it remounts in its new column and takes the focus back.
  const [focusDeal, setFocusDeal] = useState<string | null>(null);
  const seq = useRef(0);

  // New loader data is the truth for every move that has finished (adjusted while rendering, as
  // React advises for state that follows a prop, so the stale move never paints).
  const [boardSeen, setBoardSeen] = useState(board);
  if (boardSeen !== board) {
    setBoardSeen(board);
    setMoves((current) => Object.fromEntries(Object.entries(current).filter(([, move]) => move.pending)));
  }

  const labels = new Map(board.map((column) => [column.stage, column.label]));
  const dealNames = new Map(
    [...board.flatMap((column) => column.deals), ...unmapped.deals].map((deal) => [deal.id, deal.name] as const),
  );

  const moveStage = useMutation(
    // The callbacks read `seq` when a move happens, not while rendering (the compiler rule cannot tell).
    // eslint-disable-next-line react-hooks/refs
    trpc.opportunities.moveStage.mutationOptions({
      onMutate: ({ id, stage }) => {
        seq.current += 1;
        const mine = seq.current;
        setErrors(({ [id]: _dropped, ...rest }) => rest);
        setMoves((current) => ({ ...current, [id]: { stage, pending: true, seq: mine } }));
        return { seq: mine };
      },
      onError: (error, { id }, started) => {
        setMoves((current) => {
          if (current[id]?.seq !== started?.seq) return current; // a later move of this card owns it now
          const { [id]: _reverted, ...rest } = current;
          return rest;
        });
        setErrors((current) => ({ ...current, [id]: `Could not move this deal: ${error.message}` }));
        setAnnouncement(`Could not move ${dealNames.get(id) ?? "the deal"}.`);
      },
      onSuccess: (_result, { id, stage }, started) => {
        setMoves((current) =>
          current[id]?.seq === started?.seq ? { ...current, [id]: { ...current[id], pending: false } } : current,
        );
        setAnnouncement(`Moved ${dealNames.get(id) ?? "the deal"} to ${labels.get(stage) ?? stage}.`);
        void revalidator.revalidate();
      },
    }),
  );

  const { columns, unmapped: rest } = applyMoves(board, unmapped, moves);
  const stageOf = (id: string) => columns.find((column) => column.deals.some((deal) => deal.id === id))?.stage;
  const stageLabels = Object.fromEntries(board.map((column) => [column.stage, column.label]));
  const cardProps = (deal: Deal) => ({
    deal,
    stages: board,
    stageLabels,
    today,
    hydrated,
    pending: moves[deal.id]?.pending ?? false,
    error: errors[deal.id],
    takeFocus: focusDeal === deal.id,
    dragging: dragging === deal.id,
    onDragStart: (event: DragEvent<HTMLLIElement>) => {
      event.dataTransfer.setData("application/x-deal-id", deal.id);
      // Some browsers start a drag only when there is a plain-text payload.
      event.dataTransfer.setData("text/plain", deal.name);
      event.dataTransfer.effectAllowed = "move";
      setDragging(deal.id);
      setFocusDeal(null);
    },
    onDragEnd: () => {
      setDragging(null);
      setDropTarget(null);
    },
    onSelectStage: (stage: Stage) => {
      setFocusDeal(deal.id);
      move(deal.id, stage);
    },
  });

  function move(id: string, stage: Stage) {
    if (stageOf(id) === stage) return;
    moveStage.mutate({ id, stage });
  }

  function dragOver(event: DragEvent<HTMLElement>, stage: Stage) {
    // Our own cards only (a link or text dragged in from elsewhere is not a move).
    if (!dragging && !event.dataTransfer.types.includes("application/x-deal-id")) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = "move";
    if (dropTarget !== stage) setDropTarget(stage);
  }

  function drop(event: DragEvent<HTMLElement>, stage: Stage) {
    event.preventDefault();
    const id = dragging ?? event.dataTransfer.getData("application/x-deal-id");
    setDragging(null);
    setDropTarget(null);
    if (id && dealNames.has(id)) move(id, stage);
  }

  return (
    <>
      <p className="sr-only" role="status" aria-live="polite" data-testid="board-announcement">
        {announcement}
      </p>
      <div
        className="-mx-4 overflow-x-auto px-4 pb-4 focus-visible:outline-2"
        role="region"
        aria-label="Pipeline board"
        // A scrollable region must be reachable by keyboard to be scrolled (WCAG 2.1.1).
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
      >
        <div className="flex items-start gap-4">
          {columns.map((column) => {
            const closed = isClosed(column.stage);
            const unmappedGroup =
              column.stage === "closed_won" && rest.count > 0 ? (
                <UnmappedColumn
                  key="unmapped"
                  group={rest}
                  renderCard={(deal) => <DealCard key={deal.id} stage={null} {...cardProps(deal)} />}
                />
              ) : null;
            const headingId = `board-column-${column.stage}-heading`;
            return [
              unmappedGroup,
              <section
                key={column.stage}
                aria-labelledby={headingId}
                data-testid={`board-column-${column.stage}`}
                onDragOver={(event) => dragOver(event, column.stage)}
                onDragLeave={(event) => {
                  if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropTarget(null);
                }}
                onDrop={(event) => drop(event, column.stage)}
                className={`flex shrink-0 flex-col rounded-lg p-2 ring-1 transition-colors ${closed ? "w-56 bg-slate-100/70" : "w-72 bg-slate-100"} ${
                  dropTarget === column.stage ? "ring-2 ring-brand-500 bg-brand-50" : "ring-slate-200"
                }`}
              >
                <header className="px-1 pb-2">
                  <div className="flex items-center justify-between gap-2">
                    <h2 id={headingId} className="text-sm font-semibold text-slate-900">
                      {column.label}
                    </h2>
                    <span
                      className="rounded-full bg-white px-2 py-0.5 text-xs font-medium tabular-nums text-slate-700 ring-1 ring-slate-200"
                      data-testid="column-count"
                    >
                      {formatCount(column.count)}
                    </span>
                  </div>
                  <p className="mt-0.5 text-xs tabular-nums text-slate-600" data-testid="column-totals">
                    {column.totals.length
                      ? column.totals.map(([currency, amount]) => formatMoneyShort(amount, currency)).join(" · ")
                      : "No amounts"}
                  </p>
                </header>
                <ol className="flex min-h-16 flex-col gap-2" data-testid="column-cards">
                  {column.deals.map((deal) => (
                    <DealCard key={deal.id} stage={column.stage} {...cardProps(deal)} />
                  ))}
                </ol>
                {column.deals.length === 0 ? (
                  <p className="px-1 py-3 text-xs text-slate-500">
                    No deals in {column.label.toLowerCase()}. Drag a card here or change a deal’s stage.
                  </p>
                ) : null}
                {column.count > column.deals.length ? (
                  <p className="px-1 pt-2 text-xs text-slate-500">
                    Showing {formatCount(column.deals.length)} of {formatCount(column.count)}.{" "}
                    <Link
                      to={`?view=list&state=${closed ? "closed" : "open"}`}
                      className="font-medium text-brand-600 hover:underline"
                    >
                      See them all in the list
                    </Link>
                  </p>
                ) : null}
              </section>,
            ];
          })}
        </div>
      </div>
    </>
  );
}

/** The deals whose CRM stage maps onto none of ours, grouped under the CRM's label. */
function UnmappedColumn({
  group,
  renderCard,
}: {
  group: ReturnType<typeof applyMoves>["unmapped"];
  renderCard: (deal: Deal) => ReactNode;
}) {
  const headingId = "board-column-unmapped-heading";
  return (
    <section
      aria-labelledby={headingId}
      data-testid="board-column-unmapped"
      className="flex w-72 shrink-0 flex-col rounded-lg border border-dashed border-amber-400 bg-amber-50/60 p-2"
    >
      <header className="px-1 pb-2">
        <div className="flex items-center justify-between gap-2">
          <h2 id={headingId} className="text-sm font-semibold text-slate-900">
            Stages not mapped here
          </h2>
          <span
            className="rounded-full bg-white px-2 py-0.5 text-xs font-medium tabular-nums text-slate-700 ring-1 ring-amber-200"
            data-testid="column-count"
          >
            {formatCount(group.count)}
          </span>
        </div>
        <p className="mt-0.5 text-xs tabular-nums text-slate-600" data-testid="column-totals">
          {group.totals.length
            ? group.totals.map(([currency, amount]) => formatMoneyShort(amount, currency)).join(" · ")
            : "No amounts"}
        </p>
        <p className="mt-1 text-xs text-slate-700">
          Your CRM has these deals in stages that match none of ours. Choose a stage to place one.
        </p>
      </header>
      <div className="flex flex-col gap-3">
        {byCrmLabel(group.deals).map((labelGroup) => (
          <div key={`${labelGroup.tool}:${labelGroup.label}`} data-testid="unmapped-stage-group">
            <h3 className="px-1 pb-1 text-xs font-semibold text-amber-900">
              {labelGroup.label} <span className="font-normal text-slate-600">· {labelGroup.tool} stage</span>
            </h3>
            <ol className="flex flex-col gap-2" data-testid="column-cards">
              {labelGroup.deals.map(renderCard)}
            </ol>
          </div>
        ))}
      </div>
      {group.count > group.deals.length ? (
        <p className="px-1 pt-2 text-xs text-slate-500">
          Showing {formatCount(group.deals.length)} of {formatCount(group.count)}.{" "}
          <Link to="?view=list&state=all" className="font-medium text-brand-600 hover:underline">
            See them all in the list
          </Link>
        </p>
      ) : null}
    </section>
  );
}

function DealCard({
  deal,
  stage,
  stages,
  stageLabels,
  today,
  hydrated,
  pending,
  error,
  takeFocus,
  dragging,
  onDragStart,
  onDragEnd,
  onSelectStage,
}: {
  deal: Deal;
  /** The column the card is in; null in the group of stages not mapped here. */
  stage: Stage | null;
  stages: Board;
  stageLabels: Record<string, string>;
  today: string;
  hydrated: boolean;
  pending: boolean;
  error: string | undefined;
  takeFocus: boolean;
  dragging: boolean;
  onDragStart: (event: DragEvent<HTMLLIElement>) => void;
  onDragEnd: () => void;
  onSelectStage: (stage: Stage) => void;
}) {
  const select = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (takeFocus) select.current?.focus();
  }, [takeFocus]);
  const closeDay = deal.closeDate ? dateInputValue(deal.closeDate) : null;
  const pastDue = closeDay !== null && closeDay < today && (stage === null || !isClosed(stage));
  const selectId = `stage-${deal.id}`;
  // On a card in a column of ours, the CRM's label shows only when it differs from the column's.
  const crmView = stage === null ? null : dealStageView({ ...deal, stage }, stageLabels);
  return (
    <li
      id={`deal-${deal.id}`}
      data-testid="deal-card"
      data-deal-id={deal.id}
      draggable={hydrated}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      aria-busy={pending || undefined}
      className={`rounded-md bg-white p-3 shadow-sm ring-1 ${pastDue ? "ring-red-200" : "ring-slate-200"} ${hydrated ? "cursor-grab active:cursor-grabbing" : ""} ${
        dragging || pending ? "opacity-60" : ""
      }`}
    >
      <Link
        to={`/opportunities/${deal.id}`}
        className="block text-sm font-medium text-slate-900 hover:text-brand-600 hover:underline"
        draggable={false}
      >
        {deal.name}
      </Link>
      {deal.account ? <p className="mt-0.5 truncate text-xs text-slate-600">{deal.account.name}</p> : null}
      {stage === null ? (
        <div className="mt-1.5">
          <DealStage deal={deal} labels={stageLabels} compact />
        </div>
      ) : crmView?.kind === "both" ? (
        <p className="mt-0.5 truncate text-xs text-slate-500" data-testid="crm-stage-label">
          {crmView.crmName}: {crmView.crmLabel}
        </p>
      ) : null}
      <div className="mt-2 flex flex-wrap items-center justify-between gap-x-3 gap-y-1 text-xs">
        <span className="font-medium tabular-nums text-slate-800">{formatMoney(deal.amount, deal.currency)}</span>
        {deal.closeDate ? (
          <span
            className={pastDue ? "font-medium text-red-700" : "text-slate-600"}
            data-testid={pastDue ? "past-due" : undefined}
          >
            {pastDue ? "Past due · " : "Closes "}
            {formatDate(deal.closeDate)}
          </span>
        ) : (
          <span className="text-slate-400">No close date</span>
        )}
      </div>
      {error ? (
        <p
          role="alert"
          className="mt-2 rounded bg-red-50 px-2 py-1 text-xs text-red-800 ring-1 ring-red-200"
          data-testid="move-error"
        >
          {error}
        </p>
      ) : null}
      <Form method="post" className="mt-2 flex items-center gap-2">
        <input type="hidden" name="intent" value="move" />
        <input type="hidden" name="id" value={deal.id} />
        <label htmlFor={selectId} className="sr-only">
          Stage of {deal.name}
        </label>
        <select
          ref={select}
          id={selectId}
          name="stage"
          value={stage ?? ""}
          onChange={(event) => {
            if (event.target.value) onSelectStage(event.target.value as Stage);
          }}
          className="min-w-0 flex-1 rounded border border-slate-300 bg-white px-2 py-1 text-xs text-slate-800 focus:outline-2 focus:outline-brand-600"
          data-testid="deal-stage-select"
        >
          {stage === null ? (
            <option value="" disabled>
              Choose a stage…
            </option>
          ) : null}
          {stages.map((column) => (
            <option key={column.stage} value={column.stage}>
              {column.label}
            </option>
          ))}
        </select>
        {hydrated ? null : (
          <button
            type="submit"
            className="rounded bg-white px-2 py-1 text-xs font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
            data-testid="deal-move"
          >
            Move
          </button>
        )}
      </Form>
    </li>
  );
}

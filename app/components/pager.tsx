// The paging links under a list: back to the first page and on to the next. Plain links, so a list
// pages the same with or without JavaScript. Every list shares this markup; each keeps its own words.
import { Link, type LinkProps } from "@remix-run/react";
import type { ReactNode } from "react";
import { formatCount } from "../utils/format";

/** One paging link: where it goes and what it says; the rest (onClick, aria-disabled…) goes to the link. */
export type PagerLink = Omit<LinkProps, "children" | "className"> & { label: ReactNode; testId?: string };

const frames = {
  /** The last row of a table card, with the count on the left. */
  table: "flex items-center justify-between gap-4 border-t border-slate-200 px-4 py-3 text-sm text-slate-600",
  /** The last row of a list card (a timeline, notes). */
  card: "flex items-center justify-end gap-4 border-t border-slate-100 px-4 py-3 text-sm",
  /** Under a list that stands on its own on the page. */
  page: "mt-4 flex items-center justify-end gap-4 text-sm",
  /** Right under the last entry, inside a card that has its own padding (a deal's timeline). */
  inline: "flex items-center gap-4 text-sm",
};

type Frame = { frame: "table"; summary: ReactNode; summaryTestId?: string } | { frame: "card" | "page" | "inline" };

export function PagerFooter({
  first,
  next,
  children,
  ...where
}: Frame & {
  /** Back to the first page; null on the first page itself. */
  first: PagerLink | null;
  /** The next page; null on the last one. */
  next: PagerLink | null;
  /** Said between the two links (why more could not be loaded). */
  children?: ReactNode;
}) {
  const links = (
    <>
      {first ? <PagerLinkTo {...first} /> : null}
      {children}
      {next ? <PagerLinkTo {...next} /> : null}
    </>
  );
  if (where.frame === "table") {
    return (
      <div className={frames.table}>
        <span data-testid={where.summaryTestId}>{where.summary}</span>
        <span className="flex items-center gap-4">{links}</span>
      </div>
    );
  }
  return first || next || children ? <div className={frames[where.frame]}>{links}</div> : null;
}

function PagerLinkTo({ label, testId, ...link }: PagerLink) {
  return (
    <Link
      className="font-medium text-brand-600 hover:underline aria-disabled:opacity-60"
      data-testid={testId}
      {...link}
    >
      {label}
    </Link>
  );
}

/** A table pager's count: "Showing 25 of 120" on the first page, "Showing 25 more" after it. */
export function shownSoFar(shown: number, total: number, isFirstPage: boolean): string {
  return isFirstPage ? `Showing ${formatCount(shown)} of ${formatCount(total)}` : `Showing ${formatCount(shown)} more`;
}

/**
 * The pager of a table that pages by `?cursor=` on its own address (an account's People and Deals
 * tabs), with how many there are in all: "5 people".
 */
export function CursorPager({
  total,
  noun: [one, many],
  firstHref,
  nextCursor,
}: {
  total: number;
  noun: [one: string, many: string];
  /** The table's first page; null on the first page itself. */
  firstHref: string | null;
  nextCursor: string | null;
}) {
  return (
    <PagerFooter
      frame="table"
      summary={
        <>
          {formatCount(total)} {total === 1 ? one : many}
        </>
      }
      first={firstHref ? { to: firstHref, label: "First page" } : null}
      next={nextCursor ? { to: `?${new URLSearchParams({ cursor: nextCursor })}`, label: "Next page" } : null}
    />
  );
}

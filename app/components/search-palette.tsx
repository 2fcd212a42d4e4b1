// Search in the header: a plain GET form to /search that works without JavaScript, and — once
// JavaScript runs — a ⌘K / Ctrl-K palette that searches as you type through the typed client.
// Snippets arrive as text parts from the server and are rendered as text (matches in <mark>), never
// as HTML, so nothing in a record can inject markup.
import { Form, useLocation, useNavigate } from "@remix-run/react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { useHydrated } from "../utils/use-hydrated";
import type { AppRouter } from "../../server/trpc/root";
import { useTRPC } from "../utils/trpc";

export type SearchResult = inferRouterOutputs<AppRouter>["search"]["query"][number];
export type SearchResultType = SearchResult["type"];
export type SnippetPart = SearchResult["snippet"][number];

export const SEARCH_MAX_LENGTH = 200;
const PALETTE_LIMIT = 8;
const DEBOUNCE_MS = 150;

export const searchTypeLabels: Record<SearchResultType, string> = {
  account: "Account",
  prospect: "Person",
  opportunity: "Deal",
  message: "Email",
  note: "Note",
  activity: "Activity",
};

/** A highlighted snippet from its parts: matched words in <mark>, everything as text. */
export function SearchSnippet({ parts, className = "" }: { parts: SnippetPart[]; className?: string }) {
  if (parts.length === 0) return null;
  return (
    <span className={className} data-testid="search-snippet">
      {parts.map((part, i) =>
        part.match ? (
          <mark key={i} className="rounded-sm bg-amber-100 px-0.5 text-slate-900">
            {part.text}
          </mark>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </span>
  );
}

export function SearchTypeBadge({ type }: { type: SearchResultType }) {
  return (
    <span className="inline-flex shrink-0 items-center rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium uppercase tracking-wide text-slate-600">
      {searchTypeLabels[type]}
    </span>
  );
}

export function searchHref(q: string): string {
  return `/search?${new URLSearchParams({ q: q.trim() })}`;
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function isPaletteShortcut(event: KeyboardEvent): boolean {
  return (event.metaKey || event.ctrlKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k";
}

/** The header's search: a form that works everywhere, and the palette with its shortcut button. */
export function HeaderSearch() {
  const location = useLocation();
  const hydrated = useHydrated();
  // Decided after hydration so the server's markup (which cannot know the platform) matches.
  const shortcut = hydrated && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? "⌘K" : "Ctrl K";
  const [open, setOpen] = useState(false);
  const currentQuery = location.pathname === "/search" ? (new URLSearchParams(location.search).get("q") ?? "") : "";

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!isPaletteShortcut(event)) return;
      event.preventDefault();
      setOpen(true);
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  // Navigating (from the palette or anywhere) closes it.
  const [locationSeen, setLocationSeen] = useState(location.key);
  if (locationSeen !== location.key) {
    setLocationSeen(location.key);
    setOpen(false);
  }

  return (
    <>
      <Form
        method="get"
        action="/search"
        role="search"
        className="relative flex items-center"
        data-testid="header-search"
      >
        <label htmlFor="header-search-q" className="sr-only">
          Search accounts, people, deals, emails and notes
        </label>
        <input
          id="header-search-q"
          key={currentQuery}
          name="q"
          type="search"
          defaultValue={currentQuery}
          maxLength={SEARCH_MAX_LENGTH}
          placeholder="Search…"
          className={`w-24 rounded-md border border-slate-300 bg-white py-1.5 pl-2.5 pr-2.5 text-sm text-slate-900 placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600 xl:w-48 ${hydrated ? "xl:pr-14" : ""}`}
          data-testid="header-search-input"
        />
        {/* No submit button: Enter in the only text field submits the form (implicit submission). */}
        {hydrated ? (
          // Sits inside the input's right end, so the header keeps its width; on narrower screens
          // the header has no room for it and the shortcut alone opens the palette.
          <button
            type="button"
            onClick={() => setOpen(true)}
            aria-haspopup="dialog"
            aria-keyshortcuts="Meta+K Control+K"
            className="absolute right-1 hidden rounded px-1 py-0.5 text-slate-500 hover:bg-slate-100 hover:text-slate-900 xl:block"
            data-testid="open-search-palette"
          >
            <span className="sr-only">Quick search</span>
            <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-sans text-xs">
              {shortcut}
            </kbd>
          </button>
        ) : null}
      </Form>
      {open ? <SearchPalette initialQuery={currentQuery} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

type PaletteItem = { key: string; href: string; result: SearchResult | null; label: string };

/** The palette itself: a modal dialog whose focus stays in its input; arrows choose, Enter opens. */
export function SearchPalette({ initialQuery = "", onClose }: { initialQuery?: string; onClose: () => void }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const baseId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState(initialQuery);
  const [selected, setSelected] = useState(0);
  const term = useDebounced(q.trim(), DEBOUNCE_MS);
  const enabled = term.length > 0;
  const query = useQuery(
    trpc.search.query.queryOptions(
      { q: term, limit: PALETTE_LIMIT },
      // Previous results stay on screen while the next ones load: no flicker as you type.
      { enabled, placeholderData: keepPreviousData },
    ),
  );
  const results = enabled && q.trim() ? (query.data ?? []) : [];
  const items: PaletteItem[] = [
    ...results.map((result) => ({
      key: `${result.type}:${result.id}`,
      href: result.href,
      result,
      label: result.title,
    })),
    ...(q.trim()
      ? [{ key: "all", href: searchHref(q), result: null, label: `See all results for “${q.trim()}”` }]
      : []),
  ];
  const active = Math.min(selected, Math.max(0, items.length - 1));
  const optionId = (i: number) => `${baseId}-option-${i}`;
  const listboxId = `${baseId}-listbox`;

  // Focus moves into the palette, and back to where it was when the palette closes.
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    inputRef.current?.focus();
    inputRef.current?.select();
    return () => previous?.focus();
  }, []);

  // New results: start again from the best one.
  const [resultsSeen, setResultsSeen] = useState({ data: query.data, term });
  if (resultsSeen.data !== query.data || resultsSeen.term !== term) {
    setResultsSeen({ data: query.data, term });
    setSelected(0);
  }

  function go(item: PaletteItem | undefined) {
    if (!item) return;
    onClose();
    navigate(item.href);
  }

  function onKeyDown(event: ReactKeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (items.length) setSelected((active + 1) % items.length);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (items.length) setSelected((active - 1 + items.length) % items.length);
        break;
      case "Enter":
        event.preventDefault();
        go(items[active]);
        break;
      case "Escape":
        event.preventDefault();
        onClose();
        break;
      case "Tab":
        // The input is the only stop: the results are chosen with the arrow keys.
        event.preventDefault();
        break;
    }
  }

  const fieldErrors: Record<string, string[] | undefined> = query.error?.data?.zodError?.fieldErrors ?? {};
  const errorMessage = query.error ? (fieldErrors.q?.[0] ?? "Search failed. Try again in a moment.") : null;
  const status = !q.trim()
    ? "Type to search accounts, people, deals, emails, notes and activity."
    : errorMessage
      ? errorMessage
      : q.trim() !== term || query.isFetching
        ? "Searching…"
        : results.length === 0
          ? `No results for “${term}”. Try fewer words.`
          : `${results.length} ${results.length === 1 ? "result" : "results"}`;

  // The palette follows the ARIA combobox pattern: the keyboard stays in the input (arrows, Enter,
  // Esc) and moves the active option; the mouse handlers below are the pointer's equivalents.
  return (
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions -- a click on the backdrop closes, as Esc does
    <div
      className="fixed inset-0 z-50 flex items-start justify-center bg-slate-900/40 px-4 pt-[12vh]"
      onMouseDown={(event) => {
        // Without preventDefault the click would move the focus to <body> after it was handed back.
        event.preventDefault();
        onClose();
      }}
    >
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- keeps the focus in the input */}
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Search"
        className="w-full max-w-xl overflow-hidden rounded-xl bg-white shadow-2xl ring-1 ring-slate-200"
        onMouseDown={(event) => {
          event.stopPropagation();
          // Clicks inside the palette (a result, the footer) leave the focus in the input.
          if (event.target !== inputRef.current) event.preventDefault();
        }}
        data-testid="search-palette"
      >
        <div className="border-b border-slate-200 px-4 py-3">
          <input
            ref={inputRef}
            type="text"
            role="combobox"
            aria-label="Search"
            aria-expanded={items.length > 0}
            aria-controls={listboxId}
            aria-autocomplete="list"
            aria-activedescendant={items.length ? optionId(active) : undefined}
            value={q}
            maxLength={SEARCH_MAX_LENGTH}
            onChange={(event) => setQ(event.target.value)}
            onKeyDown={onKeyDown}
            placeholder="Search accounts, people, deals, emails…"
            autoComplete="off"
            spellCheck={false}
            className="w-full bg-transparent text-base text-slate-900 placeholder:text-slate-400 focus:outline-none"
            data-testid="palette-input"
          />
        </div>
        <ul
          id={listboxId}
          role="listbox"
          aria-label="Search results"
          className="max-h-[55vh] overflow-y-auto py-1"
          data-testid="palette-results"
        >
          {items.map((item, i) => (
            // eslint-disable-next-line jsx-a11y/click-events-have-key-events -- Enter in the input picks the option
            <li
              key={item.key}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              onMouseMove={() => setSelected(i)}
              onClick={() => go(item)}
              data-testid={item.result ? "palette-result" : "palette-see-all"}
              data-href={item.href}
              data-type={item.result?.type}
              className={`cursor-pointer px-4 py-2 ${i === active ? "bg-brand-50" : ""} ${item.result ? "" : "border-t border-slate-100 text-sm font-medium text-brand-700"}`}
            >
              {item.result ? (
                <>
                  <div className="flex items-center gap-2">
                    <SearchTypeBadge type={item.result.type} />
                    <SearchSnippet parts={item.result.titleParts} className="truncate font-medium text-slate-900" />
                    {item.result.subtitle ? (
                      <span className="truncate text-xs text-slate-500">{item.result.subtitle}</span>
                    ) : null}
                  </div>
                  <SearchSnippet
                    parts={item.result.snippet}
                    className="mt-0.5 line-clamp-1 block text-xs text-slate-600"
                  />
                </>
              ) : (
                item.label
              )}
            </li>
          ))}
        </ul>
        <div className="flex items-center justify-between gap-3 border-t border-slate-200 bg-slate-50 px-4 py-2 text-xs text-slate-500">
          <span role="status" aria-live="polite" data-testid="palette-status">
            {status}
          </span>
          <span aria-hidden="true">↑↓ to choose · Enter to open · Esc to close</span>
        </div>
      </div>
    </div>
  );
}

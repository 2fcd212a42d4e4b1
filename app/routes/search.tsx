import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { truncateText } from "../../server/utils/text";
import { FormMessage } from "../components/forms";
import {
  SEARCH_MAX_LENGTH,
  SearchSnippet,
  searchTypeLabels,
  type SearchResult,
  type SearchResultType,
} from "../components/search-palette";
import { Button, EmptyState, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { formatCount } from "../utils/format";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction<typeof loader> = ({ data: answer }) => [
  { title: answer?.q ? `“${truncateText(answer.q, 60)}” · Search · Sales-as-Code` : "Search · Sales-as-Code" },
];

/** The most results the page shows (the procedure's maximum). */
export const SEARCH_PAGE_LIMIT = 50;

const groupTitles: Record<SearchResultType, string> = {
  account: "Accounts",
  prospect: "People",
  opportunity: "Deals",
  message: "Emails",
  note: "Notes",
  activity: "Activity",
};

export type SearchGroup = { type: SearchResultType; label: string; results: SearchResult[] };

/** Results grouped by type; groups in the order of their best result (the list arrives ranked). */
export function groupResults(results: SearchResult[]): SearchGroup[] {
  const groups = new Map<SearchResultType, SearchGroup>();
  for (const result of results) {
    let group = groups.get(result.type);
    if (!group) {
      group = { type: result.type, label: groupTitles[result.type], results: [] };
      groups.set(result.type, group);
    }
    group.results.push(result);
  }
  return [...groups.values()];
}

function badRequestMessage(error: TRPCError): string {
  if (error.cause instanceof ZodError) {
    const flat = z.flattenError(error.cause);
    const fieldErrors: Record<string, string[] | undefined> = flat.fieldErrors;
    return fieldErrors.q?.[0] ?? flat.formErrors[0] ?? "That search could not be run.";
  }
  return error.message;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const q = new URL(request.url).searchParams.get("q") ?? "";
  if (!q.trim()) return data({ q, results: null, groups: [], error: null });
  try {
    const results = await (await serverCaller(context)).search.query({ q, limit: SEARCH_PAGE_LIMIT });
    return data({ q, results, groups: groupResults(results), error: null });
  } catch (error) {
    // A query the procedure refuses (too long) is the user's input: say why, on the page.
    if (error instanceof TRPCError && error.code === "BAD_REQUEST") {
      return data({ q, results: null, groups: [], error: badRequestMessage(error) }, { status: 400 });
    }
    throw error;
  }
}

export default function Search() {
  const { q, results, groups, error } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Search"
        description="Accounts, people, deals, emails, notes and activity — everything in your workspace."
      />
      <Form method="get" action="/search" role="search" className="mb-6 flex max-w-2xl items-end gap-2">
        <div className="flex-1">
          <label htmlFor="search-q" className="sr-only">
            Search for
          </label>
          <input
            id="search-q"
            key={q}
            name="q"
            type="search"
            defaultValue={q}
            maxLength={SEARCH_MAX_LENGTH}
            placeholder="A name, a company, a phrase from an email…"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "search-error" : undefined}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600"
            data-testid="search-page-input"
          />
        </div>
        <Button type="submit">Search</Button>
      </Form>

      {error ? (
        <div id="search-error" className="max-w-2xl">
          <FormMessage tone="error" testId="search-error">
            {error}
          </FormMessage>
        </div>
      ) : results === null ? (
        <EmptyState title="Search your whole workspace">
          Type a few words: a company (“acme”), a person, a deal, or a phrase from an email or a note. The start of a
          word is enough — “secur” finds “security”. Press{" "}
          <kbd className="rounded border border-slate-300 px-1 text-xs">Ctrl K</kbd> (
          <kbd className="rounded border border-slate-300 px-1 text-xs">⌘K</kbd> on a Mac) to search from anywhere.
        </EmptyState>
      ) : results.length === 0 ? (
        <EmptyState title={`No results for “${q.trim()}”`}>
          Every word has to match, so try fewer words, or check the spelling.
        </EmptyState>
      ) : (
        <div className="space-y-6" data-testid="search-results">
          <p className="text-sm text-slate-600" role="status">
            {results.length >= SEARCH_PAGE_LIMIT
              ? `The ${formatCount(results.length)} best matches for “${q.trim()}”. Add a word to narrow them down.`
              : `${formatCount(results.length)} ${results.length === 1 ? "result" : "results"} for “${q.trim()}”, best first.`}
          </p>
          {groups.map((group) => (
            <section
              key={group.type}
              aria-labelledby={`results-${group.type}`}
              data-testid="search-group"
              data-type={group.type}
            >
              <h2 id={`results-${group.type}`} className="mb-2 text-sm font-semibold text-slate-900">
                {group.label} <span className="font-normal text-slate-500">({formatCount(group.results.length)})</span>
              </h2>
              <ul className="divide-y divide-slate-100 overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
                {group.results.map((result) => (
                  <li
                    key={`${result.type}:${result.id}`}
                    className="px-4 py-3"
                    data-testid="search-result"
                    data-type={result.type}
                  >
                    <div className="flex flex-wrap items-baseline gap-x-2">
                      <Link
                        to={result.href}
                        className="font-medium text-brand-600 hover:underline"
                        data-testid="search-result-link"
                      >
                        <SearchSnippet parts={result.titleParts} />
                      </Link>
                      <span className="text-xs text-slate-500">
                        {searchTypeLabels[result.type]}
                        {result.subtitle ? ` · ${result.subtitle}` : ""}
                      </span>
                    </div>
                    <SearchSnippet parts={result.snippet} className="mt-1 block text-sm text-slate-600" />
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </>
  );
}

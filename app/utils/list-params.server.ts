// A list page's address as the API's query: filters, choices and the page cursor. An address is
// typed, bookmarked and hand-edited, so what does not fit is ignored or cut rather than refused.
import { TRPCError } from "@trpc/server";
import { truncateText } from "../../server/utils/text";

/**
 * A query parameter as a filter value: without NUL characters (which no stored text holds, and which
 * the API refuses), trimmed, cut to what the API accepts, null when empty.
 */
export function queryFilter(params: URLSearchParams, name: string, max: number): string | null {
  const value = truncateText((params.get(name) ?? "").replaceAll("\u0000", "").trim(), max, "");
  return value === "" ? null : value;
}

/** A query parameter that must be one of `allowed`; anything else is ignored (null). */
export function queryChoice<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[]): T | null {
  const value = params.get(name);
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/**
 * Loads a page of a cursor-paged list; a stale or hand-edited cursor is the user's input, not our
 * failure, so the list starts over from its first page instead of failing. `cursor` in the result is
 * the one used (null for the first page).
 */
export async function pageOrFirst<T>(
  cursor: string | null,
  load: (cursor: string | null) => Promise<T>,
): Promise<{ page: T; cursor: string | null }> {
  try {
    return { page: await load(cursor), cursor };
  } catch (error) {
    if (cursor && error instanceof TRPCError && error.code === "BAD_REQUEST")
      return { page: await load(null), cursor: null };
    throw error;
  }
}

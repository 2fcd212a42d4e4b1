// What a page answers when a procedure it called cannot find a record: someone else's (or a missing)
// record is the 404 page. (A refusal of the user's own input becomes messages beside the fields:
// forms.server.ts.)
import { TRPCError } from "@trpc/server";

export function notFound(): Response {
  return new Response("Not Found", { status: 404, statusText: "Not Found" });
}

/**
 * A record the user cannot see must look like a page that does not exist. An id that cannot be one
 * (a 100-character URL segment, refused by the input's zod schema) is the same thing to the user.
 */
export function isMissing(error: unknown): boolean {
  return error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST");
}

/** Runs a lookup for a page; a missing record (or a malformed id) becomes the 404 page. */
export async function orNotFound<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (error) {
    if (isMissing(error)) throw notFound();
    throw error;
  }
}

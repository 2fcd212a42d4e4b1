// What a page answers when a procedure it called refuses: someone else's (or a missing) record is
// the 404 page, the user's own mistakes are messages beside the fields, and anything else is ours
// (rethrown: the error boundary and the logs take it).
import { TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { FieldError } from "../../server/errors";
import { firstErrors } from "../components/forms";

export type FormErrors = { fieldErrors: Record<string, string>; formError?: string };

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

/** The messages a BAD_REQUEST carries (zod's field errors, a FieldError's field, or one for the form); else null. */
export function apiFieldErrors(error: unknown): FormErrors | null {
  if (!(error instanceof TRPCError) || error.code !== "BAD_REQUEST") return null;
  if (error.cause instanceof FieldError) return { fieldErrors: { [error.cause.field]: error.cause.message } };
  if (error.cause instanceof ZodError) {
    const flat = z.flattenError(error.cause);
    const formError = flat.formErrors[0];
    return { fieldErrors: firstErrors(flat.fieldErrors), ...(formError ? { formError } : {}) };
  }
  return { fieldErrors: {}, formError: error.message };
}

/** Like apiFieldErrors, for a form's action: NOT_FOUND throws the 404 page, anything else is rethrown. */
export function formErrorsFrom(error: unknown): FormErrors {
  if (error instanceof TRPCError && error.code === "NOT_FOUND") throw notFound();
  const errors = apiFieldErrors(error);
  if (errors) return errors;
  throw error;
}

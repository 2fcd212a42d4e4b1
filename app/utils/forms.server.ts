// The one way a form is read and answered (docs/decisions/011-one-way-to-read-forms.md): its text is
// converted to the API's types, the API's own zod schema judges the result so every message has one
// source, and mistakes come back inline — a 400 with a message beside each field and the typed values
// to refill — because every form must work without JavaScript.
import { data, redirect } from "@remix-run/node";
import { TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { findNulPath, NUL_MESSAGE } from "../../server/crm/limits";
import { FieldError } from "../../server/errors";
import { notFound } from "./api-errors.server";
import type { Converted } from "./form-text";
import { withToast, type ToastKey } from "./toasts";

export type FieldErrors = Record<string, string>;
export type FormErrors = { fieldErrors: FieldErrors; formError?: string };

/** The text value of a form field ("" when absent or a file). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** Several text fields by name: what a form sends, and what it refills after a mistake. */
export function formTexts<const Name extends string>(form: FormData, names: readonly Name[]): Record<Name, string> {
  return Object.fromEntries(names.map((name) => [name, formText(form, name)])) as Record<Name, string>;
}

/** A checkbox group's values: each once, as a hand-made post may repeat one or send an empty one. */
export function formIds(form: FormData, name: string): string[] {
  return [...new Set(form.getAll(name).filter((value): value is string => typeof value === "string" && value !== ""))];
}

/** What a form's action answers when it does not redirect: messages for the form, and what to refill. */
export type FormAnswer<Fields = Record<string, string>> = {
  formError?: string;
  fieldErrors?: FieldErrors;
  /** Values to put back in the form (never passwords). */
  fields?: Fields;
  success?: string;
};

export function formAnswer<Fields = Record<string, string>>(
  status: number,
  answer: FormAnswer<Fields>,
  headers?: HeadersInit,
) {
  return data(answer, { status, headers });
}

/** A 400 answer for a form that did not read: its messages, and what was typed. */
export function invalidForm<Fields>(reading: { fields: Fields } & FormErrors) {
  const { fields, fieldErrors, formError } = reading;
  return formAnswer(400, { fieldErrors, fields, ...(formError ? { formError } : {}) });
}

/** A form post the page does not know (a hand-made request): not a server error. */
export function badRequest(): Response {
  return new Response("Bad Request", { status: 400, statusText: "Bad Request" });
}

/** zod's field errors as one message per field: a form shows the first thing to fix, not a list. */
export function firstErrors(fieldErrors: Record<string, string[] | undefined>): FieldErrors {
  return Object.fromEntries(
    Object.entries(fieldErrors).flatMap(([field, messages]) => (messages?.[0] ? [[field, messages[0]]] : [])),
  );
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

/**
 * Runs a mutation from a form's action: success redirects with a toast; the user's mistakes (those
 * only the API can judge, such as someone else's account) come back as a 400 with inline errors and
 * the typed values; a record that is gone is a 404.
 */
export async function mutateOrAnswer<T, Fields = Record<string, string>>(
  mutation: () => Promise<T>,
  options: { fields: Fields; success: (result: T) => { path: string; toast: ToastKey } },
) {
  let result: T;
  try {
    result = await mutation();
  } catch (error) {
    return formAnswer(400, { ...formErrorsFrom(error), fields: options.fields });
  }
  const { path, toast } = options.success(result);
  return redirect(withToast(path, toast));
}

/**
 * The form's own mistakes, collected while its text is converted to the API's types (form-text.ts).
 * What could not be converted is replaced by a stand-in the schema accepts, so checkForm does not
 * report the same field again in other words.
 */
export class FormConversion {
  readonly errors: FieldErrors = {};

  value<T>(field: string, converted: Converted<T>, standIn: T): T {
    if (converted.ok) return converted.value;
    this.errors[field] = converted.message;
    return standIn;
  }

  /** A rule only the form has (the schema would accept the value from another caller). */
  refuse(field: string, message: string): void {
    this.errors[field] = message;
  }
}

/**
 * What reading a form gives: the typed values to refill it with, and either the API's input (`input`,
 * what a procedure takes; `data`, what the schema made of it, for code that calls server functions
 * directly) or a message per field.
 */
export type FormReading<Fields, Input, Data = Input> =
  { ok: true; fields: Fields; input: Input; data: Data } | ({ ok: false; fields: Fields } & FormErrors);

/** The API's input with any values: the schema, not the type checker, says whether the text made sense. */
type Unchecked<Input> = { [Key in keyof Input]: unknown };

/**
 * A field holding U+0000, which no schema names but the database cannot store: the same refusal the
 * API makes (server/trpc/init.ts), for forms whose reading reaches server code without the API.
 */
function nulErrors(input: unknown): FieldErrors {
  const field = findNulPath(input)?.[0];
  return typeof field === "string" ? { [field]: NUL_MESSAGE } : {};
}

/**
 * Checks a form's converted input against the API's own schema, so a form says what the API would
 * say, about every field at once rather than one round trip per mistake. `conversionErrors` are the
 * form's own (text that could not become the API's type, or a rule only the form has); they win over
 * the schema's message for the same field, which would be about the stand-in value used instead.
 */
export function checkForm<Schema extends z.ZodType, Fields>(
  schema: Schema,
  fields: Fields,
  input: Unchecked<z.input<Schema>>,
  conversionErrors: FieldErrors = {},
): FormReading<Fields, z.input<Schema>, z.output<Schema>> {
  const checked = schema.safeParse(input);
  const flat = checked.success ? null : z.flattenError(checked.error);
  const fieldErrors = { ...(flat ? firstErrors(flat.fieldErrors) : {}), ...nulErrors(input), ...conversionErrors };
  const formError = flat?.formErrors[0];
  if (!checked.success || Object.keys(fieldErrors).length > 0)
    return { ok: false, fields, fieldErrors, ...(formError ? { formError } : {}) };
  // The schema accepted this very value, so it is the schema's input type.
  return { ok: true, fields, input: input as z.input<Schema>, data: checked.data };
}

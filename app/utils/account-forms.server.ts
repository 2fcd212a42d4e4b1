// Shared plumbing of the account and person pages' loaders and actions: turning the API's errors
// into what a page answers (404 page, inline field errors), and reading form and query values.
import { redirect } from "@remix-run/node";
import { TRPCError } from "@trpc/server";
import { apiFieldErrors, isMissing, notFound, orNotFound } from "./api-errors.server";
import { field, formAnswer } from "./auth-forms.server";
import { withToast, type ToastKey } from "./toasts";
import type { serverCaller } from "./trpc.server";

type Api = Awaited<ReturnType<typeof serverCaller>>;

export { apiFieldErrors, field, isMissing, notFound, orNotFound };

/** A form post the page does not know (a hand-made request): not a server error. */
export function badRequest(): Response {
  return new Response("Bad Request", { status: 400, statusText: "Bad Request" });
}

/**
 * Runs a mutation from a form's action: success redirects with a toast; the user's mistakes come
 * back as a 400 with inline errors and the typed values; a record that is gone is a 404.
 */
export async function mutateOrAnswer<T>(
  mutation: () => Promise<T>,
  options: { fields: Record<string, string>; success: (result: T) => { path: string; toast: ToastKey } },
) {
  try {
    const result = await mutation();
    const { path, toast } = options.success(result);
    return redirect(withToast(path, toast));
  } catch (error) {
    const errors = apiFieldErrors(error);
    if (errors) return formAnswer(400, { ...errors, fields: options.fields });
    if (error instanceof TRPCError && error.code === "NOT_FOUND") throw notFound();
    throw error;
  }
}

/** A 400 answer with inline errors from checks the page makes before calling the API. */
export function invalidForm(fieldErrors: Record<string, string>, fields: Record<string, string>) {
  return formAnswer(400, { fieldErrors, fields });
}

/**
 * A whole number typed by a person ("1,200", " 250 "): the number, null when empty, or an error
 * message. Parsed from the text so nothing is rounded ("12.5" is refused, not truncated).
 */
export function parseWholeNumber(text: string, max: number): { value: number | null } | { error: string } {
  const cleaned = text.trim().replace(/[,\s_]/g, "");
  if (cleaned === "") return { value: null };
  if (!/^\d+$/.test(cleaned)) return { error: "Use a whole number, like 250." };
  const value = Number(cleaned);
  if (!Number.isSafeInteger(value) || value > max)
    return { error: `Use a number up to ${max.toLocaleString("en-US")}.` };
  return { value };
}

const accountFormFields = [
  "name",
  "domain",
  "industry",
  "employeeCount",
  "hqCity",
  "tier",
  "description",
  "ownerNotes",
] as const;

/**
 * The account form's values as the API's input. The employee count is checked here because the
 * form sends text; the rest (lengths) is the API's to say. A tier must be one the
 * form offers, or the one the account already has (imported from another CRM).
 */
export function readAccountForm(
  form: FormData,
  options: { currentTier?: string | null; allowedTiers: readonly string[] },
) {
  const fields = Object.fromEntries(accountFormFields.map((name) => [name, field(form, name)])) as Record<
    (typeof accountFormFields)[number],
    string
  >;
  const fieldErrors: Record<string, string> = {};
  // Also checked here (with the API's words) so a missing name is reported with the other mistakes at once.
  if (!fields.name.trim()) fieldErrors.name = "Give the account a name.";
  const employees = parseWholeNumber(fields.employeeCount, 10_000_000);
  if ("error" in employees) fieldErrors.employeeCount = employees.error;
  const tier = fields.tier.trim();
  if (tier && !options.allowedTiers.includes(tier) && tier !== options.currentTier)
    fieldErrors.tier = "Choose one of the tiers.";
  if (Object.keys(fieldErrors).length > 0 || "error" in employees) return { ok: false as const, fields, fieldErrors };
  return {
    ok: true as const,
    fields,
    input: {
      name: fields.name,
      domain: fields.domain,
      industry: fields.industry,
      employeeCount: employees.value,
      hqCity: fields.hqCity,
      tier,
      description: fields.description,
      ownerNotes: fields.ownerNotes,
    },
  };
}

/**
 * The notes forms on an account's or a person's page (intents "add-note", and "delete" with a
 * noteId; the page's own "delete" has no noteId). Null when the form is neither.
 */
export async function answerNoteForm(
  form: FormData,
  api: Api,
  owner: { accountId: string } | { prospectId: string },
  path: string,
) {
  const intent = field(form, "intent");
  if (intent === "add-note") {
    const body = field(form, "body");
    try {
      await api.notes.create({ body, ...owner });
    } catch (error) {
      const errors = apiFieldErrors(error);
      // The API says the account or person is not one of the user's: this page does not exist for them.
      if (errors?.fieldErrors && Object.keys(owner).some((key) => key in errors.fieldErrors)) throw notFound();
      if (errors) return formAnswer(400, { ...errors, fields: { body } });
      throw error;
    }
    return redirect(withToast(path, "note-added"));
  }
  if (intent === "delete" && form.has("noteId")) {
    return mutateOrAnswer(() => api.notes.delete({ id: field(form, "noteId") }), {
      fields: {},
      success: () => ({ path, toast: "note-deleted" }),
    });
  }
  return null;
}

const prospectFormFields = [
  "firstName",
  "lastName",
  "title",
  "email",
  "phone",
  "linkedinUrl",
  "accountId",
  "role",
  "status",
] as const;

/**
 * The person form's values as the API's input. Name, role and status are checked here too (with
 * the API's words) so they are reported together with the form's other mistakes; email, link and
 * account are the API's to judge. A status imported from another CRM (`keepStatus`) may be saved
 * unchanged: it is left out of the update instead of being refused.
 */
export function readProspectForm<Role extends string, Status extends string>(
  form: FormData,
  options: { roles: readonly Role[]; statuses: readonly Status[]; keepStatus?: string },
) {
  const fields = Object.fromEntries(prospectFormFields.map((name) => [name, field(form, name)])) as Record<
    (typeof prospectFormFields)[number],
    string
  >;
  const fieldErrors: Record<string, string> = {};
  if (!fields.firstName.trim()) fieldErrors.firstName = "Enter a first name.";
  const role = options.roles.find((r) => r === fields.role);
  if (!role) fieldErrors.role = "Choose a role.";
  const status = options.statuses.find((s) => s === fields.status);
  const keptStatus = !status && options.keepStatus !== undefined && fields.status === options.keepStatus;
  if (!status && !keptStatus) fieldErrors.status = "Choose a status.";
  if (!role || Object.keys(fieldErrors).length > 0) return { ok: false as const, fields, fieldErrors };
  const { role: _role, status: _status, ...rest } = fields;
  return { ok: true as const, fields, input: { ...rest, role, ...(status ? { status } : {}) } };
}

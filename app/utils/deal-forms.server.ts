// Form plumbing shared by the deal, meeting and conversation pages: turning form text into the API's
// inputs (money in exact cents, UTC datetimes) and a procedure's refusal into messages beside fields.
import {
  createOpportunityInput,
  OPEN_STAGES,
  stageLabels,
  updateOpportunityInput,
} from "../../server/crm/opportunities";
import { conversationChannels, opportunityStages } from "../../server/data-rights/workspace-format";
import { z } from "zod";
import { firstErrors } from "../components/forms";
import { formErrorsFrom, notFound, orNotFound, type FormErrors } from "./api-errors.server";

export type StageOption = { value: (typeof opportunityStages)[number]; label: string; open: boolean };

/** Every stage in pipeline order, for selects (the browser never imports server code). */
export function stageOptions(): StageOption[] {
  return opportunityStages.map((value) => ({
    value,
    label: stageLabels[value],
    open: (OPEN_STAGES as readonly string[]).includes(value),
  }));
}

export function isStage(value: string): value is StageOption["value"] {
  return (opportunityStages as readonly string[]).includes(value);
}

export function isChannel(value: string | null): value is (typeof conversationChannels)[number] {
  return value !== null && (conversationChannels as readonly string[]).includes(value);
}

export { formErrorsFrom, notFound, orNotFound, type FormErrors };

// "24000", "24,000.50", "$1,234.5": optional currency sign, digits (thousands grouped by commas or
// not at all), up to two decimals.
const MONEY = /^[$€£]?\s*((?:\d{1,3}(?:,\d{3})+)|\d+)(?:\.(\d{1,2}))?$/;

/**
 * Major units typed by a person → whole minor units, exactly: the string's digits are shifted, never
 * multiplied as a float (0.29 * 100 is 28.999999999999996). Empty means "no amount".
 */
export function parseMoney(text: string): { ok: true; cents: number | null } | { ok: false; message: string } {
  const value = text.trim();
  if (value === "") return { ok: true, cents: null };
  const match = MONEY.exec(value);
  if (!match) return { ok: false, message: "Enter an amount like 24000 or 24,000.50." };
  const cents = BigInt(match[1]!.replace(/,/g, "")) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: "That amount is too large." };
  return { ok: true, cents: Number(cents) };
}

/** Whole minor units → the text a form shows for them ("24000", "24000.5" → "24000.50"). */
export function moneyInputValue(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return "";
  const whole = Math.trunc(cents / 100);
  const rest = cents % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, "0")}`;
}

/** A whole percentage typed in a form; range checks are the API's. Empty means "none". */
export function parseWholeNumber(
  text: string,
  message: string,
): { ok: true; value: number | null } | { ok: false; message: string } {
  const value = text.trim().replace(/%$/, "").trim();
  if (value === "") return { ok: true, value: null };
  if (!/^-?\d{1,9}$/.test(value)) return { ok: false, message };
  return { ok: true, value: Number(value) };
}

const DATETIME_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/;

/** An <input type="datetime-local"> value, read as UTC (the label says so). */
export function parseUtcDateTime(
  text: string,
  emptyMessage: string,
): { ok: true; value: Date } | { ok: false; message: string } {
  const value = text.trim();
  if (value === "") return { ok: false, message: emptyMessage };
  const date = DATETIME_LOCAL.test(value) ? new Date(`${value}Z`) : null;
  // Date rolls impossible days over (Feb 30 → Mar 2); only a value that reads back unchanged is real.
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 16) !== value.slice(0, 16))
    return { ok: false, message: "Use a date and time like 2026-12-31 14:30." };
  return { ok: true, value: date };
}

/** A Date as an <input type="datetime-local"> value in UTC, to the minute. */
export function dateTimeInputValue(value: Date | string | null | undefined): string {
  return value ? new Date(value).toISOString().slice(0, 16) : "";
}

/** The text values of a form, for refilling it after an error. */
export function textFields(form: FormData, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((name) => [name, typeof form.get(name) === "string" ? (form.get(name) as string) : ""]),
  );
}

export const DEAL_FIELDS = [
  "name",
  "accountId",
  "stage",
  "amount",
  "currency",
  "closeDate",
  "probability",
  "nextStep",
  "lossReason",
] as const;

type DealInput = z.input<typeof createOpportunityInput>;

/**
 * Reads the deal form. Text that cannot become the API's types (an amount of "abc") is a field
 * error here; everything else is checked by the procedure's own schema, so all the form's problems
 * show at once instead of one round trip each.
 */
export function readDealForm(
  form: FormData,
  mode: "create" | "update",
): { fields: Record<string, string>; input: DealInput; fieldErrors: Record<string, string> } {
  const fields = textFields(form, DEAL_FIELDS);
  const fieldErrors: Record<string, string> = {};
  const amount = parseMoney(fields.amount!);
  if (!amount.ok) fieldErrors.amount = amount.message;
  const probability = parseWholeNumber(fields.probability!, "Use a whole percentage from 0 to 100.");
  if (!probability.ok) fieldErrors.probability = probability.message;
  const stage = fields.stage!;
  if (!isStage(stage)) fieldErrors.stage = "Choose a stage.";
  const input: DealInput = {
    name: fields.name!,
    accountId: fields.accountId!,
    stage: isStage(stage) ? stage : "prospecting",
    amount: amount.ok ? amount.cents : null,
    // An empty currency keeps what the deal has (or USD for a new one).
    currency: fields.currency!.trim() === "" ? undefined : fields.currency!,
    closeDate: fields.closeDate!.trim() === "" ? null : fields.closeDate!.trim(),
    probability: probability.ok ? probability.value : null,
    nextStep: fields.nextStep!,
    // A loss reason means something only for a lost deal; any other stage clears it.
    lossReason: stage === "closed_lost" ? fields.lossReason! : null,
  };
  const schema = mode === "create" ? createOpportunityInput : updateOpportunityInput.omit({ id: true });
  const checked = schema.safeParse(input);
  const schemaErrors = checked.success ? {} : firstErrors(z.flattenError(checked.error).fieldErrors);
  return { fields, input, fieldErrors: { ...schemaErrors, ...fieldErrors } };
}

// Input pieces shared by the CRM procedures: every message says what to do, in the user's words.
import { z } from "zod";
import type { Queryable } from "../db/client";
import { FieldError } from "../errors";
import { DATE_RANGE_MESSAGE, EARLIEST_MS, isOutOfDateRange, LATEST_MS, maxLengths } from "./limits";

export const idInput = z.string().trim().min(1, "Missing id.").max(64, "That id is too long.");

/** A required line of text. */
export function requiredText(max: number, message: string) {
  return z.string().trim().min(1, message).max(max, `Use at most ${max} characters.`);
}

/** Optional text: empty becomes null (a cleared field), absent stays absent (unchanged). */
export function optionalText(max: number) {
  return z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .nullish()
    .transform((value) => (value === "" ? null : value));
}

/** An optional reference to another record; "" (an empty select) means none. */
export const optionalRef = z
  .string()
  .trim()
  .max(64)
  .nullish()
  .transform((value) => (value === "" ? null : value));

/** Money in whole minor units (cents), as the workspace format stores it. */
export const amountInput = z
  .number({ message: "Enter an amount." })
  .int("Amounts are whole cents.")
  .min(0, "An amount cannot be negative.")
  .max(Number.MAX_SAFE_INTEGER, "That amount is too large.");

export const currencyInput = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, "Use a three-letter currency code such as USD.");

/** A calendar date as text, YYYY-MM-DD, within DATE_RANGE (for callers that keep the text). */
export const calendarDateText = z.iso
  .date("Use a date like 2026-12-31.")
  .refine((value) => !isOutOfDateRange(Date.parse(`${value}T00:00:00Z`)), DATE_RANGE_MESSAGE);

/** A calendar date, YYYY-MM-DD, stored at midnight UTC. */
export const dateInput = calendarDateText.transform((value) => new Date(`${value}T00:00:00Z`));

export const dateTimeInput = z.coerce
  .date({ message: "Use a date and time." })
  .min(new Date(EARLIEST_MS), DATE_RANGE_MESSAGE)
  .max(new Date(LATEST_MS), DATE_RANGE_MESSAGE);

export const emailInput = z
  .string()
  .trim()
  .toLowerCase()
  .max(maxLengths.email, "That email address is too long.")
  .pipe(z.email("Enter a valid email address."));

type OwnedTable = "account" | "prospect" | "opportunity" | "conversation" | "meeting" | "note";

/** "Choose one of your …": the plural the user reads. */
const plurals: Record<OwnedTable, string> = {
  account: "accounts",
  prospect: "people",
  opportunity: "deals",
  conversation: "conversations",
  meeting: "meetings",
  note: "notes",
};

/**
 * Checks that a referenced record exists and belongs to the user; otherwise the field gets a
 * message. (Another user's id and a made-up id look the same to the caller.)
 */
export async function ensureOwnedRef(
  db: Queryable,
  table: OwnedTable,
  userId: string,
  id: string | null | undefined,
  field: string,
): Promise<void> {
  if (!id) return;
  const where = { id, userId };
  const found =
    table === "account"
      ? await db.account.findFirst({ where, select: { id: true } })
      : table === "prospect"
        ? await db.prospect.findFirst({ where, select: { id: true } })
        : table === "opportunity"
          ? await db.opportunity.findFirst({ where, select: { id: true } })
          : table === "conversation"
            ? await db.conversation.findFirst({ where, select: { id: true } })
            : table === "meeting"
              ? await db.meeting.findFirst({ where, select: { id: true } })
              : await db.note.findFirst({ where, select: { id: true } });
  if (!found) throw new FieldError(field, `Choose one of your ${plurals[table]}.`);
}

/** Keeps only the keys present in `input` (an update changes only what it names). */
export function definedOnly<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}

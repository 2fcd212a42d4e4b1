// What a person types into a form, turned into the API's types and back. Each converter only
// converts: a value it cannot read is its error, but whether a value is acceptable (a range, a
// length) is the API's schema to say, so those messages have one source. Pure, so pages may use it.

export type Converted<T> = { ok: true; value: T } | { ok: false; message: string };

// "24000", "24,000.50", "$1,234.5": optional currency sign, digits (thousands grouped by commas or
// not at all), up to two decimals.
const MONEY = /^[$€£]?\s*((?:\d{1,3}(?:,\d{3})+)|\d+)(?:\.(\d{1,2}))?$/;

/**
 * Major units typed by a person → whole minor units, exactly: the string's digits are shifted, never
 * multiplied as a float (0.29 * 100 is 28.999999999999996). Empty means "no amount".
 */
export function parseMoney(text: string): Converted<number | null> {
  const value = text.trim();
  if (value === "") return { ok: true, value: null };
  const match = MONEY.exec(value);
  if (!match) return { ok: false, message: "Enter an amount like 24000 or 24,000.50." };
  const cents = BigInt(match[1]!.replace(/,/g, "")) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: "That amount is too large." };
  return { ok: true, value: Number(cents) };
}

/** Whole minor units → the text a form shows for them ("24000", "24000.5" → "24000.50"). */
export function moneyInputValue(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return "";
  const whole = Math.trunc(cents / 100);
  const rest = cents % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, "0")}`;
}

/**
 * A whole number typed by a person ("1,200", " 250 ", "-3", and with `percent` also "40%"): the
 * number, or null when empty. Read from the text so nothing is rounded ("12.5" is refused, not
 * truncated); a negative number is read, for the schema to refuse in its own words.
 */
export function parseWholeNumber(
  text: string,
  options: { message: string; percent?: boolean },
): Converted<number | null> {
  const trimmed = text.trim();
  const digits = (options.percent ? trimmed.replace(/%$/, "") : trimmed).replace(/[,\s_]/g, "");
  if (digits === "") return { ok: true, value: null };
  if (!/^-?\d+$/.test(digits)) return { ok: false, message: options.message };
  const value = Number(digits);
  // Past 2^53 the number read would not be the number typed.
  if (!Number.isSafeInteger(value)) return { ok: false, message: "That number is too large." };
  return { ok: true, value };
}

const DATETIME_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/;

/** An <input type="datetime-local"> value, read as UTC (the labels say so until users have a time zone). */
export function parseUtcDateTime(text: string, emptyMessage: string): Converted<Date> {
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

// What the product can store, in one place: text lengths, the date range, integer bounds, and the
// NUL character PostgreSQL refuses. Plain values and functions without imports, so the API's
// schemas (inputs.ts), the workspace format (which pages import too) and form readers share them.

/**
 * How long each kind of text may be, in UTF-16 code units (what zod's max counts). One table for the
 * API and the workspace importer, so a record that one door takes the other takes too. Indexed
 * columns (names, emails, external ids) stay well under PostgreSQL's ~2,700-byte btree row limit.
 */
export const maxLengths = {
  accountName: 200,
  domain: 253,
  industry: 120,
  city: 120,
  tier: 40,
  accountDescription: 5_000,
  ownerNotes: 10_000,
  firstName: 100,
  lastName: 100,
  jobTitle: 200,
  email: 254,
  phone: 40,
  url: 300,
  prospectStatus: 40,
  dealName: 200,
  nextStep: 500,
  lossReason: 500,
  subject: 300,
  messageBody: 50_000,
  meetingTitle: 300,
  location: 500,
  noteBody: 20_000,
  activitySummary: 5_000,
  /** A provider's own id for a record (Salesforce, Gmail, …). */
  externalId: 500,
  /** A workspace file's own ids (`acc_…`): kept to recognise the record on the next import. */
  fileId: 200,
} as const;

/** Most employees an account may list: the API's and the importer's bound, far inside int4. */
export const EMPLOYEE_COUNT_MAX = 10_000_000;

/**
 * The one range of dates the product stores, for every date a user or a file gives it. JS Date and
 * PostgreSQL's timestamptz reach far wider (±275,760 and 4713 BC–294,276 AD), but past year 9999 an
 * ISO date needs six digits and a sign, which Prisma reads back as an Invalid Date (the list and the
 * export then fail for good), and year 0000 is no year at all. 1900–2200 holds every date a seller's
 * records can mean — decades-old CRM history, deals closing far out — and stays four digits in every
 * format we read and write (JSON, <input type="date">, the workspace file), even after an import's
 * shift moves it.
 */
export const DATE_RANGE = { firstYear: 1900, lastYear: 2200 } as const;
export const DATE_RANGE_MESSAGE = `Use a date between ${DATE_RANGE.firstYear} and ${DATE_RANGE.lastYear}.`;
export const EARLIEST_MS = Date.UTC(DATE_RANGE.firstYear, 0, 1);
export const LATEST_MS = Date.UTC(DATE_RANGE.lastYear + 1, 0, 1) - 1;

/**
 * Whether a parsed date is outside DATE_RANGE. An unparseable one (NaN) is not: its format is
 * another check's to report, so a refinement using this does not repeat that check's message.
 */
export function isOutOfDateRange(ms: number): boolean {
  return !Number.isNaN(ms) && !isInDateRange(ms);
}

/** Whether a moment (ms since the epoch, or a Date) is within DATE_RANGE. */
export function isInDateRange(value: number | Date): boolean {
  const ms = typeof value === "number" ? value : value.getTime();
  return ms >= EARLIEST_MS && ms <= LATEST_MS;
}

/** The largest value of a PostgreSQL `integer` (int4) column: larger numbers are refused at input. */
export const INT4_MAX = 2_147_483_647;

/** What a string holding U+0000 is told: PostgreSQL text cannot store that character. */
export const NUL_MESSAGE = "Remove the NUL character (\\u0000) from this text: it cannot be saved.";

/**
 * The paths to strings — values or object keys — that hold U+0000, in document order, at most
 * `limit` of them. Walks with its own stack (no recursion), so a deeply nested hostile input cannot
 * overflow the call stack.
 */
export function nulPaths(value: unknown, limit = Number.POSITIVE_INFINITY): (string | number)[][] {
  const found: (string | number)[][] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  const seen = new Set<object>();
  while (stack.length > 0 && found.length < limit) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === "string") {
      if (current.includes("\u0000")) found.push(path);
      continue;
    }
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const children: { value: unknown; path: (string | number)[] }[] = [];
    if (Array.isArray(current) || current instanceof Set) {
      [...current].forEach((item: unknown, index) => children.push({ value: item, path: [...path, index] }));
    } else if (current instanceof Map) {
      for (const [key, item] of current)
        children.push({ value: key, path }, { value: item, path: [...path, String(key)] });
    } else if (!(current instanceof Date)) {
      for (const [key, item] of Object.entries(current)) {
        // A key is a string too (and becomes a column name or a JSON key further on).
        children.push({ value: key, path: [...path, key] }, { value: item, path: [...path, key] });
      }
    }
    // Pushed in reverse, so they are popped (and reported) in document order.
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]!);
  }
  return found;
}

/** The path to a string or key holding U+0000, or null when none does. */
export function findNulPath(value: unknown): (string | number)[] | null {
  return nulPaths(value, 1)[0] ?? null;
}

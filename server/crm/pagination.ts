// Keyset pagination shared by every list: the cursor is an opaque, URL-safe token holding the sort
// value and id of the last row of the previous page, so pages stay stable while rows are added and
// cost the same however deep the user scrolls. Ties are broken by id; NULL sort values come last.
import { z } from "zod";
import { FieldError } from "../errors";

const cursorPayload = z.object({ v: z.union([z.string(), z.number(), z.null()]), id: z.string().min(1) });
export type CursorPayload = z.infer<typeof cursorPayload>;

export function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

/** The cursor's payload, or null when the token is not one of ours. */
export function decodeCursor(token: string): CursorPayload | null {
  try {
    const parsed = cursorPayload.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    // Its strings go into a query: one holding U+0000 (which PostgreSQL cannot take) is not ours either.
    if (!parsed.success || parsed.data.id.includes("\u0000") || String(parsed.data.v).includes("\u0000")) return null;
    return parsed.data;
  } catch {
    return null;
  }
}

const CURSOR_MESSAGE = "is not a valid page cursor; start again from the first page";

/** zod field for a cursor input: rejects tokens we did not issue with a clear message. */
export const cursorInput = z
  .string()
  .max(512)
  .refine((token) => decodeCursor(token) !== null, CURSOR_MESSAGE);

export const pageSizeInput = z.number().int().min(1).max(100).default(25);

/** How one list is sorted: which column, which way, and how its values travel in a cursor. */
export type SortKey<Row> = {
  field: string;
  direction: "asc" | "desc";
  kind: "string" | "date" | "bigint" | "number";
  nullable?: boolean;
  value: (row: Row) => string | number | bigint | Date | null;
};

function toCursorValue(
  kind: SortKey<unknown>["kind"],
  value: string | number | bigint | Date | null,
): string | number | null {
  if (value === null) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "bigint") return value.toString();
  return value;
}

// The widest values a cursor may carry: a timestamp with a four-digit year (what Prisma reads back),
// and PostgreSQL's bigint.
const FIRST_MS = Date.parse("0001-01-01T00:00:00.000Z");
const LAST_MS = Date.parse("9999-12-31T23:59:59.999Z");
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/**
 * A cursor's sort value as the column's type. The token decoded, but its value is the client's to
 * forge ("abc" for a bigint, 1e300 for a date): one that is not of the column's kind throws a
 * FieldError, a 400, rather than failing in the query as a 500.
 */
function fromCursorValue(kind: SortKey<unknown>["kind"], value: string | number | null): unknown {
  if (value === null) return null;
  if (kind === "date" && typeof value === "number" && Number.isInteger(value) && value >= FIRST_MS && value <= LAST_MS)
    return new Date(value);
  if (kind === "bigint" && typeof value === "string" && /^-?\d{1,19}$/.test(value)) {
    const big = BigInt(value);
    if (big >= INT8_MIN && big <= INT8_MAX) return big;
  }
  if (kind === "number" && typeof value === "number" && Number.isFinite(value)) return value;
  if (kind === "string") return String(value);
  throw new FieldError("cursor", CURSOR_MESSAGE);
}

/** The Prisma `orderBy` for a sort key (NULLs last, id as the tie-breaker). */
export function keysetOrderBy<Row>(key: SortKey<Row>): Record<string, unknown>[] {
  const primary = key.nullable ? { sort: key.direction, nulls: "last" } : key.direction;
  return [{ [key.field]: primary }, { id: "asc" }];
}

/** The Prisma `where` fragment for "after this cursor" under a sort key. */
export function keysetWhere<Row>(key: SortKey<Row>, cursor: string | null | undefined): Record<string, unknown> {
  const after = cursor ? decodeCursor(cursor) : null;
  if (!after) return {};
  const value = fromCursorValue(key.kind, after.v);
  if (value === null) {
    // Already in the NULL tail: only later ids with NULL remain.
    return { [key.field]: null, id: { gt: after.id } };
  }
  const beyond = key.direction === "asc" ? { gt: value } : { lt: value };
  return {
    OR: [
      { [key.field]: beyond },
      { [key.field]: value, id: { gt: after.id } },
      ...(key.nullable ? [{ [key.field]: null }] : []),
    ],
  };
}

/** Cuts `limit + 1` fetched rows to a page and makes the cursor for the next one. */
export function keysetPage<Row extends { id: string }>(rows: Row[], limit: number, key: SortKey<Row>) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor({ v: toCursorValue(key.kind, key.value(last)), id: last.id }) : null;
  return { items, nextCursor };
}

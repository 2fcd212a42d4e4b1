// Keyset pagination shared by every list: the cursor is an opaque, URL-safe token holding the sort
// value and id of the last row of the previous page, so pages stay stable while rows are added and
// cost the same however deep the user scrolls. Ties are broken by id; NULL sort values come last.
import { z } from "zod";

const cursorPayload = z.object({ v: z.union([z.string(), z.number(), z.null()]), id: z.string().min(1) });
export type CursorPayload = z.infer<typeof cursorPayload>;

export function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

/** The cursor's payload, or null when the token is not one of ours. */
export function decodeCursor(token: string): CursorPayload | null {
  try {
    const parsed = cursorPayload.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** zod field for a cursor input: rejects tokens we did not issue with a clear message. */
export const cursorInput = z
  .string()
  .max(512)
  .refine((token) => decodeCursor(token) !== null, "is not a valid page cursor; start again from the first page");

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

function fromCursorValue(kind: SortKey<unknown>["kind"], value: string | number | null): unknown {
  if (value === null) return null;
  if (kind === "date") return new Date(Number(value));
  if (kind === "bigint") return BigInt(value);
  if (kind === "number") return Number(value);
  return String(value);
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

// Keyset pagination shared by every list: the cursor is an opaque, URL-safe token holding the sort
// value and id of the last row of the previous page, so pages stay stable while rows are added and
// cost the same however deep the user scrolls.
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

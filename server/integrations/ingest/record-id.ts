// Ids for the rows ingest inserts with raw SQL. Shaped like Prisma's cuid() (a "c", a time part, then
// randomness; 25 lower-case letters and digits), so they sort by creation in btree indexes like the
// rows Prisma makes. Not cuid2: it hashes every id with SHA-3 and took ~0.45 ms an id here — more
// than all of a page's SQL together (measured: 12,000 ids, 4.6 s, for 3,000 messages).
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
const RANDOM_CHARS = 16;
// Drawn in blocks: one randomBytes call per 256 ids.
const BLOCK = RANDOM_CHARS * 256;
let pool = Buffer.alloc(0);
let offset = 0;

/** A new row id: "c", 8 characters of milliseconds, 16 random characters (≈ 82 bits). */
export function newRecordId(): string {
  if (offset + RANDOM_CHARS > pool.length) {
    pool = randomBytes(BLOCK);
    offset = 0;
  }
  let id = `c${Date.now().toString(36).padStart(8, "0")}`;
  for (let i = 0; i < RANDOM_CHARS; i += 1) id += ALPHABET[pool[offset + i]! % 36];
  offset += RANDOM_CHARS;
  return id;
}

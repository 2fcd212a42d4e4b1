// The manifest: exactly the records sent to Claude for one answer, with their handles (P7). It grows
// while Claude uses tools, is stored on the answer (`contextManifest`, a JSON column) and is shown
// under it; citations are checked against it.
import { z } from "zod";
import type { Prisma } from "../db/generated/client";
import { logger } from "../logger";
import { brainRecordTypes, estimateTokens, handlePrefix, type BrainRecord } from "./records";
import type { PackItem } from "./retrieval";

const manifestEntry = z.object({
  handle: z.string(),
  type: z.enum(brainRecordTypes),
  id: z.string(),
  label: z.string(),
  href: z.string(),
  tokens: z.number(),
  via: z.enum(["pack", "tool"]),
  reason: z.string(),
});

/** What an answer keeps of what was sent: each record's handle, what it is and why it was sent, not its text. */
export const storedManifestSchema = z.object({
  items: z.array(manifestEntry),
  tokens: z.number(),
  facts: z.array(z.string()),
});
export type StoredManifest = z.output<typeof storedManifestSchema>;
export type ManifestEntry = StoredManifest["items"][number];

/**
 * The manifest stored on answer `messageId` (null: none stored yet). This code writes the column
 * only through `manifestJson`, but rows outlive the code that wrote them (older versions, restored
 * backups): one that does not read counts as empty, which cites nothing, rather than breaking the
 * thread it is in.
 */
export function readManifest(json: Prisma.JsonValue, messageId: string): StoredManifest | null {
  if (json === null) return null;
  const parsed = storedManifestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  logger().warn(
    { messageId, problems: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`) },
    "brain answer has a context manifest that does not read; treated as empty",
  );
  return { items: [], tokens: 0, facts: [] };
}

/**
 * The manifest as the JSON column takes it. Typed, not cast: a field Prisma cannot store as JSON
 * (a bigint, a function) fails to compile here.
 */
export function manifestJson(manifest: StoredManifest): Prisma.InputJsonValue {
  return manifest;
}

/** The records sent to Claude for one answer, with their handles: the pack first, then tool results. */
export class Manifest {
  readonly items: PackItem[];
  private readonly counters = new Map<string, number>();

  constructor(items: PackItem[]) {
    this.items = [...items];
    for (const item of items) {
      const prefix = item.handle[0]!;
      this.counters.set(prefix, Math.max(this.counters.get(prefix) ?? 0, Number(item.handle.slice(1))));
    }
  }

  /** Continues a stored manifest (the user's-own-key mode, one tool call at a time). */
  static fromStored(stored: StoredManifest): Manifest {
    // Texts are not stored: a record a tool finds again is listed by its handle alone, and Claude
    // has its text from when it was first sent.
    return new Manifest(stored.items.map((item) => ({ ...item, text: "" })));
  }

  tokens(): number {
    return this.items.reduce((n, item) => n + item.tokens, 0);
  }

  /** Adds records (a record already sent keeps its handle) and returns them as sent. */
  add(records: BrainRecord[], reason: string): PackItem[] {
    return records.map((record) => {
      const existing = this.items.find((item) => item.type === record.type && item.id === record.id);
      if (existing) return existing;
      const prefix = handlePrefix[record.type];
      const next = (this.counters.get(prefix) ?? 0) + 1;
      this.counters.set(prefix, next);
      const handle = `${prefix}${next}`;
      const item: PackItem = {
        ...record,
        handle,
        tokens: estimateTokens(`[${handle}] ${record.text}`),
        reason,
        via: "tool",
      };
      this.items.push(item);
      return item;
    });
  }

  /** What the answer stores and shows: the records without their text, with the pack's computed figures. */
  stored(facts: string[]): StoredManifest {
    return {
      items: this.items.map(({ handle, type, id, label, href, tokens, via, reason }) => ({
        handle,
        type,
        id,
        label,
        href,
        tokens,
        via,
        reason,
      })),
      tokens: this.tokens(),
      facts,
    };
  }
}

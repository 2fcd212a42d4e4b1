// The Gmail SyncProvider. A full sync notes the mailbox's historyId first (where incremental sync
// will resume, so nothing that arrives during the full sync is missed), then pages
// users.messages.list over the window and fetches the listed messages (format=full) through Gmail's
// batch endpoint. Incremental sync reads users.history.list from the stored historyId, one page per
// step, and turns what it reports into fetches and removals. Every answer is checked with zod; one
// bad message is skipped and counted, a bad listing fails the step (the engine retries it).
import { z } from "zod";
import { CursorExpiredError, TemporaryProviderError } from "../errors";
import type { SkippedItem, SyncChange, SyncCursor, SyncProvider, SyncStep, SyncStepInput } from "../types";
import { classifyGoogleHttpError, googleHttpError, toProviderError } from "./api-errors";
import { officialGmailClient, type GmailApiClient } from "./gmail-client";
import { parseGmailMessage } from "./mime";

/** Messages listed (and so fetched) per step: the engine commits each step in one transaction. */
export const MESSAGES_PER_STEP = 100;
/** History records per step. */
export const HISTORY_PER_STEP = 100;
/** Empty pages (with a nextPageToken) followed within one step before handing the cursor back. */
const EMPTY_PAGES_PER_STEP = 5;
const HISTORY_TYPES = ["messageAdded", "messageDeleted", "labelAdded", "labelRemoved"];
/** Labels that take a message out of the workspace when added (and bring it back when removed). */
const REMOVING_LABELS = new Set(["TRASH", "SPAM"]);

const historyIdSchema = z.string().regex(/^\d{1,20}$/);

const fullCursorSchema = z.object({
  mode: z.literal("full"),
  /** Where incremental sync starts once the listing ends. */
  historyId: historyIdSchema,
  /** Epoch seconds of the window's start, fixed for the whole listing. */
  after: z.number().int(),
  pageToken: z.string().nullable(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
});
const incrementalCursorSchema = z.object({
  mode: z.literal("incremental"),
  historyId: historyIdSchema,
  pageToken: z.string().nullable(),
});
const cursorSchema = z.discriminatedUnion("mode", [fullCursorSchema, incrementalCursorSchema]);
type FullCursor = z.infer<typeof fullCursorSchema>;
type IncrementalCursor = z.infer<typeof incrementalCursorSchema>;

const profileSchema = z.object({ emailAddress: z.string().min(3).max(254), historyId: historyIdSchema });
const messageListSchema = z.object({
  messages: z.array(z.object({ id: z.string().min(1), threadId: z.string().optional() })).optional(),
  nextPageToken: z.string().optional(),
  resultSizeEstimate: z.number().int().nonnegative().optional(),
});
const messageRef = z.object({ id: z.string().min(1), labelIds: z.array(z.string()).optional() }).passthrough();
const historyListSchema = z.object({
  history: z
    .array(
      z
        .object({
          id: z.string().optional(),
          messagesAdded: z.array(z.object({ message: messageRef })).optional(),
          messagesDeleted: z.array(z.object({ message: messageRef })).optional(),
          labelsAdded: z.array(z.object({ message: messageRef, labelIds: z.array(z.string()).optional() })).optional(),
          labelsRemoved: z
            .array(z.object({ message: messageRef, labelIds: z.array(z.string()).optional() }))
            .optional(),
        })
        .passthrough(),
    )
    .optional(),
  nextPageToken: z.string().optional(),
  historyId: historyIdSchema,
});

function readAnswer<T>(schema: z.ZodType<T>, answer: unknown, what: string): T {
  const parsed = schema.safeParse(answer);
  // A listing we cannot read cannot be skipped item by item; the step fails and the engine retries.
  if (!parsed.success)
    throw new TemporaryProviderError(`Gmail answered ${what} in a shape we do not read`, "unavailable");
  return parsed.data;
}

export type GmailProviderOptions = {
  /** The Gmail API root (a fake Google's), or null for Google's own. */
  rootUrl: string | null;
  /** Another client (the benchmark compares them); the official one by default. */
  client?: GmailApiClient;
};

export function createGmailProvider(options: GmailProviderOptions): SyncProvider {
  const client = options.client ?? officialGmailClient(options.rootUrl);

  /**
   * One call; every failure leaves as a class of ../errors.ts (Gmail's 404 on history = cursor
   * expired), or as the engine's own abort once it stopped the step (as the Calendar provider does).
   */
  async function request<T>(signal: AbortSignal, run: () => Promise<T>, cursorStatuses: number[] = []): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toProviderError(error, cursorStatuses, signal);
    }
  }

  /**
   * Fetches messages (format=full) through the client (Gmail's batch endpoint), in the order
   * given. A message gone meanwhile (an inner 404) is reported removed; in incremental mode a
   * message now in Trash or Spam is too. Any other inner error fails the whole step with its class
   * (a 429 → rate-limited with Retry-After, a 401 → refresh the token): nothing of the step is
   * saved and the engine retries it.
   */
  async function fetchMessages(input: SyncStepInput, ids: string[], mode: "full" | "incremental") {
    const changes: SyncChange[] = [];
    const skipped: SkippedItem[] = [];
    const { answers, requests } = await request(input.signal, () =>
      client.getMessages(input.accessToken, ids, input.signal),
    );
    answers.forEach((answer, index) => {
      const id = ids[index]!;
      if (answer.status === 404) {
        changes.push({ kind: "email_removed", externalId: id });
        return;
      }
      if (answer.status < 200 || answer.status > 299) {
        throw classifyGoogleHttpError(googleHttpError(answer.status, answer.body, answer.retryAfter), []);
      }
      const labels = (answer.body as { labelIds?: unknown } | null | undefined)?.labelIds;
      if (
        mode === "incremental" &&
        Array.isArray(labels) &&
        labels.some((label) => REMOVING_LABELS.has(String(label)))
      ) {
        changes.push({ kind: "email_removed", externalId: id });
        return;
      }
      const parsed = parseGmailMessage(answer.body);
      if ("email" in parsed) changes.push(parsed.email);
      else
        skipped.push({
          ...parsed.skipped,
          externalId: parsed.skipped.externalId === "unknown" ? id : parsed.skipped.externalId,
        });
    });
    return { changes, skipped, requests };
  }

  async function startFullSync(input: SyncStepInput): Promise<{ cursor: FullCursor; requests: number }> {
    const profile = readAnswer(
      profileSchema,
      await request(input.signal, () => client.getProfile(input.accessToken, input.signal)),
      "the profile",
    );
    return {
      cursor: {
        mode: "full",
        historyId: profile.historyId,
        after: Math.floor(input.window.mailSince.getTime() / 1000),
        pageToken: null,
        done: 0,
        total: null,
      },
      requests: 1,
    };
  }

  async function fullStep(input: SyncStepInput, cursor: FullCursor, requestsSoFar: number): Promise<SyncStep> {
    let requests = requestsSoFar;
    let pageToken = cursor.pageToken;
    let total = cursor.total;
    let ids: string[] = [];
    let next: string | undefined;
    for (let page = 0; page < EMPTY_PAGES_PER_STEP; page += 1) {
      const listing = readAnswer(
        messageListSchema,
        await request(input.signal, () =>
          client.listMessages(
            input.accessToken,
            { q: `after:${cursor.after}`, maxResults: MESSAGES_PER_STEP, pageToken: pageToken ?? undefined },
            input.signal,
          ),
        ),
        "a message listing",
      );
      requests += 1;
      total ??= listing.resultSizeEstimate ?? null;
      ids = [...new Set((listing.messages ?? []).map((message) => message.id))];
      next = listing.nextPageToken;
      // Gmail may answer an empty page that still has a next one: follow it (a few times per step).
      if (ids.length > 0 || !next) break;
      pageToken = next;
    }
    const fetched = await fetchMessages(input, ids, "full");
    requests += fetched.requests;
    const done = cursor.done + ids.length;
    const progress = { done, total: total === null ? null : Math.max(total, done) };
    if (next) {
      return {
        changes: fetched.changes,
        skipped: fetched.skipped,
        cursor: { ...cursor, pageToken: next, done, total } satisfies FullCursor,
        mode: "full",
        caughtUp: false,
        progress,
        requests,
      };
    }
    // The listing is done: incremental sync takes over from the historyId noted before it began,
    // and at once (caughtUp false), to catch what arrived while the listing ran.
    return {
      changes: fetched.changes,
      skipped: fetched.skipped,
      cursor: { mode: "incremental", historyId: cursor.historyId, pageToken: null } satisfies IncrementalCursor,
      mode: "full",
      caughtUp: false,
      progress: { done, total: done },
      requests,
    };
  }

  async function incrementalStep(input: SyncStepInput, cursor: IncrementalCursor): Promise<SyncStep> {
    let requests = 0;
    let pageToken = cursor.pageToken;
    let answer: z.infer<typeof historyListSchema> | null = null;
    for (let page = 0; page < EMPTY_PAGES_PER_STEP; page += 1) {
      answer = readAnswer(
        historyListSchema,
        await request(
          input.signal,
          () =>
            client.listHistory(
              input.accessToken,
              {
                startHistoryId: cursor.historyId,
                historyTypes: HISTORY_TYPES,
                maxResults: HISTORY_PER_STEP,
                pageToken: pageToken ?? undefined,
              },
              input.signal,
            ),
          // Gmail answers 404 to a startHistoryId older than the history it keeps (about a week).
          [404],
        ),
        "a history listing",
      );
      requests += 1;
      if ((answer.history ?? []).length > 0 || !answer.nextPageToken) break;
      pageToken = answer.nextPageToken;
    }
    const page = answer!;

    // What the page says about each message, in order; a deletion is final.
    const action = new Map<string, "fetch" | "remove">();
    const deleted = new Set<string>();
    for (const record of page.history ?? []) {
      for (const { message } of record.messagesAdded ?? []) action.set(message.id, "fetch");
      for (const { message, labelIds } of record.labelsAdded ?? []) {
        if ((labelIds ?? []).some((label) => REMOVING_LABELS.has(label))) action.set(message.id, "remove");
      }
      for (const { message } of record.labelsRemoved ?? []) action.set(message.id, "fetch");
      for (const { message } of record.messagesDeleted ?? []) deleted.add(message.id);
    }
    const removals: SyncChange[] = [];
    const toFetch: string[] = [];
    for (const [id, what] of action) {
      if (deleted.has(id) || what === "remove") removals.push({ kind: "email_removed", externalId: id });
      else toFetch.push(id);
    }
    for (const id of deleted) if (!action.has(id)) removals.push({ kind: "email_removed", externalId: id });

    const fetched = await fetchMessages(input, toFetch, "incremental");
    requests += fetched.requests;
    const last = !page.nextPageToken;
    return {
      changes: [...removals, ...fetched.changes],
      skipped: fetched.skipped,
      // Only the last page moves the historyId: until then the pages in between are read from the same start.
      cursor: (last
        ? { mode: "incremental", historyId: page.historyId, pageToken: null }
        : {
            mode: "incremental",
            historyId: cursor.historyId,
            pageToken: page.nextPageToken!,
          }) satisfies IncrementalCursor,
      mode: "incremental",
      caughtUp: last,
      requests,
    };
  }

  return {
    id: "gmail",

    async connectedAccount(accessToken, signal) {
      const profile = readAnswer(
        profileSchema,
        await request(signal, () => client.getProfile(accessToken, signal)),
        "the profile",
      );
      return { id: profile.emailAddress.toLowerCase(), name: profile.emailAddress };
    },

    async step(input) {
      const stored = parseCursor(input.cursor);
      if (stored?.mode === "incremental") return incrementalStep(input, stored);
      if (stored?.mode === "full") return fullStep(input, stored, 0);
      const started = await startFullSync(input);
      return fullStep(input, started.cursor, started.requests);
    },
  };
}

/** The stored cursor, or null (start a full sync) when there is none or it is not one of ours. */
function parseCursor(cursor: SyncCursor | null): FullCursor | IncrementalCursor | null {
  if (cursor === null) return null;
  const parsed = cursorSchema.safeParse(cursor);
  if (!parsed.success) throw new CursorExpiredError("The stored Gmail cursor is not one this version reads");
  return parsed.data;
}

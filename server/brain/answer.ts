// One answer, from question to stored message:
//   ask()        stores the question and an empty assistant message (status "streaming");
//   generate()   builds the context pack, answers (Claude with tools, or retrieval-only), streams
//                events to the caller, and stores the result — content, cited records, manifest,
//                tokens — whatever happens: finished, stopped, failed or timed out, the partial
//                answer is kept (and saved as it grows, so even a crash loses at most a second).
// The user's-own-key mode (P16) runs the same steps from the browser: prepare() hands it the
// prompt, runToolForBrowser() runs tools, complete() checks and stores what Claude wrote.
import type { MessageParam, ToolResultBlockParam } from "@anthropic-ai/sdk/resources/messages";
import type { Db } from "../db/client";
import type { BrainAnswerMode, BrainMessageStatus, Prisma } from "../db/generated/client";
import { FieldError, NotFoundError } from "../errors";
import { logger } from "../logger";
import { truncateLine } from "../utils/text";
import { claudeClient, claudeFailureMessage, streamTurn, type ClaudeConfig } from "./claude";
import { Manifest, manifestJson, readManifest, type StoredManifest } from "./manifest";
import { checkCitations, historyTurns, renderPackMessage, SYSTEM_PROMPT } from "./prompt";
import { buildContextPack } from "./retrieval";
import { retrievalOnlyAnswer } from "./retrieval-only";
import { runTool, TOOL_DEFINITIONS } from "./tools";

// The pages import the manifest's type with the events that carry it.
export type { StoredManifest };

export type BrainEvent =
  | { type: "manifest"; manifest: StoredManifest }
  | { type: "delta"; text: string }
  | { type: "status"; text: string }
  | { type: "done"; messageId: string; status: BrainMessageStatus; content: string; errorMessage: string | null };

const MAX_TOOL_ROUNDS = 4;
const SAVE_EVERY_MS = 1_000;

function threadTitle(question: string): string {
  return truncateLine(question, 80);
}

/** Stores a question (in a new thread unless one is given) and the answer to come. */
export async function ask(
  db: Db,
  userId: string,
  input: {
    question: string;
    threadId?: string | null;
    accountId?: string | null;
    opportunityId?: string | null;
    mode: BrainAnswerMode;
    model: string | null;
  },
) {
  return db.$transaction(async (tx) => {
    let threadId = input.threadId ?? null;
    if (threadId) {
      const thread = await tx.brainThread.findFirst({ where: { id: threadId, userId }, select: { id: true } });
      if (!thread) throw new NotFoundError("conversation with the brain");
      await tx.brainThread.update({ where: { id: threadId }, data: { updatedAt: new Date() } });
    } else {
      if (input.accountId && !(await tx.account.count({ where: { id: input.accountId, userId } })))
        throw new FieldError("accountId", "Choose one of your accounts.");
      if (input.opportunityId && !(await tx.opportunity.count({ where: { id: input.opportunityId, userId } })))
        throw new FieldError("opportunityId", "Choose one of your deals.");
      const thread = await tx.brainThread.create({
        data: {
          userId,
          title: threadTitle(input.question),
          accountId: input.accountId ?? null,
          opportunityId: input.opportunityId ?? null,
        },
        select: { id: true },
      });
      threadId = thread.id;
    }
    await tx.brainMessage.create({
      data: { userId, threadId, role: "user", content: input.question, status: "complete" },
    });
    const answer = await tx.brainMessage.create({
      data: {
        userId,
        threadId,
        role: "assistant",
        content: "",
        status: "streaming",
        mode: input.mode,
        model: input.model,
      },
      select: { id: true },
    });
    return { threadId, assistantMessageId: answer.id };
  });
}

/** The assistant message to (re)generate, its question, its thread's scope and earlier turns. */
async function loadTurn(db: Db, userId: string, assistantMessageId: string) {
  const answer = await db.brainMessage.findFirst({
    where: { id: assistantMessageId, userId, role: "assistant" },
    select: {
      id: true,
      status: true,
      content: true,
      mode: true,
      errorMessage: true,
      createdAt: true,
      thread: { select: { id: true, accountId: true, opportunityId: true } },
    },
  });
  if (!answer) throw new NotFoundError("answer");
  const earlier = await db.brainMessage.findMany({
    where: { userId, threadId: answer.thread.id, createdAt: { lte: answer.createdAt }, id: { not: answer.id } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { role: true, content: true, status: true },
  });
  const question = [...earlier].reverse().find((m) => m.role === "user")?.content;
  if (!question) throw new NotFoundError("question");
  // Earlier complete exchanges, without the question being answered now.
  const history = earlier
    .slice(0, earlier.map((m) => m.role).lastIndexOf("user"))
    .filter((m) => m.role === "user" || m.status === "complete");
  return { answer, question, history: history.map((m) => ({ role: m.role, content: m.content })) };
}

async function store(
  db: Db,
  userId: string,
  messageId: string,
  result: {
    content: string;
    status: BrainMessageStatus;
    errorMessage: string | null;
    manifest: StoredManifest;
    usage?: { inputTokens: number; outputTokens: number };
    /** Citations we placed ourselves (retrieval-only): stored as given, the text is not read for more. */
    placed?: string[];
  },
) {
  const sent = new Map(result.manifest.items.map((item) => [item.handle, item]));
  const { text, cited, dropped } = result.placed
    ? { text: result.content, cited: result.placed.filter((handle) => sent.has(handle)), dropped: [] }
    : checkCitations(result.content, new Set(sent.keys()));
  if (dropped.length > 0)
    logger().warn({ messageId, dropped }, "brain answer cited records that were not sent; citations dropped");
  await db.$transaction(async (tx) => {
    await tx.brainCitation.deleteMany({ where: { messageId } });
    await tx.brainCitation.createMany({
      data: cited.map((handle, i) => {
        const item = sent.get(handle)!;
        return { userId, messageId, recordType: item.type, recordId: item.id, label: item.label, ordinal: i + 1 };
      }),
    });
    await tx.brainMessage.update({
      where: { id: messageId },
      data: {
        content: text,
        status: result.status,
        errorMessage: result.errorMessage,
        contextManifest: manifestJson(result.manifest),
        ...(result.usage ? { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens } : {}),
      },
    });
  });
  return text;
}

type Settled = { content: string; status: BrainMessageStatus; errorMessage: string | null };

export const WRITE_FAILED_MESSAGE =
  "Something went wrong on our side while writing this answer. What arrived so far is kept; try again.";
const STORE_FAILED_MESSAGE =
  "This answer could not be saved in full (its sources could not be stored). What arrived is kept; try again.";
const READER_LEFT_MESSAGE = "Stopped before the answer was finished.";

/**
 * Stores an answer's end — and an answer always ends: if the database refuses the whole result (a
 * citation, the manifest), the answer is still stored as failed with its text, so it never stays
 * "streaming" with Retry refused. Only a database that cannot be written at all leaves it to the
 * sweep of abandoned answers.
 */
async function settle(
  db: Db,
  userId: string,
  messageId: string,
  result: Parameters<typeof store>[3],
): Promise<Settled> {
  try {
    const content = await store(db, userId, messageId, result);
    return { content, status: result.status, errorMessage: result.errorMessage };
  } catch (error) {
    logger().error(
      { messageId, err: error instanceof Error ? error.message : String(error) },
      "brain answer could not be stored whole; stored as failed without its sources",
    );
    // PostgreSQL's text refuses only NUL; whatever else was refused was not the text.
    const content = result.content.replace(/\0/g, "");
    const errorMessage = result.status === "failed" && result.errorMessage ? result.errorMessage : STORE_FAILED_MESSAGE;
    await db.brainMessage.updateMany({
      where: { id: messageId, status: "streaming" },
      data: { content, status: "failed", errorMessage },
    });
    return { content, status: "failed", errorMessage };
  }
}

/** How the server writes an answer: `claude` null = retrieval-only, opening with `retrievalOnlyNotice`. */
type WriteOptions = { claude: ClaudeConfig | null; retrievalOnlyNotice?: string; signal?: AbortSignal; now?: Date };

/**
 * Answers the stored question, yielding events as it goes. `claude` null = retrieval-only.
 * Stops (and stores what it has) when `signal` aborts.
 */
export async function* generate(
  db: Db,
  userId: string,
  assistantMessageId: string,
  options: WriteOptions,
): AsyncGenerator<BrainEvent> {
  const { answer, question, history } = await loadTurn(db, userId, assistantMessageId);
  if (answer.status !== "streaming") {
    // Already answered (a reconnect, a second tab): replay the stored result.
    yield {
      type: "done",
      messageId: answer.id,
      status: answer.status,
      content: answer.content,
      errorMessage: answer.errorMessage,
    };
    return;
  }
  const staleAfterMs = (options.claude?.timeoutMs ?? 60_000) + CLAIM_GRACE_MS;
  if (!(await claim(db, answer.id, staleAfterMs))) {
    // Someone else is writing this answer (another tab, a reconnect): follow what they store.
    yield* follow(db, answer.id, options.signal, staleAfterMs);
    return;
  }
  // This process now writes the answer, and whatever happens from here — a record the database
  // refuses, a bug, the reader going away — it ends stored as complete, stopped or failed. An answer
  // left "streaming" would say "Writing…" for good and refuse Retry.
  const progress: Progress = { content: "", manifest: null, settled: false };
  const cancel = new AbortController();
  try {
    yield* write(db, userId, answer.id, { question, history, thread: answer.thread }, options, progress, cancel.signal);
  } catch (error) {
    if (progress.settled) throw error;
    logger().error(
      { messageId: answer.id, err: error instanceof Error ? error.message : String(error) },
      "brain answer failed while being written",
    );
    const stored = await settle(db, userId, answer.id, {
      content: progress.content,
      status: "failed",
      errorMessage: WRITE_FAILED_MESSAGE,
      manifest: progress.manifest ?? { items: [], tokens: 0, facts: [] },
    });
    progress.settled = true;
    yield { type: "done", messageId: answer.id, ...stored };
  } finally {
    cancel.abort();
    if (!progress.settled) {
      // The reader went away mid-answer (closing the stream is Stop): what was written is kept.
      await settle(db, userId, answer.id, {
        content: progress.content,
        status: "stopped",
        errorMessage: READER_LEFT_MESSAGE,
        manifest: progress.manifest ?? { items: [], tokens: 0, facts: [] },
      }).catch((error: unknown) =>
        logger().error(
          { messageId: answer.id, err: error instanceof Error ? error.message : String(error) },
          "brain answer could not be stored after its reader left",
        ),
      );
    }
  }
}

/** What an answer being written has so far, for storing it however its writing ends. */
type Progress = { content: string; manifest: StoredManifest | null; settled: boolean };

/** Writes the answer this process claimed: the pack, then Claude (with tools) or retrieval-only. */
async function* write(
  db: Db,
  userId: string,
  messageId: string,
  turn: {
    question: string;
    history: { role: "user" | "assistant"; content: string }[];
    thread: { accountId: string | null; opportunityId: string | null };
  },
  options: WriteOptions,
  progress: Progress,
  cancelled: AbortSignal,
): AsyncGenerator<BrainEvent> {
  const now = options.now ?? new Date();
  const pack = await buildContextPack(db, userId, turn.question, {
    now,
    scope: { accountId: turn.thread.accountId, opportunityId: turn.thread.opportunityId },
  });
  const manifest = new Manifest(pack.items);
  progress.manifest = manifest.stored(pack.facts);
  await db.brainMessage.update({
    where: { id: messageId },
    // A retrieval-only answer says so, whatever mode it was asked in (the plan may have changed since).
    data: {
      contextManifest: manifestJson(progress.manifest),
      ...(options.claude ? {} : { mode: "retrieval_only" as const, model: null }),
    },
  });
  yield { type: "manifest", manifest: progress.manifest };

  if (!options.claude) {
    const { text, cited } = retrievalOnlyAnswer(pack, undefined, options.retrievalOnlyNotice);
    progress.content = text;
    yield { type: "delta", text };
    const stored = await settle(db, userId, messageId, {
      content: text,
      status: "complete",
      errorMessage: null,
      manifest: progress.manifest,
      placed: cited,
    });
    progress.settled = true;
    yield { type: "done", messageId, ...stored };
    return;
  }

  const timeout = AbortSignal.timeout(options.claude.timeoutMs);
  const signal = AbortSignal.any([cancelled, timeout, ...(options.signal ? [options.signal] : [])]);
  const client = claudeClient(options.claude);
  const messages: MessageParam[] = [
    ...historyTurns(turn.history),
    { role: "user", content: renderPackMessage(pack, turn.question, now) },
  ];
  const usage = { inputTokens: 0, outputTokens: 0 };
  let lastSaved = Date.now();
  const pending: BrainEvent[] = [];
  let wake: (() => void) | null = null;
  const push = (event: BrainEvent) => {
    pending.push(event);
    wake?.();
  };

  // The model runs in the background and pushes events; this generator hands them out as they come.
  const run = (async () => {
    for (let round = 0; round <= MAX_TOOL_ROUNDS; round += 1) {
      const turnResult = await streamTurn(
        client,
        {
          model: options.claude!.model,
          system: SYSTEM_PROMPT,
          messages,
          tools: round < MAX_TOOL_ROUNDS ? TOOL_DEFINITIONS : [],
        },
        (text) => {
          progress.content += text;
          push({ type: "delta", text });
        },
        signal,
      );
      usage.inputTokens += turnResult.usage.inputTokens;
      usage.outputTokens += turnResult.usage.outputTokens;
      if (turnResult.stopReason !== "tool_use" || turnResult.toolUses.length === 0) return;
      messages.push({
        role: "assistant",
        content: [
          ...(turnResult.text ? [{ type: "text" as const, text: turnResult.text }] : []),
          ...turnResult.toolUses.map((t) => ({ type: "tool_use" as const, id: t.id, name: t.name, input: t.input })),
        ],
      });
      const results: ToolResultBlockParam[] = [];
      for (const use of turnResult.toolUses) {
        push({ type: "status", text: `Looking further in your records (${use.name.replace(/_/g, " ")})…` });
        const result = await runTool(db, userId, use.name, use.input, manifest, now);
        results.push({ type: "tool_result", tool_use_id: use.id, content: result.text });
      }
      progress.manifest = manifest.stored(pack.facts);
      push({ type: "manifest", manifest: progress.manifest });
      messages.push({ role: "user", content: results });
    }
  })();
  let outcome: { status: BrainMessageStatus; errorMessage: string | null } = { status: "complete", errorMessage: null };
  const finished = run.then(
    () => push({ type: "status", text: "" }),
    (error: unknown) => {
      const stopped = options.signal?.aborted === true;
      outcome = stopped
        ? { status: "stopped", errorMessage: "Stopped before the answer was finished." }
        : {
            status: "failed",
            errorMessage: claudeFailureMessage(error, { userKey: false, timedOut: timeout.aborted }),
          };
      if (!stopped)
        logger().warn(
          { messageId, err: error instanceof Error ? error.message : String(error) },
          "brain answer failed",
        );
      push({ type: "status", text: "" });
    },
  );
  let done = false;
  void finished.then(() => {
    done = true;
    wake?.();
  });
  while (!done || pending.length > 0) {
    if (pending.length === 0) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      continue;
    }
    const event = pending.shift()!;
    if (event.type === "status" && event.text === "") continue;
    yield event;
    if (Date.now() - lastSaved > SAVE_EVERY_MS) {
      lastSaved = Date.now();
      await db.brainMessage.update({ where: { id: messageId }, data: { content: progress.content } });
    }
  }
  const stored = await settle(db, userId, messageId, {
    content: progress.content,
    ...outcome,
    manifest: progress.manifest,
    usage,
  });
  progress.settled = true;
  yield { type: "done", messageId, ...stored };
}

const CLAIM_GRACE_MS = 30_000;
const FOLLOW_EVERY_MS = 500;

/**
 * Takes the right to write an answer: only one process generates it. A claim older than the
 * longest an answer may take belongs to a process that died, and is taken over.
 */
async function claim(db: Db, messageId: string, staleAfterMs: number): Promise<boolean> {
  const result = await db.brainMessage.updateMany({
    where: {
      id: messageId,
      status: "streaming",
      OR: [{ generationStartedAt: null }, { generationStartedAt: { lt: new Date(Date.now() - staleAfterMs) } }],
    },
    data: { generationStartedAt: new Date() },
  });
  return result.count === 1;
}

/** Streams an answer another process is writing, from what it saves (about every second). */
async function* follow(
  db: Db,
  messageId: string,
  signal: AbortSignal | undefined,
  staleAfterMs: number,
): AsyncGenerator<BrainEvent> {
  let shown = "";
  let manifestShown = false;
  const giveUpAt = Date.now() + staleAfterMs;
  while (!signal?.aborted) {
    const message = await db.brainMessage.findUnique({
      where: { id: messageId },
      select: { status: true, content: true, errorMessage: true, contextManifest: true },
    });
    if (!message) return;
    const manifest = manifestShown ? null : readManifest(message.contextManifest, messageId);
    if (manifest) {
      manifestShown = true;
      yield { type: "manifest", manifest };
    }
    if (message.status !== "streaming") {
      yield {
        type: "done",
        messageId,
        status: message.status,
        content: message.content,
        errorMessage: message.errorMessage,
      };
      return;
    }
    if (message.content.length > shown.length && message.content.startsWith(shown)) {
      yield { type: "delta", text: message.content.slice(shown.length) };
      shown = message.content;
    }
    if (Date.now() > giveUpAt) {
      yield {
        type: "done",
        messageId,
        status: "failed",
        content: shown,
        errorMessage: "The answer is taking too long; reload the page to see if it finished.",
      };
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MS));
  }
}

/** How long a browser may hold an answer it writes with the user's key (P16) without a sign of life. */
const BROWSER_CLAIM_MS = 10 * 60_000;

export const ABANDONED_MESSAGE =
  "This answer was interrupted before it was finished (the server writing it stopped). What arrived is kept; try again.";

/**
 * Answers whose writer is gone (a process that crashed or was restarted mid-answer, a browser closed
 * while writing with the user's key): still "streaming", with no sign of life — a claim, a save —
 * for longer than writing an answer may take. `timeoutMs` is the server's limit for one answer.
 */
function abandonedAnswers(now: Date, timeoutMs: number): Prisma.BrainMessageWhereInput {
  const serverCutoff = new Date(now.getTime() - timeoutMs - CLAIM_GRACE_MS);
  return {
    role: "assistant",
    status: "streaming",
    OR: [
      { mode: "user_key", updatedAt: { lt: new Date(now.getTime() - BROWSER_CLAIM_MS) } },
      { mode: { not: "user_key" }, updatedAt: { lt: serverCutoff } },
      { mode: null, updatedAt: { lt: serverCutoff } },
    ],
  };
}

const abandonedEnd = { status: "failed", errorMessage: ABANDONED_MESSAGE } as const;

/** The periodic sweep: abandoned answers end as failed (with their partial text), so Retry works. */
export async function failAbandonedAnswers(db: Db, options: { timeoutMs: number; now?: Date }): Promise<number> {
  const result = await db.brainMessage.updateMany({
    where: abandonedAnswers(options.now ?? new Date(), options.timeoutMs),
    data: abandonedEnd,
  });
  return result.count;
}

/**
 * A new answer to the same question, after the message being retried. An answer still being
 * written is refused, unless it was abandoned: then it ends as failed here and now, without waiting
 * for the sweep.
 */
export async function retry(
  db: Db,
  userId: string,
  assistantMessageId: string,
  mode: BrainAnswerMode,
  model: string | null,
  options: { timeoutMs: number; now?: Date },
) {
  const { answer, question } = await loadTurn(db, userId, assistantMessageId);
  return db.$transaction(async (tx) => {
    if (answer.status === "streaming") {
      const ended = await tx.brainMessage.updateMany({
        where: { id: answer.id, ...abandonedAnswers(options.now ?? new Date(), options.timeoutMs) },
        data: abandonedEnd,
      });
      if (ended.count === 0) throw new FieldError("assistantMessageId", "This answer is still being written.");
    }
    await tx.brainMessage.create({
      data: { userId, threadId: answer.thread.id, role: "user", content: question, status: "complete" },
    });
    const next = await tx.brainMessage.create({
      data: { userId, threadId: answer.thread.id, role: "assistant", content: "", status: "streaming", mode, model },
      select: { id: true },
    });
    await tx.brainThread.update({ where: { id: answer.thread.id }, data: { updatedAt: new Date() } });
    return { threadId: answer.thread.id, assistantMessageId: next.id };
  });
}

// ---- The user's own key (P16): the browser talks to Claude; the server grounds and checks. ----

/** The prompt for the browser to send to Claude itself; the manifest is stored now. */
export async function prepare(db: Db, userId: string, assistantMessageId: string, model: string, now = new Date()) {
  const { answer, question, history } = await loadTurn(db, userId, assistantMessageId);
  if (answer.status !== "streaming") throw new FieldError("assistantMessageId", "This answer is already finished.");
  // The browser writes this answer; a subscription for it (another tab) follows instead.
  if (!(await claim(db, answer.id, BROWSER_CLAIM_MS)))
    throw new FieldError("assistantMessageId", "This answer is already being written.");
  const pack = await buildContextPack(db, userId, question, {
    now,
    scope: { accountId: answer.thread.accountId, opportunityId: answer.thread.opportunityId },
  });
  const manifest = new Manifest(pack.items).stored(pack.facts);
  await db.brainMessage.update({
    where: { id: answer.id },
    data: { mode: "user_key", model, contextManifest: manifestJson(manifest) },
  });
  return {
    model,
    system: SYSTEM_PROMPT,
    messages: [...historyTurns(history), { role: "user" as const, content: renderPackMessage(pack, question, now) }],
    tools: TOOL_DEFINITIONS,
    maxToolRounds: MAX_TOOL_ROUNDS,
    manifest,
  };
}

async function storedManifest(
  db: Db,
  userId: string,
  assistantMessageId: string,
): Promise<{ manifest: StoredManifest; status: BrainMessageStatus }> {
  const message = await db.brainMessage.findFirst({
    where: { id: assistantMessageId, userId, role: "assistant" },
    select: { contextManifest: true, status: true },
  });
  if (!message) throw new NotFoundError("answer");
  const manifest = readManifest(message.contextManifest, assistantMessageId) ?? { items: [], tokens: 0, facts: [] };
  return { manifest, status: message.status };
}

/** A tool call Claude made in the browser: run here (user-scoped), and added to the manifest. */
export async function runToolForBrowser(
  db: Db,
  userId: string,
  input: { assistantMessageId: string; name: string; input: unknown },
  now = new Date(),
) {
  const { manifest: stored, status } = await storedManifest(db, userId, input.assistantMessageId);
  if (status !== "streaming") throw new FieldError("assistantMessageId", "This answer is already finished.");
  const manifest = Manifest.fromStored(stored);
  const result = await runTool(db, userId, input.name, input.input, manifest, now);
  const next = manifest.stored(stored.facts);
  await db.brainMessage.update({
    where: { id: input.assistantMessageId },
    data: { contextManifest: manifestJson(next) },
  });
  return { text: result.text, manifest: next };
}

/** What Claude wrote in the browser, checked against the manifest and stored like any answer. */
export async function complete(
  db: Db,
  userId: string,
  input: {
    assistantMessageId: string;
    content: string;
    status: "complete" | "stopped" | "failed";
    errorMessage?: string | null;
    usage?: { inputTokens: number; outputTokens: number } | null;
  },
) {
  const { manifest, status } = await storedManifest(db, userId, input.assistantMessageId);
  if (status !== "streaming") throw new FieldError("assistantMessageId", "This answer is already finished.");
  const stored = await settle(db, userId, input.assistantMessageId, {
    content: input.content,
    status: input.status,
    errorMessage:
      input.status === "complete" ? null : (input.errorMessage ?? "The answer stopped before it was finished."),
    manifest,
    ...(input.usage ? { usage: input.usage } : {}),
  });
  return { messageId: input.assistantMessageId, ...stored };
}

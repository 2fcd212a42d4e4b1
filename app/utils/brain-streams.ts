// Answers being written right now, in this tab. They live outside React (a small store read with
// useSyncExternalStore) so that starting one is idempotent, it survives re-renders, React's
// development double effects and navigation between pages, and Stop can reach it from anywhere.
// An answer is written either by our server (brain.stream over server-sent events) or, with the
// user's own key, by this browser (brain-user-key.ts); both report the same BrainEvents.
import type { TRPCClient } from "@trpc/client";
import { useSyncExternalStore } from "react";
import type { BrainEvent, StoredManifest } from "../../server/brain/answer";
import type { AppRouter } from "../../server/trpc/root";
import { answerWithUserKey, STOPPED_MESSAGE } from "./brain-user-key";

export type FinishedAnswer = {
  status: "complete" | "stopped" | "failed";
  content: string;
  errorMessage: string | null;
};

export type LiveAnswer = {
  messageId: string;
  /** Who is writing it: our server, or this browser with the user's key. */
  via: "server" | "browser";
  text: string;
  /** A short progress line ("Looking further in your records…"), or null. */
  progress: string | null;
  manifest: StoredManifest | null;
  stopping: boolean;
  /** Set once the answer is over (the stored result may take a moment to reach the page). */
  finished: FinishedAnswer | null;
};

const answers = new Map<string, LiveAnswer>();
const stoppers = new Map<string, () => void>();
const listeners = new Set<() => void>();
const EMPTY: ReadonlyMap<string, LiveAnswer> = new Map();
let snapshot: ReadonlyMap<string, LiveAnswer> = EMPTY;

function publish() {
  snapshot = new Map(answers);
  for (const listener of listeners) listener();
}

function update(messageId: string, change: (answer: LiveAnswer) => LiveAnswer) {
  const answer = answers.get(messageId);
  if (!answer) return;
  answers.set(messageId, change(answer));
  publish();
}

function finish(messageId: string, result: FinishedAnswer) {
  stoppers.delete(messageId);
  update(messageId, (answer) =>
    answer.finished ? answer : { ...answer, progress: null, stopping: false, finished: result },
  );
}

function apply(messageId: string, event: BrainEvent) {
  switch (event.type) {
    case "manifest":
      return update(messageId, (answer) => ({ ...answer, manifest: event.manifest }));
    case "delta":
      return update(messageId, (answer) => ({ ...answer, text: answer.text + event.text, progress: null }));
    case "status":
      return update(messageId, (answer) => ({ ...answer, progress: event.text || null }));
    case "done":
      return finish(messageId, {
        status: event.status === "streaming" ? "complete" : event.status,
        content: event.content,
        errorMessage: event.errorMessage,
      });
  }
}

function begin(messageId: string, via: LiveAnswer["via"]): boolean {
  if (answers.has(messageId)) return false;
  answers.set(messageId, {
    messageId,
    via,
    text: "",
    progress: via === "server" ? "Reading your records…" : "Reading your records, then asking Claude…",
    manifest: null,
    stopping: false,
    finished: null,
  });
  publish();
  return true;
}

/** Streams an answer our server writes (server key or retrieval-only). */
export function streamFromServer(client: TRPCClient<AppRouter>, messageId: string): void {
  if (!begin(messageId, "server")) return;
  const subscription = client.brain.stream.subscribe(
    { assistantMessageId: messageId },
    {
      onData(event) {
        apply(messageId, event);
        if (event.type === "done") subscription.unsubscribe();
      },
      onError(error) {
        const text = answers.get(messageId)?.text ?? "";
        finish(messageId, {
          status: "failed",
          content: text,
          errorMessage: error.message || "The answer could not be streamed. Reload the page to see what was stored.",
        });
      },
      onComplete() {
        // Ended without "done" (the server went away): the page reloads the stored answer.
        const answer = answers.get(messageId);
        if (answer && !answer.finished)
          finish(messageId, {
            status: "stopped",
            content: answer.text,
            errorMessage: "The connection ended before the answer was finished.",
          });
      },
    },
  );
  stoppers.set(messageId, () => {
    // Closing the stream is the stop signal: the server keeps what was written, marked stopped.
    subscription.unsubscribe();
    const answer = answers.get(messageId);
    finish(messageId, { status: "stopped", content: answer?.text ?? "", errorMessage: STOPPED_MESSAGE });
  });
}

/** Writes an answer in this browser with the user's own key (P16). */
export function streamWithUserKey(
  client: TRPCClient<AppRouter>,
  messageId: string,
  claude: { apiKey: string; baseURL: string },
): void {
  if (!begin(messageId, "browser")) return;
  const controller = new AbortController();
  stoppers.set(messageId, () => {
    update(messageId, (answer) => ({ ...answer, stopping: true, progress: "Stopping…" }));
    controller.abort();
  });
  void answerWithUserKey({
    client,
    assistantMessageId: messageId,
    apiKey: claude.apiKey,
    baseURL: claude.baseURL,
    signal: controller.signal,
    onEvent: (event) => apply(messageId, event),
  });
}

export function stopAnswer(messageId: string): void {
  stoppers.get(messageId)?.();
}

export function isAnswerLive(messageId: string): boolean {
  return answers.has(messageId);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Every answer this tab is writing or has just written, by assistant message id. */
export function useLiveAnswers(): ReadonlyMap<string, LiveAnswer> {
  return useSyncExternalStore(
    subscribe,
    () => snapshot,
    () => EMPTY,
  );
}

/**
 * Starts writing an answer the way it was asked: with the user's key in this browser (mode
 * "user_key"), else on our server. False when it needs a key this browser does not have.
 */
export function startAnswer(
  client: TRPCClient<AppRouter>,
  messageId: string,
  mode: string | null,
  claude: { apiKey: string | null; baseURL: string },
): boolean {
  if (mode === "user_key") {
    if (!claude.apiKey) return false;
    streamWithUserKey(client, messageId, { apiKey: claude.apiKey, baseURL: claude.baseURL });
    return true;
  }
  streamFromServer(client, messageId);
  return true;
}

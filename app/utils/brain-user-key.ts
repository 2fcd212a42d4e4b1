// The user's own Anthropic key (P16). It lives only in this browser's localStorage and is used only
// by this browser to call Claude directly: it never goes into a form, a tRPC input, a header or a
// URL of our own origin. Our server grounds the question (prepare), runs tools (runTool) and checks
// and stores what Claude wrote (complete); it never sees the key.
import type { MessageParam, ToolResultBlockParam } from "@anthropic-ai/sdk/resources/messages";
import type { TRPCClient } from "@trpc/client";
import { useSyncExternalStore } from "react";
import type { BrainEvent } from "../../server/brain/answer";
import type { AppRouter } from "../../server/trpc/root";

export const USER_KEY_STORAGE = "sac.anthropicKey";
/** Tells this tab's components that the key changed (the `storage` event covers other tabs). */
const CHANGE_EVENT = "sac:anthropic-key-changed";

export function readUserKey(): string | null {
  if (typeof window === "undefined") return null;
  try {
    const key = window.localStorage.getItem(USER_KEY_STORAGE);
    return key && key.trim() ? key.trim() : null;
  } catch {
    // Storage blocked (privacy settings): as if no key were saved.
    return null;
  }
}

/** Checks a pasted key; returns a message for the form, or null when it looks usable. */
export function userKeyProblem(key: string): string | null {
  const trimmed = key.trim();
  if (!trimmed) return "Paste your Anthropic API key.";
  if (/\s/.test(trimmed)) return "A key has no spaces or line breaks; paste it again.";
  if (trimmed.length < 8) return "That is too short to be an API key.";
  if (trimmed.length > 300) return "That is too long to be an API key.";
  return null;
}

export function saveUserKey(key: string): void {
  window.localStorage.setItem(USER_KEY_STORAGE, key.trim());
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

export function removeUserKey(): void {
  try {
    window.localStorage.removeItem(USER_KEY_STORAGE);
  } finally {
    window.dispatchEvent(new Event(CHANGE_EVENT));
  }
}

/** "sk-ant-…wxyz": enough to recognise a key, not enough to use it. Short keys show less. */
export function maskKey(key: string): string {
  if (key.length >= 16) return `${key.slice(0, 7)}…${key.slice(-4)}`;
  return `${key.slice(0, 2)}…${key.slice(-2)}`;
}

function subscribeToKey(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

/** The saved key, or null (always null on the server and during hydration). */
export function useUserKey(): string | null {
  return useSyncExternalStore(subscribeToKey, readUserKey, () => null);
}

type Sdk = typeof import("@anthropic-ai/sdk");

/** What went wrong talking to Claude from this browser, in words (the partial answer is kept). */
export function userKeyFailureMessage(
  error: unknown,
  sdk: Pick<Sdk, "APIError" | "APIConnectionError" | "APIConnectionTimeoutError">,
): string {
  if (error instanceof sdk.APIConnectionTimeoutError)
    return "Claude took too long to answer, so we stopped waiting. What arrived so far is kept; try again.";
  if (error instanceof sdk.APIConnectionError) {
    return "This browser could not reach Claude, or the connection dropped mid-answer. Check your connection; what arrived so far is kept. Try again.";
  }
  if (error instanceof sdk.APIError) {
    // The SDK's error class is generic; an instanceof check leaves its fields typed `any`.
    const { status, headers } = error as { status: number | undefined; headers: Headers | undefined };
    if (status === 401)
      return "Claude refused your API key (401). Check the key saved in this browser at Settings → API.";
    if (status === 403)
      return "Your API key is not allowed to use this model (403). Check the key's permissions in the Anthropic Console.";
    if (status === 429) {
      const wait = headers?.get("retry-after");
      return `Claude is receiving too many requests from your key (429)${wait ? ` and asked us to wait ${wait} seconds` : ""}. We retried; try again in a moment.`;
    }
    if (status === 529) return "Claude is overloaded right now (529). We retried; try again in a minute.";
    if (typeof status === "number" && status >= 500)
      return `Claude had an error on its side (${status}). Try again in a moment.`;
    if (status === 400) return "Claude could not process this request (400). Try rephrasing the question.";
  }
  return "The answer stopped unexpectedly: the connection to Claude dropped. What arrived so far is kept; try again.";
}

function ourServerMessage(error: unknown): string {
  const message = error instanceof Error && error.message ? error.message : "the server did not answer";
  return `The brain could not finish this answer: ${message}`;
}

export const STOPPED_MESSAGE = "Stopped before the answer was finished.";

/**
 * Writes one answer with the user's own key: prepare (the grounded prompt), stream Claude's turns
 * in this browser, run the tools Claude asks for on our server, then complete (checked and stored).
 * Reports progress through `onEvent` exactly like the server's stream does.
 */
export async function answerWithUserKey(options: {
  client: TRPCClient<AppRouter>;
  assistantMessageId: string;
  apiKey: string;
  baseURL: string;
  signal: AbortSignal;
  onEvent: (event: BrainEvent) => void;
}): Promise<void> {
  const { client, assistantMessageId, signal, onEvent } = options;
  let content = "";
  const usage = { inputTokens: 0, outputTokens: 0 };
  let outcome: { status: "complete" | "stopped" | "failed"; errorMessage: string | null } = {
    status: "complete",
    errorMessage: null,
  };

  try {
    const prepared = await client.brain.prepare.mutate({ assistantMessageId });
    onEvent({ type: "manifest", manifest: prepared.manifest });
    const sdk = await import("@anthropic-ai/sdk");
    const anthropic = new sdk.default({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      dangerouslyAllowBrowser: true,
      maxRetries: 2,
    });
    const messages: MessageParam[] = [...prepared.messages];
    try {
      for (let round = 0; round <= prepared.maxToolRounds; round += 1) {
        if (signal.aborted) throw new sdk.APIUserAbortError();
        const stream = anthropic.messages.stream(
          {
            model: prepared.model,
            max_tokens: 1_500,
            system: prepared.system,
            messages,
            ...(round < prepared.maxToolRounds ? { tools: prepared.tools } : {}),
          },
          { signal },
        );
        stream.on("text", (delta) => {
          content += delta;
          onEvent({ type: "delta", text: delta });
        });
        const message = await stream.finalMessage();
        usage.inputTokens += message.usage.input_tokens;
        usage.outputTokens += message.usage.output_tokens;
        const toolUses = message.content.flatMap((block) => (block.type === "tool_use" ? [block] : []));
        if (message.stop_reason !== "tool_use" || toolUses.length === 0) break;
        messages.push({ role: "assistant", content: message.content });
        const results: ToolResultBlockParam[] = [];
        for (const use of toolUses) {
          onEvent({ type: "status", text: `Looking further in your records (${use.name.replace(/_/g, " ")})…` });
          const input =
            use.input && typeof use.input === "object" && !Array.isArray(use.input)
              ? (use.input as Record<string, unknown>)
              : {};
          const result = await client.brain.runTool.mutate({ assistantMessageId, name: use.name, input }, { signal });
          onEvent({ type: "manifest", manifest: result.manifest });
          results.push({ type: "tool_result", tool_use_id: use.id, content: result.text });
        }
        messages.push({ role: "user", content: results });
      }
    } catch (error) {
      outcome = signal.aborted
        ? { status: "stopped", errorMessage: STOPPED_MESSAGE }
        : { status: "failed", errorMessage: userKeyFailureMessage(error, sdk) };
    }
  } catch (error) {
    // Our server refused to prepare (or the SDK could not load): nothing was sent to Claude.
    outcome = signal.aborted
      ? { status: "stopped", errorMessage: STOPPED_MESSAGE }
      : { status: "failed", errorMessage: ourServerMessage(error) };
  }

  try {
    // Not tied to `signal`: a stopped answer must still be stored.
    const stored = await client.brain.complete.mutate({
      assistantMessageId,
      content,
      status: outcome.status,
      errorMessage: outcome.errorMessage,
      usage,
    });
    onEvent({
      type: "done",
      messageId: assistantMessageId,
      status: stored.status,
      content: stored.content,
      // The server's word when it could not store the answer as it was sent.
      errorMessage: stored.errorMessage ?? outcome.errorMessage,
    });
  } catch (error) {
    onEvent({
      type: "done",
      messageId: assistantMessageId,
      status: "failed",
      content,
      errorMessage: outcome.errorMessage ?? ourServerMessage(error),
    });
  }
}

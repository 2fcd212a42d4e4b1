// Talking to Claude with the official SDK: one streamed turn at a time (the tool loop lives in
// answer.ts), and every way it can fail turned into a sentence a seller understands.
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  RateLimitError,
} from "@anthropic-ai/sdk";
import type { MessageParam, Tool } from "@anthropic-ai/sdk/resources/messages";

export type ClaudeConfig = { apiKey: string; model: string; baseURL: string; timeoutMs: number; maxRetries?: number };

export type TurnResult = {
  text: string;
  toolUses: { id: string; name: string; input: unknown }[];
  stopReason: string | null;
  usage: { inputTokens: number; outputTokens: number };
};

export function claudeClient(config: ClaudeConfig): Anthropic {
  // The SDK retries 429/529/5xx and connection errors itself, honouring retry-after.
  return new Anthropic({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries ?? 2,
  });
}

/** Streams one assistant turn; `onText` gets each piece as it arrives. */
export async function streamTurn(
  client: Anthropic,
  request: { model: string; system: string; messages: MessageParam[]; tools: readonly Tool[]; maxTokens?: number },
  onText: (text: string) => void,
  signal: AbortSignal,
): Promise<TurnResult> {
  const stream = client.messages.stream(
    {
      model: request.model,
      max_tokens: request.maxTokens ?? 1_500,
      system: request.system,
      messages: request.messages,
      tools: [...request.tools],
    },
    { signal },
  );
  stream.on("text", (delta) => onText(delta));
  const message = await stream.finalMessage();
  return {
    text: message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join(""),
    toolUses: message.content.flatMap((block) =>
      block.type === "tool_use" ? [{ id: block.id, name: block.name, input: block.input }] : [],
    ),
    stopReason: message.stop_reason,
    usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens },
  };
}

/** What went wrong, for the seller (the partial answer is kept either way). */
export function claudeFailureMessage(error: unknown, context: { userKey: boolean; timedOut: boolean }): string {
  const keyPlace = context.userKey
    ? "the key saved in this browser (Settings → API)"
    : "the server's ANTHROPIC_API_KEY";
  if (context.timedOut || error instanceof APIConnectionTimeoutError)
    return "Claude took too long to answer, so we stopped waiting. What arrived so far is kept; try again.";
  if (error instanceof AuthenticationError) return `Claude refused the API key (401). Check ${keyPlace}.`;
  if (error instanceof RateLimitError) {
    const wait = error.headers?.get("retry-after");
    return `Claude is receiving too many requests from this key (429)${wait ? ` and asked us to wait ${wait} seconds` : ""}. We retried; try again in a moment.`;
  }
  if (error instanceof APIError && error.status === 529)
    return "Claude is overloaded right now (529). We retried; try again in a minute.";
  if (error instanceof APIError && typeof error.status === "number" && error.status >= 500)
    return `Claude had an error on its side (${error.status}). Try again in a moment.`;
  if (error instanceof APIError && error.status === 400)
    return "Claude could not process this request (400). Try rephrasing the question.";
  if (error instanceof APIUserAbortError) return "Stopped.";
  if (error instanceof APIConnectionError)
    return "We could not reach Claude, or the connection dropped mid-answer. What arrived so far is kept; try again.";
  return "The answer stopped unexpectedly: the connection to Claude dropped. What arrived so far is kept; try again.";
}

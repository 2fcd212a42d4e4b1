// A fake Anthropic Messages API: POST /v1/messages with JSON and SSE streaming, tool use, and the
// error responses Claude really sends (401, 429 with retry-after, 529 overloaded, a stream that
// drops). Its answers are a deterministic function of the request, so tests can assert both what
// the model was sent and how the app shows what came back:
//   - it reads the records in the last user turn (lines that start with a handle, "[A1] …") and
//     answers with one bullet per record for the first few, each citing its handle;
//   - with no records but tools on offer, it first calls `search_records` with the question;
//   - with no records and nothing found, it says the records do not hold the answer.
// Tests steer it with `fake.next(...)` (a queue of behaviours), read `fake.requests`, and wait for
// `fake.nextRequest()`; a `hold` behaviour streams part of an answer and waits for the test's gate,
// so a test orders events by signals instead of by how long things take.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type ContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; tool_use_id: string; content: string | { type: "text"; text: string }[] };
type MessageParam = { role: "user" | "assistant"; content: string | ContentBlock[] };
export type MessagesRequest = {
  model: string;
  max_tokens: number;
  system?: string | { type: "text"; text: string }[];
  messages: MessageParam[];
  tools?: { name: string; description?: string; input_schema: unknown }[];
  stream?: boolean;
};

/** What the fake does with the next request (default: answer from the records). */
export type Behaviour =
  | { kind: "answer" }
  | { kind: "status"; status: 401 | 429 | 500 | 529; retryAfterSeconds?: number }
  /** Stream part of the answer, then cut the connection. */
  | { kind: "drop"; afterChunks: number }
  /** Wait this long between streamed chunks. */
  | { kind: "slow"; chunkDelayMs: number }
  /**
   * Stream `afterChunks` chunks of the answer, then wait until `until` resolves (a `gate()` the test
   * opens) before the rest; without `until`, until the client goes away (Stop, a timeout).
   */
  | { kind: "hold"; afterChunks: number; until?: Promise<void> }
  /** Answer with exactly this text (to test citation checks and rendering). */
  | { kind: "text"; text: string }
  /** Ask for this tool call first, then answer from its result. */
  | { kind: "tool"; name: string; input: Record<string, unknown> };

export type RecordedRequest = {
  apiKey: string | null;
  browserAccess: boolean;
  body: MessagesRequest;
  behaviour: Behaviour["kind"];
};

const errorTypes: Record<number, string> = {
  401: "authentication_error",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

function textOf(content: string | ContentBlock[]): string {
  if (typeof content === "string") return content;
  return content
    .map((block) =>
      block.type === "text"
        ? block.text
        : block.type === "tool_result"
          ? typeof block.content === "string"
            ? block.content
            : block.content.map((c) => c.text).join("\n")
          : "",
    )
    .join("\n");
}

/** Lines that carry a record: "[A1] Account …". */
export function recordsIn(text: string): { handle: string; line: string }[] {
  return [...text.matchAll(/^\[([A-Z]\d{1,3})\] (.+)$/gm)].map((m) => ({ handle: m[1]!, line: m[2]! }));
}

function questionIn(text: string): string {
  return text.match(/^Question: (.+)$/m)?.[1]?.trim() ?? text.trim().split("\n").at(-1) ?? "";
}

/** The deterministic answer: one bullet per record (up to four), each citing its handle. */
export function deterministicAnswer(request: MessagesRequest): string {
  const turns = request.messages;
  const last = turns.at(-1);
  const everything = turns
    .filter((t) => t.role === "user")
    .map((t) => textOf(t.content))
    .join("\n");
  const records = recordsIn(last ? textOf(last.content) : "");
  const all = records.length > 0 ? records : recordsIn(everything);
  const question = questionIn(
    everything
      .split("\n")
      .filter((l) => l.startsWith("Question: "))
      .at(-1) ?? everything,
  );
  if (all.length === 0) return `I don't see anything in your records that answers “${question}”.`;
  const facts = [...everything.matchAll(/^- (Open deals with a close date.+|Meetings in .+|Open pipeline, .+)$/gm)].map(
    (m) => m[1]!,
  );
  const lines = all.slice(0, 4).map((r) => `- ${r.line.split(" · ").slice(0, 3).join(" · ")} [${r.handle}]`);
  return [
    `Here is what your records say about “${question}”:`,
    "",
    ...lines,
    ...(facts.length ? ["", `${facts[0]} [${all[0]!.handle}]`] : []),
  ].join("\n");
}

function sse(res: ServerResponse, event: string, data: unknown) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** The head of every streamed answer: the SSE response and its message_start event. */
function startStream(res: ServerResponse, message: { id: string; model: string; inputTokens: number }) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  sse(res, "message_start", {
    type: "message_start",
    message: {
      id: message.id,
      type: "message",
      role: "assistant",
      model: message.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: message.inputTokens, output_tokens: 1 },
    },
  });
}

/** Chunks of about three words, the way text streams arrive. */
function chunk(text: string): string[] {
  const words = text.split(/(?<=\s)/);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += 3) chunks.push(words.slice(i, i + 3).join(""));
  return chunks;
}

/** A promise the test resolves when it chooses: `fake.next({ kind: "hold", …, until: gate.opened })`. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Behaviour[] = [];
  private readonly arrivals: ((request: RecordedRequest) => void)[] = [];
  /** Delay between streamed chunks by default (ms): small, so "token by token" is observable. */
  chunkDelayMs = 5;

  constructor(private readonly apiKeys: string[]) {}

  /** Queues behaviours for the next requests, in order. */
  next(...behaviours: Behaviour[]): void {
    this.queue.push(...behaviours);
  }

  /** Resolves when the next request arrives (recorded, not yet answered). */
  nextRequest(): Promise<RecordedRequest> {
    return new Promise((resolve) => this.arrivals.push(resolve));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The browser calls with the user's own key (P16): CORS like Anthropic's API allows it.
    res.setHeader("Access-Control-Allow-Origin", req.headers.origin ?? "*");
    res.setHeader("Access-Control-Allow-Headers", "*");
    res.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
    res.setHeader("Access-Control-Expose-Headers", "retry-after, request-id");
    if (req.method === "OPTIONS") return void res.writeHead(204).end();
    if (req.method !== "POST" || !req.url?.startsWith("/v1/messages")) {
      return void this.error(res, 404, "not_found_error", "Not found");
    }
    let raw = "";
    for await (const piece of req) raw += piece;
    let body: MessagesRequest;
    try {
      body = JSON.parse(raw) as MessagesRequest;
    } catch {
      return void this.error(res, 400, "invalid_request_error", "Body is not JSON.");
    }
    // The key arrives as x-api-key, or (newer SDKs) as a bearer token.
    const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    const apiKey = (req.headers["x-api-key"] as string | undefined) ?? bearer ?? null;
    const behaviour = this.queue.shift() ?? { kind: "answer" };
    const recorded: RecordedRequest = {
      apiKey,
      browserAccess: req.headers["anthropic-dangerous-direct-browser-access"] === "true",
      body,
      behaviour: behaviour.kind,
    };
    this.requests.push(recorded);
    for (const arrived of this.arrivals.splice(0)) arrived(recorded);

    if (!apiKey || !this.apiKeys.includes(apiKey))
      return void this.error(res, 401, "authentication_error", "invalid x-api-key");
    if (!Array.isArray(body.messages) || body.messages.length === 0 || typeof body.max_tokens !== "number") {
      return void this.error(res, 400, "invalid_request_error", "messages and max_tokens are required");
    }
    if (behaviour.kind === "status") {
      if (behaviour.retryAfterSeconds !== undefined) res.setHeader("retry-after", String(behaviour.retryAfterSeconds));
      return void this.error(
        res,
        behaviour.status,
        errorTypes[behaviour.status] ?? "api_error",
        behaviour.status === 529 ? "Overloaded" : "Error",
      );
    }

    const lastTurn = body.messages.at(-1)!;
    const answeringToolResult =
      typeof lastTurn.content !== "string" && lastTurn.content.some((b) => b.type === "tool_result");
    const lastText = textOf(lastTurn.content);
    const hasRecords = recordsIn(lastText).length > 0;
    let toolCall: { name: string; input: Record<string, unknown> } | null = null;
    if (behaviour.kind === "tool") toolCall = { name: behaviour.name, input: behaviour.input };
    else if (
      !answeringToolResult &&
      !hasRecords &&
      body.tools?.some((t) => t.name === "search_records") &&
      behaviour.kind === "answer"
    ) {
      toolCall = { name: "search_records", input: { query: questionIn(lastText) } };
    }

    const id = `msg_fake_${randomBytes(6).toString("hex")}`;
    const inputTokens = Math.ceil(JSON.stringify(body.messages).length / 4);
    if (toolCall) {
      const block = {
        type: "tool_use" as const,
        id: `toolu_${randomBytes(6).toString("hex")}`,
        name: toolCall.name,
        input: toolCall.input,
      };
      if (!body.stream) {
        return void res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            id,
            type: "message",
            role: "assistant",
            model: body.model,
            content: [block],
            stop_reason: "tool_use",
            stop_sequence: null,
            usage: { input_tokens: inputTokens, output_tokens: 20 },
          }),
        );
      }
      startStream(res, { id, model: body.model, inputTokens });
      sse(res, "content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { ...block, input: {} },
      });
      sse(res, "content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
      });
      sse(res, "content_block_stop", { type: "content_block_stop", index: 0 });
      sse(res, "message_delta", {
        type: "message_delta",
        delta: { stop_reason: "tool_use", stop_sequence: null },
        usage: { output_tokens: 20 },
      });
      sse(res, "message_stop", { type: "message_stop" });
      return void res.end();
    }

    const text = behaviour.kind === "text" ? behaviour.text : deterministicAnswer(body);
    const outputTokens = Math.ceil(text.length / 4);
    if (!body.stream) {
      return void res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          id,
          type: "message",
          role: "assistant",
          model: body.model,
          content: [{ type: "text", text }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: outputTokens },
        }),
      );
    }
    startStream(res, { id, model: body.model, inputTokens });
    sse(res, "content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    });
    sse(res, "ping", { type: "ping" });
    const delay = behaviour.kind === "slow" ? behaviour.chunkDelayMs : this.chunkDelayMs;
    for (const [i, piece] of chunk(text).entries()) {
      if (behaviour.kind === "drop" && i === behaviour.afterChunks) {
        // The connection dies mid-answer, as a network failure would.
        res.socket?.destroy();
        return;
      }
      if (behaviour.kind === "hold" && i === behaviour.afterChunks) {
        const gone = res.destroyed ? Promise.resolve() : new Promise<void>((resolve) => res.once("close", resolve));
        await (behaviour.until ? Promise.race([behaviour.until, gone]) : gone);
      }
      if (res.destroyed) return;
      sse(res, "content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: piece },
      });
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
    sse(res, "content_block_stop", { type: "content_block_stop", index: 0 });
    sse(res, "message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: outputTokens },
    });
    sse(res, "message_stop", { type: "message_stop" });
    res.end();
  }

  private error(res: ServerResponse, status: number, type: string, message: string) {
    res.writeHead(status, {
      "content-type": "application/json",
      "request-id": `req_fake_${randomBytes(4).toString("hex")}`,
    });
    res.end(JSON.stringify({ type: "error", error: { type, message } }));
  }
}

/** The fake on its own loopback port. */
export async function startFakeAnthropic(options: { apiKeys?: string[] } = {}) {
  const fake = new FakeAnthropic(options.apiKeys ?? ["test-key"]);
  const server = createServer((req, res) => {
    fake.handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    fake,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

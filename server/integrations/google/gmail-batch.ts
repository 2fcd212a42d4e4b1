// Gmail's batch endpoint (https://developers.google.com/gmail/api/guides/batch): up to 100
// users.messages.get calls in one HTTP request. The official @googleapis/gmail client has no batch
// support, so this is a small typed call on Node's fetch: it builds the multipart/mixed request
// (one `application/http` part per inner GET, each with a Content-ID) and parses the
// multipart/mixed answer (one `application/http` part per inner response, with the request's
// Content-ID prefixed "response-"). Each inner answer keeps its own status: a 404 or a 429 for one
// message does not fail the batch; the caller decides. Nothing here logs or keeps the token.
import { TemporaryProviderError } from "../errors";
import { googleHttpError } from "./api-errors";

/** Google takes at most 100 calls in one batch. */
export const MAX_BATCH_REQUESTS = 100;
/**
 * Messages per batch. Google advises against more than 50: larger batches trip the per-user
 * concurrency quota (each inner call counts against it as a request of its own).
 */
export const MESSAGES_PER_BATCH = 50;
/** A hung batch must not hold the connection's lease forever; the engine retries the step. */
const BATCH_TIMEOUT_MS = 60_000;

/** One inner answer: its HTTP status, its JSON body (undefined when it was not JSON), its Retry-After. */
export type BatchAnswer = { status: number; body: unknown; retryAfter: string | null };

/**
 * users.messages.get (format=full) for each id, in one batch request. Answers come back in the
 * order of `ids`. A non-2xx answer to the batch itself throws a GoogleApiHttpError; an answer we
 * cannot read as a batch, or one that leaves an id unanswered, throws a TemporaryProviderError (the
 * step is retried whole); a network failure or an abort is thrown as fetch threw it.
 */
export async function batchGetMessages(options: {
  /** The API root (a fake Google's), or null for Google's own. */
  rootUrl: string | null;
  accessToken: string;
  ids: string[];
  signal: AbortSignal;
}): Promise<BatchAnswer[]> {
  const { ids } = options;
  if (ids.length === 0) return [];
  if (ids.length > MAX_BATCH_REQUESTS) throw new RangeError(`A Gmail batch takes at most ${MAX_BATCH_REQUESTS} calls`);
  const root = (options.rootUrl ?? "https://gmail.googleapis.com/").replace(/\/?$/, "/");
  const boundary = `batch_${crypto.randomUUID().replace(/-/g, "")}`;
  const body = ids
    .map(
      (id, index) =>
        `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item-${index}>\r\n\r\n` +
        `GET /gmail/v1/users/me/messages/${encodeURIComponent(id)}?format=full\r\n\r\n`,
    )
    .concat(`--${boundary}--\r\n`)
    .join("");

  // A child controller per batch: fetch keeps an abort listener on the signal it is given until the
  // request is collected, and the engine's signal lives for a whole run of many batches.
  const controller = new AbortController();
  const abort = () => controller.abort(options.signal.reason);
  if (options.signal.aborted) abort();
  else options.signal.addEventListener("abort", abort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new DOMException("The Gmail batch timed out", "TimeoutError")),
    BATCH_TIMEOUT_MS,
  );
  let status: number;
  let contentType: string;
  let text: string;
  let retryAfter: string | null;
  try {
    const response = await fetch(`${root}batch/gmail/v1`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${options.accessToken}`,
        "Content-Type": `multipart/mixed; boundary=${boundary}`,
      },
      body,
      signal: controller.signal,
    });
    status = response.status;
    contentType = response.headers.get("content-type") ?? "";
    retryAfter = response.headers.get("retry-after");
    text = await response.text();
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", abort);
  }

  if (status < 200 || status > 299) throw googleHttpError(status, parseJson(text), retryAfter);
  const responseBoundary = boundaryOf(contentType);
  if (!/^multipart\/mixed\b/i.test(contentType) || !responseBoundary) {
    throw new TemporaryProviderError("Gmail answered a batch with something other than multipart/mixed", "unavailable");
  }

  const answers = new Array<BatchAnswer | undefined>(ids.length);
  const parts = splitMultipart(text, responseBoundary);
  parts.forEach((part, position) => {
    const { headers, rest } = readHeaders(part);
    // Google names the request each part answers; parts without a name are taken in order.
    const named = /^<?response-item-(\d+)>?$/.exec(headers.get("content-id") ?? "");
    const index = named ? Number(named[1]) : position;
    if (index >= ids.length || answers[index] !== undefined) return;
    answers[index] = readInnerResponse(rest);
  });
  const missing = answers.findIndex((answer) => answer === undefined);
  if (missing !== -1 || answers.length !== ids.length) {
    throw new TemporaryProviderError("Gmail left calls of a batch unanswered", "unavailable");
  }
  return answers as BatchAnswer[];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]!) : null;
}

/**
 * The body parts of a multipart body (RFC 2046 §5.1.1): a delimiter is CRLF "--" boundary at the
 * start of a line, the last one followed by "--". Anything before the first (the preamble) and
 * after the last (the epilogue) is ignored. LF-only line ends are read too.
 */
export function splitMultipart(text: string, boundary: string): string[] {
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // The delimiter line, with the transport padding (spaces) RFC 2046 allows before its line end.
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?:\\r?\\n|$)`, "g");
  const parts: string[] = [];
  let start = -1;
  for (let match = delimiter.exec(text); match; match = delimiter.exec(text)) {
    if (start !== -1) parts.push(text.slice(start, match.index));
    if (match[1] === "--") return parts;
    start = match.index + match[0].length;
  }
  // No close delimiter: the answer was cut short; what came before the last delimiter is whole.
  return parts;
}

/** Header lines (names lower-cased) up to the first empty line, and the rest. */
function readHeaders(text: string): { headers: Map<string, string>; rest: string } {
  const headers = new Map<string, string>();
  const empty = /^\r?\n/.exec(text);
  if (empty) return { headers, rest: text.slice(empty[0].length) };
  const end = /\r?\n\r?\n/.exec(text);
  const block = end ? text.slice(0, end.index) : text;
  const rest = end ? text.slice(end.index + end[0].length) : "";
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, rest };
}

/**
 * An inner `application/http` response: status line, headers, empty line, body. A part that is not
 * an HTTP response is answered as a 200 with no body, which the caller's zod check refuses and
 * counts as malformed, so one unreadable part does not cost its siblings.
 */
function readInnerResponse(text: string): BatchAnswer {
  const firstLineEnd = /\r?\n/.exec(text);
  const statusLine = firstLineEnd ? text.slice(0, firstLineEnd.index) : text;
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})\b/.exec(statusLine);
  if (!status) return { status: 200, body: undefined, retryAfter: null };
  const { headers, rest } = readHeaders(firstLineEnd ? text.slice(firstLineEnd.index + firstLineEnd[0].length) : "");
  return { status: Number(status[1]), body: parseJson(rest), retryAfter: headers.get("retry-after") ?? null };
}

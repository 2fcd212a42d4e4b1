// Speaking to the running app the way the fuzz tests need: a tRPC call as the typed client would
// send it (superjson over GET or POST, or a raw body), and one verdict on every answer — a server
// error is a status of 500 or more, or an INTERNAL_SERVER_ERROR inside a 200 stream.
import superjson from "superjson";

export type ProcedureType = "query" | "mutation" | "subscription";

export type Reply = { status: number; body: string };

/** Reads a body to its end, or (for a server-sent event stream) to the event that ends it. */
async function readBody(response: Response): Promise<string> {
  if (!response.body) return "";
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) return response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
    // tRPC ends a subscription with a "return" event, or reports its error as "serialized-error".
    if (/^event: (return|serialized-error)$/m.test(text)) {
      await reader.cancel();
      return text;
    }
  }
}

/**
 * superjson's encoding, as the typed client sends it; for what superjson refuses to write (objects
 * with a "constructor" or "__proto__" key) the plain JSON a hand-made request would send.
 */
function encodeInput(input: unknown): string {
  try {
    return JSON.stringify(superjson.serialize(input));
  } catch {
    return JSON.stringify({ json: input }, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }
}

export type CallOptions = { baseUrl: string; cookie: string };

/** Same-origin headers a page of the app would send. */
export function sameOriginHeaders({ baseUrl, cookie }: CallOptions): Record<string, string> {
  return { cookie, origin: baseUrl, "sec-fetch-site": "same-origin" };
}

/** One procedure call over HTTP; `raw` sends that text as the input instead of superjson's encoding of `input`. */
export async function callProcedure(
  options: CallOptions,
  path: string,
  type: ProcedureType,
  input: unknown,
  raw?: string,
): Promise<Reply> {
  const encoded = raw ?? (input === undefined ? undefined : encodeInput(input));
  const url = new URL(`/api/trpc/${path}`, options.baseUrl);
  let response: Response;
  if (type === "mutation") {
    response = await fetch(url, {
      method: "POST",
      headers: { ...sameOriginHeaders(options), "content-type": "application/json" },
      ...(encoded === undefined ? {} : { body: encoded }),
    });
  } else {
    if (encoded !== undefined) url.searchParams.set("input", encoded);
    response = await fetch(url, {
      headers: {
        ...sameOriginHeaders(options),
        ...(type === "subscription" ? { accept: "text/event-stream" } : {}),
      },
    });
  }
  return { status: response.status, body: await readBody(response) };
}

/** What is wrong with an answer, or null when it is not a server error. */
export function serverError(reply: Reply): string | null {
  if (reply.status >= 500) return `answered ${reply.status}: ${reply.body.slice(0, 400)}`;
  if (/INTERNAL_SERVER_ERROR|"httpStatus":5\d\d/.test(reply.body))
    return `answered ${reply.status} with an internal error inside: ${reply.body.slice(0, 400)}`;
  return null;
}

// Salesforce's REST API over plain fetch, at the connection's instance_url. Every answer is read for
// `Sforce-Limit-Info: api-usage=N/M`; bodies are read with a byte cap (a page over it is an
// OversizedPageError, so the caller can ask again in smaller batches); errors (`[{ message,
// errorCode }]`) become the classes of ../errors.ts. Messages carry Salesforce's error code and
// text, never the request's token.
import { z } from "zod";
import { AccessTokenRejectedError, ProviderAuthError, TemporaryProviderError, retryAfterMs } from "../errors";

export const API_VERSION = "v62.0";

export type ApiUsage = { used: number; max: number };

/** The page's body was larger than the cap: nothing of it is used. */
export class OversizedPageError extends Error {
  override name = "OversizedPageError";
}

/** Salesforce refused the query locator (it expired, or too many cursors were open): re-query. */
export class QueryLocatorExpiredError extends Error {
  override name = "QueryLocatorExpiredError";
}

const errorBody = z.array(z.object({ message: z.string().optional(), errorCode: z.string().optional() }).passthrough());

export const queryPage = z.object({
  totalSize: z.number().int().nonnegative(),
  done: z.boolean(),
  nextRecordsUrl: z.string().min(1).optional(),
  records: z.array(z.unknown()),
});
export type QueryPage = z.infer<typeof queryPage>;

export function parseLimitInfo(header: string | null): ApiUsage | null {
  const match = header ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
  return match ? { used: Number(match[1]), max: Number(match[2]) } : null;
}

export type SalesforceClient = {
  /** `query` (or `queryAll`) of a SOQL statement, or the next batch at `nextRecordsUrl`. */
  query(
    request: { soql: string; all: boolean } | { nextRecordsUrl: string },
    options?: { batchSize?: number },
  ): Promise<QueryPage>;
  getJson(path: string): Promise<unknown>;
  /** Requests sent so far. */
  readonly requests: number;
  /** The last Sforce-Limit-Info seen. */
  readonly usage: ApiUsage | null;
};

export function createSalesforceClient(opts: {
  baseUrl: string;
  accessToken: string;
  signal: AbortSignal;
  maxBodyBytes: number;
  timeoutMs?: number;
}): SalesforceClient {
  const base = opts.baseUrl.replace(/\/+$/, "");
  let requests = 0;
  let usage: ApiUsage | null = null;

  async function get(path: string, headers: Record<string, string> = {}): Promise<unknown> {
    opts.signal.throwIfAborted();
    requests += 1;
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        headers: { Authorization: `Bearer ${opts.accessToken}`, Accept: "application/json", ...headers },
        signal: AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs ?? 60_000)]),
      });
    } catch (error) {
      if (opts.signal.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : error;
      throw new TemporaryProviderError(
        `Salesforce could not be reached: ${error instanceof Error ? error.message : String(error)}`,
        "network",
      );
    }
    usage = parseLimitInfo(response.headers.get("sforce-limit-info")) ?? usage;
    const text = await readCapped(response, opts.maxBodyBytes, opts.signal);
    let body: unknown = null;
    try {
      body = text === "" ? null : JSON.parse(text);
    } catch {
      if (response.ok)
        throw new TemporaryProviderError("Salesforce answered with a body that is not JSON", "unavailable");
    }
    if (response.ok) return body;
    throw classify(response.status, body, response.headers.get("retry-after"));
  }

  return {
    get requests() {
      return requests;
    },
    get usage() {
      return usage;
    },
    getJson: (path) => get(`/services/data/${API_VERSION}${path}`),
    async query(request, options) {
      const headers: Record<string, string> = options?.batchSize
        ? { "Sforce-Query-Options": `batchSize=${options.batchSize}` }
        : {};
      let path: string;
      if ("nextRecordsUrl" in request) {
        // Only a path on the same instance is followed, never another host.
        if (!/^\/services\/data\/v\d+\.\d\/query(All)?\/[0-9A-Za-z]+-\d+$/.test(request.nextRecordsUrl))
          throw new TemporaryProviderError("Salesforce answered with an unexpected nextRecordsUrl", "unavailable");
        path = request.nextRecordsUrl;
      } else {
        path = `/services/data/${API_VERSION}/${request.all ? "queryAll" : "query"}?q=${encodeURIComponent(request.soql)}`;
      }
      const body = await get(path, headers);
      const page = queryPage.safeParse(body);
      if (!page.success)
        throw new TemporaryProviderError("Salesforce answered a query in an unexpected shape", "unavailable");
      return page.data;
    },
  };
}

/** Reads a body up to `cap` bytes; past that the read is abandoned (OversizedPageError). */
async function readCapped(response: Response, cap: number, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > cap) {
    await response.body?.cancel().catch(() => undefined);
    throw new OversizedPageError(`Salesforce's answer is ${declared} bytes, over the ${cap}-byte cap`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > cap) {
        await reader.cancel().catch(() => undefined);
        throw new OversizedPageError(`Salesforce's answer is over the ${cap}-byte cap`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof OversizedPageError) throw error;
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
    throw new TemporaryProviderError("Salesforce's answer broke off", "network");
  }
  return Buffer.concat(chunks).toString("utf8");
}

function classify(status: number, body: unknown, retryAfter: string | null): Error {
  const parsed = errorBody.safeParse(body);
  const first = parsed.success ? parsed.data[0] : undefined;
  const code = first?.errorCode ?? `HTTP_${status}`;
  const detail = `Salesforce answered ${status} ${code}${first?.message ? `: ${first.message.slice(0, 300)}` : ""}`;
  if (code === "INVALID_QUERY_LOCATOR") return new QueryLocatorExpiredError(detail);
  if (status === 401 || code === "INVALID_SESSION_ID") return new AccessTokenRejectedError(detail);
  if (code === "REQUEST_LIMIT_EXCEEDED")
    return new TemporaryProviderError(`${detail} (throttled)`, "rate_limited", retryAfterMs(retryAfter));
  if (
    status === 403 &&
    (code === "INSUFFICIENT_ACCESS" || code === "API_DISABLED_FOR_ORG" || code === "API_CURRENTLY_DISABLED")
  )
    return new ProviderAuthError(`${detail}: the connected user has no API access`);
  if (status >= 500) return new TemporaryProviderError(detail, "unavailable", retryAfterMs(retryAfter));
  // Our own query was refused (MALFORMED_QUERY, INVALID_FIELD: a field removed or hidden by the
  // org's admin): waiting does not fix it by itself, but the engine retries with backoff and marks the
  // connection failed after N tries, with this message on the Connections page.
  return new TemporaryProviderError(`${detail} (the query the sync sends was refused)`, "unavailable");
}

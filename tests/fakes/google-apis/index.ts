// A fake of Google's Gmail (gmail/v1) and Calendar (calendar/v3) REST APIs: a real HTTP server that
// speaks their wire formats, so the product's real clients are pointed at it in tests, in the
// benchmark and in the local demo. This file holds what both APIs share: bearer-token checks (401 on
// an unknown, expired or revoked token, 403 on a missing scope, like Google), injected faults (429
// with Retry-After, 5xx, quota errors), and a request log. The APIs themselves are in ./gmail.ts and
// ./calendar.ts; their data comes from the deterministic generators beside them.
import type { AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response, type Router } from "express";

/** Who a bearer token belongs to, as the fake OAuth server (../google-oauth) issued it. */
export type GoogleApiCaller = { email: string; scopes: string[] };

/** Answers whether an access token is valid now; null for unknown, expired or revoked tokens. */
export type TokenVerifier = (accessToken: string) => GoogleApiCaller | null;

/** A fault the next matching requests answer with instead of their real answer. */
export type InjectedFault = {
  /** Which requests it hits: a path prefix such as "/gmail/v1" or "/calendar/v3"; all by default. */
  pathPrefix?: string;
  status: number;
  /** Google's error reason, e.g. "rateLimitExceeded", "userRateLimitExceeded", "backendError". */
  reason?: string;
  /** Seconds, sent as Retry-After. */
  retryAfterSeconds?: number;
  /** How many requests it answers; 1 by default. */
  times?: number;
};

export type ApiRequestRecord = {
  at: number;
  method: string;
  /** The full path (with the prefix the fake is mounted at), without the query. */
  path: string;
  status: number;
  email: string | null;
  /** An inner request of a batch (the batch itself is logged once more, as its own HTTP request). */
  inBatch: boolean;
};

/** One API answer as a plain value: what a route sends, and what an inner request of a batch answers. */
export type ApiAnswer = { status: number; body: unknown; headers?: Record<string, string> };

/** Answers one API request (path relative to the API's prefix) for a caller that passed the bearer check. */
export type ApiAnswerer = (
  caller: GoogleApiCaller,
  method: string,
  path: string,
  /** As express parses it: a string, or an array of strings for a repeated parameter. */
  query: Record<string, unknown>,
) => ApiAnswer;

/** A router that can also answer the inner requests of a batch: `mount` then serves `/batch{prefix}` too. */
export type BatchableRouter = Router & { answer: ApiAnswerer };

/** Google's batch endpoints take at most 100 inner requests. */
export const MAX_BATCH_REQUESTS = 100;

/** Google's JSON error body ({ error: { code, message, errors: [{ reason, … }], status } }). */
export function googleError(status: number, message: string, reason?: string): ApiAnswer {
  const statusText: Record<number, string> = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    410: "GONE",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
  };
  return {
    status,
    body: {
      error: {
        code: status,
        message,
        errors: [
          { message, domain: status === 429 || status === 403 ? "usageLimits" : "global", reason: reason ?? "" },
        ],
        status: statusText[status] ?? "UNKNOWN",
      },
    },
  };
}

export function sendGoogleError(res: Response, status: number, message: string, reason?: string): void {
  sendAnswer(res, googleError(status, message, reason));
}

export function sendAnswer(res: Response, answer: ApiAnswer): void {
  if (answer.headers) res.set(answer.headers);
  res.status(answer.status).json(answer.body);
}

/** The scope each API needs; a token without it gets Google's 403 insufficientPermissions. */
export const API_SCOPES: Record<string, string[]> = {
  "/gmail/v1": [
    "https://www.googleapis.com/auth/gmail.readonly",
    "https://www.googleapis.com/auth/gmail.modify",
    "https://mail.google.com/",
  ],
  "/calendar/v3": [
    "https://www.googleapis.com/auth/calendar.readonly",
    "https://www.googleapis.com/auth/calendar.events.readonly",
    "https://www.googleapis.com/auth/calendar",
  ],
};

export class FakeGoogleApis {
  readonly requests: ApiRequestRecord[] = [];
  private faults: InjectedFault[] = [];
  /** Each API mounts its routes here; ./gmail.ts and ./calendar.ts add theirs through `mount`. */
  private readonly mounts: { prefix: string; router: Router }[] = [];

  constructor(private readonly verifyToken: TokenVerifier) {}

  /**
   * The next requests (matching `fault.pathPrefix`) answer with this fault, `times` times. Inner
   * requests of a batch are matched by their own path ("/gmail/v1/…"), the batch itself by
   * "/batch/…" (or by a fault without a prefix).
   */
  injectFault(fault: InjectedFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Mounts an API's routes at `prefix`; a BatchableRouter is also served at Google's `/batch{prefix}`. */
  mount(prefix: string, router: Router): void {
    this.mounts.push({ prefix, router });
  }

  /** The caller of a request that passed the bearer check (set by the shared middleware). */
  static caller(res: Response): GoogleApiCaller {
    return res.locals.caller as GoogleApiCaller;
  }

  private takeFault(path: string): ApiAnswer | null {
    const fault = this.faults.find((f) => !f.pathPrefix || path.startsWith(f.pathPrefix));
    if (!fault) return null;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    const answer = googleError(fault.status, `Injected fault ${fault.status}`, fault.reason);
    if (fault.retryAfterSeconds !== undefined) answer.headers = { "Retry-After": String(fault.retryAfterSeconds) };
    return answer;
  }

  /** Google's 401 for an unknown, expired or revoked token; 403 for one without the API's scope. */
  private authorize(authorization: string | undefined, path: string): GoogleApiCaller | ApiAnswer {
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : null;
    const caller = token ? this.verifyToken(token) : null;
    if (!caller) {
      const answer = googleError(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        "authError",
      );
      answer.headers = { "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' };
      return answer;
    }
    const needed = Object.entries(API_SCOPES).find(([prefix]) => path.startsWith(prefix))?.[1];
    if (needed && !needed.some((scope) => caller.scopes.includes(scope))) {
      return googleError(403, "Request had insufficient authentication scopes.", "insufficientPermissions");
    }
    return caller;
  }

  router(): Router {
    const router = express.Router();
    router.use((req: Request, res: Response, next: NextFunction) => {
      // Read now: routers below strip their mount prefix from req.path before the answer is sent.
      const path = `${req.baseUrl}${req.path}`;
      res.on("finish", () =>
        this.requests.push({
          at: Date.now(),
          method: req.method,
          path,
          status: res.statusCode,
          email: (res.locals.caller as GoogleApiCaller | undefined)?.email ?? null,
          inBatch: false,
        }),
      );
      // Google checks the batch's bearer token once, for the whole batch; scopes per inner request.
      const authorized = this.authorize(req.get("authorization"), req.path);
      if ("status" in authorized) return sendAnswer(res, authorized);
      res.locals.caller = authorized;
      const fault = this.takeFault(req.path);
      if (fault) return sendAnswer(res, fault);
      next();
    });
    for (const { prefix, router: mounted } of this.mounts) {
      router.use(prefix, mounted);
      const answer = (mounted as Router & { answer?: ApiAnswerer }).answer;
      if (answer) {
        router.post(`/batch${prefix}`, (req: Request, res: Response) => {
          // Inside the app (the demo's /dev/fake-google-apis) its body middleware may have read the
          // body already; on its own port the fake reads it here.
          const read = (res.locals.body as { bytes?: Uint8Array } | null | undefined)?.bytes;
          if (read) return this.answerBatch(req, res, prefix, answer, Buffer.from(read).toString("utf8"));
          const chunks: Buffer[] = [];
          req.on("data", (chunk: Buffer) => chunks.push(chunk));
          req.on("end", () => this.answerBatch(req, res, prefix, answer, Buffer.concat(chunks).toString("utf8")));
        });
      }
    }
    router.use((_req: Request, res: Response) => sendGoogleError(res, 404, "Not Found", "notFound"));
    return router;
  }

  /**
   * Google's batch format (https://developers.google.com/gmail/api/guides/batch): a multipart/mixed
   * body of `application/http` parts, each a whole HTTP request to the same API, answered by a
   * multipart/mixed body of `application/http` parts, each a whole HTTP response with the
   * request's Content-ID prefixed "response-". Inner requests are answered in order, each with its
   * own status: an inner 404 or 429 does not fail the batch.
   */
  private answerBatch(req: Request, res: Response, prefix: string, answer: ApiAnswerer, body: string): void {
    const caller = FakeGoogleApis.caller(res);
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.get("content-type") ?? "");
    if (!/^multipart\/mixed/i.test(req.get("content-type") ?? "") || !boundary) {
      return sendGoogleError(res, 400, "A batch must be multipart/mixed with a boundary", "badRequest");
    }
    const parts = splitMultipart(body, boundary[1] ?? boundary[2]!);
    if (parts.length === 0) return sendGoogleError(res, 400, "A batch needs at least one request", "badRequest");
    if (parts.length > MAX_BATCH_REQUESTS) {
      return sendGoogleError(res, 400, `Too many requests in a batch (${parts.length} > 100)`, "badRequest");
    }
    const responseBoundary = `batch_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    const out: string[] = [];
    for (const part of parts) {
      const { headers: partHeaders, content } = splitHeaders(part);
      const contentId = partHeaders.get("content-id");
      const inner = this.answerInner(req, caller, prefix, answer, content);
      out.push(
        `--${responseBoundary}\r\nContent-Type: application/http\r\n` +
          (contentId ? `Content-ID: ${contentId.replace(/^<?/, "<response-")}\r\n` : "") +
          `\r\n${renderResponse(inner)}\r\n`,
      );
    }
    out.push(`--${responseBoundary}--\r\n`);
    // Set as is: express's res.type() would add a charset parameter Google does not send.
    res.status(200).set("Content-Type", `multipart/mixed; boundary=${responseBoundary}`);
    res.send(Buffer.from(out.join("")));
  }

  private answerInner(
    req: Request,
    outerCaller: GoogleApiCaller,
    prefix: string,
    answer: ApiAnswerer,
    content: string,
  ): ApiAnswer {
    const { headers, firstLine } = splitHeaders(content, true);
    const requestLine = /^([A-Z]+) (\S+)(?: HTTP\/\d\.\d)?$/.exec(firstLine ?? "");
    let path = "(unreadable)";
    let method = "GET";
    let result: ApiAnswer;
    let caller: GoogleApiCaller | null = null;
    if (!requestLine) result = googleError(400, "An inner request needs a request line", "badRequest");
    else {
      method = requestLine[1]!;
      const url = new URL(requestLine[2]!, "http://batch.invalid");
      path = url.pathname;
      if (!path.startsWith(`${prefix}/`)) {
        result = googleError(400, "All requests in a batch must go to the same API", "badRequest");
      } else {
        // An inner request may carry its own token; without one it is the batch's.
        const authorized = this.authorize(headers.get("authorization") ?? req.get("authorization"), path);
        if ("status" in authorized) result = authorized;
        else {
          caller = authorized;
          const query: Record<string, string | string[]> = {};
          for (const [key, value] of url.searchParams) {
            const seen = query[key];
            query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
          }
          result = this.takeFault(path) ?? answer(caller, method, path.slice(prefix.length), query);
        }
      }
    }
    this.requests.push({
      at: Date.now(),
      method,
      path: `${req.baseUrl}${path}`,
      status: result.status,
      email: (caller ?? outerCaller).email,
      inBatch: true,
    });
    return result;
  }
}

/** The parts of a multipart body (RFC 2046): between `--boundary` lines, up to `--boundary--`. */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current) parts.push(current.join("\r\n"));
      if (trimmed !== delimiter) return parts;
      current = [];
    } else current?.push(line);
  }
  return parts;
}

/** Headers (lower-case names) and what follows the first blank line; `withFirstLine` reads a request/status line first. */
function splitHeaders(text: string, withFirstLine = false) {
  const lines = text.split("\r\n");
  let index = 0;
  const firstLine = withFirstLine ? lines[index++] : undefined;
  const headers = new Map<string, string>();
  for (; index < lines.length && lines[index] !== ""; index += 1) {
    const colon = lines[index]!.indexOf(":");
    if (colon > 0)
      headers.set(lines[index]!.slice(0, colon).trim().toLowerCase(), lines[index]!.slice(colon + 1).trim());
  }
  return { firstLine, headers, content: lines.slice(index + 1).join("\r\n") };
}

const REASON_PHRASES: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  410: "Gone",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function renderResponse(answer: ApiAnswer): string {
  const body = JSON.stringify(answer.body);
  const headers = {
    "Content-Type": "application/json; charset=UTF-8",
    ...answer.headers,
    "Content-Length": String(Buffer.byteLength(body)),
  };
  return [
    `HTTP/1.1 ${answer.status} ${REASON_PHRASES[answer.status] ?? "Unknown"}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    "",
    body,
  ].join("\r\n");
}

/** A fake on its own loopback port, for tests and the benchmark. */
export async function listenOnLoopback(router: Router) {
  const app = express();
  app.use(router);
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// The fake's HTTP front: /v1/* is Stripe's API (auth, form decoding, idempotency keys, injected
// failures, the request log, Stripe's error shape); everything else is the hosted pages (no auth:
// the customer's browser reaches them by their unguessable URLs).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, timingSafeEqual } from "node:crypto";
import { StripeApiError } from "./errors";
import { decodeForm, type Form } from "./form";
import { newId } from "./store";
import type { RequestRef } from "./webhooks";

const MAX_BODY = 1_000_000;

export type ApiRequest = { method: string; path: string; form: Form; query: URLSearchParams; request: RequestRef };
export type ApiAnswer = { status?: number; body: unknown };
export type ApiHandler = (request: ApiRequest) => ApiAnswer;
export type PageRequest = { method: string; path: string; form: Form; query: URLSearchParams };
export type PageAnswer =
  | { status: number; html: string }
  | { status: number; redirect: string }
  | { status: number; contentType: string; body: string | Buffer };
export type PageHandler = (request: PageRequest) => Promise<PageAnswer | null>;

export type LoggedRequest = {
  method: string;
  path: string;
  idempotencyKey: string | null;
  body: Record<string, unknown>;
};
type Stored = { fingerprint: string; status: number; body: string; requestId: string };
type Failure = { status: number; remaining: number; path?: string };

export class FakeStripeServer {
  readonly log: LoggedRequest[] = [];
  private readonly idempotency = new Map<string, Stored>();
  private readonly failures: Failure[] = [];
  private server: Server | null = null;

  constructor(
    private readonly secretKey: string,
    private readonly api: ApiHandler,
    private readonly pages: PageHandler,
    /** Runs after every answer (the webhook deliveries of what the request did). */
    private readonly after: () => void,
  ) {}

  failNext(options: { status: number; count?: number; path?: string }): void {
    this.failures.push({ status: options.status, remaining: options.count ?? 1, path: options.path });
  }

  async listen(port: number, host: string): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(error instanceof Error ? error.message : "error");
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shown = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
    return `http://${shown}:${address.port}`;
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake-stripe.local");
    const method = req.method ?? "GET";
    const raw = await readBody(req);
    if (raw === null) return send(res, 413, { "Content-Type": "text/plain" }, "Request body too large");
    if (!url.pathname.startsWith("/v1/")) {
      const form = method === "POST" ? decodeForm(raw) : {};
      const answer = await this.pages({ method, path: url.pathname, form, query: url.searchParams });
      if (!answer) return send(res, 404, { "Content-Type": "text/plain; charset=utf-8" }, "Not found");
      if ("redirect" in answer) return send(res, answer.status, { Location: answer.redirect }, "");
      if ("html" in answer)
        return send(
          res,
          answer.status,
          { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Frame-Options": "DENY" },
          answer.html,
        );
      return send(res, answer.status, { "Content-Type": answer.contentType }, answer.body);
    }
    this.handleApi(req, res, method, url, raw);
  }

  private handleApi(req: IncomingMessage, res: ServerResponse, method: string, url: URL, raw: string) {
    const requestId = newId("req", 10);
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "Request-Id": requestId,
      "Stripe-Version": String(req.headers["stripe-version"] ?? "2026-11-18.endive"),
    };
    const idempotencyKey = method === "POST" ? header(req, "idempotency-key") : null;
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    const fail = (error: StripeApiError) =>
      send(res, error.status, headers, JSON.stringify(error.json(requestId), null, 2));

    const auth = this.authenticate(header(req, "authorization"));
    if (auth) return fail(auth);
    const form = method === "GET" || method === "DELETE" ? decodeForm(url.search.slice(1)) : decodeForm(raw);
    if (method === "DELETE" && raw) Object.assign(form, decodeForm(raw));
    this.log.push({ method, path: url.pathname, idempotencyKey, body: form });

    const failure = this.failures.find((f) => !f.path || url.pathname.startsWith(f.path));
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      if (failure.status === 429 || failure.status >= 500) headers["Stripe-Should-Retry"] = "true";
      return fail(StripeApiError.forStatus(failure.status));
    }

    let fingerprint = "";
    if (idempotencyKey) {
      fingerprint = createHash("sha256")
        .update(`${method} ${url.pathname}\n${canonical(form)}`)
        .digest("hex");
      const stored = this.idempotency.get(idempotencyKey);
      if (stored && stored.fingerprint !== fingerprint)
        return fail(
          new StripeApiError(400, {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          }),
        );
      if (stored) {
        return send(
          res,
          stored.status,
          { ...headers, "Request-Id": stored.requestId, "Idempotent-Replayed": "true" },
          stored.body,
        );
      }
    }

    let status: number;
    let body: string;
    try {
      const answer = this.api({
        method,
        path: url.pathname,
        form,
        query: url.searchParams,
        request: { id: requestId, idempotency_key: idempotencyKey },
      });
      status = answer.status ?? 200;
      body = JSON.stringify(answer.body, null, 2);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      status = error.status;
      body = JSON.stringify(error.json(requestId), null, 2);
    }
    // Stripe saves the result of a request that ran (success or error), not one refused before it.
    if (idempotencyKey) this.idempotency.set(idempotencyKey, { fingerprint, status, body, requestId });
    send(res, status, headers, body);
    this.after();
  }

  /** Stripe's 401s: no key, a malformed header, or the wrong key (Bearer, or Basic with the key as user). */
  private authenticate(authorization: string | null): StripeApiError | null {
    let key: string | null = null;
    if (authorization?.startsWith("Bearer ")) key = authorization.slice(7).trim();
    else if (authorization?.startsWith("Basic ")) {
      key = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8").split(":")[0] ?? "";
    }
    if (!authorization)
      return new StripeApiError(401, {
        type: "invalid_request_error",
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      });
    if (key === null)
      return new StripeApiError(401, {
        type: "invalid_request_error",
        message: "Invalid Authorization header. Use Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      });
    const a = Buffer.from(key);
    const b = Buffer.from(this.secretKey);
    if (a.length !== b.length || !timingSafeEqual(a, b))
      return new StripeApiError(401, {
        type: "invalid_request_error",
        code: "api_key_invalid",
        message: `Invalid API Key provided: ${key.length > 12 ? `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : "****"}`,
      });
    return null;
  }
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** The parameters in a stable order (the same request with keys in another order is the same). */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer) {
  res.writeHead(status, headers);
  res.end(body);
}

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

export type ApiRequestRecord = { at: number; method: string; path: string; status: number; email: string | null };

/** Google's JSON error body ({ error: { code, message, errors: [{ reason, … }], status } }). */
export function sendGoogleError(res: Response, status: number, message: string, reason?: string): void {
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
  res.status(status).json({
    error: {
      code: status,
      message,
      errors: [{ message, domain: status === 429 || status === 403 ? "usageLimits" : "global", reason: reason ?? "" }],
      status: statusText[status] ?? "UNKNOWN",
    },
  });
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

  /** The next requests (matching `fault.pathPrefix`) answer with this fault, `times` times. */
  injectFault(fault: InjectedFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  mount(prefix: string, router: Router): void {
    this.mounts.push({ prefix, router });
  }

  /** The caller of a request that passed the bearer check (set by the shared middleware). */
  static caller(res: Response): GoogleApiCaller {
    return res.locals.caller as GoogleApiCaller;
  }

  router(): Router {
    const router = express.Router();
    router.use((req: Request, res: Response, next: NextFunction) => {
      res.on("finish", () =>
        this.requests.push({
          at: Date.now(),
          method: req.method,
          path: req.path,
          status: res.statusCode,
          email: (res.locals.caller as GoogleApiCaller | undefined)?.email ?? null,
        }),
      );
      const header = req.get("authorization");
      const token = header?.startsWith("Bearer ") ? header.slice(7) : null;
      const caller = token ? this.verifyToken(token) : null;
      if (!caller) {
        res.set("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/", error="invalid_token"');
        return sendGoogleError(
          res,
          401,
          "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
          "authError",
        );
      }
      const needed = Object.entries(API_SCOPES).find(([prefix]) => req.path.startsWith(prefix))?.[1];
      if (needed && !needed.some((scope) => caller.scopes.includes(scope))) {
        return sendGoogleError(res, 403, "Request had insufficient authentication scopes.", "insufficientPermissions");
      }
      res.locals.caller = caller;
      const fault = this.faults.find((f) => !f.pathPrefix || req.path.startsWith(f.pathPrefix));
      if (fault) {
        fault.times = (fault.times ?? 1) - 1;
        if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
        if (fault.retryAfterSeconds !== undefined) res.set("Retry-After", String(fault.retryAfterSeconds));
        return sendGoogleError(res, fault.status, `Injected fault ${fault.status}`, fault.reason);
      }
      next();
    });
    for (const { prefix, router: mounted } of this.mounts) router.use(prefix, mounted);
    router.use((_req: Request, res: Response) => sendGoogleError(res, 404, "Not Found", "notFound"));
    return router;
  }
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

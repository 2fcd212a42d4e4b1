// /api/trpc over HTTP: Express hands the request to tRPC's fetch adapter, so the same Request /
// Response code path serves queries, mutations and (later) streamed subscriptions. The request goes
// through the same fetch bridge as the pages: its body is the one the body limit read (1 MB at most,
// server/http/body-limit.ts), its URL is on APP_URL.
import type { RequestHandler } from "express";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { MAX_CALLS_PER_BATCH } from "../../app/utils/api-limits";
import { asyncHandler } from "../http/async-handler";
import { createFetchRequest, sendFetchResponse } from "../http/fetch-bridge";
import { RateLimitedError } from "../errors";
import { logger } from "../logger";
import { createTrpcContext, signedOut, type RequestAuth } from "./context";
import { appRouter } from "./root";

export const TRPC_ENDPOINT = "/api/trpc";

export function trpcHandler(options: { appUrl: string }): RequestHandler {
  return asyncHandler(async (req, res) => {
    const request = createFetchRequest(req, res, options.appUrl);
    const auth: RequestAuth = res.locals.auth ?? signedOut;
    const requestId = res.locals.requestId ?? "unknown";
    const response = await fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req: request,
      router: appRouter,
      maxBatchSize: MAX_CALLS_PER_BATCH,
      createContext: () => createTrpcContext({ auth, requestId }),
      // A 429 says when to try again (the longest wait of a batch's refused calls).
      responseMeta({ errors }) {
        const waits = errors.flatMap((error) =>
          error.cause instanceof RateLimitedError ? [error.cause.retryAfterSeconds] : [],
        );
        return waits.length > 0 ? { headers: { "Retry-After": String(Math.max(...waits)) } } : {};
      },
      onError({ error, path }) {
        // The detail of a failure goes to the log only; the answer says something generic
        // (server/trpc/init.ts's errorFormatter).
        if (error.code === "INTERNAL_SERVER_ERROR") {
          logger().error({ requestId, procedure: path, err: error.cause ?? error }, "procedure failed");
        }
      },
    });
    await sendFetchResponse(res, response);
  });
}

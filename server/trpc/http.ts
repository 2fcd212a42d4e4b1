// /api/trpc over HTTP: Express hands the request to tRPC's fetch adapter, so the same Request /
// Response code path serves queries, mutations and (later) streamed subscriptions.
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import type { RequestHandler, Response as ExpressResponse } from "express";
import { RateLimitedError } from "../errors";
import { logger } from "../logger";
import { createTrpcContext, signedOut, type RequestAuth } from "./context";
import { asyncHandler } from "../http/async-handler";
import { appRouter } from "./root";

export const TRPC_ENDPOINT = "/api/trpc";
/** Largest request body accepted (imports go through their own upload route). */
const MAX_BODY_BYTES = 1_000_000;

export function trpcHandler(): RequestHandler {
  return asyncHandler(async (req, res) => {
    const request = incomingMessageToRequest(req, res, { maxBodySize: MAX_BODY_BYTES });
    const auth: RequestAuth = res.locals.auth ?? signedOut;
    const requestId = res.locals.requestId ?? "unknown";
    const response = await fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req: request,
      router: appRouter,
      createContext: () => createTrpcContext({ auth, requestId }),
      // A 429 says when to try again (the longest wait of a batch's refused calls).
      responseMeta({ errors }) {
        const waits = errors.flatMap((error) =>
          error.cause instanceof RateLimitedError ? [error.cause.retryAfterSeconds] : [],
        );
        return waits.length > 0 ? { headers: { "Retry-After": String(Math.max(...waits)) } } : {};
      },
      onError({ error, path }) {
        if (error.code === "INTERNAL_SERVER_ERROR") {
          logger().error({ requestId, procedure: path, err: error.cause ?? error }, "procedure failed");
        }
      },
    });
    await sendResponse(res, response);
  });
}

async function sendResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) res.append("Set-Cookie", cookie);
  if (!response.body) {
    res.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
      .on("error", reject)
      .pipe(res)
      .on("finish", resolve)
      .on("error", reject);
  });
}

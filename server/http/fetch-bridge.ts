// Between Express and the Fetch API that Remix speaks. @remix-run/express does the same, but its
// sender writes the body without waiting for the client: a slow download (the workspace export)
// would be read from the database as fast as the server can and buffered in memory, and kept being
// read after the client left. Here a body is pulled only as fast as the client takes it, and
// cancelled when the connection closes.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { createReadableStreamFromReadable } from "@remix-run/node";
import type { Request as ExpressRequest, Response as ExpressResponse } from "express";

/** The Fetch API request for an Express request, aborted if the client goes away before the response is done. */
export function createFetchRequest(req: ExpressRequest, res: ExpressResponse): Request {
  // req.hostname respects "trust proxy"; the port comes from X-Forwarded-Host or Host.
  const port = (req.get("X-Forwarded-Host") ?? req.get("host") ?? "").split(":")[1];
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (values === undefined) continue;
    for (const value of Array.isArray(values) ? values : [values]) headers.append(key, value);
  }
  let controller: AbortController | null = new AbortController();
  const signal = controller.signal;
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  return new Request(url.href, init);
}

/** Sends a Fetch API response, its body with backpressure. A client that leaves mid-body cancels it. */
export async function sendFetchResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  // The route's headers replace what middleware set (no header twice), cookies add up, and a
  // signed-in page's `no-store` is never weakened.
  for (const [key, value] of response.headers.entries()) {
    if (key === "set-cookie") res.append(key, value);
    else if (key === "cache-control" && /no-store/.test(String(res.getHeader("cache-control") ?? ""))) continue;
    else res.setHeader(key, value);
  }
  if (!response.body) {
    res.end();
    return;
  }
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  try {
    await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res);
  } catch (error) {
    // The client went away: pipeline() has cancelled the body; nothing is wrong on our side.
    if ((error as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    throw error;
  }
}

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
import { bodyKind } from "./body-limit";

/** A request line whose target cannot be read as a path on our origin (e.g. an absolute URL). */
export class BadRequestTargetError extends Error {
  override name = "BadRequestTargetError";
}

/** Headers that described the hop to us, not the request: the URL below is built on `appUrl`. */
const HOP_HEADERS = new Set(["host", "x-forwarded-host", "origin"]);

/**
 * The Fetch API request for an Express request, aborted if the client goes away before the response
 * is done. Its body is the one the body limit (server/http/body-limit.ts) read or counted.
 *
 * Its URL is on `appUrl`, the one canonical origin: the Host header is the client's (or a proxy's)
 * word, and nothing we build may depend on it. Remix's own CSRF check compares Origin with Host (or
 * X-Forwarded-Host) and throws — a 500 — when a proxy does not pass Host on; our sameOriginOnly has
 * judged Origin and Sec-Fetch-Site before this, more strictly, so Remix gets Host = our origin's host
 * and no Origin: one judge, ours.
 */
export function createFetchRequest(req: ExpressRequest, res: ExpressResponse, appUrl: string): Request {
  const base = new URL(appUrl);
  // An origin-form target ("/path?query") appended to our origin; anything else (an absolute URL,
  // "*") is not a page of ours.
  if (!req.originalUrl.startsWith("/")) throw new BadRequestTargetError(req.originalUrl);
  let url: URL;
  try {
    url = new URL(`${base.origin}${req.originalUrl}`);
  } catch {
    throw new BadRequestTargetError(req.originalUrl);
  }
  if (url.origin !== base.origin) throw new BadRequestTargetError(req.originalUrl);
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (values === undefined || HOP_HEADERS.has(key)) continue;
    for (const value of Array.isArray(values) ? values : [values]) headers.append(key, value);
  }
  headers.set("host", base.host);
  let controller: AbortController | null = new AbortController();
  const signal = controller.signal;
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    const body = res.locals.body;
    if (body === undefined) throw new Error("The body limit (server/http/body-limit.ts) must run before the bridge.");
    if (body === null) {
      // An empty POST is an empty form: the action answers what is missing, instead of formData()
      // throwing on a request without a form content type.
      if (bodyKind(req) === "form" && !headers.has("content-type"))
        headers.set("content-type", "application/x-www-form-urlencoded");
    } else if ("bytes" in body) {
      init.body = body.bytes;
    } else {
      init.body = createReadableStreamFromReadable(body.stream);
      init.duplex = "half";
    }
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

// One body-size policy for every request, applied before anything reads a body. Without it a
// signed-out POST of 1 GB to /forgot-password was read whole into memory (Remix's formData() and
// tRPC buffer what they are given), and the import kept any number of 45 MB parts.
//
//   kind     where                               cap      how
//   api      /api/trpc/*                         1 MB     read whole here, then handed on
//   form     every other non-GET (page actions)  512 KB   read whole here; must be a form
//   upload   POST /settings/data (the import)    50 MB+   streamed, counted as it arrives
//
// Why these numbers: the largest text a form carries is a 50,000-character message; url-encoded,
// a character outside Latin-1 takes up to 9 bytes, so 450 KB, and 512 KB holds it. tRPC's largest
// input is the brain's 100,000-character conversation (JSON: at most 6 bytes a character for
// escapes is still far below 1 MB in practice, and 1 MB is what tRPC took before). The import takes
// one file of up to 50 MB plus its multipart framing and the "shift dates" checkbox.
//
// A body declared larger (Content-Length) is refused at once with 413; a streamed (chunked) body is
// counted as it arrives and refused the moment it passes the cap, so memory per request stays at
// the cap whatever the client sends. Bodies of the small kinds are read here and kept in
// res.locals.body, so every reader downstream (the fetch bridge for Remix and tRPC) gets a complete,
// bounded body; the upload is a counted stream, read only by an action that wants it.
import { Transform, type Readable } from "node:stream";
import type { Request, RequestHandler, Response } from "express";
import { logger } from "../logger";

export const API_BODY_BYTES = 1024 * 1024;
export const FORM_BODY_BYTES = 512 * 1024;
/** The largest workspace file one import takes. */
export const WORKSPACE_UPLOAD_BYTES = 50 * 1024 * 1024;
/** The import's whole body: the file, its multipart framing and the one checkbox. */
export const UPLOAD_BODY_BYTES = WORKSPACE_UPLOAD_BYTES + 64 * 1024;
/** After refusing a body we read (and drop) at most this much more, so the client can read our 413
 *  instead of a reset connection; then the connection is closed. */
const DRAIN_BYTES = 1024 * 1024;

/** Where the import form posts: the document request and Remix's single-fetch request for it. */
const UPLOAD_PATHS = new Set(["/settings/data", "/settings/data.data"]);
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type BodyKind = "api" | "form" | "upload";

/** What middleware leaves for the readers after it: a bounded body, read or counted. */
export type RequestBody =
  { kind: BodyKind; bytes: Uint8Array<ArrayBuffer> } | { kind: "upload"; stream: Readable } | null;

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

export function bodyKind(req: Request): BodyKind {
  if (req.path.startsWith("/api/trpc/") || req.path === "/api/trpc") return "api";
  // The demo's fake Google APIs (FAKE_GOOGLE, server/app.ts) take Gmail's batches: multipart/mixed
  // bodies from our own sync, bounded like an API request, not forms.
  if (req.path.startsWith("/dev/fake-google-apis/")) return "api";
  // Likewise the fake Salesforce REST API and the fake Outreach API (JSON:API's own content type).
  if (req.path.startsWith("/dev/fake-salesforce/services/data/")) return "api";
  if (req.path === "/dev/fake-outreach/api/v2" || req.path.startsWith("/dev/fake-outreach/api/v2/")) return "api";
  // Stripe's webhooks post JSON, read raw for the signature check (app/routes/webhooks.stripe.ts).
  if (req.path === "/webhooks/stripe") return "api";
  if (req.method === "POST" && UPLOAD_PATHS.has(req.path)) return "upload";
  return "form";
}

const LIMITS: Record<BodyKind, number> = { api: API_BODY_BYTES, form: FORM_BODY_BYTES, upload: UPLOAD_BODY_BYTES };

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

const TOO_LARGE_MESSAGES: Record<BodyKind, string> = {
  api: `This request is larger than ${megabytes(API_BODY_BYTES)}, the most the API takes in one request.`,
  form: `This form is larger than ${megabytes(FORM_BODY_BYTES)}, the most a form may send. Shorten the longest text and try again.`,
  upload: `That file is larger than ${megabytes(WORKSPACE_UPLOAD_BYTES)}, the most one import takes. Split the workspace into smaller files and import them one after another.`,
};

export const NOT_A_FORM =
  "This address takes a form (application/x-www-form-urlencoded or multipart/form-data), and what was sent is not one.";

/** Whether the request carries a body at all (RFC 9112: Transfer-Encoding or a non-zero Content-Length). */
function carriesBody(req: Request): boolean {
  if (req.headers["transfer-encoding"] !== undefined) return true;
  const length = req.headers["content-length"];
  return length !== undefined && length !== "0";
}

function mediaType(req: Request): string {
  return (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

export function bodyLimit(): RequestHandler {
  return (req, res, next) => {
    res.locals.body = null;
    if (SAFE_METHODS.has(req.method)) return next();
    const kind = bodyKind(req);
    const limit = LIMITS[kind];
    // Node has already refused a Content-Length that is not a number; here it is one.
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) return refuseTooLarge(req, res, kind);
    const type = mediaType(req);
    // Page actions read forms (request.formData()): anything else, JSON included, is the client's
    // mistake, not a reason for a 500. No page posts JSON (no fetcher or submit uses an encType
    // other than a form's). An empty POST with no type at all is an empty form.
    if (kind !== "api" && type !== "" && !FORM_TYPES.includes(type)) return refuse(req, res, 400, NOT_A_FORM);
    if (kind === "upload") {
      if (carriesBody(req)) res.locals.body = { kind, stream: countedStream(req, res, limit) };
      return next();
    }
    if (!carriesBody(req) && (kind === "api" || type === "")) return next();
    readWhole(req, limit).then(
      async (bytes) => {
        if (!bytes) return refuseTooLarge(req, res, kind);
        if (kind === "form" && !(await parsesAsForm(bytes, req.get("content-type") ?? ""))) {
          return refuse(req, res, 400, NOT_A_FORM);
        }
        res.locals.body = { kind, bytes };
        next();
      },
      // The client went away mid-body: there is no one left to answer.
      () => req.destroy(),
    );
  };
}

/** The body, or null as soon as it passes `limit` (the rest is left unread). */
function readWhole(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      resolve(bytes);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error("The client closed the connection mid-body."));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}

/** A malformed multipart body (a bad boundary) would make every action's formData() throw. */
async function parsesAsForm(bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<boolean> {
  try {
    await new Response(bytes, { headers: { "Content-Type": contentType } }).formData();
    return true;
  } catch {
    return false;
  }
}

/** The request body as a stream that fails with BodyTooLargeError once it passes `limit`. */
function countedStream(req: Request, res: Response, limit: number): Readable {
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.byteLength;
      if (size <= limit) return callback(null, chunk);
      req.unpipe(counter);
      res.locals.bodyTooLarge = true;
      closeAfterAnswer(req, res);
      callback(new BodyTooLargeError(limit));
    },
  });
  req.on("aborted", () => counter.destroy(new Error("The client closed the connection mid-body.")));
  return req.pipe(counter);
}

function refuseTooLarge(req: Request, res: Response, kind: BodyKind): void {
  res.locals.bodyTooLarge = true;
  refuse(req, res, 413, TOO_LARGE_MESSAGES[kind]);
}

/** The 413 for a body that a later reader found too large (a counted upload), if nobody answered yet. */
export function answerBodyTooLarge(req: Request, res: Response): void {
  refuse(req, res, 413, TOO_LARGE_MESSAGES[bodyKind(req)]);
}

function refuse(req: Request, res: Response, status: 400 | 413, message: string): void {
  logger().info(
    { requestId: res.locals.requestId, method: req.method, path: req.path, status },
    "request body refused",
  );
  closeAfterAnswer(req, res);
  res.status(status).type("text/plain").send(message);
}

/**
 * Ends the connection once our answer is out, without reading the rest of a body we refused. We
 * read and drop a little more first: closing a socket with unread data makes the kernel send a
 * reset, and a client still sending would lose our answer to it.
 */
function closeAfterAnswer(req: Request, res: Response): void {
  if (!res.headersSent) res.setHeader("Connection", "close");
  let drained = 0;
  const drop = (chunk: Buffer) => {
    drained += chunk.byteLength;
    if (drained > DRAIN_BYTES) req.socket.destroy();
  };
  res.once("finish", () => {
    if (req.complete) return;
    req.on("data", drop);
    req.resume();
    // A client that stops sending without closing is not waited for.
    setTimeout(() => req.socket.destroy(), 2_000).unref();
  });
}

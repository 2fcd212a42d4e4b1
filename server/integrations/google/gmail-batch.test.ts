// The batch call's wire format against a server on loopback that answers hand-written multipart
// bodies, so what Google may send (parts out of order, LF line ends, a part that is not HTTP, a part
// missing, something that is not multipart at all) is tried byte for byte.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TemporaryProviderError } from "../errors";
import { GoogleApiHttpError } from "./api-errors";
import { batchGetMessages, splitMultipart } from "./gmail-batch";

type Seen = { method: string; url: string; headers: IncomingMessage["headers"]; body: string };
let seen: Seen | null = null;
let answer: { status: number; contentType: string; body: string; headers?: Record<string, string> };
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      res.writeHead(answer.status, { "Content-Type": answer.contentType, ...answer.headers });
      res.end(answer.body);
    });
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const call = (ids: string[]) =>
  batchGetMessages({ rootUrl: base, accessToken: "ya29.batch", ids, signal: new AbortController().signal });

const inner = (contentId: string | null, http: string, eol = "\r\n") =>
  `--b1${eol}Content-Type: application/http${eol}${contentId ? `Content-ID: ${contentId}${eol}` : ""}${eol}${http}${eol}`;

const ok = (json: unknown) =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(json)}`;

describe("Gmail batch call", () => {
  it("sends Google's documented request: POST /batch/gmail/v1, multipart/mixed, one application/http GET per id", async () => {
    answer = {
      status: 200,
      contentType: "multipart/mixed; boundary=b1",
      body: inner("<response-item-0>", ok({ id: "a" })) + inner("<response-item-1>", ok({ id: "b/c" })) + "--b1--\r\n",
    };
    const answers = await call(["a", "b/c"]);
    expect(answers).toEqual([
      { status: 200, body: { id: "a" }, retryAfter: null },
      { status: 200, body: { id: "b/c" }, retryAfter: null },
    ]);
    expect(seen!.method).toBe("POST");
    expect(seen!.url).toBe("/batch/gmail/v1");
    expect(seen!.headers.authorization).toBe("Bearer ya29.batch");
    const boundary = /^multipart\/mixed; boundary=(\S+)$/.exec(seen!.headers["content-type"]!)?.[1];
    expect(boundary).toMatch(/^batch_\w+$/);
    expect(seen!.body).toBe(
      `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item-0>\r\n\r\n` +
        `GET /gmail/v1/users/me/messages/a?format=full\r\n\r\n` +
        `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item-1>\r\n\r\n` +
        `GET /gmail/v1/users/me/messages/b%2Fc?format=full\r\n\r\n` +
        `--${boundary}--\r\n`,
    );
  });

  it("pairs answers by Content-ID whatever their order, keeps each status and Retry-After, reads LF line ends", async () => {
    answer = {
      status: 200,
      contentType: 'multipart/mixed; boundary="b1"',
      body:
        "preamble to ignore\n" +
        inner(
          "<response-item-2>",
          'HTTP/1.1 429 Too Many Requests\nRetry-After: 12\nContent-Type: application/json\n\n{"error":{"code":429}}',
          "\n",
        ) +
        inner("<response-item-0>", ok({ id: "x" }).replace(/\r\n/g, "\n"), "\n") +
        inner("<response-item-1>", "HTTP/1.1 404 Not Found\n\n", "\n") +
        "--b1--\nepilogue",
    };
    expect(await call(["x", "y", "z"])).toEqual([
      { status: 200, body: { id: "x" }, retryAfter: null },
      { status: 404, body: undefined, retryAfter: null },
      { status: 429, body: { error: { code: 429 } }, retryAfter: "12" },
    ]);
  });

  it("a part that is not an HTTP response, or not JSON, answers a body the caller's zod check refuses", async () => {
    answer = {
      status: 200,
      contentType: "multipart/mixed; boundary=b1",
      body:
        inner("<response-item-0>", "garbage without a status line") +
        inner("<response-item-1>", "HTTP/1.1 200 OK\r\n\r\n{not json") +
        inner(null, ok({ id: "third" })) +
        "--b1--\r\n",
    };
    expect(await call(["one", "two", "three"])).toEqual([
      { status: 200, body: undefined, retryAfter: null },
      { status: 200, body: undefined, retryAfter: null },
      { status: 200, body: { id: "third" }, retryAfter: null },
    ]);
  });

  it("a call left unanswered, or an answer that is not multipart, fails the batch as temporary", async () => {
    answer = {
      status: 200,
      contentType: "multipart/mixed; boundary=b1",
      body: inner("<response-item-0>", ok({ id: "a" })) + "--b1--\r\n",
    };
    await expect(call(["a", "b"])).rejects.toBeInstanceOf(TemporaryProviderError);
    // Cut short: no close delimiter, the last part may be partial and is not used.
    answer.body = inner("<response-item-0>", ok({ id: "a" })) + inner("<response-item-1>", ok({ id: "b" }));
    await expect(call(["a", "b"])).rejects.toBeInstanceOf(TemporaryProviderError);
    answer = { status: 200, contentType: "application/json", body: "{}" };
    await expect(call(["a"])).rejects.toBeInstanceOf(TemporaryProviderError);
  });

  it("a non-2xx answer to the whole batch is Google's error, with its reason and Retry-After", async () => {
    answer = {
      status: 429,
      contentType: "application/json",
      headers: { "Retry-After": "30" },
      body: JSON.stringify({ error: { code: 429, message: "slow down", errors: [{ reason: "rateLimitExceeded" }] } }),
    };
    const error = await call(["a"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoogleApiHttpError);
    expect(error).toMatchObject({ status: 429, reasons: ["rateLimitExceeded"], retryAfter: "30" });
  });

  it("refuses more than 100 ids before sending anything, and sends nothing for none", async () => {
    seen = null;
    await expect(call(Array.from({ length: 101 }, (_, i) => `m${i}`))).rejects.toBeInstanceOf(RangeError);
    expect(await call([])).toEqual([]);
    expect(seen).toBeNull();
  });

  it("leaves no abort listener on the caller's signal", async () => {
    answer = {
      status: 200,
      contentType: "multipart/mixed; boundary=b1",
      body: inner("<response-item-0>", ok({ id: "a" })) + "--b1--\r\n",
    };
    const controller = new AbortController();
    const added: string[] = [];
    const removed: string[] = [];
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, ...rest: [EventListener, AddEventListenerOptions?]) => {
      added.push(type);
      add(type, ...rest);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, ...rest: [EventListener]) => {
      removed.push(type);
      remove(type, ...rest);
    }) as typeof signal.removeEventListener;
    for (let i = 0; i < 3; i += 1) await batchGetMessages({ rootUrl: base, accessToken: "t", ids: ["a"], signal });
    expect(added).toEqual(["abort", "abort", "abort"]);
    expect(removed).toEqual(["abort", "abort", "abort"]);
  });
});

describe("splitMultipart", () => {
  it("ignores preamble and epilogue, and a boundary string inside a part that does not start a line", () => {
    const text = "pre\r\n--q\r\nA: 1\r\n\r\nbody --q not a delimiter\r\n--q  \r\nB: 2\r\n\r\nsecond\r\n--q--\r\nafter";
    expect(splitMultipart(text, "q")).toEqual(["A: 1\r\n\r\nbody --q not a delimiter", "B: 2\r\n\r\nsecond"]);
  });
});

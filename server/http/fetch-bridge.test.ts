import { once } from "node:events";
import { connect, type AddressInfo } from "node:net";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startRemixTestServer } from "../../tests/helpers/remix-server";
import { sendFetchResponse } from "./fetch-bridge";

const CHUNK = 64 * 1024;
const TOTAL_CHUNKS = 3_200; // 200 MiB: far more than any socket buffer holds

/** A body of TOTAL_CHUNKS chunks that counts how many were pulled, and says when it is cancelled. */
function countingBody() {
  const state = { pulled: 0 };
  let onCancel = () => {};
  const cancelled = new Promise<void>((resolve) => (onCancel = resolve));
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulled += 1;
        controller.enqueue(new Uint8Array(CHUNK).fill(120));
        if (state.pulled === TOTAL_CHUNKS) controller.close();
      },
      cancel() {
        onCancel();
      },
    },
    { highWaterMark: 1 },
  );
  return { body, state, cancelled };
}

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

async function serve(handler: express.RequestHandler) {
  const app = express();
  app.get("/", handler);
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return (server.address() as AddressInfo).port;
}

/**
 * Waits until `read()` stops changing for `quietMs` (or `timeoutMs` passes), and returns its last value.
 * For proving that something stops: nothing signals "no more", so only a quiet period can show it.
 */
async function settled(read: () => number, quietMs = 300, timeoutMs = 20_000): Promise<number> {
  let last = read();
  let stableSince = Date.now();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = read();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) break;
  }
  return last;
}

describe("sending a streamed body (the workspace export's path through Express)", () => {
  it("pulls the body only as fast as the client reads it, and cancels it when the client leaves", async () => {
    const { body, state, cancelled } = countingBody();
    let settle: (error: unknown) => void = () => {};
    const sendError = new Promise<unknown>((resolve) => (settle = resolve));
    const port = await serve((_req, res) => {
      sendFetchResponse(res, new Response(body, { headers: { "Content-Type": "application/json" } })).then(
        () => settle(null),
        (error: unknown) => settle(error),
      );
    });
    // A client that sends the request and then reads nothing.
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    socket.pause();
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    const pulledWhileIdle = await settled(() => state.pulled);
    // Socket buffers on both sides hold a few MiB at most; without backpressure all 200 MiB is pulled.
    expect(pulledWhileIdle * CHUNK).toBeLessThan(32 * 1024 * 1024);
    expect(pulledWhileIdle).toBeLessThan(TOTAL_CHUNKS);

    socket.destroy();
    await cancelled;
    expect(state.pulled).toBeLessThan(TOTAL_CHUNKS);
    // The client leaving is not a failure on our side.
    expect(await sendError).toBeNull();
  });

  it("never weakens a signed-in page's no-store", async () => {
    const port = await serve((_req, res) => {
      res.setHeader("Cache-Control", "no-store");
      void sendFetchResponse(res, new Response("x", { headers: { "Cache-Control": "public, max-age=3600" } }));
    });
    expect((await fetch(`http://127.0.0.1:${port}/`)).headers.get("cache-control")).toBe("no-store");
  });

  it("sends the status, the route's headers over defaults, every cookie, and the whole body", async () => {
    const port = await serve((_req, res) => {
      res.setHeader("Cache-Control", "no-cache");
      const headers = new Headers({ "X-Kind": "lines", "Cache-Control": "no-store" });
      headers.append("Set-Cookie", "a=1");
      headers.append("Set-Cookie", "b=2");
      void sendFetchResponse(res, new Response("a\nb\n", { status: 201, headers }));
    });
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.status).toBe(201);
    expect(response.headers.get("x-kind")).toBe("lines");
    // The route's Cache-Control replaces the default (once, not twice); both cookies arrive.
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.text()).toBe("a\nb\n");
  });
});

describe("the request Remix gets is on APP_URL, whatever Host says", () => {
  let remix: Awaited<ReturnType<typeof startRemixTestServer>>;
  beforeAll(async () => {
    remix = await startRemixTestServer({ routes: { login: "login.tsx" }, env: { APP_URL: "http://app.test" } });
  });
  afterAll(async () => {
    await remix.close();
  });

  /** A raw request, so Host is exactly what we write (fetch would set its own). */
  async function raw(lines: string[], body = ""): Promise<{ status: number; text: string }> {
    const socket = connect(remix.port, "127.0.0.1");
    await once(socket, "connect");
    const head = [...lines, `Content-Length: ${Buffer.byteLength(body)}`, "Connection: close", "", ""].join("\r\n");
    socket.write(head + body);
    let text = "";
    for await (const chunk of socket) text += String(chunk);
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), text };
  }

  it("a form POST from APP_URL's origin through a proxy that did not pass Host on is answered, not a 500", async () => {
    const form = "email=someone%40example.test&password=wrong";
    const post = (host: string) =>
      raw(
        ["POST /login HTTP/1.1", host, "Origin: http://app.test", "Content-Type: application/x-www-form-urlencoded"],
        form,
      );
    const direct = await post("Host: app.test");
    // The form's own answer (no such account, 401), as for a request with the right Host.
    expect(direct.status).toBe(401);
    for (const host of [
      "Host: internal:3000",
      "Host: 127.0.0.1",
      "X-Forwarded-Host: other.example\r\nHost: app.test",
    ]) {
      const answer = await post(host);
      expect(answer.status, `${host}\n${answer.text}`).toBe(401);
      expect(answer.text).toContain("formError");
    }
  });

  it("still refuses a form POST from another origin (our check judges Origin, before Remix)", async () => {
    const answer = await raw([
      "POST /login HTTP/1.1",
      "Host: app.test",
      "Origin: https://evil.example",
      "Content-Type: application/x-www-form-urlencoded",
    ]);
    expect(answer.status).toBe(403);
  });

  it("answers a request line that is not a path of ours with 400", async () => {
    for (const target of ["http://evil.example/login", "*"]) {
      const answer = await raw([`GET ${target} HTTP/1.1`, "Host: app.test"]);
      expect(answer.status, target).toBe(400);
    }
  });
});

// The body-size policy and the non-form refusal, over real HTTP to real Remix routes and /api/trpc.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ONE_FILE, TOO_LARGE } from "../../app/routes/settings.data.server";
import { startRemixTestServer } from "../../tests/helpers/remix-server";
import { createUser, signIn } from "../../tests/helpers/users";
import { getDb } from "../db/client";
import { API_BODY_BYTES, FORM_BODY_BYTES, NOT_A_FORM, UPLOAD_BODY_BYTES } from "./body-limit";

let server: Awaited<ReturnType<typeof startRemixTestServer>>;
beforeAll(async () => {
  server = await startRemixTestServer({
    routes: {
      "forgot-password": "forgot-password.tsx",
      login: "login.tsx",
      logout: "logout.tsx",
      "accounts/new": "accounts.new.tsx",
      "settings/data": "settings.data.tsx",
    },
  });
});
afterAll(async () => {
  await server.close();
});

type Answer = { status: number; headers: IncomingHttpHeaders; body: string; sentBytes: number };

/**
 * Sends `headers` and then body chunks of `chunkBytes` (each written once the socket takes the
 * last) until the server answers or `giveUpBytes` have gone; returns the answer and how much was sent.
 * A server that reads the whole body first would only answer after `giveUpBytes`.
 */
function sendUntilAnswered(
  path: string,
  headers: Record<string, string>,
  options: { chunkBytes?: number; giveUpBytes: number },
): Promise<Answer> {
  const chunk = Buffer.alloc(options.chunkBytes ?? 64 * 1024, "a");
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const req = httpRequest(`${server.url}${path}`, { method: "POST", headers });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (text: string) => (body += text));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sentBytes }));
      res.on("error", reject);
    });
    // Once answered, the server may close the socket under our remaining writes: that is the point.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const write = () => {
      while (!answered && sentBytes < options.giveUpBytes) {
        sentBytes += chunk.byteLength;
        if (!req.write(chunk)) {
          req.once("drain", write);
          return;
        }
      }
      if (!answered) req.end();
    };
    write();
  });
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };

describe("one body-size policy before anything reads a body", () => {
  it("refuses a form whose Content-Length is over the cap with 413 at once, without waiting for the body", async () => {
    const answer = await sendUntilAnswered(
      "/forgot-password",
      // 1 GB declared; we send nothing until answered (giveUpBytes 0, then the request stays open).
      { ...FORM, "content-length": String(1024 ** 3) },
      { giveUpBytes: 0 },
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toMatch(/This form is larger than 512 KB/);
    expect(answer.headers.connection).toBe("close");
  });

  it("cuts a streamed (chunked) form off just past the cap: 413 while the client is still sending", async () => {
    const answer = await sendUntilAnswered(
      "/forgot-password",
      { ...FORM, "transfer-encoding": "chunked" },
      {
        giveUpBytes: 64 * FORM_BODY_BYTES,
      },
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toMatch(/larger than 512 KB/);
    // Answered long before the client gave up: the server stopped at the cap, it did not read it all.
    expect(answer.sentBytes).toBeLessThan(16 * FORM_BODY_BYTES);
  });

  it("takes a form under the cap (the longest text a form carries fits)", async () => {
    // 50,000 characters outside Latin-1, url-encoded: the largest field (a message body) at its worst.
    const body = new URLSearchParams({ email: `${"界".repeat(50_000)}@example.test` }).toString();
    expect(body.length).toBeLessThan(FORM_BODY_BYTES);
    const response = await fetch(`${server.url}/forgot-password`, { method: "POST", headers: FORM, body });
    expect(response.status).toBe(400); // the form's own answer: not an email address
    expect(await response.json()).toMatchObject({ actionData: { "routes/forgot-password": { fieldErrors: {} } } });
  });

  it("caps /api/trpc at 1 MB, declared or streamed", async () => {
    const declared = await sendUntilAnswered(
      "/api/trpc/accounts.create",
      { "content-type": "application/json", "content-length": String(API_BODY_BYTES + 1) },
      { giveUpBytes: 0 },
    );
    expect(declared.status).toBe(413);
    expect(declared.body).toMatch(/larger than 1 MB/);
    const streamed = await sendUntilAnswered(
      "/api/trpc/accounts.create",
      { "content-type": "application/json", "transfer-encoding": "chunked" },
      { giveUpBytes: 64 * API_BODY_BYTES },
    );
    expect(streamed.status).toBe(413);
    expect(streamed.sentBytes).toBeLessThan(16 * API_BODY_BYTES);
  });

  it("gives the import its own cap, streamed, with the import's own message", async () => {
    const db = await getDb();
    const { cookie } = await signIn(db, (await createUser(db)).id);
    const multipart = { "content-type": "multipart/form-data; boundary=b", cookie };
    const declared = await sendUntilAnswered(
      "/settings/data",
      { ...multipart, "content-length": String(UPLOAD_BODY_BYTES + 1) },
      { giveUpBytes: 0 },
    );
    expect(declared.status).toBe(413);
    expect(declared.body).toBe(TOO_LARGE);
    // A streamed file part that never ends: cut off at the cap, answered by the import page.
    const head = '--b\r\nContent-Disposition: form-data; name="file"; filename="w.json"\r\n\r\n';
    const streamed = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(`${server.url}/settings/data`, {
        method: "POST",
        headers: { ...multipart, "transfer-encoding": "chunked" },
      });
      let sentBytes = 0;
      let answered = false;
      const chunk = Buffer.alloc(256 * 1024, " ");
      req.on("response", (res) => {
        answered = true;
        let body = "";
        res.on("data", (text: Buffer) => (body += text.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sentBytes }));
      });
      req.on("error", (error) => {
        if (!answered) reject(error);
      });
      req.write(head);
      const write = () => {
        while (!answered && sentBytes < 4 * UPLOAD_BODY_BYTES) {
          sentBytes += chunk.byteLength;
          if (!req.write(chunk)) return void req.once("drain", write);
        }
        if (!answered) req.end();
      };
      write();
    });
    expect(streamed.status).toBe(413);
    expect(streamed.body).toContain("That file is larger than 50 MB");
    expect(streamed.sentBytes).toBeLessThan(2 * UPLOAD_BODY_BYTES);
  });

  it("takes exactly one file part in an import: a second file or a field the form lacks is a 400", async () => {
    const db = await getDb();
    const { cookie } = await signIn(db, (await createUser(db)).id);
    const twoFiles = new FormData();
    twoFiles.append("file", new File(["{}"], "a.json"));
    twoFiles.append("file", new File(["{}"], "b.json"));
    const otherFile = new FormData();
    otherFile.append("file", new File(["{}"], "a.json"));
    otherFile.append("extra", new File(["x".repeat(1024)], "b.bin"));
    const otherField = new FormData();
    otherField.append("padding", "x");
    otherField.append("file", new File(["{}"], "a.json"));
    for (const body of [twoFiles, otherFile, otherField]) {
      const response = await fetch(`${server.url}/settings/data`, { method: "POST", headers: { cookie }, body });
      expect(response.status).toBe(400);
      const page = (await response.json()) as { actionData: Record<string, unknown> };
      expect(page.actionData["routes/settings.data"]).toEqual({ outcome: "refused", formError: ONE_FILE });
    }
  });
});

describe("a page action sent something that is not a form", () => {
  const notForms: [string, RequestInit][] = [
    ["JSON", { headers: { "content-type": "application/json" }, body: '{"email":"a@example.test"}' }],
    ["text", { headers: { "content-type": "text/plain" }, body: "email=a@example.test" }],
    ["a body with no type", { body: new Blob(["email=a"]) }],
    ["multipart without a boundary", { headers: { "content-type": "multipart/form-data" }, body: "--x--" }],
    ["broken multipart", { headers: { "content-type": "multipart/form-data; boundary=x" }, body: "not multipart" }],
    ["empty multipart", { headers: { "content-type": "multipart/form-data; boundary=x" } }],
    ["JSON with no body", { headers: { "content-type": "application/json" } }],
  ];

  it.each(notForms)("answers 400 with a message for %s, on the page and its single-fetch URL", async (_name, init) => {
    for (const path of ["/login", "/login.data", "/accounts/new", "/logout"]) {
      const response = await fetch(`${server.url}${path}`, { method: "POST", ...init });
      expect(response.status, path).toBe(400);
      expect(await response.text(), path).toBe(NOT_A_FORM);
    }
  });

  it("treats an empty POST as an empty form: the action answers what is missing", async () => {
    const login = await fetch(`${server.url}/login`, { method: "POST" });
    expect(login.status).toBe(400);
    expect(await login.json()).toMatchObject({
      actionData: { "routes/login": { fieldErrors: { email: expect.any(String) } } },
    });
    const logout = await fetch(`${server.url}/logout`, { method: "POST", redirect: "manual" });
    expect(logout.status).toBe(302);
  });
});

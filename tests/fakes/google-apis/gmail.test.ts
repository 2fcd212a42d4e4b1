// The fake Gmail's wire format, read with plain fetch the way Google documents it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gmailRouter, GmailStore } from "./gmail";
import { FakeGoogleApis, listenOnLoopback } from "./index";
import { demoGmailStore, generateMailbox } from "./mailbox";

const OWNER = { email: "seller@seller.example", name: "Sam Seller" };
const NOW = new Date("2026-12-01T12:00:00Z");
const store = new GmailStore(OWNER.email, { emptyPageEvery: 0 });
store.seed(
  generateMailbox({
    seed: 5,
    owner: OWNER,
    colleagues: [{ email: "kim@seller.example", name: "Kim" }],
    counterparts: [{ email: "ana@customer.example", name: "Ana" }],
    messageCount: 520,
    days: 100,
    now: NOW,
  }),
);
let server: Awaited<ReturnType<typeof listenOnLoopback>>;
let apis: FakeGoogleApis;

beforeAll(async () => {
  apis = new FakeGoogleApis((token) =>
    token === "good" ? { email: OWNER.email, scopes: ["https://www.googleapis.com/auth/gmail.readonly"] } : null,
  );
  apis.mount(
    "/gmail/v1",
    gmailRouter((email) => (email === OWNER.email ? store : undefined)),
  );
  server = await listenOnLoopback(apis.router());
});
afterAll(() => server.close());

async function get(path: string, token = "good") {
  const response = await fetch(`${server.base}/gmail/v1/users/${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("fake Gmail", () => {
  it("answers the profile with the mailbox's historyId as a string", async () => {
    const { status, body } = await get("me/profile");
    expect(status).toBe(200);
    expect(body).toEqual({
      emailAddress: OWNER.email,
      messagesTotal: 520,
      threadsTotal: 520,
      historyId: String(store.historyId),
    });
  });

  it("lists newest first, leaves out spam and trash unless asked, and filters by after:/before: and labels", async () => {
    const all = await get("me/messages?maxResults=500");
    const ids = (all.body.messages as { id: string }[]).map((m) => m.id);
    expect(ids.length).toBe(500);
    expect(all.body.nextPageToken).toEqual(expect.any(String));
    expect(ids).toEqual(store.ids((e) => !e.labelIds.includes("SPAM") && !e.labelIds.includes("TRASH")).slice(0, 500));
    const withSpam = await get("me/messages?maxResults=500&includeSpamTrash=true");
    expect((withSpam.body.messages as unknown[]).length).toBe(500);

    const after = Math.floor((NOW.getTime() - 10 * 86_400_000) / 1000);
    const recent = await get(`me/messages?q=${encodeURIComponent(`after:${after}`)}&maxResults=500`);
    const expected = store.ids(
      (e) => e.internalDate >= after * 1000 && !e.labelIds.includes("SPAM") && !e.labelIds.includes("TRASH"),
    );
    expect((recent.body.messages as { id: string }[]).map((m) => m.id)).toEqual(expected);
    expect(recent.body.nextPageToken).toBeUndefined();

    const byDate = await get(`me/messages?q=${encodeURIComponent("before:2026/09/01")}&maxResults=500`);
    for (const { id } of byDate.body.messages as { id: string }[]) {
      expect(store.message(id)!.internalDate).toBeLessThan(Date.UTC(2026, 8, 1));
    }
    const sent = await get("me/messages?labelIds=SENT&maxResults=500");
    for (const { id } of sent.body.messages as { id: string }[]) expect(store.message(id)!.labelIds).toContain("SENT");
  });

  it("serves formats full, metadata, minimal and raw, and 404 for an unknown id", async () => {
    const [id] = store.ids();
    const full = await get(`me/messages/${id}?format=full`);
    expect(full.body).toMatchObject({ id, payload: { mimeType: expect.any(String), headers: expect.any(Array) } });
    const metadata = await get(`me/messages/${id}?format=metadata&metadataHeaders=Subject`);
    expect((metadata.body.payload as { headers: { name: string }[] }).headers.map((h) => h.name)).toEqual(["Subject"]);
    const minimal = await get(`me/messages/${id}?format=minimal`);
    expect(minimal.body.payload).toBeUndefined();
    const raw = await get(`me/messages/${id}?format=raw`);
    expect(Buffer.from(raw.body.raw as string, "base64url").toString()).toMatch(/^From: |\r\nSubject: /m);
    const missing = await get("me/messages/ffffffffffffffff");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 404, message: "Requested entity was not found." } });
  });

  it("pages history and answers 404 for a start older than it keeps; 400 without startHistoryId", async () => {
    const start = store.historyId;
    const added = store.addMessage({
      labelIds: ["INBOX"],
      internalDate: NOW.getTime(),
      payload: store.message(store.ids()[0]!)!.payload,
    });
    store.addLabels(added, ["TRASH"]);
    store.deleteMessage(added);
    const history = await get(
      `me/history?startHistoryId=${start}&historyTypes=messageAdded&historyTypes=messageDeleted`,
    );
    expect(history.body.historyId).toBe(String(store.historyId));
    const records = history.body.history as Record<string, unknown>[];
    expect(records.map((r) => Object.keys(r).filter((k) => k !== "id" && k !== "messages"))).toEqual([
      ["messagesAdded"],
      ["messagesDeleted"],
    ]);
    expect((await get("me/history")).status).toBe(400);
    store.expireHistoryBefore(store.historyId);
    expect((await get(`me/history?startHistoryId=${start}`)).status).toBe(404);
  });

  it("refuses another user's mailbox and an unknown token like Google", async () => {
    expect((await get("someone-else@seller.example/profile")).status).toBe(403);
    const unauthorised = await get("me/profile", "bad");
    expect(unauthorised.status).toBe(401);
  });

  it("builds the demo mailbox with the demo workspace's prospects", async () => {
    const demo = await demoGmailStore({ email: "alex@northbeam.example", name: "Alex Morgan" }, NOW);
    expect(demo.messageCount).toBe(400);
    const senders = demo.ids().flatMap((id) =>
      demo
        .message(id)!
        .payload.headers.filter((h) => h.name === "From")
        .map((h) => h.value),
    );
    expect(senders.some((from) => /@(?!northbeam)[a-z-]+\.example>$/.test(from))).toBe(true);
  });
});

/** A batch body as Google documents it, with the given inner request lines. */
function batchBody(boundary: string, requestLines: string[]) {
  return (
    requestLines
      .map(
        (line, i) =>
          `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item${i}:x@example>\r\n\r\n${line}\r\n\r\n`,
      )
      .join("") + `--${boundary}--\r\n`
  );
}

async function postBatch(requestLines: string[], token = "good") {
  const response = await fetch(`${server.base}/batch/gmail/v1`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "multipart/mixed; boundary=zz_b" },
    body: batchBody("zz_b", requestLines),
  });
  return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
}

describe("fake Gmail: the batch endpoint", () => {
  it("answers each inner request like the single call, in order, with response- Content-IDs", async () => {
    const [a, b] = store.ids();
    apis.requests.length = 0;
    const batch = await postBatch([
      `GET /gmail/v1/users/me/messages/${a}?format=full HTTP/1.1`,
      `GET /gmail/v1/users/me/messages/ffffffffffffffff`,
      `GET /gmail/v1/users/me/messages/${b}?format=minimal`,
      `GET /gmail/v1/users/me/profile`,
    ]);
    expect(batch.status).toBe(200);
    const boundary = /^multipart\/mixed; boundary=(\S+)$/.exec(batch.type)?.[1];
    expect(boundary).toBeTruthy();
    const parts = batch.text.split(`--${boundary}`);
    expect(parts.at(-1)).toBe("--\r\n");
    const inner = parts.slice(1, -1).map((part) => {
      const [mime, http] = part.split("\r\n\r\n", 2) as [string, string];
      const statusLine = http.split("\r\n")[0]!;
      const body = JSON.parse(part.slice(part.indexOf("\r\n\r\n", mime.length + 4) + 4)) as Record<string, unknown>;
      return { mime, statusLine, body };
    });
    expect(inner.map((p) => p.statusLine)).toEqual([
      "HTTP/1.1 200 OK",
      "HTTP/1.1 404 Not Found",
      "HTTP/1.1 200 OK",
      "HTTP/1.1 200 OK",
    ]);
    expect(inner.map((p) => /Content-ID: (\S+)/.exec(p.mime)?.[1])).toEqual([
      "<response-item0:x@example>",
      "<response-item1:x@example>",
      "<response-item2:x@example>",
      "<response-item3:x@example>",
    ]);
    for (const p of inner) expect(p.mime).toMatch(/^\r\nContent-Type: application\/http\r\n/);
    // The same answers as the single calls.
    expect(inner[0]!.body).toEqual((await get(`me/messages/${a}?format=full`)).body);
    expect(inner[1]!.body).toEqual((await get("me/messages/ffffffffffffffff")).body);
    expect(inner[2]!.body).toEqual((await get(`me/messages/${b}?format=minimal`)).body);
    expect(inner[3]!.body).toMatchObject({ emailAddress: OWNER.email });
    // Each inner request is in the log as well as the batch itself.
    expect(apis.requests.slice(0, 5).map((r) => [r.inBatch, r.path, r.status])).toEqual([
      [true, `/gmail/v1/users/me/messages/${a}`, 200],
      [true, "/gmail/v1/users/me/messages/ffffffffffffffff", 404],
      [true, `/gmail/v1/users/me/messages/${b}`, 200],
      [true, "/gmail/v1/users/me/profile", 200],
      [false, "/batch/gmail/v1", 200],
    ]);
  });

  it("refuses more than 100 inner requests, a bad token once for the whole batch, and another API", async () => {
    const [a] = store.ids();
    const many = await postBatch(Array.from({ length: 101 }, () => `GET /gmail/v1/users/me/messages/${a}`));
    expect(many.status).toBe(400);
    expect(JSON.parse(many.text)).toMatchObject({ error: { code: 400 } });
    expect((await postBatch(Array.from({ length: 100 }, () => `GET /gmail/v1/users/me/messages/${a}`))).status).toBe(
      200,
    );
    const unauthorised = await postBatch([`GET /gmail/v1/users/me/messages/${a}`], "bad");
    expect(unauthorised.status).toBe(401);
    expect(JSON.parse(unauthorised.text)).toMatchObject({ error: { code: 401 } });
    const elsewhere = await postBatch(["GET /calendar/v3/users/me/calendarList"]);
    expect(elsewhere.text).toContain("HTTP/1.1 400 Bad Request");
  });

  it("injected faults hit inner requests (a 429 inside a 200 batch) or the whole batch", async () => {
    const [a, b] = store.ids();
    apis.injectFault({ pathPrefix: "/gmail/v1/users/me/messages/", status: 429, retryAfterSeconds: 5 });
    const some = await postBatch([`GET /gmail/v1/users/me/messages/${a}`, `GET /gmail/v1/users/me/messages/${b}`]);
    expect(some.status).toBe(200);
    expect(some.text).toMatch(/HTTP\/1\.1 429 Too Many Requests\r\n(?:[^\r]+\r\n)*Retry-After: 5\r\n/);
    expect(some.text).toContain("HTTP/1.1 200 OK");
    apis.injectFault({ pathPrefix: "/batch/gmail/v1", status: 503, reason: "backendError" });
    const whole = await postBatch([`GET /gmail/v1/users/me/messages/${a}`]);
    expect(whole.status).toBe(503);
  });
});

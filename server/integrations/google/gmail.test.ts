// The Gmail provider against the fake Gmail API on loopback: real HTTP through Google's official
// client, a deterministic mailbox, and the engine's loop (step until caught up) written out here.
import { inspect } from "node:util";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { gmailRouter, GmailStore, type GmailMessagePart } from "../../../tests/fakes/google-apis/gmail";
import { FakeGoogleApis, listenOnLoopback, type GoogleApiCaller } from "../../../tests/fakes/google-apis/index";
import { generateMailbox } from "../../../tests/fakes/google-apis/mailbox";
import { AccessTokenRejectedError, CursorExpiredError, ProviderAuthError, TemporaryProviderError } from "../errors";
import type { SkippedItem, SyncChange, SyncCursor, SyncProvider, SyncStep, SyncWindow } from "../types";
import { createGmailProvider } from "./gmail";

const NOW = new Date("2026-12-01T12:00:00Z");
const OWNER = { email: "seller@seller.example", name: "Sam Seller" };
const TOKEN = "ya29.test-token";
const GMAIL_SCOPE = "https://www.googleapis.com/auth/gmail.readonly";
const window: SyncWindow = {
  mailSince: new Date(NOW.getTime() - 90 * 86_400_000),
  calendarFrom: new Date(NOW.getTime() - 90 * 86_400_000),
  calendarTo: new Date(NOW.getTime() + 180 * 86_400_000),
};

const tokens = new Map<string, GoogleApiCaller>();
let store: GmailStore;
let apis: FakeGoogleApis;
let server: Awaited<ReturnType<typeof listenOnLoopback>>;
let provider: SyncProvider;

function mailbox(messageCount: number, days = 120) {
  return generateMailbox({
    seed: 2026,
    owner: OWNER,
    colleagues: [{ email: "kim@seller.example", name: "Kim Colleague" }],
    counterparts: [
      { email: "ana@customer.example", name: "Ana Silva" },
      { email: "bo@bigco.example", name: "Bo Berg" },
    ],
    messageCount,
    days,
    now: NOW,
  });
}

async function start(messageCount: number, options: { emptyPageEvery?: number } = {}) {
  store = new GmailStore(OWNER.email, { emptyPageEvery: options.emptyPageEvery ?? 3 });
  store.seed(mailbox(messageCount));
  apis = new FakeGoogleApis((token) => tokens.get(token) ?? null);
  apis.mount(
    "/gmail/v1",
    gmailRouter((email) => (email === OWNER.email ? store : undefined)),
  );
  server = await listenOnLoopback(apis.router());
  provider = createGmailProvider({ rootUrl: server.base });
}

beforeEach(() => {
  tokens.clear();
  tokens.set(TOKEN, { email: OWNER.email, scopes: [GMAIL_SCOPE] });
});
afterEach(async () => {
  await server?.close();
});
afterAll(() => tokens.clear());

const step = (cursor: SyncCursor | null, accessToken = TOKEN) =>
  provider.step({ accessToken, cursor, window, now: NOW, signal: new AbortController().signal });

/** What the engine does: steps until the provider is caught up, collecting everything. */
async function syncUntilCaughtUp(cursor: SyncCursor | null, onStep?: (step: SyncStep, index: number) => void) {
  const changes: SyncChange[] = [];
  const skipped: SkippedItem[] = [];
  const steps: SyncStep[] = [];
  let current = cursor;
  for (let i = 0; i < 1_000; i += 1) {
    const result = await step(current);
    onStep?.(result, i);
    steps.push(result);
    changes.push(...result.changes);
    skipped.push(...result.skipped);
    current = result.cursor;
    if (result.caughtUp) return { changes, skipped, steps, cursor: current };
  }
  throw new Error("never caught up");
}

function plainMessage(subject: string, body: string, extra: { labelIds?: string[]; threadId?: string } = {}) {
  const payload: GmailMessagePart = {
    partId: "",
    mimeType: "text/plain",
    filename: "",
    headers: [
      { name: "From", value: "Ana Silva <ana@customer.example>" },
      { name: "To", value: OWNER.email },
      { name: "Subject", value: subject },
      { name: "Date", value: "Tue, 01 Dec 2026 11:00:00 +0000" },
      { name: "Message-ID", value: `<${subject.replace(/\W/g, "")}@customer.example>` },
      { name: "Content-Type", value: 'text/plain; charset="utf-8"' },
    ],
    body: { size: Buffer.byteLength(body), data: Buffer.from(body).toString("base64url") },
  };
  return {
    labelIds: extra.labelIds ?? ["INBOX"],
    internalDate: NOW.getTime() - 3_600_000,
    payload,
    threadId: extra.threadId,
  };
}

const emailIds = (changes: SyncChange[]) => changes.flatMap((c) => (c.kind === "email" ? [c.externalId] : []));
const removedIds = (changes: SyncChange[]) =>
  changes.flatMap((c) => (c.kind === "email_removed" ? [c.externalId] : []));

describe("Gmail provider: full sync", () => {
  it("reads every message of the window over many pages, following empty pages, then hands over to history", async () => {
    await start(420);
    const profileHistoryId = String(store.historyId);
    const inWindow = new Set(
      store.ids(
        (entry) =>
          entry.internalDate >= window.mailSince.getTime() &&
          !entry.labelIds.some((l) => l === "SPAM" || l === "TRASH"),
      ),
    );
    const all = store.ids();
    expect(inWindow.size).toBeGreaterThan(250);
    expect(inWindow.size).toBeLessThan(all.length);

    const progress: { done: number; total: number | null }[] = [];
    const run = await syncUntilCaughtUp(null, (result) => {
      expect(result.changes.length + result.skipped.length).toBeLessThanOrEqual(100);
      if (result.progress) progress.push(result.progress);
    });
    const seen = [...emailIds(run.changes), ...run.skipped.map((s) => s.externalId)];
    expect(new Set(seen)).toEqual(inWindow);
    expect(seen.length).toBe(inWindow.size); // each exactly once
    expect(removedIds(run.changes)).toEqual([]);
    // Whatever was skipped was skipped for a reason the generator meant (no From, no body text).
    for (const item of run.skipped) expect(["missing_field", "malformed", "too_large"]).toContain(item.reason);

    // Full-sync steps report "full" and progress; the last full step hands over to incremental.
    const fullSteps = run.steps.filter((s) => s.mode === "full");
    expect(fullSteps.length).toBeGreaterThanOrEqual(Math.ceil(inWindow.size / 100));
    expect(fullSteps.at(-1)!.cursor).toEqual({ mode: "incremental", historyId: profileHistoryId, pageToken: null });
    expect(fullSteps.at(-1)!.caughtUp).toBe(false);
    expect(progress.at(-1)).toEqual({ done: inWindow.size, total: inWindow.size });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(run.steps.at(-1)!).toMatchObject({ mode: "incremental", caughtUp: true, changes: [] });

    // Empty pages really were served and followed (every 3rd listing page is empty).
    const listings = apis.requests.filter((r) => /\/users\/me\/messages$/.test(r.path));
    expect(listings.length).toBeGreaterThan(fullSteps.length);
    // Each message fetched exactly once, inside batches of at most 50 (one batch HTTP request each).
    const gets = apis.requests.filter((r) => /\/users\/me\/messages\/[^/]+$/.test(r.path));
    expect(gets.length).toBe(inWindow.size);
    expect(gets.every((r) => r.inBatch && r.status === 200)).toBe(true);
    const batches = apis.requests.filter((r) => r.path === "/batch/gmail/v1");
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(inWindow.size / 50));
    expect(batches.every((r) => r.status === 200 && !r.inBatch)).toBe(true);
    // The steps count HTTP requests: the batches, not the calls inside them.
    const httpRequests = apis.requests.filter((r) => !r.inBatch);
    expect(run.steps.reduce((sum, s) => sum + s.requests, 0)).toBe(httpRequests.length);
  });

  it("catches what arrives during the full sync with the incremental step that follows it", async () => {
    await start(150);
    const first = await step(null);
    expect(first.mode).toBe("full");
    const arrived = store.addMessage(plainMessage("Arrived mid-sync", "Hello while you were syncing"));
    const rest = await syncUntilCaughtUp(first.cursor);
    expect(emailIds([...first.changes, ...rest.changes]).filter((id) => id === arrived).length).toBeGreaterThanOrEqual(
      1,
    );
    const incremental = rest.steps.filter((s) => s.mode === "incremental");
    expect(emailIds(incremental.flatMap((s) => s.changes))).toContain(arrived);
  });

  it("names the connected account from the profile", async () => {
    await start(5);
    expect(await provider.connectedAccount(TOKEN, new AbortController().signal)).toEqual({
      id: OWNER.email,
      name: OWNER.email,
    });
  });
});

describe("Gmail provider: incremental sync", () => {
  it("turns added, deleted, trashed and restored messages into changes, once each", async () => {
    await start(60);
    const synced = await syncUntilCaughtUp(null);
    const known = emailIds(synced.changes);
    const [deletedId, trashedId, starredId] = known;

    const added = store.addMessage(plainMessage("New pricing", "Here are the new prices."));
    store.deleteMessage(deletedId!);
    store.addLabels(trashedId!, ["TRASH"]);
    store.addLabels(starredId!, ["STARRED"]);
    const fleeting = store.addMessage(plainMessage("Oops", "sent by mistake"));
    store.deleteMessage(fleeting);
    store.addLabels(added, ["IMPORTANT"]);

    const run = await syncUntilCaughtUp(synced.cursor);
    expect(run.steps.every((s) => s.mode === "incremental")).toBe(true);
    expect(emailIds(run.changes)).toEqual([added]);
    expect(removedIds(run.changes).sort()).toEqual([deletedId, trashedId, fleeting].sort());
    const email = run.changes.find((c) => c.kind === "email");
    expect(email).toMatchObject({
      subject: "New pricing",
      body: "Here are the new prices.",
      rfcMessageId: "Newpricing@customer.example",
    });
    expect(run.cursor).toEqual({ mode: "incremental", historyId: String(store.historyId), pageToken: null });

    // Taken out of the trash: it comes back.
    store.removeLabels(trashedId!, ["TRASH"]);
    const restored = await syncUntilCaughtUp(run.cursor);
    expect(emailIds(restored.changes)).toEqual([trashedId]);

    // Nothing new: one request, nothing changes.
    const before = apis.requests.length;
    const idle = await step(restored.cursor);
    expect(idle).toMatchObject({ changes: [], skipped: [], caughtUp: true, requests: 1 });
    expect(apis.requests.length - before).toBe(1);
  });

  it("pages through a long history, moving the historyId only on the last page", async () => {
    await start(10);
    const synced = await syncUntilCaughtUp(null);
    const startHistoryId = (synced.cursor as { historyId: string }).historyId;
    const added = Array.from({ length: 230 }, (_, i) => store.addMessage(plainMessage(`Bulk ${i}`, `Message ${i}`)));
    const run = await syncUntilCaughtUp(synced.cursor);
    expect(run.steps.length).toBeGreaterThanOrEqual(3);
    for (const middle of run.steps.slice(0, -1)) {
      expect(middle.caughtUp).toBe(false);
      expect(middle.cursor).toMatchObject({ historyId: startHistoryId, pageToken: expect.any(String) });
    }
    expect(run.cursor).toEqual({ mode: "incremental", historyId: String(store.historyId), pageToken: null });
    expect(emailIds(run.changes).sort()).toEqual([...added].sort());
  });

  it("a message deleted between the history page and its fetch is reported removed", async () => {
    await start(10);
    const synced = await syncUntilCaughtUp(null);
    const id = store.addMessage(plainMessage("Short-lived", "x"));
    // Gone from the store without a history record yet: the fetch answers 404.
    store.corruptMessage(id, undefined);
    const run = await syncUntilCaughtUp(synced.cursor);
    expect(removedIds(run.changes)).toEqual([id]);
  });

  it("a history id older than Gmail keeps → CursorExpiredError (the engine re-syncs in full, merging)", async () => {
    await start(10);
    const synced = await syncUntilCaughtUp(null);
    store.addMessage(plainMessage("a", "b"));
    store.expireHistoryBefore(store.historyId + 1);
    await expect(step(synced.cursor)).rejects.toBeInstanceOf(CursorExpiredError);
    // A cursor this version does not read is treated the same way.
    await expect(step({ mode: "incremental", historyId: "not-a-number" })).rejects.toBeInstanceOf(CursorExpiredError);
  });
});

describe("Gmail provider: bad input is skipped, the rest comes through", () => {
  it("a malformed message, a huge one and odd charsets", async () => {
    await start(10);
    const synced = await syncUntilCaughtUp(null);
    const good = store.addMessage(plainMessage("Good", "fine"));
    const broken = store.addMessage(plainMessage("Broken", "x"));
    store.corruptMessage(broken, { id: broken, threadId: 12, payload: "<html>" });
    const hugeBody = "a".repeat(3 * 1024 * 1024);
    const huge = store.addMessage(plainMessage("Huge", hugeBody));
    const sjis = plainMessage("Japanese", "");
    sjis.payload.headers = sjis.payload.headers.map((h) =>
      h.name === "Content-Type" ? { ...h, value: "text/plain; charset=Shift_JIS" } : h,
    );
    sjis.payload.body = { size: 6, data: Buffer.from("g2WDWINn", "base64").toString("base64url") };
    const japanese = store.addMessage(sjis);
    const unknown = plainMessage("Unknown charset", "");
    unknown.payload.headers = unknown.payload.headers.map((h) =>
      h.name === "Content-Type" ? { ...h, value: "text/plain; charset=x-mystery" } : h,
    );
    unknown.payload.body = { size: 4, data: Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString("base64url") };
    const mystery = store.addMessage(unknown);

    const run = await syncUntilCaughtUp(synced.cursor);
    expect(run.skipped.sort((a, b) => a.externalId.localeCompare(b.externalId))).toEqual(
      [
        { externalId: broken, reason: "malformed" },
        { externalId: huge, reason: "too_large" },
      ].sort((a, b) => a.externalId.localeCompare(b.externalId)),
    );
    const bodies = Object.fromEntries(run.changes.flatMap((c) => (c.kind === "email" ? [[c.externalId, c.body]] : [])));
    expect(bodies).toEqual({ [good]: "fine", [japanese]: "テスト", [mystery]: "café" });
  });

  it("a listing Gmail answers in a shape we do not read fails the step as temporary (nothing half-done)", async () => {
    await start(10);
    const synced = await syncUntilCaughtUp(null);
    // A 200 with the wrong shape: point the provider at a router that answers nonsense.
    const nonsense = new FakeGoogleApis((token) => tokens.get(token) ?? null);
    const express = (await import("express")).default;
    const router = express.Router();
    router.get("/users/me/history", (_req, res) => void res.json({ history: "nope" }));
    nonsense.mount("/gmail/v1", router);
    const other = await listenOnLoopback(nonsense.router());
    try {
      const odd = createGmailProvider({ rootUrl: other.base });
      await expect(
        odd.step({ accessToken: TOKEN, cursor: synced.cursor, window, now: NOW, signal: new AbortController().signal }),
      ).rejects.toBeInstanceOf(TemporaryProviderError);
    } finally {
      await other.close();
    }
  });
});

describe("Gmail provider: messages come through Gmail's batch endpoint", () => {
  /** What a full sync lists: the window, without spam and trash, newest first. */
  const listed = () =>
    store.ids(
      (entry) =>
        entry.internalDate >= window.mailSince.getTime() && !entry.labelIds.some((l) => l === "SPAM" || l === "TRASH"),
    );

  /** The inner calls of each batch, in order (the fake logs a batch's calls before the batch itself). */
  function batchSizes(): number[] {
    const sizes: number[] = [];
    let inner = 0;
    for (const record of apis.requests) {
      if (record.inBatch) inner += 1;
      else if (record.path === "/batch/gmail/v1") {
        sizes.push(inner);
        inner = 0;
      }
    }
    return sizes;
  }

  it("a full sync over several pages fetches every message once, in batches of at most 50", async () => {
    await start(260, { emptyPageEvery: 0 });
    const run = await syncUntilCaughtUp(null);
    const fetched = [...emailIds(run.changes), ...run.skipped.map((s) => s.externalId)];
    const sizes = batchSizes();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(fetched.length);
    expect(Math.max(...sizes)).toBe(50);
    // 100 listed per step → two batches of 50 per full page; a short last page → one or two smaller.
    expect(sizes.length).toBe(
      run.steps.filter((s) => s.mode === "full").length * 2 - (fetched.length % 100 <= 50 ? 1 : 0),
    );
    // No message reaches Gmail as a request of its own.
    expect(apis.requests.filter((r) => !r.inBatch && /\/messages\/[^/]+$/.test(r.path))).toEqual([]);
  });

  it("an inner 404 (deleted between listing and fetch) is reported removed; its siblings come through", async () => {
    await start(30, { emptyPageEvery: 0 });
    const ids = listed();
    const [first, gone, third] = ids;
    store.corruptMessage(gone!, undefined); // listed, but its fetch answers 404
    const result = await step(null);
    expect(removedIds(result.changes)).toEqual([gone]);
    expect(emailIds(result.changes)).toEqual(expect.arrayContaining([first, third]));
    expect(emailIds(result.changes).length + result.skipped.length).toBe(ids.length - 1);
    expect(apis.requests.find((r) => r.inBatch && r.path.endsWith(`/${gone}`))?.status).toBe(404);
  });

  it("an inner 429 fails the step as rate-limited with its Retry-After; the retried step gets everything", async () => {
    await start(30, { emptyPageEvery: 0 });
    apis.injectFault({
      pathPrefix: "/gmail/v1/users/me/messages/",
      status: 429,
      reason: "rateLimitExceeded",
      retryAfterSeconds: 9,
    });
    const error = await step(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporaryProviderError);
    expect(error).toMatchObject({ kind: "rate_limited", retryAfterMs: 9_000 });
    // Google answered the batch itself 200, with one inner 429 among 200s.
    const batch = apis.requests.filter((r) => r.path === "/batch/gmail/v1");
    expect(batch.map((r) => r.status)).toEqual([200]);
    const inner = apis.requests.filter((r) => r.inBatch).map((r) => r.status);
    expect(inner.filter((status) => status === 429)).toHaveLength(1);
    expect(inner.filter((status) => status === 200)).toHaveLength(inner.length - 1);
    const retried = await step(null);
    expect(emailIds(retried.changes).length + retried.skipped.length).toBe(listed().length);
  });

  it("an inner 401 → AccessTokenRejectedError; an inner 403 quota error or a 429 for the whole batch → rate-limited", async () => {
    await start(10, { emptyPageEvery: 0 });
    apis.injectFault({ pathPrefix: "/gmail/v1/users/me/messages/", status: 401, reason: "authError" });
    await expect(step(null)).rejects.toBeInstanceOf(AccessTokenRejectedError);
    apis.injectFault({
      pathPrefix: "/gmail/v1/users/me/messages/",
      status: 403,
      reason: "userRateLimitExceeded",
      retryAfterSeconds: 3,
    });
    await expect(step(null)).rejects.toMatchObject({ kind: "rate_limited", retryAfterMs: 3_000 });
    apis.injectFault({ pathPrefix: "/batch/", status: 429, reason: "rateLimitExceeded", retryAfterSeconds: 4 });
    await expect(step(null)).rejects.toMatchObject({
      name: "TemporaryProviderError",
      kind: "rate_limited",
      retryAfterMs: 4_000,
    });
  });

  it("a malformed answer inside a batch is skipped as malformed while its siblings come through", async () => {
    await start(20, { emptyPageEvery: 0 });
    const ids = listed();
    store.corruptMessage(ids[3]!, { id: ids[3], payload: { headers: "not a list" } });
    store.corruptMessage(ids[7]!, "just a string");
    const result = await step(null);
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        { externalId: ids[3], reason: "malformed" },
        { externalId: ids[7], reason: "malformed" },
      ]),
    );
    const seen = [...emailIds(result.changes), ...result.skipped.map((s) => s.externalId)];
    expect(seen.sort()).toEqual([...ids].sort());
  });
});

describe("Gmail provider: errors become the engine's classes", () => {
  it("429 with Retry-After → TemporaryProviderError rate_limited with the wait", async () => {
    await start(10);
    apis.injectFault({ pathPrefix: "/gmail/v1", status: 429, reason: "rateLimitExceeded", retryAfterSeconds: 7 });
    const error = await step(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporaryProviderError);
    expect(error).toMatchObject({ kind: "rate_limited", retryAfterMs: 7_000 });
    // Only one request: the client does not retry on its own (the engine owns backoff).
    expect(apis.requests.length).toBe(1);
  });

  it("403 userRateLimitExceeded → rate_limited; 503 → unavailable; a message fetch failing fails the step", async () => {
    await start(10);
    apis.injectFault({ status: 403, reason: "userRateLimitExceeded", retryAfterSeconds: 2 });
    await expect(step(null)).rejects.toMatchObject({
      name: "TemporaryProviderError",
      kind: "rate_limited",
      retryAfterMs: 2_000,
    });
    apis.injectFault({ status: 503, reason: "backendError" });
    await expect(step(null)).rejects.toMatchObject({ name: "TemporaryProviderError", kind: "unavailable" });
    // The history page passes, then the message's fetch inside the batch fails: the step fails.
    const synced = await syncUntilCaughtUp(null);
    store.addMessage(plainMessage("x", "y"));
    const before = apis.requests.length;
    apis.injectFault({ pathPrefix: "/gmail/v1/users/me/messages/", status: 500, reason: "backendError" });
    await expect(step(synced.cursor)).rejects.toMatchObject({ name: "TemporaryProviderError", kind: "unavailable" });
    expect(apis.requests.slice(before).map((r) => [r.path.replace(/messages\/\w+$/, "messages/…"), r.status])).toEqual([
      ["/gmail/v1/users/me/history", 200],
      ["/gmail/v1/users/me/messages/…", 500],
      ["/batch/gmail/v1", 200],
    ]);
  });

  it("401 → AccessTokenRejectedError (refresh and retry); a missing scope → ProviderAuthError (reconnect)", async () => {
    await start(10);
    await expect(step(null, "ya29.revoked")).rejects.toBeInstanceOf(AccessTokenRejectedError);
    tokens.set("ya29.calendar-only", {
      email: OWNER.email,
      scopes: ["https://www.googleapis.com/auth/calendar.readonly"],
    });
    await expect(step(null, "ya29.calendar-only")).rejects.toBeInstanceOf(ProviderAuthError);
  });

  it("Google unreachable → TemporaryProviderError network", async () => {
    await start(1);
    await server.close();
    await expect(step(null)).rejects.toMatchObject({ name: "TemporaryProviderError", kind: "network" });
  });

  it("a step the engine aborted rejects with the abort itself, not a provider error", async () => {
    await start(10);
    const controller = new AbortController();
    controller.abort();
    const error: unknown = await provider
      .step({ accessToken: TOKEN, cursor: null, window, now: NOW, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TemporaryProviderError);
    expect((error as Error).name).toBe("AbortError");
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(TOKEN);
  });

  it("P5: no error the provider throws carries the access token or a message body", async () => {
    await start(10);
    const synced = await syncUntilCaughtUp(null);
    store.addMessage(plainMessage("Secret plans", "The body must never reach a log"));
    const errors: unknown[] = [];
    for (const fault of [
      { status: 429, reason: "rateLimitExceeded", retryAfterSeconds: 1 },
      { status: 500, reason: "backendError" },
      { status: 403, reason: "insufficientPermissions" },
    ]) {
      apis.injectFault({ ...fault, pathPrefix: "/gmail/v1/users/me/messages/" });
      errors.push(await step(synced.cursor).catch((e: unknown) => e));
    }
    errors.push(await step(synced.cursor, "ya29.unknown-token-value").catch((e: unknown) => e));
    await server.close();
    errors.push(await step(synced.cursor).catch((e: unknown) => e));
    expect(errors.map((e) => (e as Error).name)).toEqual([
      "TemporaryProviderError",
      "TemporaryProviderError",
      "ProviderAuthError",
      "AccessTokenRejectedError",
      "TemporaryProviderError",
    ]);
    for (const error of errors) {
      const shown = `${inspect(error, { depth: 10, showHidden: true })} ${JSON.stringify(error)}`;
      expect(shown).not.toContain(TOKEN);
      expect(shown).not.toContain("unknown-token-value");
      expect(shown).not.toContain("must never reach");
    }
  });
});

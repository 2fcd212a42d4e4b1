// The ways of fetching Gmail measured against each other on the fake Gmail on loopback: the
// product's (official @googleapis/gmail 18 for listing, our batch call for messages), the previous
// one (a messages.get per message, 10 in flight, through the official client) and a thin typed
// `fetch` client per message. Raw messages.get (format=full) requests per second, the Gmail
// provider's full sync (messages per second, no database), cold import time, and the fake's memory
// for a 50,000-message mailbox. Figures for docs/decisions/017-google-api-clients.md.
// Run: NODE_ENV=test LOG_LEVEL=silent npx tsx -e 'import("./bench/google-api-clients.ts").then((m) => m.run())'
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { gmail } from "@googleapis/gmail";
import { GoogleApiHttpError, googleHttpError } from "../server/integrations/google/api-errors";
import { createGmailProvider } from "../server/integrations/google/gmail";
import { batchGetMessages, MESSAGES_PER_BATCH } from "../server/integrations/google/gmail-batch";
import { officialGmailClient, type BatchAnswer, type GmailApiClient } from "../server/integrations/google/gmail-client";
import type { SyncCursor, SyncProvider } from "../server/integrations/types";
import { gmailRouter, GmailStore } from "../tests/fakes/google-apis/gmail";
import { FakeGoogleApis, listenOnLoopback } from "../tests/fakes/google-apis/index";
import { generateMailbox } from "../tests/fakes/google-apis/mailbox";

type GetOne = (token: string, id: string, signal: AbortSignal) => Promise<unknown>;

/** The previous way: one messages.get per message, 10 in flight, each error kept as its answer. */
function perMessage(getOne: GetOne): GmailApiClient["getMessages"] {
  return async (token, ids) => {
    const answers = new Array<BatchAnswer>(ids.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(10, ids.length) }, async () => {
        while (next < ids.length) {
          const index = next++;
          try {
            // A signal per request: undici's fetch leaves a listener on a shared signal until the request is collected.
            answers[index] = {
              status: 200,
              body: await getOne(token, ids[index]!, new AbortController().signal),
              retryAfter: null,
            };
          } catch (error) {
            if (!(error instanceof GoogleApiHttpError)) throw error;
            const body = { error: { errors: error.reasons.map((reason) => ({ reason })) } };
            answers[index] = { status: error.status, body, retryAfter: error.retryAfter };
          }
        }
      }),
    );
    return { answers, requests: ids.length };
  };
}

/** The official client's messages.get, one message per request. */
function officialGetOne(rootUrl: string): GetOne {
  const api = gmail({ version: "v1", rootUrl: `${rootUrl}/`, retry: false, timeout: 60_000 });
  return async (token, id, signal) => {
    try {
      const response = await api.users.messages.get(
        { userId: "me", id, format: "full" },
        { headers: { Authorization: `Bearer ${token}` }, signal, responseType: "json" },
      );
      return response.data;
    } catch (error) {
      const response = (error as { response?: { status: number; data: unknown } }).response;
      if (response) throw googleHttpError(response.status, response.data, null);
      throw error;
    }
  };
}

/** Batches of MESSAGES_PER_BATCH with `inFlight` batches at once (the product sends one at a time). */
function parallelBatches(rootUrl: string, inFlight: number): GmailApiClient["getMessages"] {
  return async (accessToken, ids, signal) => {
    const batches: string[][] = [];
    for (let start = 0; start < ids.length; start += MESSAGES_PER_BATCH)
      batches.push(ids.slice(start, start + MESSAGES_PER_BATCH));
    const results: BatchAnswer[][] = new Array<BatchAnswer[]>(batches.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(inFlight, batches.length) }, async () => {
        while (next < batches.length) {
          const index = next++;
          results[index] = await batchGetMessages({ rootUrl, accessToken, ids: batches[index]!, signal });
        }
      }),
    );
    return { answers: results.flat(), requests: batches.length };
  };
}

/** The alternative measured: plain fetch, JSON in, GoogleApiHttpError on non-2xx. */
function fetchGmailClient(rootUrl: string): GmailApiClient {
  const base = `${rootUrl.replace(/\/$/, "")}/gmail/v1/users/me`;
  const get = async (path: string, query: [string, string][], token: string, signal: AbortSignal) => {
    const url = `${base}${path}${query.length ? `?${new URLSearchParams(query).toString()}` : ""}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // left as text: the caller's zod check refuses it
    }
    if (!response.ok) throw googleHttpError(response.status, body, response.headers.get("retry-after"));
    return body;
  };
  return {
    getProfile: (token, signal) => get("/profile", [], token, signal),
    listMessages: (token, p, signal) =>
      get(
        "/messages",
        [
          ["q", p.q],
          ["maxResults", String(p.maxResults)],
          ...(p.pageToken ? [["pageToken", p.pageToken] as [string, string]] : []),
        ],
        token,
        signal,
      ),
    getMessages: perMessage((token, id, signal) =>
      get(`/messages/${encodeURIComponent(id)}`, [["format", "full"]], token, signal),
    ),
    listHistory: (token, p, signal) =>
      get(
        "/history",
        [
          ["startHistoryId", p.startHistoryId],
          ["maxResults", String(p.maxResults)],
          ...p.historyTypes.map((t) => ["historyTypes", t] as [string, string]),
          ...(p.pageToken ? [["pageToken", p.pageToken] as [string, string]] : []),
        ],
        token,
        signal,
      ),
  };
}

const NOW = new Date("2026-12-01T12:00:00Z");
const OWNER = { email: "seller@seller.example", name: "Sam Seller" };
const TOKEN = "bench-token";
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function mailbox(messageCount: number) {
  return generateMailbox({
    seed: 17,
    owner: OWNER,
    colleagues: [{ email: "kim@seller.example", name: "Kim" }],
    counterparts: Array.from({ length: 40 }, (_, i) => ({
      email: `buyer${i}@customer${i % 8}.example`,
      name: `Buyer ${i}`,
    })),
    messageCount,
    days: 89,
    now: NOW,
  });
}

async function fullSync(provider: SyncProvider) {
  const window = { mailSince: new Date(NOW.getTime() - 90 * 86_400_000), calendarFrom: NOW, calendarTo: NOW };
  let cursor: SyncCursor | null = null;
  let emails = 0;
  let skipped = 0;
  let requests = 0;
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  for (;;) {
    const step = await provider.step({
      accessToken: TOKEN,
      cursor,
      window,
      now: NOW,
      signal: new AbortController().signal,
    });
    emails += step.changes.length;
    skipped += step.skipped.length;
    requests += step.requests;
    cursor = step.cursor;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (step.caughtUp) break;
  }
  const seconds = (performance.now() - started) / 1000;
  return { emails, skipped, requests, seconds, perSecond: (emails + skipped) / seconds, peakRss, cursor };
}

/** Messages per second through a client's getMessages, 100 ids per call (a step's worth). */
async function rawGets(client: GmailApiClient, ids: string[]) {
  const started = performance.now();
  for (let start = 0; start < ids.length; start += 100) {
    await client.getMessages(TOKEN, ids.slice(start, start + 100), new AbortController().signal);
  }
  return ids.length / ((performance.now() - started) / 1000);
}

function coldImportMs(specifier: string): number {
  const samples: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const out = execFileSync(process.execPath, [
      "--input-type=module",
      "-e",
      `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`,
    ]);
    samples.push(Number(out.toString().trim()));
  }
  samples.sort((a, b) => a - b);
  return samples[2]!;
}

function installSize(): string {
  const dirs = [
    "@googleapis/gmail",
    "googleapis-common",
    "gaxios",
    "google-auth-library",
    "gcp-metadata",
    "gtoken",
    "google-logging-utils",
    "jws",
    "jwa",
    "url-template",
    "extend",
    "qs",
    "https-proxy-agent",
    "agent-base",
    "node-fetch",
    "bignumber.js",
    "json-bigint",
    "ecdsa-sig-formatter",
    "buffer-equal-constant-time",
    "base64-js",
    "uuid",
  ].filter((dir) => existsSync(`node_modules/${dir}`));
  const out = execFileSync("du", ["-sck", ...dirs.map((dir) => `node_modules/${dir}`)]).toString();
  const total = /(\d+)\s+total/.exec(out)?.[1];
  return `${(Number(total) / 1024).toFixed(1)} MB over ${dirs.length} packages (${dirs.join(", ")})`;
}

export async function run() {
  const count = Number(process.env.BENCH_GMAIL_MESSAGES ?? 20_000);
  const store = new GmailStore(OWNER.email);
  store.seed(mailbox(count));
  const apis = new FakeGoogleApis(() => ({
    email: OWNER.email,
    scopes: ["https://www.googleapis.com/auth/gmail.readonly"],
  }));
  apis.mount(
    "/gmail/v1",
    gmailRouter(() => store),
  );
  const server = await listenOnLoopback(apis.router());
  try {
    console.log(
      `\ngoogle-api-clients: fake Gmail with ${count} messages on ${server.base} (load average ${(await import("node:os")).loadavg()[0]!.toFixed(1)})`,
    );
    const only = process.env.BENCH_GMAIL_CLIENTS; // a part of a name below, to measure one
    const official = officialGmailClient(server.base);
    const clients = (
      [
        ["product: official listing + batches of 50, one at a time", official],
        ["batches of 50, two in flight", { ...official, getMessages: parallelBatches(server.base, 2) }],
        [
          "before: official messages.get per message, 10 in flight",
          { ...official, getMessages: perMessage(officialGetOne(server.base)) },
        ],
        ["thin fetch per message, 10 in flight", fetchGmailClient(server.base)],
      ] as [string, GmailApiClient][]
    ).filter(([name]) => !only || name.includes(only));
    const ids = store.ids().slice(0, 2_000);
    for (const [name, client] of clients) {
      await rawGets(client, ids.slice(0, 200)); // warm-up
      const perSecond = await rawGets(client, ids);
      console.log(
        `  messages fetched (format=full), 100 per call, ${ids.length} messages — ${name}: ${perSecond.toFixed(0)} messages/s`,
      );
    }
    for (const [name, client] of clients) {
      const provider = createGmailProvider({ rootUrl: server.base, client });
      const result = await fullSync(provider);
      console.log(
        `  provider full sync, no database — ${name}: ${result.emails + result.skipped} messages (${result.skipped} skipped) in ${result.seconds.toFixed(1)} s = ${result.perSecond.toFixed(0)} messages/s, ${result.requests} requests, peak RSS ${mb(result.peakRss)}`,
      );
      // An incremental poll with nothing new.
      const started = performance.now();
      const idle = await provider.step({
        accessToken: TOKEN,
        cursor: result.cursor,
        window: { mailSince: NOW, calendarFrom: NOW, calendarTo: NOW },
        now: NOW,
        signal: new AbortController().signal,
      });
      console.log(
        `  incremental poll, nothing new — ${name}: ${idle.requests} request(s), ${(performance.now() - started).toFixed(1)} ms`,
      );
    }
    console.log(
      `  cold import (median of 5, fresh node): @googleapis/gmail ${coldImportMs("@googleapis/gmail").toFixed(0)} ms`,
    );
    console.log(`  install size of the official client and its dependencies: ${installSize()}`);
  } finally {
    await server.close();
  }
}

/** The fake's own memory for a big mailbox: seeding and serving a full listing and every message. */
export function fakeMemory() {
  const count = Number(process.env.BENCH_GMAIL_MESSAGES ?? 50_000);
  const before = process.memoryUsage().rss;
  const store = new GmailStore(OWNER.email);
  store.seed(mailbox(count));
  const seeded = process.memoryUsage().rss;
  let peak = seeded;
  for (const id of store.ids()) {
    JSON.stringify(store.answerFor(id, "full", []));
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  console.log(
    `  fake Gmail, ${count} messages: RSS ${mb(before)} before, ${mb(seeded)} seeded, ${mb(peak)} peak after building every message`,
  );
}

import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { gate, startFakeAnthropic } from "../../tests/fakes/anthropic";
import { createApiClient } from "../../app/utils/trpc";
import { startTestServer } from "../../tests/helpers/server";
import { createUser, signIn } from "../../tests/helpers/users";
import { SMALL_REFERENCE_DATE, smallWorkspace } from "../../tests/helpers/workspace";
import { importWorkspace } from "../data-rights/import/import-workspace";
import { getDb } from "../db/client";
import { createLogger, setLogger } from "../logger";
import { createNote } from "../crm/notes";
import { QUEUES } from "../jobs/jobs";
import { jobHandlers } from "../jobs/handlers";
import {
  ABANDONED_MESSAGE,
  ask,
  complete,
  failAbandonedAnswers,
  generate,
  prepare,
  retry,
  runToolForBrowser,
  WRITE_FAILED_MESSAGE,
  type BrainEvent,
} from "./answer";
import type { ClaudeConfig } from "./claude";
import { Manifest, storedManifestSchema } from "./manifest";
import { checkCitations, historyTurns, normaliseCitations, renderPackMessage } from "./prompt";
import { moneyText, totalsText } from "./records";
import { buildContextPack } from "./retrieval";
import { RETRIEVAL_ONLY_NOTICE, retrievalOnlyAnswer } from "./retrieval-only";
import { getThread } from "./threads";
import { runTool, TOOL_DEFINITIONS } from "./tools";

let claude: Awaited<ReturnType<typeof startFakeAnthropic>>;
let config: ClaudeConfig;
beforeAll(async () => {
  claude = await startFakeAnthropic({ apiKeys: ["test-key"] });
  config = { apiKey: "test-key", model: "claude-test", baseURL: claude.url, timeoutMs: 30_000, maxRetries: 2 };
});
afterAll(async () => {
  await claude.close();
});

const NOW = new Date(SMALL_REFERENCE_DATE);

/**
 * Makes every timer of exactly `ms` fire at once, and records when each began, as the number of
 * requests the fake Claude had received by then. The SDK waits out retry-after with setTimeout:
 * a retry-after no other timer uses (the SDK's own backoff is at most 8 s, with jitter) shows the
 * SDK honoured it, without the test waiting for it.
 */
function instantTimersOf(ms: number) {
  const realSetTimeout = globalThis.setTimeout;
  const begunAfterRequests: number[] = [];
  const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation((handler, delay, ...args) => {
    if (delay !== ms) return realSetTimeout(handler, delay, ...args);
    begunAfterRequests.push(claude.fake.requests.length);
    return realSetTimeout(handler, 0, ...args);
  });
  return { begunAfterRequests, restore: () => spy.mockRestore() };
}

async function sellerWithData() {
  const db = await getDb();
  const user = await createUser(db);
  await importWorkspace(db, user.id, smallWorkspace());
  return { db, user };
}

async function askAndCollect(
  question: string,
  options: { claude: ClaudeConfig | null; signal?: AbortSignal; onEvent?: (e: BrainEvent) => void } = { claude: null },
) {
  const { db, user } = await sellerWithData();
  const asked = await ask(db, user.id, {
    question,
    mode: options.claude ? "server_key" : "retrieval_only",
    model: options.claude?.model ?? null,
  });
  const events: BrainEvent[] = [];
  for await (const event of generate(db, user.id, asked.assistantMessageId, {
    claude: options.claude,
    now: NOW,
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    events.push(event);
    options.onEvent?.(event);
  }
  const stored = await db.brainMessage.findUniqueOrThrow({
    where: { id: asked.assistantMessageId },
    include: { citations: { orderBy: { ordinal: "asc" } } },
  });
  return { db, user, asked, events, stored, manifest: storedManifestSchema.parse(stored.contextManifest) };
}

describe("the prompt module", () => {
  it("keeps only citations of records that were sent, and normalises grouped handles", () => {
    expect(normaliseCitations("Champion is Ana [P1, A2].")).toBe("Champion is Ana [P1][A2].");
    const checked = checkCitations("Ana is the champion [P1][Z9]. It closes soon [D1] [X2].", new Set(["P1", "D1"]));
    expect(checked).toEqual({
      text: "Ana is the champion [P1]. It closes soon [D1].",
      cited: ["P1", "D1"],
      dropped: ["Z9", "X2"],
    });
  });

  it("writes the pack as handles and lines, computed figures, and the question last", async () => {
    const { db, user } = await sellerWithData();
    const pack = await buildContextPack(db, user.id, "Which deals close this month and what's the total?", {
      now: NOW,
    });
    const text = renderPackMessage(pack, "Which deals close this month and what's the total?", NOW);
    expect(text).toMatch(/^Today is 2026-03-02 \(UTC/);
    expect(text).toMatch(
      /^\[D1\] Deal "Acme Logistics – Platform" with Acme Logistics · stage: Evaluation · USD 4,800,000/m,
    );
    expect(text).toContain(
      "- Open deals with a close date in this month (2026-03-01 to 2026-03-31): 1, total USD 4,800,000.",
    );
    expect(text.trim().split("\n").at(-1)).toBe("Question: Which deals close this month and what's the total?");
  });

  it("writes every amount the same way: currency code, grouped digits, cents only when there are some", () => {
    expect(moneyText(2_400_000n, "USD")).toBe("USD 24,000");
    expect(moneyText(123_456, "EUR")).toBe("EUR 1,234.56");
    expect(moneyText(1_050n, "USD")).toBe("USD 10.5");
    expect(moneyText(5n, "GBP")).toBe("GBP 0.05");
    expect(moneyText(0, "USD")).toBe("USD 0");
    // Sums per currency side by side; a sum over deals without amounts is zero.
    expect(
      totalsText([
        { currency: "GBP", minor: 5_300_000n },
        { currency: "USD", minor: 43_401_050n },
        { currency: "EUR", minor: null },
      ]),
    ).toBe("GBP 53,000 + USD 434,010.5 + EUR 0");
  });

  it("keeps recent history within its budget, starting with a user turn", () => {
    const turns = historyTurns([
      { role: "assistant", content: "hello" },
      { role: "user", content: "q1" },
      { role: "assistant", content: "a1" },
    ]);
    expect(turns.map((t) => t.role)).toEqual(["user", "assistant"]);
  });
});

describe("tools", () => {
  it("are shown to Claude with the schemas that validate their input, as JSON Schema objects", () => {
    expect(TOOL_DEFINITIONS.map((t) => t.name)).toEqual([
      "search_records",
      "get_account",
      "get_deal",
      "get_person",
      "list_deals",
      "pipeline_summary",
      "upcoming_meetings",
    ]);
    for (const definition of TOOL_DEFINITIONS) {
      expect(definition.description).toBeTruthy();
      expect(definition.input_schema.type).toBe("object");
      expect(definition.input_schema).not.toHaveProperty("$schema");
    }
    const search = TOOL_DEFINITIONS[0]!.input_schema;
    expect(search.required).toEqual(["query"]);
    expect(search.properties).toMatchObject({
      query: { type: "string", description: "Words to search for.", maxLength: 200 },
      types: { type: "array", description: "Limit to these kinds of records." },
      limit: { type: "integer", minimum: 1, maximum: 20 },
    });
    const deals = TOOL_DEFINITIONS.find((t) => t.name === "list_deals")!.input_schema;
    expect(deals.required).toBeUndefined();
    // A date says so by its format, without the long pattern that validates it.
    expect((deals.properties as Record<string, unknown>).closing_from).toEqual({
      type: "string",
      format: "date",
      description: "YYYY-MM-DD, inclusive",
    });
  });

  it("answer input they cannot use, and names that are not tools, with a sentence for Claude", async () => {
    const { db, user } = await sellerWithData();
    const manifest = new Manifest([]);
    const run = (name: string, input: unknown) => runTool(db, user.id, name, input, manifest, NOW);
    expect(await run("search_records", { query: "  " })).toEqual({
      text: "The input was not valid: query Too small: expected string to have >=1 characters.",
      added: [],
    });
    expect((await run("list_deals", { closing_from: "2026-13-01", limit: 0 })).text).toBe(
      "The input was not valid: closing_from Invalid ISO date; limit Too small: expected number to be >=1.",
    );
    expect((await run("get_account", "Acme")).text).toBe(
      "The input was not valid: input Invalid input: expected object, received string.",
    );
    expect((await run("get_deal", { name_or_id: "no such deal" })).text).toBe("No deal matches “no such deal”.");
    expect((await run("drop_tables", {})).text).toBe("There is no tool called drop_tables.");
    // Names every object has are not tools either.
    expect((await run("toString", {})).text).toBe("There is no tool called toString.");
    expect((await run("constructor", {})).text).toBe("There is no tool called constructor.");
    expect(manifest.items).toEqual([]);
  });

  it("the pipeline tool states the same figures, per stage, as a context pack about the pipeline", async () => {
    const { db, user } = await sellerWithData();
    const bolt = await db.account.findFirstOrThrow({ where: { userId: user.id, name: "Bolt Energy" } });
    await db.opportunity.createMany({
      data: [
        {
          userId: user.id,
          accountId: bolt.id,
          name: "Bolt – Expansion",
          stage: "discovery",
          amount: 123_456n,
          currency: "EUR",
        },
        {
          userId: user.id,
          accountId: bolt.id,
          name: "Bolt – Renewal",
          stage: "proposal",
          amount: null,
          currency: "GBP",
        },
      ],
    });
    const pack = await buildContextPack(db, user.id, "What's my pipeline by stage?", { now: NOW });
    const tool = await runTool(db, user.id, "pipeline_summary", {}, new Manifest([]), NOW);
    const stages = [
      "Discovery: 1 deals, EUR 1,234.56.",
      "Evaluation: 1 deals, USD 4,800,000.",
      "Proposal: 1 deals, GBP 0.",
    ];
    expect(pack.facts).toEqual(stages.map((line) => `Open pipeline, ${line}`));
    expect(tool.text.split("\n").filter((line) => line.startsWith("- "))).toEqual(stages.map((line) => `- ${line}`));
    // The largest open deals come with the figures, largest first, a deal without an amount last.
    expect(tool.added.map((item) => item.label)).toEqual([
      "Acme Logistics – Platform",
      "Bolt – Expansion",
      "Bolt – Renewal",
    ]);
  });
});

describe("retrieval-only answers (no key)", () => {
  it("say what they are, state the computed figures and cite every record they list", async () => {
    const { events, stored, manifest } = await askAndCollect("Which deals close this month and what's the total?");
    expect(events.map((e) => e.type)).toEqual(["manifest", "delta", "done"]);
    expect(stored).toMatchObject({ status: "complete", mode: "retrieval_only" });
    expect(stored.content).toContain(RETRIEVAL_ONLY_NOTICE);
    expect(stored.content).toContain("total USD 4,800,000");
    expect(stored.citations.map((c) => c.label)).toContain("Acme Logistics – Platform");
    expect(manifest.items[0]).toMatchObject({
      handle: "D1",
      type: "opportunity",
      via: "pack",
      reason: "closes in this month",
    });
  });

  it("say so when nothing matches", async () => {
    const { db, user } = await sellerWithData();
    const pack = await buildContextPack(db, user.id, "zeppelin hovercraft", { now: NOW });
    expect(pack.items).toEqual([]);
    expect(retrievalOnlyAnswer(pack).text).toContain("Your records don't contain anything that matches");
  });
});

describe("answers from Claude (server key, fake Claude)", () => {
  it("P7: Claude is sent only the records this question needs — exactly the manifest the user sees — and the answer streams and is stored with its citations", async () => {
    const before = claude.fake.requests.length;
    const { events, stored, manifest } = await askAndCollect("What's the latest with Acme, and who is the champion?", {
      claude: config,
    });
    const request = claude.fake.requests.at(-1)!;
    expect(claude.fake.requests.length).toBe(before + 1);
    // What the model was sent: the rules, the tools, exactly the manifest's records, and the question.
    expect(request.body.system).toContain("cite");
    expect(request.body.tools?.map((t) => t.name)).toContain("search_records");
    const sent = JSON.stringify(request.body.messages);
    for (const item of manifest.items) expect(sent).toContain(`[${item.handle}]`);
    expect(sent).toContain("Person Ana Ruiz, VP Operations at Acme Logistics · role: champion");
    expect(sent).toContain("Question: What's the latest with Acme, and who is the champion?");
    // Nothing of the other account (its person, note and timeline) went to Claude.
    for (const unrelated of ["Bolt Energy", "Cy Lam", "Revisit after their budget cycle", "send recap"])
      expect(sent).not.toContain(unrelated);
    // Streamed in pieces, then stored: what was stored is what streamed, with its usage.
    const deltas = events.flatMap((e) => (e.type === "delta" ? [e.text] : []));
    expect(deltas.length).toBeGreaterThan(3);
    expect(events.at(-1)).toEqual({
      type: "done",
      messageId: stored.id,
      status: "complete",
      content: stored.content,
      errorMessage: null,
    });
    expect(stored.content).toBe(deltas.join(""));
    expect(stored).toMatchObject({ status: "complete", mode: "server_key", model: "claude-test" });
    expect(stored.inputTokens).toBeGreaterThan(0);
    // Every handle the answer cites became a citation row of the record it stands for, in order.
    const handles = [...new Set([...stored.content.matchAll(/\[([A-Z]\d+)\]/g)].map((m) => m[1]!))];
    expect(handles.length).toBeGreaterThan(0);
    const byHandle = new Map(manifest.items.map((i) => [i.handle, i]));
    expect(stored.citations.map((c) => [c.ordinal, c.recordType, c.recordId, c.label])).toEqual(
      handles.map((h, i) => [i + 1, byHandle.get(h)!.type, byHandle.get(h)!.id, byHandle.get(h)!.label]),
    );
    expect(manifest.tokens).toBe(manifest.items.reduce((n, i) => n + i.tokens, 0));
  });

  it("lets Claude look further with a tool; what the tool returns joins the manifest", async () => {
    claude.fake.next({ kind: "tool", name: "search_records", input: { query: "SOC 2 report" } });
    // Words no record holds: the pack is empty, so whatever the answer rests on came from the tool.
    const { stored, manifest, events } = await askAndCollect("Any zeppelin paperwork for the hovercraft?", {
      claude: config,
    });
    expect(manifest.items.every((i) => i.via === "tool")).toBe(true);
    const viaTool = manifest.items.filter((i) => i.via === "tool");
    expect(viaTool.length).toBeGreaterThan(0);
    expect(viaTool.some((i) => i.type === "message")).toBe(true);
    expect(events.filter((e) => e.type === "status").map((e) => e.text)).toEqual([
      "Looking further in your records (search records)…",
    ]);
    // The second turn carries the tool's records to Claude, with the handles the manifest gave them.
    const second = claude.fake.requests.at(-1)!;
    const toolResult = JSON.stringify(second.body.messages.at(-1));
    expect(toolResult).toContain("tool_result");
    for (const item of viaTool) expect(toolResult).toContain(`[${item.handle}]`);
    expect(stored.status).toBe("complete");
  });

  it("drops citations of records Claude was never given", async () => {
    claude.fake.next({ kind: "text", text: "Ana Ruiz is the champion [P1]. The budget is approved [Z9]." });
    const { stored } = await askAndCollect("Who is the champion at Acme?", { claude: config });
    expect(stored.content).toBe("Ana Ruiz is the champion [P1]. The budget is approved.");
    expect(stored.citations.map((c) => c.label)).toEqual(["Ana Ruiz"]);
  });

  it("when nothing matches, tells Claude its search found nothing, and stores an answer that cites nothing", async () => {
    const start = claude.fake.requests.length;
    const { stored, manifest, events } = await askAndCollect("zeppelin hovercraft?", { claude: config });
    const [first, second] = claude.fake.requests.slice(start);
    expect(JSON.stringify(first!.body.messages)).toContain(
      "No records in the seller's workspace matched the question.",
    );
    // Claude looked further (the fake searches when it has no records); the app's answer to that.
    const result = second!.body.messages.at(-1)!.content;
    expect(result).toEqual([expect.objectContaining({ type: "tool_result", content: "Nothing found." })]);
    expect(manifest).toEqual({ items: [], tokens: 0, facts: [] });
    expect(stored).toMatchObject({ status: "complete", citations: [] });
    expect(stored.content).toBe(events.flatMap((e) => (e.type === "delta" ? [e.text] : [])).join(""));
  });

  it("401: a clear message, nothing lost from the thread", async () => {
    const { stored, db, asked } = await askAndCollect("Who is the champion at Acme?", {
      claude: { ...config, apiKey: "wrong-key" },
    });
    expect(stored.status).toBe("failed");
    expect(stored.errorMessage).toContain("refused the API key (401)");
    expect(await db.brainMessage.count({ where: { threadId: asked.threadId } })).toBe(2);
  });

  it("429: waits as long as retry-after says, then answers", async () => {
    claude.fake.next({ kind: "status", status: 429, retryAfterSeconds: 37 });
    const start = claude.fake.requests.length;
    const waits = instantTimersOf(37_000);
    const { stored } = await askAndCollect("Who is the champion at Acme?", { claude: config }).finally(waits.restore);
    // One wait of retry-after's 37 s, begun after the 429 and before the retry was sent.
    expect(waits.begunAfterRequests).toEqual([start + 1]);
    expect(claude.fake.requests.slice(start).map((r) => r.behaviour)).toEqual(["status", "answer"]);
    expect(stored.status).toBe("complete");
  });

  it("529 until retries run out: says Claude is overloaded", async () => {
    const overloaded = { kind: "status", status: 529, retryAfterSeconds: 41 } as const;
    claude.fake.next(overloaded, overloaded, overloaded);
    const start = claude.fake.requests.length;
    const waits = instantTimersOf(41_000);
    const { stored } = await askAndCollect("Who is the champion at Acme?", { claude: config }).finally(waits.restore);
    // maxRetries 2: three requests, with the wait Claude asked for before each retry.
    expect(claude.fake.requests.length - start).toBe(3);
    expect(waits.begunAfterRequests).toEqual([start + 1, start + 2]);
    expect(stored.status).toBe("failed");
    expect(stored.errorMessage).toContain("overloaded");
  });

  it("a stream that drops mid-answer keeps what arrived", async () => {
    claude.fake.next({ kind: "drop", afterChunks: 4 });
    const { stored, events } = await askAndCollect("What's the latest with Acme?", {
      claude: { ...config, maxRetries: 0 },
    });
    const deltas = events.flatMap((e) => (e.type === "delta" ? [e.text] : []));
    expect(deltas.length).toBe(4);
    expect(stored.status).toBe("failed");
    expect(stored.errorMessage).toMatch(/connection|dropped/i);
    expect(stored.content).toBe(deltas.join(""));
  });

  it("Stop: the partial answer is stored as stopped", async () => {
    // Claude streams three pieces, then nothing until the app hangs up.
    claude.fake.next({ kind: "hold", afterChunks: 3 });
    const controller = new AbortController();
    let streamed = 0;
    const { stored, events } = await askAndCollect("What's the latest with Acme?", {
      claude: config,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === "delta" && ++streamed === 2) controller.abort();
      },
    });
    const deltas = events.flatMap((e) => (e.type === "delta" ? [e.text] : []));
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(stored).toMatchObject({ status: "stopped", errorMessage: "Stopped before the answer was finished." });
    expect(stored.content).toBe(deltas.join(""));
    expect(events.at(-1)).toMatchObject({ type: "done", status: "stopped", content: stored.content });
  });

  it("a timeout stops waiting and keeps the partial answer", async () => {
    claude.fake.next({ kind: "hold", afterChunks: 2 });
    // The answer's deadline is AbortSignal.timeout(timeoutMs): the test fires it once two pieces arrived.
    const deadline = new AbortController();
    const deadlinesAsked: number[] = [];
    const realTimeout = AbortSignal.timeout.bind(AbortSignal);
    const timeouts = vi.spyOn(AbortSignal, "timeout").mockImplementation((ms) => {
      deadlinesAsked.push(ms);
      return ms === 1_234 ? deadline.signal : realTimeout(ms);
    });
    let streamed = 0;
    const { stored, events } = await askAndCollect("What's the latest with Acme?", {
      claude: { ...config, timeoutMs: 1_234, maxRetries: 0 },
      onEvent: (event) => {
        if (event.type === "delta" && ++streamed === 2)
          deadline.abort(new DOMException("The answer took too long.", "TimeoutError"));
      },
    }).finally(() => timeouts.mockRestore());
    expect(deadlinesAsked).toEqual([1_234]);
    const deltas = events.flatMap((e) => (e.type === "delta" ? [e.text] : []));
    expect(deltas.length).toBe(2);
    expect(stored.status).toBe("failed");
    expect(stored.errorMessage).toContain("took too long");
    expect(stored.content).toBe(deltas.join(""));
  });
});

describe("one answer, written once", () => {
  it("a second subscriber (another tab, a reconnect) follows the answer instead of generating it again", async () => {
    const { db, user } = await sellerWithData();
    const asked = await ask(db, user.id, {
      question: "What's the latest with Acme?",
      mode: "server_key",
      model: "claude-test",
    });
    // Claude answers in part, then waits for the test: the second subscriber arrives mid-answer.
    const rest = gate();
    claude.fake.next({ kind: "hold", afterChunks: 2, until: rest.opened });
    const before = claude.fake.requests.length;
    const claudeAsked = claude.fake.nextRequest();
    const subscribe = () => generate(db, user.id, asked.assistantMessageId, { claude: config, now: NOW });
    const collect = async (stream: AsyncGenerator<BrainEvent>, events: BrainEvent[] = []) => {
      for await (const event of stream) events.push(event);
      return events;
    };
    const first = collect(subscribe());
    await claudeAsked;
    const follower = subscribe();
    const next = await follower.next();
    if (next.done) throw new Error("the follower ended without showing anything");
    const shown = next.value;
    expect(shown).toMatchObject({ type: "manifest" });
    rest.open();
    const [firstEvents, secondEvents] = await Promise.all([first, collect(follower, [shown])]);
    expect(claude.fake.requests.length - before).toBe(1);
    const done = (events: BrainEvent[]) => events.at(-1) as Extract<BrainEvent, { type: "done" }>;
    expect(done(firstEvents)).toMatchObject({ type: "done", status: "complete" });
    expect(done(secondEvents)).toEqual(done(firstEvents));
    // The follower showed the manifest the writer stored before asking Claude.
    expect(shown).toEqual(firstEvents.find((e) => e.type === "manifest"));
  });
});

describe("a stored manifest that does not read", () => {
  const warnings: Record<string, unknown>[] = [];
  beforeAll(() => {
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        for (const line of String(chunk).trim().split("\n")) warnings.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    setLogger(createLogger({ level: "warn", destination }));
  });
  afterEach(() => void warnings.splice(0));
  afterAll(() => setLogger(createLogger({ level: "silent" })));

  /** An answer being written (by the browser, with the user's key) whose manifest was mangled. */
  async function mangled() {
    const { db, user } = await sellerWithData();
    const asked = await ask(db, user.id, { question: "Who is the champion at Acme?", mode: "user_key", model: "m" });
    await prepare(db, user.id, asked.assistantMessageId, "m", NOW);
    await db.brainMessage.update({
      where: { id: asked.assistantMessageId },
      data: { contextManifest: { items: "not a list", tokens: "many" } },
    });
    return { db, user, asked };
  }

  it("shows as an empty manifest in the thread, with a warning in the log", async () => {
    const { db, user, asked } = await mangled();
    const thread = await getThread(db, user.id, asked.threadId);
    expect(thread.messages.map((m) => m.manifest)).toEqual([null, { items: [], tokens: 0, facts: [] }]);
    expect(warnings.map((w) => [w.level, w.messageId, w.msg])).toEqual([
      [40, asked.assistantMessageId, "brain answer has a context manifest that does not read; treated as empty"],
    ]);
  });

  it("still lets the answer be stored, citing nothing, since nothing can be shown to have been sent", async () => {
    const { db, user, asked } = await mangled();
    const done = await complete(db, user.id, {
      assistantMessageId: asked.assistantMessageId,
      content: "Ana Ruiz is the champion [P1].",
      status: "complete",
    });
    expect(done.content).toBe("Ana Ruiz is the champion.");
    const stored = await db.brainMessage.findUniqueOrThrow({
      where: { id: asked.assistantMessageId },
      include: { citations: true },
    });
    expect(stored).toMatchObject({ status: "complete", citations: [] });
  });

  it("is followed as an empty manifest by a second subscriber", async () => {
    const { db, user, asked } = await mangled();
    // The browser holds the claim on this answer, so the stream follows what is stored.
    const stream = generate(db, user.id, asked.assistantMessageId, { claude: config, now: NOW });
    const first = await stream.next();
    await stream.return(undefined);
    expect(first.value).toEqual({ type: "manifest", manifest: { items: [], tokens: 0, facts: [] } });
    expect(warnings.length).toBe(1);
  });
});

describe("P16: with the user's own key the browser calls Claude; the server grounds and checks, and never sees the key", () => {
  it("prepare → Claude in the browser → runTool → complete, with citations checked against the manifest", async () => {
    const { db, user } = await sellerWithData();
    const asked = await ask(db, user.id, {
      question: "Any zeppelin paperwork for the hovercraft?",
      mode: "user_key",
      model: "claude-test",
    });
    const prepared = await prepare(db, user.id, asked.assistantMessageId, "claude-test", NOW);
    expect(prepared.system).toContain("cite");
    expect(JSON.stringify(prepared.messages)).toContain("Question: Any zeppelin paperwork for the hovercraft?");
    // What the browser does, with the SDK and the user's key.
    const client = new Anthropic({ apiKey: "test-key", baseURL: claude.url, maxRetries: 0 });
    claude.fake.next({ kind: "tool", name: "search_records", input: { query: "SOC 2" } });
    const first = await client.messages.create({
      model: prepared.model,
      max_tokens: 500,
      system: prepared.system,
      messages: prepared.messages,
      tools: prepared.tools,
    });
    const use = first.content.find((b) => b.type === "tool_use")!;
    expect(use).toMatchObject({ name: "search_records" });
    const tool = await runToolForBrowser(
      db,
      user.id,
      {
        assistantMessageId: asked.assistantMessageId,
        name: "search_records",
        input: (use as { input: unknown }).input,
      },
      NOW,
    );
    expect(tool.manifest.items.some((i) => i.via === "tool")).toBe(true);
    const followUp: MessageParam[] = [
      ...prepared.messages,
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: (use as { id: string }).id, content: tool.text }] },
    ];
    const answer = await client.messages.create({
      model: prepared.model,
      max_tokens: 500,
      system: prepared.system,
      messages: followUp,
    });
    const text = answer.content.map((b) => (b.type === "text" ? b.text : "")).join("");
    const done = await complete(db, user.id, {
      assistantMessageId: asked.assistantMessageId,
      content: `${text} Invented [Q7].`,
      status: "complete",
      usage: { inputTokens: 10, outputTokens: 20 },
    });
    expect(done.content).not.toContain("[Q7]");
    const stored = await db.brainMessage.findUniqueOrThrow({
      where: { id: asked.assistantMessageId },
      include: { citations: true },
    });
    expect(stored).toMatchObject({ status: "complete", mode: "user_key", inputTokens: 10 });
    expect(stored.citations.length).toBeGreaterThan(0);
    await expect(
      complete(db, user.id, { assistantMessageId: asked.assistantMessageId, content: "again", status: "complete" }),
    ).rejects.toThrow(/already finished/);
  });
});

describe("over HTTP", () => {
  it("asks with a POST and streams the answer over server-sent events", async () => {
    const server = await startTestServer();
    try {
      const db = await getDb();
      const user = await createUser(db);
      await importWorkspace(db, user.id, smallWorkspace(), { shiftReferenceDateTo: new Date() });
      const { cookie } = await signIn(db, user.id);
      const api = createApiClient(server.url, { headers: () => ({ cookie }) });
      const asked = await api.brain.ask.mutate({ question: "What's the latest with Acme?" });
      // EventSource cannot send our cookie from Node: read the SSE endpoint with fetch, as a browser would.
      const input = encodeURIComponent(JSON.stringify({ json: { assistantMessageId: asked.assistantMessageId } }));
      const response = await fetch(`${server.url}/api/trpc/brain.stream?input=${input}`, {
        headers: { cookie, accept: "text/event-stream" },
      });
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const body = await response.text();
      expect(body).toContain('"type":"manifest"');
      expect(body).toContain('"type":"done"');
      const thread = await api.brain.thread.query({ threadId: asked.threadId });
      expect(thread.messages.map((m) => [m.role, m.status])).toEqual([
        ["user", "complete"],
        ["assistant", "complete"],
      ]);
    } finally {
      await server.close();
    }
  });
});

describe("brain.runTool over HTTP with names every object inherits", () => {
  it("answers each with a sentence for Claude (200), never a 500, and adds nothing to the manifest", async () => {
    const server = await startTestServer();
    try {
      const db = await getDb();
      const user = await createUser(db);
      await importWorkspace(db, user.id, smallWorkspace());
      const { cookie } = await signIn(db, user.id);
      const api = createApiClient(server.url, { headers: () => ({ cookie }) });
      const asked = await api.brain.ask.mutate({ question: "What's the latest with Acme?", userKey: true });
      const prepared = await api.brain.prepare.mutate({ assistantMessageId: asked.assistantMessageId });
      const call = (name: string, input: string) =>
        fetch(`${server.url}/api/trpc/brain.runTool`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json", origin: server.url },
          body: `{"json":{"assistantMessageId":${JSON.stringify(asked.assistantMessageId)},"name":${JSON.stringify(name)},"input":${input}}}`,
        });
      for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf", "__defineGetter__"]) {
        const response = await call(name, "{}");
        expect(response.status, name).toBe(200);
        const body = (await response.json()) as { result: { data: { json: { text: string } } } };
        expect(body.result.data.json.text).toBe(`There is no tool called ${name}.`);
      }
      // An input that tries to set a prototype is only input.
      const proto = await call("get_account", `{"__proto__":{"name_or_id":"Acme Logistics"},"constructor":1}`);
      expect(proto.status).toBe(200);
      const thread = await api.brain.thread.query({ threadId: asked.threadId });
      expect(thread.messages[1]!.manifest!.items).toEqual(prepared.manifest.items);
    } finally {
      await server.close();
    }
  });
});

describe("an answer always ends: never left 'streaming' with Retry refused (#11)", () => {
  const TIMEOUT_MS = 90_000;
  const collect = async (stream: AsyncGenerator<BrainEvent>) => {
    const events: BrainEvent[] = [];
    for await (const event of stream) events.push(event);
    return events;
  };
  /** A database that refuses one kind of write, as PostgreSQL refused the half emoji: a real trigger. */
  async function refuse(
    db: Awaited<ReturnType<typeof getDb>>,
    table: string,
    when: "INSERT" | "UPDATE",
    condition = "true",
  ) {
    await db.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION refuse_for_test() RETURNS trigger AS $$ BEGIN IF ${condition} THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
    );
    await db.$executeRawUnsafe(
      `CREATE TRIGGER refuse_for_test BEFORE ${when} ON "${table}" FOR EACH ROW EXECUTE FUNCTION refuse_for_test()`,
    );
    return () => db.$executeRawUnsafe(`DROP TRIGGER refuse_for_test ON "${table}"`);
  }

  it("a note cut mid-emoji in a timeline label: the answer about its account completes, over HTTP", async () => {
    const server = await startTestServer();
    try {
      const db = await getDb();
      const user = await createUser(db);
      await importWorkspace(db, user.id, smallWorkspace(), { shiftReferenceDateTo: new Date() });
      const acme = await db.account.findFirstOrThrow({ where: { userId: user.id, name: "Acme Logistics" } });
      const { cookie } = await signIn(db, user.id);
      const api = createApiClient(server.url, { headers: () => ({ cookie }) });
      // "Note added: " + 66 × "w" puts 🎉 across code units 79–80 of the timeline entry's label.
      await api.notes.create.mutate({ body: `${"w".repeat(66)}🎉 after`, accountId: acme.id });
      const asked = await api.brain.ask.mutate({ question: "What's the latest with Acme Logistics?" });
      const input = encodeURIComponent(JSON.stringify({ json: { assistantMessageId: asked.assistantMessageId } }));
      const body = await (
        await fetch(`${server.url}/api/trpc/brain.stream?input=${input}`, {
          headers: { cookie, accept: "text/event-stream" },
        })
      ).text();
      expect(body).toContain('"status":"complete"');
      const thread = await api.brain.thread.query({ threadId: asked.threadId });
      const answer = thread.messages[1]!;
      expect(answer.status).toBe("complete");
      const entry = answer.manifest!.items.find((item) => item.type === "activity" && item.label.includes("www"));
      expect(entry?.label).toBe(`Note added: ${"w".repeat(66)}…`);
      expect(answer.citations.map((c) => c.label)).toContain(entry!.label);
    } finally {
      await server.close();
    }
  });

  it("the stored timeline entry of such a note is cut between characters too", async () => {
    const { db, user } = await sellerWithData();
    const acme = await db.account.findFirstOrThrow({ where: { userId: user.id, name: "Acme Logistics" } });
    await createNote(db, user.id, {
      body: `${"w".repeat(119)}🎉 after`,
      accountId: acme.id,
      opportunityId: null,
      prospectId: null,
      meetingId: null,
    });
    const entry = await db.activity.findFirstOrThrow({ where: { userId: user.id, type: "note_added" } });
    expect(entry.summary).toBe(`Note added: ${"w".repeat(119)}`);
  });

  it("sources the database refuses: the answer ends failed with its text, and Retry answers again", async () => {
    const { db, user } = await sellerWithData();
    const asked = await ask(db, user.id, {
      question: "What's the latest with Acme?",
      mode: "retrieval_only",
      model: null,
    });
    const allow = await refuse(db, "brain_citations", "INSERT");
    const events = await collect(generate(db, user.id, asked.assistantMessageId, { claude: null, now: NOW })).finally(
      allow,
    );
    const failed = await db.brainMessage.findUniqueOrThrow({ where: { id: asked.assistantMessageId } });
    expect(failed.status).toBe("failed");
    expect(failed.errorMessage).toMatch(/could not be saved in full/);
    expect(failed.content).toContain("Retrieval-only answer");
    expect(events.at(-1)).toMatchObject({ type: "done", status: "failed", errorMessage: failed.errorMessage });

    const again = await retry(db, user.id, asked.assistantMessageId, "retrieval_only", null, { timeoutMs: TIMEOUT_MS });
    await collect(generate(db, user.id, again.assistantMessageId, { claude: null, now: NOW }));
    expect(await db.brainMessage.findUniqueOrThrow({ where: { id: again.assistantMessageId } })).toMatchObject({
      status: "complete",
    });
  });

  it("a write refused mid-answer (the manifest, with Claude): failed, what arrived kept, Retry accepted", async () => {
    const { db, user } = await sellerWithData();
    const asked = await ask(db, user.id, { question: "What's the latest with Acme?", mode: "server_key", model: "m" });
    const allow = await refuse(
      db,
      "brain_messages",
      "UPDATE",
      `NEW."contextManifest" IS DISTINCT FROM OLD."contextManifest"`,
    );
    const before = claude.fake.requests.length;
    const events = await collect(generate(db, user.id, asked.assistantMessageId, { claude: config, now: NOW })).finally(
      allow,
    );
    // It failed before Claude was asked, and said so.
    expect(claude.fake.requests.length).toBe(before);
    expect(events.at(-1)).toMatchObject({ type: "done", status: "failed", errorMessage: WRITE_FAILED_MESSAGE });
    expect(await db.brainMessage.findUniqueOrThrow({ where: { id: asked.assistantMessageId } })).toMatchObject({
      status: "failed",
      errorMessage: WRITE_FAILED_MESSAGE,
    });
    const again = await retry(db, user.id, asked.assistantMessageId, "server_key", "m", { timeoutMs: TIMEOUT_MS });
    const next = await collect(generate(db, user.id, again.assistantMessageId, { claude: config, now: NOW }));
    expect(next.at(-1)).toMatchObject({ type: "done", status: "complete" });
  });

  it("a reader that goes away mid-answer leaves it stopped, not streaming", async () => {
    const { db, user } = await sellerWithData();
    const asked = await ask(db, user.id, { question: "What's the latest with Acme?", mode: "server_key", model: "m" });
    const rest = gate();
    claude.fake.next({ kind: "hold", afterChunks: 2, until: rest.opened });
    const stream = generate(db, user.id, asked.assistantMessageId, { claude: config, now: NOW });
    let deltas = 0;
    for await (const event of stream) if (event.type === "delta" && ++deltas === 1) break; // calls return()
    rest.open();
    const stored = await db.brainMessage.findUniqueOrThrow({ where: { id: asked.assistantMessageId } });
    expect(stored).toMatchObject({ status: "stopped", errorMessage: "Stopped before the answer was finished." });
    expect(stored.content.length).toBeGreaterThan(0);
  });

  it("an answer whose writer died (a crash mid-answer): Retry refused while it may be alive, accepted after; the sweep ends the rest", async () => {
    const { db, user } = await sellerWithData();
    const ageBy = (id: string, ms: number) =>
      db.$executeRawUnsafe(
        `UPDATE "brain_messages" SET "updatedAt" = "updatedAt" - ($1::int * interval '1 millisecond'), "generationStartedAt" = now() - ($1::int * interval '1 millisecond') WHERE "id" = $2`,
        ms,
        id,
      );
    const crashed = await ask(db, user.id, {
      question: "What's the latest with Acme?",
      mode: "server_key",
      model: "m",
    });
    await db.brainMessage.update({ where: { id: crashed.assistantMessageId }, data: { content: "Acme is in" } });
    await ageBy(crashed.assistantMessageId, 60_000);
    await expect(
      retry(db, user.id, crashed.assistantMessageId, "server_key", "m", { timeoutMs: TIMEOUT_MS }),
    ).rejects.toThrow("This answer is still being written.");
    await ageBy(crashed.assistantMessageId, TIMEOUT_MS);
    const again = await retry(db, user.id, crashed.assistantMessageId, "server_key", "m", { timeoutMs: TIMEOUT_MS });
    expect(again.threadId).toBe(crashed.threadId);
    expect(await db.brainMessage.findUniqueOrThrow({ where: { id: crashed.assistantMessageId } })).toMatchObject({
      status: "failed",
      errorMessage: ABANDONED_MESSAGE,
      content: "Acme is in",
    });

    // The periodic sweep (the maintenance job): old server answers and browser answers end; live ones do not.
    const old = await ask(db, user.id, { question: "Anything new?", mode: "retrieval_only", model: null });
    const browserRecent = await ask(db, user.id, { question: "And now?", mode: "user_key", model: "m" });
    const browserOld = await ask(db, user.id, { question: "And then?", mode: "user_key", model: "m" });
    await ageBy(old.assistantMessageId, 2 * TIMEOUT_MS);
    await ageBy(browserRecent.assistantMessageId, 2 * TIMEOUT_MS);
    await ageBy(browserOld.assistantMessageId, 11 * 60_000);
    await jobHandlers(db)[QUEUES.maintenance]({});
    const statuses = await db.brainMessage.findMany({
      where: { id: { in: [old, browserRecent, browserOld, again].map((a) => a.assistantMessageId) } },
      select: { id: true, status: true },
    });
    expect(Object.fromEntries(statuses.map((m) => [m.id, m.status]))).toEqual({
      [old.assistantMessageId]: "failed",
      [browserRecent.assistantMessageId]: "streaming",
      [browserOld.assistantMessageId]: "failed",
      [again.assistantMessageId]: "streaming",
    });
    expect(await failAbandonedAnswers(db, { timeoutMs: TIMEOUT_MS })).toBe(0);
  });
});

// The Pro gate on the brain's server key, over real HTTP (tRPC mutation, then the answer's SSE
// stream) against the fake Anthropic on a loopback port: Free answers retrieval-only (saying why)
// even with ANTHROPIC_API_KEY set, Pro answers with the server's key until the month's allowance is
// used, a downgrade between asking and streaming is honoured, and the user's own key is never gated.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiClient } from "../../app/utils/trpc";
import { startFakeAnthropic } from "../../tests/fakes/anthropic";
import { makeFree, setSubscription, endTrial } from "../../tests/helpers/plans";
import { startTestServer } from "../../tests/helpers/server";
import { createUser, signIn } from "../../tests/helpers/users";
import { smallWorkspace } from "../../tests/helpers/workspace";
import { importWorkspace } from "../data-rights/import/import-workspace";
import { getDb, type Db } from "../db/client";
import { resetEnvCache } from "../env";
import { brainAllowanceOf, retrievalOnlyNotice, serverClaudeFor } from "./gates";

const ALLOWANCE = 2;
const VARIABLES = ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_MODEL", "BILLING_PRO_BRAIN_ANSWERS"] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

let claude: Awaited<ReturnType<typeof startFakeAnthropic>>;
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  claude = await startFakeAnthropic({ apiKeys: ["server-key"] });
  Object.assign(process.env, {
    ANTHROPIC_API_KEY: "server-key",
    ANTHROPIC_BASE_URL: claude.url,
    ANTHROPIC_MODEL: "claude-test",
    BILLING_PRO_BRAIN_ANSWERS: String(ALLOWANCE),
  });
  resetEnvCache();
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
  await claude.close();
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  resetEnvCache();
});
let requestsBefore = 0;
beforeEach(() => {
  requestsBefore = claude.fake.requests.length;
});
const claudeWasCalled = () => claude.fake.requests.length > requestsBefore;

async function seller(setUp?: (db: Db, userId: string) => Promise<void>) {
  const db = await getDb();
  const user = await createUser(db);
  await importWorkspace(db, user.id, smallWorkspace(), { shiftReferenceDateTo: new Date() });
  await setUp?.(db, user.id);
  const { cookie } = await signIn(db, user.id);
  const api = createApiClient(server.url, { headers: () => ({ cookie }) });
  /** The answer's stream, read as the browser reads it; then the stored answer. */
  const stream = async (assistantMessageId: string, threadId: string) => {
    const input = encodeURIComponent(JSON.stringify({ json: { assistantMessageId } }));
    const body = await (
      await fetch(`${server.url}/api/trpc/brain.stream?input=${input}`, {
        headers: { cookie, accept: "text/event-stream" },
      })
    ).text();
    expect(body).toContain('"type":"done"');
    const thread = await api.brain.thread.query({ threadId });
    return thread.messages.find((m) => m.id === assistantMessageId)!;
  };
  const askAndStream = async (question = "What's the latest with Acme Logistics?") => {
    const asked = await api.brain.ask.mutate({ question });
    return stream(asked.assistantMessageId, asked.threadId);
  };
  return { db, user, api, stream, askAndStream };
}

const PLAN_NOTICE = retrievalOnlyNotice("plan");

describe("the brain on Free", () => {
  it("answers retrieval-only, saying it is the plan, though the server has a Claude key", async () => {
    const { db, user, api, askAndStream } = await seller((db, id) => makeFree(db, id));
    const status = await api.brain.status.query();
    expect(status).toMatchObject({ mode: "retrieval_only", model: null, retrievalOnlyReason: "plan" });
    expect(status.retrievalOnlyNotice).toBe(PLAN_NOTICE);
    const answer = await askAndStream();
    expect(answer).toMatchObject({ status: "complete", mode: "retrieval_only", model: null });
    expect(answer.content.startsWith(`_${PLAN_NOTICE}_`)).toBe(true);
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(claudeWasCalled()).toBe(false);
    expect(await serverClaudeFor(db, user.id)).toBeNull();
    expect(await brainAllowanceOf(db, user.id)).toMatchObject({ used: 0, allowance: ALLOWANCE, serverKey: false });
  });

  it("the user's own key (P16) is not gated: asking with it and preparing the prompt work", async () => {
    const { api } = await seller((db, id) => makeFree(db, id, { cancelled: false }));
    const asked = await api.brain.ask.mutate({ question: "Who is the champion at Acme?", userKey: true });
    const prepared = await api.brain.prepare.mutate({ assistantMessageId: asked.assistantMessageId });
    expect(prepared.model).toBe("claude-test");
    const thread = await api.brain.thread.query({ threadId: asked.threadId });
    expect(thread.messages[1]).toMatchObject({ mode: "user_key" });
    expect(claudeWasCalled()).toBe(false);
  });

  it("a server-key answer cannot be had by streaming a user-key one", async () => {
    const { api, stream } = await seller((db, id) => makeFree(db, id));
    const asked = await api.brain.ask.mutate({ question: "What's the latest with Acme Logistics?", userKey: true });
    const answer = await stream(asked.assistantMessageId, asked.threadId);
    expect(answer).toMatchObject({ mode: "retrieval_only" });
    expect(answer.content.startsWith(`_${PLAN_NOTICE}_`)).toBe(true);
    expect(claudeWasCalled()).toBe(false);
  });
});

describe("the brain on Pro", () => {
  it("the trial and a paid subscription answer with the server's key, counted against the month", async () => {
    for (const setUp of [
      undefined,
      async (db: Db, id: string) => {
        await endTrial(db, id);
        await setSubscription(db, id, "active");
      },
    ]) {
      const { db, user, api, askAndStream } = await seller(setUp);
      expect(await api.brain.status.query()).toMatchObject({ mode: "server_key", model: "claude-test" });
      const before = claude.fake.requests.length;
      const answer = await askAndStream();
      expect(answer).toMatchObject({ status: "complete", mode: "server_key", model: "claude-test" });
      expect(claude.fake.requests.length).toBeGreaterThan(before);
      expect(claude.fake.requests.at(-1)!.apiKey).toBe("server-key");
      expect(await brainAllowanceOf(db, user.id)).toMatchObject({ used: 1, allowance: ALLOWANCE, serverKey: true });
    }
  });

  it("with the month's allowance used, answers retrieval-only saying so, until the month turns", async () => {
    // Paid, so still Pro next month (the trial may end before then).
    const { db, user, api, askAndStream } = await seller((db, id) => setSubscription(db, id, "active"));
    // Last month's answers and failed ones are not counted.
    const thread = await db.brainThread.create({ data: { userId: user.id, title: "Earlier" } });
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1) - 1);
    const earlier = { userId: user.id, threadId: thread.id, role: "assistant" as const, content: "x" };
    await db.brainMessage.createMany({
      data: [
        { ...earlier, mode: "server_key", status: "complete", createdAt: lastMonth },
        { ...earlier, mode: "server_key", status: "failed" },
        { ...earlier, mode: "user_key", status: "complete" },
      ],
    });
    expect(await brainAllowanceOf(db, user.id)).toMatchObject({ used: 0, serverKey: true });
    for (let i = 0; i < ALLOWANCE; i += 1) expect(await askAndStream()).toMatchObject({ mode: "server_key" });
    const now = new Date();
    const allowance = await brainAllowanceOf(db, user.id, now);
    const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(allowance).toEqual({ used: ALLOWANCE, allowance: ALLOWANCE, resetsAt, serverKey: false });

    const status = await api.brain.status.query();
    expect(status).toMatchObject({ mode: "retrieval_only", retrievalOnlyReason: "allowance" });
    expect(status.retrievalOnlyNotice).toContain(
      `the ${ALLOWANCE} written answers Pro includes this month are used up`,
    );
    expect(status.retrievalOnlyNotice).toContain(resetsAt.toISOString().slice(0, 10));
    const before = claude.fake.requests.length;
    const answer = await askAndStream();
    expect(answer).toMatchObject({ status: "complete", mode: "retrieval_only" });
    expect(answer.content.startsWith(`_${retrievalOnlyNotice("allowance", allowance)}_`)).toBe(true);
    expect(claude.fake.requests.length).toBe(before);
    // Next month the allowance is whole again.
    expect(await brainAllowanceOf(db, user.id, new Date(resetsAt.getTime() + 1000))).toMatchObject({
      used: 0,
      serverKey: true,
    });
  });

  it("a downgrade between asking and streaming is honoured: retrieval-only, labelled so", async () => {
    const { db, user, api, stream } = await seller();
    const asked = await api.brain.ask.mutate({ question: "What's the latest with Acme Logistics?" });
    await makeFree(db, user.id);
    const answer = await stream(asked.assistantMessageId, asked.threadId);
    expect(answer).toMatchObject({ status: "complete", mode: "retrieval_only", model: null });
    expect(answer.content.startsWith(`_${PLAN_NOTICE}_`)).toBe(true);
    expect(claudeWasCalled()).toBe(false);
  });

  it("retry on Free is retrieval-only too", async () => {
    const { db, user, api, askAndStream } = await seller();
    const first = await askAndStream();
    expect(first.mode).toBe("server_key");
    await makeFree(db, user.id);
    const again = await api.brain.retry.mutate({ assistantMessageId: first.id });
    const thread = await api.brain.thread.query({ threadId: again.threadId });
    expect(thread.messages.find((m) => m.id === again.assistantMessageId)).toMatchObject({ mode: "retrieval_only" });
  });
});

describe("an instance without billing", () => {
  it("answers with the server's key for everyone, with no allowance to run out", async () => {
    const savedStripe = process.env.FAKE_STRIPE;
    process.env.FAKE_STRIPE = "false";
    resetEnvCache();
    try {
      const { db, user, askAndStream } = await seller((db, id) => makeFree(db, id));
      for (let i = 0; i <= ALLOWANCE; i += 1) expect(await askAndStream()).toMatchObject({ mode: "server_key" });
      expect(await brainAllowanceOf(db, user.id)).toMatchObject({ used: ALLOWANCE + 1, serverKey: true });
    } finally {
      if (savedStripe === undefined) delete process.env.FAKE_STRIPE;
      else process.env.FAKE_STRIPE = savedStripe;
      resetEnvCache();
    }
  });
});

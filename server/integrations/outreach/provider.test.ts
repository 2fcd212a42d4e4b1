// The Outreach connector over real HTTP against the fake Outreach API (tests/fakes/outreach).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OutreachData, salesforceOpportunityId as makeSalesforceId } from "../../../tests/fakes/outreach/data";
import { startFakeOutreachApi } from "../../../tests/fakes/outreach/index";
import { StaticApiTokens } from "../../../tests/fakes/provider/api-tokens";
import { AccessTokenRejectedError, CursorExpiredError, ProviderAuthError, TemporaryProviderError } from "../errors";
import { PROVIDERS } from "../providers";
import type {
  SkippedItem,
  SyncChange,
  SyncCursor,
  SyncedActivity,
  SyncedDeal,
  SyncedEmail,
  SyncedSequenceState,
  SyncProvider,
  SyncStep,
} from "../types";
import { createOutreachProvider, mapStage, OUTREACH_RESOURCE_ORDER, salesforceOpportunityId } from "./provider";

const SCOPES = PROVIDERS.find((p) => p.id === "outreach")!.scopes;
const WINDOW = { mailSince: new Date(0), calendarFrom: new Date(0), calendarTo: new Date(0) };

let tokens: StaticApiTokens;
let data: OutreachData;
let api: Awaited<ReturnType<typeof startFakeOutreachApi>>;
let provider: SyncProvider;
let clock: number;

beforeEach(async () => {
  tokens = new StaticApiTokens().add("token", { userId: "u1", email: "seller@example.com", scopes: SCOPES });
  data = new OutreachData({
    seed: 3,
    accounts: 4,
    prospectsPerAccount: 3,
    mailingsPerEnrollment: 2,
    callsPerAccount: 2,
  });
  clock = Date.parse("2026-03-01T10:00:00Z");
  api = await startFakeOutreachApi({ verifyToken: tokens.verify, data, now: () => clock });
  provider = createOutreachProvider({ baseUrl: api.baseUrl, pageSize: 5 });
});
afterEach(() => api.close());

const signal = () => new AbortController().signal;

function step(cursor: SyncCursor | null, now = new Date(clock), accessToken = "token"): Promise<SyncStep> {
  return provider.step({ accessToken, cursor, window: WINDOW, now, signal: signal() });
}

/** Steps until a round ends; every step's cursor is what the engine would have saved. */
async function round(cursor: SyncCursor | null, now = new Date(clock)) {
  const changes: SyncChange[] = [];
  const skipped: SkippedItem[] = [];
  const steps: SyncStep[] = [];
  for (let i = 0; i < 500; i += 1) {
    const result = await step(cursor, now);
    steps.push(result);
    changes.push(...result.changes);
    skipped.push(...result.skipped);
    cursor = result.cursor;
    if (result.caughtUp) return { changes, skipped, steps, cursor };
  }
  throw new Error("the round never ended");
}

const idsOf = (changes: SyncChange[], kind: SyncChange["kind"]) =>
  changes.filter((c) => c.kind === kind).map((c) => ("externalId" in c ? c.externalId : ""));

const expectedMailings = () =>
  data.all("mailing").filter((m) => ["delivered", "opened", "replied"].includes(String(m.attributes.state)));

describe("Outreach connector", () => {
  it("reads every resource once, in dependency order, one page per step, as a full sync", async () => {
    const { changes, skipped, steps } = await round(null);
    expect(steps.every((s) => s.mode === "full")).toBe(true);
    expect(steps.slice(0, -1).every((s) => !s.caughtUp)).toBe(true);
    expect(steps.every((s) => s.requests === 1)).toBe(true);
    const kinds = changes.map((c) => c.kind);
    const order = ["account", "prospect", "deal", "sequence_state", "email", "activity"];
    // Kinds come in blocks, in dependency order.
    expect([...new Set(kinds)]).toEqual(order);
    expect(idsOf(changes, "account").sort()).toEqual(
      data
        .all("account")
        .map((a) => String(a.id))
        .sort(),
    );
    expect(idsOf(changes, "prospect")).toHaveLength(12);
    expect(new Set(idsOf(changes, "prospect")).size).toBe(12);
    expect(idsOf(changes, "deal")).toHaveLength(data.all("opportunity").length);
    expect(idsOf(changes, "sequence_state")).toHaveLength(data.all("sequenceState").length);
    expect(idsOf(changes, "email").sort()).toEqual(
      expectedMailings()
        .map((m) => String(m.id))
        .sort(),
    );
    expect(idsOf(changes, "activity")).toHaveLength(data.all("call").length);
    // Unsent mailings are skipped as not correspondence, and nothing else is skipped.
    const unsent = data.all("mailing").length - expectedMailings().length;
    expect(skipped).toHaveLength(unsent);
    expect(skipped.every((s) => s.reason === "not_correspondence")).toBe(true);
    // Each listing asked for what the change needs, sorted by updatedAt, without counting.
    const listing = api.fake.requests.find((r) => r.path === "/sequenceStates")!;
    const query = new Map(listing.query);
    expect(query.get("sort")).toBe("updatedAt");
    expect(query.get("count")).toBe("false");
    expect(query.get("include")).toBe("sequence,sequenceStep");
    expect(query.get("fields[sequence]")).toBe("name,sequenceStepCount");
    expect(query.has("filter[updatedAt]")).toBe(false);
    expect(OUTREACH_RESOURCE_ORDER).toEqual([
      "accounts",
      "prospects",
      "opportunities",
      "sequenceStates",
      "mailings",
      "calls",
    ]);
  });

  it("turns prospects, deals, sequence states, mailings and calls into the contract's changes", async () => {
    const { changes } = await round(null);
    const prospect = data.all("prospect")[0]!;
    const synced = changes.find((c) => c.kind === "prospect" && c.externalId === String(prospect.id));
    expect(synced).toMatchObject({
      objectType: "prospect",
      account: { objectType: "account", externalId: String(prospect.relationships.account!.id) },
      fields: {
        firstName: prospect.attributes.firstName,
        lastName: prospect.attributes.lastName,
        email: (prospect.attributes.emails as string[])[0],
        title: prospect.attributes.title,
      },
      modifiedAt: prospect.updatedAt,
    });

    const mailing = expectedMailings()[0]!;
    const email = changes.find((c): c is SyncedEmail => c.kind === "email" && c.externalId === String(mailing.id))!;
    const to = data.get("prospect", mailing.relationships.prospect!.id)!;
    expect(email).toMatchObject({
      threadId: `prospect:${to.id}:sequence:${mailing.relationships.sequence!.id}`,
      rfcMessageId: String(mailing.attributes.messageId).replace(/^<|>$/g, ""),
      subject: mailing.attributes.subject,
      from: { email: "seller@example.com", name: null },
      to: [{ email: (to.attributes.emails as string[])[0] }],
      sentAt: new Date(String(mailing.attributes.deliveredAt)),
    });
    expect(email.rfcMessageId).not.toMatch(/[<>]/);
    expect(email.body).toContain("would a short call next week help");

    const state = data.all("sequenceState")[0]!;
    const sequence = data.get("sequence", state.relationships.sequence!.id)!;
    const stepOrder = data.get("sequenceStep", state.relationships.sequenceStep!.id)!.attributes.order;
    const syncedState = changes.find(
      (c): c is SyncedSequenceState => c.kind === "sequence_state" && c.externalId === String(state.id),
    )!;
    expect(syncedState).toMatchObject({
      person: { objectType: "prospect", externalId: String(state.relationships.prospect!.id) },
      sequenceName: sequence.attributes.name,
      step: stepOrder,
      totalSteps: sequence.attributes.sequenceStepCount,
      state: state.attributes.state,
    });

    const call = data.all("call")[0]!;
    const activity = changes.find(
      (c): c is SyncedActivity => c.kind === "activity" && c.externalId === String(call.id),
    )!;
    const callee = data.get("prospect", call.relationships.prospect!.id)!;
    expect(activity).toMatchObject({
      type: "call_logged",
      objectType: "call",
      person: { objectType: "prospect", externalId: String(callee.id) },
      personEmail: (callee.attributes.emails as string[])[0],
      call: { direction: call.attributes.direction, outcome: call.attributes.outcome },
      occurredAt: new Date(String(call.attributes.completedAt)),
    });

    for (const opportunity of data.all("opportunity")) {
      const deal = changes.find((c): c is SyncedDeal => c.kind === "deal" && c.externalId === String(opportunity.id))!;
      const stage = data.get("opportunityStage", opportunity.relationships.opportunityStage!.id)!;
      expect(deal.stage).toEqual({ label: stage.attributes.name, mapped: mapStage(String(stage.attributes.name)) });
      expect(deal.crmId ?? null).toBe(opportunity.attributes.customId ?? null);
      expect(deal.fields.amount).toBe(Number(opportunity.attributes.amount) * 100);
      expect(deal.fields.closeDate).toBe(String(opportunity.attributes.closeDate).slice(0, 10));
    }
  });

  it("reads only what changed since the watermark in the next round (the watermark's second again, nothing older)", async () => {
    const first = await round(null);
    clock += 60_000;
    data.advance(60_000);
    const renamed = data.update("account", 2, { name: "Globex Renamed" });
    const created = data.create(
      "prospect",
      { firstName: "New", lastName: "Person", emails: ["new@globex.example"] },
      {
        account: { type: "account", id: 2 },
      },
    );
    const before = api.fake.requests.length;
    const second = await round(first.cursor);
    expect(second.steps.every((s) => s.mode === "incremental")).toBe(true);
    const accounts = second.changes.filter((c) => c.kind === "account");
    expect(accounts.map((a) => "externalId" in a && a.externalId)).toContain(String(renamed.id));
    expect(accounts.find((a) => a.kind === "account" && a.externalId === "2")).toMatchObject({
      fields: { name: "Globex Renamed" },
    });
    expect(idsOf(second.changes, "prospect")).toContain(String(created.id));
    // Only the changes (and records of the previous watermark's second) came back.
    expect(idsOf(second.changes, "account").length).toBeLessThanOrEqual(2);
    expect(idsOf(second.changes, "prospect").length).toBeLessThanOrEqual(3);
    const listing = api.fake.requests.slice(before).find((r) => r.path === "/accounts")!;
    const watermark = new Map(listing.query).get("filter[updatedAt]")!;
    expect(watermark).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z\.\.inf$/);
  });

  it("never skips a record updated in the watermark's own second", async () => {
    const first = await round(null);
    const cursor = first.cursor as { resources: Record<string, { watermark: string }> };
    const watermark = new Date(cursor.resources.calls!.watermark);
    // Another call is logged within the same second as the newest one already read.
    data.now = watermark;
    const late = data.create(
      "call",
      { direction: "outbound", outcome: "Answered", completedAt: watermark.toISOString() },
      {
        prospect: { type: "prospect", id: 1 },
      },
    );
    const second = await round(first.cursor);
    expect(idsOf(second.changes, "activity")).toContain(String(late.id));
  });

  it("resumes from a saved cursor after a crash mid-listing, reading each record at least once and none twice beyond the repeat page", async () => {
    let cursor: SyncCursor | null = null;
    const seen: string[] = [];
    // Run seven steps, then "crash": the step in flight is lost, the saved cursor survives.
    for (let i = 0; i < 7; i += 1) {
      const result = await step(cursor);
      seen.push(...result.changes.map((c) => ("externalId" in c ? `${c.kind}:${c.externalId}` : c.kind)));
      cursor = result.cursor;
    }
    await step(cursor); // lost
    const fresh = createOutreachProvider({ baseUrl: api.baseUrl, pageSize: 5 });
    for (let i = 0; i < 500; i += 1) {
      const result = await fresh.step({
        accessToken: "token",
        cursor,
        window: WINDOW,
        now: new Date(clock),
        signal: signal(),
      });
      seen.push(...result.changes.map((c) => ("externalId" in c ? `${c.kind}:${c.externalId}` : c.kind)));
      cursor = result.cursor;
      if (result.caughtUp) break;
    }
    const expected =
      data.all("account").length +
      data.all("prospect").length +
      data.all("opportunity").length +
      data.all("sequenceState").length +
      expectedMailings().length +
      data.all("call").length;
    expect(new Set(seen).size).toBe(expected);
    expect(seen.length).toBe(expected);
  });

  it("reconciles ids at most once a day per resource and reports what was deleted by its absence", async () => {
    const first = await round(null);
    // The full sync counts as a reconciliation: the next round, the same day, lists no ids.
    const sameDay = await round(first.cursor);
    expect(sameDay.changes.some((c) => c.kind === "present")).toBe(false);

    data.delete("prospect", 4);
    data.delete("account", 1);
    clock += 25 * 3_600_000;
    const nextDay = await round(sameDay.cursor, new Date(clock));
    const present = nextDay.changes.filter((c) => c.kind === "present");
    const ends = nextDay.changes.filter((c) => c.kind === "sweep_end");
    expect(ends.map((e) => e.objectType)).toEqual([
      "account",
      "prospect",
      "opportunity",
      "sequenceState",
      "mailing",
      "call",
    ]);
    const prospectIds = present.filter((p) => p.objectType === "prospect").flatMap((p) => p.externalIds);
    expect(prospectIds).not.toContain("4");
    expect(prospectIds.sort()).toEqual(
      data
        .all("prospect")
        .map((p) => String(p.id))
        .sort(),
    );
    const accountIds = present.filter((p) => p.objectType === "account").flatMap((p) => p.externalIds);
    expect(accountIds).not.toContain("1");
    // Each sweep's end comes after its present pages, and carries the sweep's start.
    const prospectEnd = nextDay.changes.findIndex((c) => c.kind === "sweep_end" && c.objectType === "prospect");
    const lastPresent = nextDay.changes.findLastIndex((c) => c.kind === "present" && c.objectType === "prospect");
    expect(lastPresent).toBeLessThan(prospectEnd);
    const sweep = api.fake.requests.find((r) => new Map(r.query).get("sort") === "id" && r.path === "/prospects")!;
    expect(new Map(sweep.query).get("fields[prospect]")).toBe("updatedAt");
    expect(new Map(sweep.query).get("page[size]")).toBe("1000");
    // The day after, again nothing until 24 hours have passed.
    const sameDayAgain = await round(nextDay.cursor, new Date(clock + 3_600_000));
    expect(sameDayAgain.changes.some((c) => c.kind === "present")).toBe(false);
  });

  it("waits for the reset when the hour's allowance is nearly spent, and on a 429", async () => {
    const paused = createOutreachProvider({ baseUrl: api.baseUrl, pageSize: 5, minRemaining: 9_999 });
    const first = await paused.step({
      accessToken: "token",
      cursor: null,
      window: WINDOW,
      now: new Date(clock),
      signal: signal(),
    });
    expect(first.changes.length).toBeGreaterThan(0);
    const error = await paused
      .step({
        accessToken: "token",
        cursor: first.cursor,
        window: WINDOW,
        now: new Date(clock + 1000),
        signal: signal(),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporaryProviderError);
    expect((error as TemporaryProviderError).kind).toBe("rate_limited");
    expect((error as TemporaryProviderError).retryAfterMs).toBe(3_600_000 - 1000);
    const requests = api.fake.requests.length;
    expect(requests).toBe(1);
    // After the reset it goes on.
    clock += 3_600_000;
    const after = await paused.step({
      accessToken: "token",
      cursor: first.cursor,
      window: WINDOW,
      now: new Date(clock),
      signal: signal(),
    });
    expect(after.requests).toBe(1);

    api.fake.spendAllowance("u1", 20_000);
    const limited = await step(after.cursor, new Date(clock + 10_000)).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(TemporaryProviderError);
    expect((limited as TemporaryProviderError).kind).toBe("rate_limited");
    expect((limited as TemporaryProviderError).retryAfterMs).toBe(3_600_000 - 10_000);
  });

  it("answers a refused token with AccessTokenRejectedError and a missing scope with ProviderAuthError", async () => {
    tokens.revoke("token");
    await expect(step(null)).rejects.toBeInstanceOf(AccessTokenRejectedError);
    tokens.add("token", {
      userId: "u1",
      email: "seller@example.com",
      scopes: SCOPES.filter((s) => s !== "opportunities.read"),
    });
    let cursor: SyncCursor | null = null;
    let error: unknown = null;
    for (let i = 0; i < 50 && !error; i += 1) {
      try {
        cursor = (await step(cursor)).cursor;
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect((error as Error).message).toMatch(/unauthorizedOauthScope/);
  });

  it("counts 5xx and network failures as temporary, with Retry-After", async () => {
    api.fake.injectFault({ status: 503, id: "scheduledServerMaintenance", retryAfterSeconds: 120 });
    const error = await step(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporaryProviderError);
    expect((error as TemporaryProviderError).retryAfterMs).toBe(120_000);
    const unreachable = createOutreachProvider({ baseUrl: "http://127.0.0.1:9/api/v2" });
    const network = await unreachable
      .step({ accessToken: "token", cursor: null, window: WINDOW, now: new Date(clock), signal: signal() })
      .catch((e: unknown) => e);
    expect(network).toBeInstanceOf(TemporaryProviderError);
    expect((network as TemporaryProviderError).kind).toBe("network");
  });

  it("skips malformed records, missing required attributes and unknown values with their reasons, and goes on", async () => {
    data.corrupt("account", 2, { type: "account", id: "two", attributes: {} });
    const emails = data.get("prospect", 3)!.attributes.emails;
    data.corrupt("prospect", 3, {
      type: "prospect",
      id: 3,
      attributes: { firstName: 42, emails, updatedAt: "2026-01-05T09:00:00Z" },
    });
    data.update("opportunity", 1, { name: null });
    data.update("sequenceState", 1, { state: "hibernating" });
    data.update("call", 1, { direction: "sideways" });
    data.corrupt("mailing", expectedMailings()[0]!.id, {
      type: "mailing",
      id: expectedMailings()[0]!.id,
      attributes: {
        state: "delivered",
        updatedAt: "2026-01-05T09:00:00Z",
        deliveredAt: null,
        mailboxAddress: "a@b.example",
      },
    });
    const { changes, skipped } = await round(null);
    const reasons = Object.fromEntries(
      skipped.filter((s) => s.reason !== "not_correspondence").map((s) => [s.externalId, s.reason]),
    );
    expect(reasons).toEqual({
      // Its id is not an integer: it is named by its place on the page.
      [Object.keys(reasons).find((id) => /^account:#\d+$/.test(id))!]: "malformed",
      "prospect:3": "malformed",
      "opportunity:1": "missing_field",
      "sequenceState:1": "unknown_value",
      "call:1": "unknown_value",
      [`mailing:${expectedMailings()[0]!.id}`]: "missing_field",
    });
    // Everything else still arrived.
    expect(idsOf(changes, "account")).toHaveLength(data.all("account").length - 1);
    expect(idsOf(changes, "activity")).toHaveLength(data.all("call").length - 1);
  });

  it("asks for a page too large to read again in halves, and skips a single record that is too large alone", async () => {
    const small = createOutreachProvider({ baseUrl: api.baseUrl, pageSize: 4, maxPageBytes: 6_000 });
    data.update("account", 3, { description: "x".repeat(7_000) });
    // Another account changes after it, so the listing has to go on past the one too large.
    data.advance(1_000);
    data.update("account", 1, { name: "Acme Renamed" });
    const changes: SyncChange[] = [];
    const skipped: SkippedItem[] = [];
    let cursor: SyncCursor | null = null;
    for (let i = 0; i < 200; i += 1) {
      const result = await small.step({
        accessToken: "token",
        cursor,
        window: WINDOW,
        now: new Date(clock),
        signal: signal(),
      });
      changes.push(...result.changes);
      skipped.push(...result.skipped);
      cursor = result.cursor;
      if (result.caughtUp) break;
    }
    expect(skipped).toContainEqual({ externalId: "account:3", reason: "too_large" });
    expect(idsOf(changes, "account").sort()).toEqual(["1", "2", "4"]);
    // The account after it came with its full fields (the probe for the id asked for updatedAt only).
    expect(changes.find((c) => c.kind === "account" && c.externalId === "1")).toMatchObject({
      fields: { name: "Acme Renamed", domain: expect.any(String) },
    });
    expect(idsOf(changes, "prospect")).toHaveLength(12);
  });

  it("starts a listing over from its watermark when Outreach refuses a saved page link", async () => {
    provider = createOutreachProvider({ baseUrl: api.baseUrl, pageSize: 2 });
    const first = await step(null);
    const cursor = { ...(first.cursor as Record<string, unknown>) };
    expect(cursor.next).toEqual(expect.stringContaining("page%5Bafter%5D"));
    cursor.next = String(cursor.next).replace(/page%5Bafter%5D=[^&]+/, "page%5Bafter%5D=expired");
    const retried = await step(cursor);
    expect(retried.changes).toEqual([]);
    expect((retried.cursor as { next: unknown }).next).toBeNull();
    const { changes } = await round(retried.cursor);
    // Every account arrives; the watermark's second may arrive twice (ingest upserts it again).
    expect([...new Set(idsOf([...first.changes, ...changes], "account"))].sort()).toEqual(
      data
        .all("account")
        .map((a) => String(a.id))
        .sort(),
    );
  });

  it("refuses to send the token to a next link on another host", async () => {
    const first = await step(null);
    const cursor = { ...(first.cursor as Record<string, unknown>), next: "http://evil.example/api/v2/accounts" };
    const before = api.fake.requests.length;
    await expect(step(cursor)).rejects.toBeInstanceOf(TemporaryProviderError);
    expect(api.fake.requests.length).toBe(before);
  });

  it("treats an unreadable stored cursor as expired", async () => {
    await expect(step({ version: 9 })).rejects.toBeInstanceOf(CursorExpiredError);
  });

  it("names the token's user as the connected account", async () => {
    const account = await provider.connectedAccount("token", signal());
    expect(account).toEqual({ id: "seller@example.com", name: "Sam Seller (seller@example.com)" });
    await expect(provider.connectedAccount("nope", signal())).rejects.toBeInstanceOf(AccessTokenRejectedError);
  });
});

describe("Outreach mapping helpers", () => {
  it("maps Salesforce's standard stage names and leaves made-up ones unmapped", () => {
    expect(mapStage("Closed Won")).toBe("closed_won");
    expect(mapStage("Negotiation/Review")).toBe("negotiation");
    expect(mapStage("qualification")).toBe("discovery");
    expect(mapStage("Champion Identified")).toBeNull();
  });

  it("reads a Salesforce Opportunity id from customId, in its 18-character form", () => {
    const id18 = makeSalesforceId(123_456);
    expect(salesforceOpportunityId(id18)).toBe(id18);
    expect(salesforceOpportunityId(id18.slice(0, 15))).toBe(id18);
    expect(salesforceOpportunityId(`${id18.slice(0, 15)}ZZZ`)).toBeNull();
    expect(salesforceOpportunityId("001000000000001AAA")).toBeNull();
    expect(salesforceOpportunityId("ACME-42")).toBeNull();
    expect(salesforceOpportunityId(null)).toBeNull();
  });
});

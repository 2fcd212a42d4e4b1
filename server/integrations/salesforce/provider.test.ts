// The Salesforce provider against the fake Salesforce REST API on a loopback port: real HTTP, SOQL
// parsed and evaluated by the fake, query locators, queryAll, Sforce-Limit-Info and its errors.
import { afterEach, describe, expect, it } from "vitest";
import { FakeOrg, startFakeSalesforceApi } from "../../../tests/fakes/salesforce";
import type { OrgSizes } from "../../../tests/fakes/salesforce/org";
import { StaticApiTokens } from "../../../tests/fakes/provider/api-tokens";
import { AccessTokenRejectedError, ProviderAuthError, QuotaPausedError, TemporaryProviderError } from "../errors";
import type { SkippedItem, SyncChange, SyncCursor, SyncProvider, SyncStep, SyncWindow } from "../types";
import { syncProvider } from "../registry";
import { createSalesforceProvider, quotaResumeAt, type SalesforceProviderOptions } from "./provider";

const TOKEN = "sf-access-token";
const USER_ID = "005Hs0000000001AAA";
const NOW = new Date("2026-06-02T08:00:00Z");
const WINDOW: SyncWindow = { mailSince: NOW, calendarFrom: NOW, calendarTo: NOW };
const ORDER = [
  "Account",
  "Contact",
  "Lead",
  "Opportunity",
  "OpportunityContactRole",
  "OpportunityHistory",
  "Task",
  "Event",
];

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function setUp(sizes: Partial<OrgSizes> = {}, options: SalesforceProviderOptions = {}, multiCurrency = false) {
  const org = new FakeOrg({ seed: 13, sizes, multiCurrency });
  const tokens = new StaticApiTokens().add(TOKEN, {
    userId: USER_ID,
    email: "sam@fakeorg.example",
    scopes: ["api", "refresh_token"],
  });
  const fake = await startFakeSalesforceApi({ verifyToken: tokens.verify, org });
  closers.push(fake.close);
  const provider = createSalesforceProvider({ batchSize: 200, ...options });
  return { org, tokens, fake, provider };
}

const input = (apiBaseUrl: string, cursor: SyncCursor | null, now = NOW, accessToken = TOKEN) => ({
  accessToken,
  apiBaseUrl,
  cursor,
  window: WINDOW,
  now,
  signal: AbortSignal.timeout(30_000),
});

/** Steps until caught up; every step's changes, as the engine would commit them one by one. */
async function syncRound(provider: SyncProvider, apiBaseUrl: string, cursor: SyncCursor | null, now = NOW) {
  const changes: SyncChange[] = [];
  const skipped: SkippedItem[] = [];
  const steps: SyncStep[] = [];
  for (let i = 0; i < 1000; i += 1) {
    const step = await provider.step({ ...input(apiBaseUrl, cursor, now), signal: AbortSignal.timeout(30_000) });
    steps.push(step);
    changes.push(...step.changes);
    skipped.push(...step.skipped);
    cursor = step.cursor;
    if (step.caughtUp) return { changes, skipped, steps, cursor };
  }
  throw new Error("never caught up");
}

const records = (changes: SyncChange[]) =>
  changes.filter((c) => c.kind !== "present" && c.kind !== "sweep_end" && c.kind !== "removed");
const keyOf = (c: SyncChange) => `${"objectType" in c ? c.objectType : ""}:${"externalId" in c ? c.externalId : ""}`;

describe("full sync", () => {
  it("hands over exactly the org's live records, in dependency order, with stages mapped and open tasks skipped", async () => {
    const { org, fake, provider } = await setUp({ tasks: 450 }, {}, false);
    const { changes, skipped, steps } = await syncRound(provider, fake.instanceUrl, null);

    const expected = new Set<string>();
    const openTasks = new Set<string>();
    for (const object of ORDER)
      for (const r of org.live(object)) {
        if (object === "Task" && r.IsClosed === false) openTasks.add(r.Id);
        else expected.add(`${object}:${r.Id}`);
      }
    const got = records(changes).map(keyOf);
    expect(new Set(got)).toEqual(expected);
    expect(got.length).toBe(expected.size);
    expect(openTasks.size).toBeGreaterThan(0);
    expect(skipped).toEqual([...openTasks].map((externalId) => ({ externalId, reason: "not_done" })));

    // Dependency order: every object's records come after all records of the objects before it.
    const positions = records(changes).map((c) => ORDER.indexOf((c as { objectType: string }).objectType));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    // Only the last step catches up; the full sync reports its progress against totalSize.
    expect(steps.filter((s) => s.caughtUp)).toHaveLength(1);
    expect(steps.every((s) => s.mode === "full")).toBe(true);
    const last = steps.at(-1)!;
    const live = ORDER.reduce((sum, o) => sum + org.live(o).length, 0);
    expect(last.progress).toEqual({ done: live, total: live });
    // Tasks came in pages of 200 (450 → 3 pages).
    expect(fake.api.requests.filter((r) => r.soql?.includes("FROM Task") && !r.soql.includes("IsDeleted")).length).toBe(
      1,
    );
    expect(fake.api.requests.filter((r) => r.path.includes("/query/01g")).length).toBeGreaterThanOrEqual(2);

    // Stages through the org's picklist; the custom review stage is shown, not guessed.
    const deals = changes.filter((c) => c.kind === "deal");
    for (const deal of deals) {
      const stageName = String(org.get(deal.externalId)!.StageName);
      const expectedStage =
        stageName === "Closed Won"
          ? "closed_won"
          : stageName.startsWith("Closed")
            ? "closed_lost"
            : ({
                Prospecting: "prospecting",
                Qualification: "discovery",
                "Needs Analysis": "discovery",
                "Value Proposition": "demo",
                "Id. Decision Makers": "evaluation",
                "Perception Analysis": "evaluation",
                "Proposal/Price Quote": "proposal",
                "Negotiation/Review": "negotiation",
              }[stageName] ?? null);
      expect(deal.stage).toEqual({ label: stageName, mapped: expectedStage });
      const amount = org.get(deal.externalId)!.Amount;
      expect(deal.fields.amount).toBe(amount === null ? null : Math.round(Number(amount) * 100));
      expect(deal.fields.currency).toBe("USD");
    }
    // Each object's full read ends its sweep (the live pages were the sweep).
    expect(changes.filter((c) => c.kind === "sweep_end").map((c) => c.objectType)).toEqual(ORDER);
  });

  it("maps a custom stage to nothing, and reads amounts in each deal's own currency in a multi-currency org", async () => {
    const { org, fake, provider } = await setUp({ opportunities: 4 }, {}, true);
    const account = org.live("Account")[0]!;
    const review = org.create("Opportunity", {
      Name: "Review deal",
      AccountId: account.Id,
      StageName: "Legal Review (Custom)",
      Amount: 1234.5,
      CurrencyIsoCode: "JPY",
      IsClosed: false,
      IsWon: false,
    });
    const { changes } = await syncRound(provider, fake.instanceUrl, null);
    const deal = changes.find((c) => c.kind === "deal" && c.externalId === review.Id);
    expect(deal).toMatchObject({
      stage: { label: "Legal Review (Custom)", mapped: null },
      fields: { amount: 1235, currency: "JPY" },
      account: { objectType: "Account", externalId: account.Id },
    });
  });
});

describe("incremental sync", () => {
  it("reads only what changed, reports deletes as removed and finds purged records with the daily sweep", async () => {
    const { org, fake, provider } = await setUp();
    const first = await syncRound(provider, fake.instanceUrl, null);
    const [a1, a2, a3] = org.live("Account");
    const contact = org.live("Contact")[0]!;
    org.update(a1!.Id, { Name: "Renamed Corp" });
    const created = org.create("Contact", {
      FirstName: "New",
      LastName: "Person",
      Email: "new@x.example",
      AccountId: a2!.Id,
    });
    org.delete(contact.Id);
    org.delete(a3!.Id);
    org.purge(a3!.Id);

    const before = fake.api.requests.length;
    const second = await syncRound(provider, fake.instanceUrl, first.cursor, new Date(NOW.getTime() + 60_000));
    expect(second.steps.every((s) => s.mode === "incremental")).toBe(true);
    expect(records(second.changes).map(keyOf).sort()).toEqual([`Account:${a1!.Id}`, `Contact:${created.Id}`].sort());
    expect(second.changes.filter((c) => c.kind === "removed")).toEqual([
      { kind: "removed", objectType: "Contact", externalId: contact.Id },
    ]);
    // No sweep within a day of the full sync; one live and one queryAll per object.
    expect(second.changes.some((c) => c.kind === "present")).toBe(false);
    expect(fake.api.requests.length - before).toBe(ORDER.length * 2);

    // A day later each object is swept: the purged account is simply not present.
    const third = await syncRound(provider, fake.instanceUrl, second.cursor, new Date(NOW.getTime() + 25 * 3600_000));
    const present = third.changes.filter((c) => c.kind === "present" && c.objectType === "Account");
    const ids = present.flatMap((c) => (c.kind === "present" ? c.externalIds : []));
    expect(new Set(ids)).toEqual(new Set(org.live("Account").map((r) => r.Id)));
    expect(ids).not.toContain(a3!.Id);
    expect(third.changes.filter((c) => c.kind === "sweep_end").map((c) => c.objectType)).toEqual(ORDER);
  });

  it("reads the stage picklist again daily, so a stage the admin added maps by its label from then on", async () => {
    const { org, fake, provider } = await setUp();
    const first = await syncRound(provider, fake.instanceUrl, null);
    org.create("OpportunityStage", {
      ApiName: "Discovery_Call",
      MasterLabel: "Discovery",
      IsActive: true,
      IsClosed: false,
      IsWon: false,
      DefaultProbability: 15,
      SortOrder: 99,
    });
    const deal = org.live("Opportunity")[0]!;
    org.update(deal.Id, { StageName: "Discovery_Call" });
    const sameDay = await syncRound(provider, fake.instanceUrl, first.cursor, new Date(NOW.getTime() + 3600_000));
    expect(sameDay.changes.find((c) => c.kind === "deal")).toMatchObject({
      stage: { label: "Discovery_Call", mapped: null },
    });
    org.update(deal.Id, { Name: "Touched again" });
    const nextDay = await syncRound(
      provider,
      fake.instanceUrl,
      sameDay.cursor,
      new Date(NOW.getTime() + 25 * 3600_000),
    );
    expect(nextDay.changes.find((c) => c.kind === "deal")).toMatchObject({
      stage: { label: "Discovery", mapped: "discovery" },
    });
  });

  it("loses nothing and reads nothing twice across a crash, an expired locator and ties on SystemModstamp", async () => {
    const { org, fake, provider } = await setUp({ tasks: 10 });
    // 500 tasks share one SystemModstamp: every page boundary falls inside the tie.
    const stamp = org.tick();
    const account = org.live("Account")[0]!;
    for (let i = 0; i < 500; i += 1)
      org.create(
        "Task",
        { Subject: `Bulk ${i}`, IsClosed: true, Status: "Completed", TaskSubtype: "Task", AccountId: account.Id },
        stamp,
      );

    let cursor: SyncCursor | null = null;
    const seen: string[] = [];
    let crashed = 0;
    const crashedAt = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const step = await provider.step(input(fake.instanceUrl, cursor));
      // Each Task page "crashes" once before its commit: the engine reads it again from the saved cursor.
      if (step.changes.some((c) => c.kind === "activity") && !crashedAt.has(JSON.stringify(cursor))) {
        crashedAt.add(JSON.stringify(cursor));
        crashed += 1;
        continue;
      }
      // And once the locator expires between two steps.
      if (crashed === 2 && i % 2 === 0) fake.api.expireLocators();
      seen.push(...records(step.changes).map(keyOf), ...step.skipped.map((s) => `skipped:${s.externalId}`));
      cursor = step.cursor;
      if (step.caughtUp) break;
    }
    expect(crashed).toBe(3);
    const tasks = seen.filter((k) => k.startsWith("Task:"));
    expect(new Set(tasks).size).toBe(tasks.length);
    const closedTasks = org.live("Task").filter((r) => r.IsClosed);
    expect(new Set(tasks)).toEqual(new Set(closedTasks.map((r) => `Task:${r.Id}`)));
    expect(fake.api.requests.some((r) => r.status === 400)).toBe(true);
  });
});

describe("bad input", () => {
  it("skips a record without a required field, an unknown picklist value and a malformed record; the page goes on", async () => {
    const { org, fake, provider } = await setUp();
    const [a1] = org.live("Account");
    const [c1] = org.live("Contact");
    const task = org.live("Task").find((t) => t.IsClosed)!;
    org.corrupt(a1!.Id, { Name: null });
    org.corrupt(c1!.Id, { Email: 42 });
    org.corrupt(task.Id, { TaskSubtype: "Fax" });
    const { changes, skipped } = await syncRound(provider, fake.instanceUrl, null);
    expect(skipped).toEqual(
      expect.arrayContaining([
        { externalId: a1!.Id, reason: "missing_field" },
        { externalId: c1!.Id, reason: "malformed" },
        { externalId: task.Id, reason: "unknown_value" },
      ]),
    );
    const handed = new Set(records(changes).map(keyOf));
    expect(handed.has(`Account:${a1!.Id}`)).toBe(false);
    expect(org.live("Account").filter((a) => handed.has(`Account:${a.Id}`))).toHaveLength(
      org.live("Account").length - 1,
    );
    // Skipped records still exist at Salesforce: the sweep counts them present.
    const present = changes.flatMap((c) => (c.kind === "present" ? c.externalIds : []));
    expect(present).toContain(a1!.Id);
  });

  it("asks for an oversized page again in smaller pieces and skips the one record too large to read", async () => {
    const { org, fake, provider } = await setUp(
      { accounts: 300, contactsPerAccount: 0, opportunities: 0, tasks: 0, events: 0 },
      {
        maxPageBytes: 256 * 1024,
      },
    );
    const huge = org.live("Account")[150]!;
    org.corrupt(huge.Id, { Description: "x".repeat(400 * 1024) });
    const { changes, skipped } = await syncRound(provider, fake.instanceUrl, null);
    expect(skipped).toEqual([{ externalId: huge.Id, reason: "too_large" }]);
    const accounts = changes.filter((c) => c.kind === "account").map((c) => c.externalId);
    expect(new Set(accounts)).toEqual(
      new Set(
        org
          .live("Account")
          .filter((a) => a.Id !== huge.Id)
          .map((a) => a.Id),
      ),
    );
    expect(accounts).toHaveLength(299);
    // Smaller batches were asked for before the search by LIMIT.
    expect(fake.api.requests.some((r) => r.batchSize === 200)).toBe(true);
    expect(fake.api.requests.some((r) => r.soql?.includes("LIMIT 1"))).toBe(true);
  });
});

describe("limits and errors", () => {
  it("pauses until the next day when the daily allowance is nearly used, and resumes after", async () => {
    const { fake, provider } = await setUp();
    fake.api.setApiUsage(94_000, 100_000);
    const step = await provider.step(input(fake.instanceUrl, null));
    const next = provider.step(input(fake.instanceUrl, step.cursor));
    await expect(next).rejects.toBeInstanceOf(QuotaPausedError);
    await expect(next).rejects.toMatchObject({ resumeAt: quotaResumeAt(NOW) });
    expect(quotaResumeAt(NOW).toISOString()).toBe("2026-06-03T00:00:00.000Z");
    const sent = fake.api.requests.length;
    expect(fake.api.requests.length).toBe(sent);
    fake.api.setApiUsage(100, 100_000);
    const later = await provider.step(input(fake.instanceUrl, step.cursor, new Date("2026-06-03T00:00:01Z")));
    expect(later.changes.length).toBeGreaterThan(0);
  });

  it("maps REQUEST_LIMIT_EXCEEDED to throttled, INVALID_SESSION_ID to a rejected token, 5xx and refused queries to temporary", async () => {
    const { fake, provider } = await setUp();
    fake.api.setApiUsage(100_000, 100_000);
    await expect(provider.step(input(fake.instanceUrl, null))).rejects.toMatchObject({
      name: "TemporaryProviderError",
      kind: "rate_limited",
    });
    fake.api.setApiUsage(0, 100_000);
    await expect(provider.step(input(fake.instanceUrl, null, NOW, "wrong-token"))).rejects.toBeInstanceOf(
      AccessTokenRejectedError,
    );
    fake.api.injectFault({ status: 503, errorCode: "SERVER_UNAVAILABLE", on: "query" });
    const unavailable = provider.step(input(fake.instanceUrl, null));
    await expect(unavailable).rejects.toBeInstanceOf(TemporaryProviderError);
    await expect(unavailable).rejects.toMatchObject({ kind: "unavailable" });
    fake.api.injectFault({ status: 400, errorCode: "INVALID_FIELD", message: "No such column 'Rating'", on: "query" });
    const refused = provider.step(input(fake.instanceUrl, null));
    await expect(refused).rejects.toMatchObject({ kind: "unavailable" });
    await expect(refused).rejects.toThrow(/INVALID_FIELD/);
    await expect(refused).rejects.not.toThrow(new RegExp(TOKEN));
    await expect(provider.step({ ...input(fake.instanceUrl, null), apiBaseUrl: null })).rejects.toBeInstanceOf(
      ProviderAuthError,
    );
  });

  it("names the connected user from the identity URL, at the instance URL", async () => {
    const { org, fake, provider } = await setUp();
    const sam = org.live("User")[0]!;
    const account = await provider.connectedAccount(TOKEN, AbortSignal.timeout(10_000), {
      apiBaseUrl: fake.instanceUrl,
      identityUrl: `https://login.example/id/00DHs0000000001AAA/${sam.Id}`,
    });
    expect(account).toEqual({ id: sam.Id, name: `Sam Seller (sam@fakeorg.example)` });
    await expect(
      provider.connectedAccount(TOKEN, AbortSignal.timeout(10_000), {
        apiBaseUrl: fake.instanceUrl,
        identityUrl: null,
      }),
    ).rejects.toBeInstanceOf(ProviderAuthError);
  });

  it("is the registered Salesforce provider", async () => {
    expect((await syncProvider("salesforce"))?.id).toBe("salesforce");
  });
});

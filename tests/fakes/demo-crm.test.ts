// The demo's fake Salesforce org and Outreach instance (FAKE_SALESFORCE / FAKE_OUTREACH), read by the
// real connectors over HTTP with tokens the demo's fake OAuth servers issued: what a seller sees after
// "Connect Salesforce" / "Connect Outreach" in `npm start`.
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../server/env";
import { createOutreachProvider } from "../../server/integrations/outreach/provider";
import { PROVIDERS } from "../../server/integrations/providers";
import { createSalesforceProvider } from "../../server/integrations/salesforce/provider";
import type { SyncChange, SyncCursor, SyncProvider } from "../../server/integrations/types";
import { generateDemoWorkspace } from "../../prisma/seed/demo-workspace";
import { listenOnLoopback } from "./google-apis/index";
import { buildDemoOutreach, DEMO_CHANGE_INTERVAL_MS as OUTREACH_INTERVAL } from "./outreach/demo";
import { demoFakeOutreachOAuth } from "./outreach/oauth";
import { buildDemoSalesforce, DEMO_CHANGE_INTERVAL_MS as SALESFORCE_INTERVAL } from "./salesforce/demo";
import { DEMO_SALESFORCE_ACCOUNTS, demoFakeSalesforceOAuth } from "./salesforce/oauth";

const env = parseEnv({ PORT: "4000" });
const scopes = (id: string) => PROVIDERS.find((p) => p.id === id)!.scopes;
const WINDOW = { mailSince: new Date(0), calendarFrom: new Date(0), calendarTo: new Date(0) };
const workspace = generateDemoWorkspace();
const workspaceEmails = new Set(workspace.prospects!.flatMap((p) => (p.email ? [p.email.toLowerCase()] : [])));
const workspaceDomains = new Set(workspace.accounts!.flatMap((a) => (a.domain ? [a.domain] : [])));
const domainOf = (website: string | null) => (website ?? "").replace(/^https?:\/\/(www\.)?/, "").replace(/\/.*$/, "");

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function round(
  provider: SyncProvider,
  base: { accessToken: string; apiBaseUrl?: string },
  cursor: SyncCursor | null,
  now: Date,
) {
  const changes: SyncChange[] = [];
  for (let i = 0; i < 500; i += 1) {
    const step = await provider.step({ ...base, cursor, window: WINDOW, now, signal: AbortSignal.timeout(30_000) });
    // Only what is not yet done (the generator's open tasks, draft and scheduled mailings) is passed
    // over: nothing of the demo's data is malformed.
    expect(step.skipped.filter((s) => s.reason !== "not_correspondence" && s.reason !== "not_done")).toEqual([]);
    changes.push(...step.changes);
    cursor = step.cursor;
    if (step.caughtUp) return { changes, cursor };
  }
  throw new Error("never caught up");
}

describe("the demo's fake Salesforce org", () => {
  it("names the OAuth fake's user, shares accounts and people with the demo workspace, has an unmapped deal with its people, and changes over time", async () => {
    const startedAt = Date.now();
    const demo = await buildDemoSalesforce(env, startedAt);
    const server = await listenOnLoopback(demo.api.router());
    closers.push(server.close);
    const oauth = demoFakeSalesforceOAuth(env);
    const seller = DEMO_SALESFORCE_ACCOUNTS[0]!;
    const { accessToken, grant } = oauth.issueGrant(seller.email, scopes("salesforce"));
    const provider = createSalesforceProvider();
    const account = await provider.connectedAccount(accessToken, AbortSignal.timeout(10_000), {
      apiBaseUrl: server.base,
      identityUrl: oauth.identityUrl(grant.account),
    });
    expect(account.id).toBe(seller.userId);
    expect(account.name).toContain(seller.email);

    const first = await round(provider, { accessToken, apiBaseUrl: server.base }, null, new Date(startedAt));
    const accounts = first.changes.filter((c) => c.kind === "account");
    const shared = accounts.filter((a) => workspaceDomains.has(domainOf(a.fields.domain)));
    expect(shared.length).toBeGreaterThanOrEqual(5);
    expect(accounts.length - shared.length).toBeGreaterThanOrEqual(3);
    const people = first.changes.filter((c) => c.kind === "prospect");
    expect(
      people.filter((p) => workspaceEmails.has(p.fields.email?.toLowerCase() ?? "")).length,
    ).toBeGreaterThanOrEqual(10);
    expect(
      people.filter((p) => !workspaceEmails.has(p.fields.email?.toLowerCase() ?? "")).length,
    ).toBeGreaterThanOrEqual(5);
    const custom = first.changes.find((c) => c.kind === "deal" && c.externalId === demo.customStageOpportunityId);
    expect(custom).toMatchObject({ stage: { label: "Legal Review (Custom)", mapped: null } });
    const roles = first.changes.filter(
      (c) => c.kind === "deal_contact" && c.deal?.externalId === demo.customStageOpportunityId,
    );
    expect(roles.length).toBeGreaterThanOrEqual(2);
    // Its history: a proposal three weeks ago, then the custom stage four days ago.
    const history = first.changes.flatMap((c) =>
      c.kind === "stage_change" && c.deal.externalId === demo.customStageOpportunityId ? [c] : [],
    );
    expect(history.map((h) => [h.stage.label, Math.round((startedAt - h.at.getTime()) / 86_400_000)])).toEqual([
      ["Proposal/Price Quote", 21],
      ["Legal Review (Custom)", 4],
    ]);
    // The workspace's own Salesforce deals come under their own ids (linked, not duplicated).
    const workspaceDealIds = new Set(
      workspace.opportunities!.flatMap((o) => (o.source === "salesforce" && o.externalId ? [o.externalId] : [])),
    );
    expect(first.changes.filter((c) => c.kind === "deal" && workspaceDealIds.has(c.externalId)).length).toBeGreaterThan(
      0,
    );

    // Nothing new before the first change is due; then the next poll finds exactly what arrived.
    expect(demo.deliverChanges(startedAt + SALESFORCE_INTERVAL - 1)).toBe(0);
    expect(demo.deliverChanges(startedAt + 3 * SALESFORCE_INTERVAL)).toBe(3);
    const later = new Date(startedAt + 3 * SALESFORCE_INTERVAL + 1000);
    const second = await round(provider, { accessToken, apiBaseUrl: server.base }, first.cursor, later);
    const kinds = new Set(second.changes.map((c) => c.kind));
    expect(kinds).toContain("activity");
    expect(kinds).toContain("prospect");
    expect(kinds).toContain("stage_change");

    // Only tokens the demo's OAuth fake issued open it.
    await expect(
      round(provider, { accessToken: "00Dfake!not-issued", apiBaseUrl: server.base }, null, later),
    ).rejects.toThrow();
  });
});

describe("the demo's fake Outreach instance", () => {
  it("names the OAuth fake's user, shares people with the demo workspace, shows them in sequences, and changes over time", async () => {
    const startedAt = Date.now();
    const demo = await buildDemoOutreach(env, startedAt);
    const server = await listenOnLoopback(demo.api.router());
    closers.push(server.close);
    const { accessToken } = demoFakeOutreachOAuth(env).issueGrant("alex@northbeam.example", scopes("outreach"));
    const provider = createOutreachProvider({ baseUrl: `${server.base}/api/v2` });
    const account = await provider.connectedAccount(accessToken, AbortSignal.timeout(10_000));
    expect(account.name).toContain("alex@northbeam.example");

    const first = await round(provider, { accessToken }, null, new Date(startedAt));
    const people = first.changes.filter((c) => c.kind === "prospect");
    const shared = people.filter((p) => workspaceEmails.has(p.fields.email?.toLowerCase() ?? ""));
    expect(shared.length).toBeGreaterThanOrEqual(8);
    expect(people.length - shared.length).toBeGreaterThanOrEqual(4);
    const states = first.changes.filter((c) => c.kind === "sequence_state");
    const sharedIds = new Set(shared.map((p) => p.externalId));
    const enrolled = states.filter((s) => sharedIds.has(s.person.externalId));
    expect(enrolled.length).toBe(shared.length);
    expect(new Set(enrolled.map((s) => s.state))).toEqual(new Set(["active", "paused", "finished"]));
    expect(enrolled.every((s) => s.step !== null && s.totalSteps !== null && s.step <= s.totalSteps)).toBe(true);
    expect(first.changes.filter((c) => c.kind === "email").length).toBeGreaterThan(0);

    expect(demo.deliverChanges(startedAt + 2 * OUTREACH_INTERVAL)).toBe(2);
    const second = await round(
      provider,
      { accessToken },
      first.cursor,
      new Date(startedAt + 2 * OUTREACH_INTERVAL + 1000),
    );
    const moved = second.changes.filter((c) => c.kind === "sequence_state");
    expect(moved.length).toBeGreaterThanOrEqual(1);
    expect(second.changes.filter((c) => c.kind === "email").length).toBeGreaterThanOrEqual(1);
  });
});

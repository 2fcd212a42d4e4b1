// The fake Salesforce API the local demo syncs from (FAKE_SALESFORCE), mounted by server/app.ts at
// /dev/fake-salesforce beside the fake's OAuth (./oauth.ts): the token answer's instance_url is that
// same base, so the connector's queries land here. Bearer tokens are checked against the demo's fake
// OAuth server, so the org is reachable only with a token its "Connect Salesforce" handshake issued.
//
// One org per process, built deterministically from the demo workspace so connecting shows the merge:
//   - the users are the OAuth fake's accounts (the connector reads the identity URL's User by SOQL);
//   - the first DEMO_SHARED_ACCOUNTS accounts of the demo workspace, with their people and their
//     Salesforce deals — the workspace's own records (same Salesforce ids, same domains, same emails),
//     so syncing links them instead of duplicating them;
//   - a new deal on one of those accounts in the org's custom stage "Legal Review (Custom)", which maps
//     onto none of our stages (shown as Salesforce names it), with its people in contact roles;
//   - a few accounts, people, deals and tasks of the generator's own (new to the workspace);
//   - changes arriving every few minutes (a logged call, a new contact, a stage moving on), so a
//     running demo shows incremental polls finding something.
import type { Router } from "express";
import type { Env } from "../../../server/env";
import type { WorkspaceDocumentInput } from "../../../server/data-rights/workspace-format";
import { singleton } from "../../../server/utils/singleton";
import { FakeSalesforceApi } from "./api";
import { DEMO_SALESFORCE_ACCOUNTS, demoFakeSalesforceOAuth } from "./oauth";
import { FakeOrg, STANDARD_STAGES, type SObjectRecord } from "./org";
import type { FieldValue } from "./org";

/** How often a change lands in the demo org (a bit more than the default poll interval). */
export const DEMO_CHANGE_INTERVAL_MS = 7 * 60_000;
/** Changes planned ahead; after this many the org stops changing (a few days at the interval). */
const DEMO_CHANGES = 1_000;
const DAY = 86_400_000;
/** How many of the demo workspace's accounts the org shares with it. */
export const DEMO_SHARED_ACCOUNTS = 8;
/** The org's custom open stage (a picklist value of its own), which maps onto none of our stages. */
export const DEMO_CUSTOM_STAGE = STANDARD_STAGES.find((s) => s.label === "Legal Review (Custom)")!.label;

/** Our stage → the Salesforce standard stage the org names it with. */
const SALESFORCE_STAGE: Record<string, string> = {
  prospecting: "Prospecting",
  discovery: "Qualification",
  demo: "Value Proposition",
  evaluation: "Id. Decision Makers",
  proposal: "Proposal/Price Quote",
  negotiation: "Negotiation/Review",
  closed_won: "Closed Won",
  closed_lost: "Closed Lost",
};
/** The order open deals move through, for the changes over time. */
const STAGE_LADDER = [
  "Prospecting",
  "Qualification",
  "Value Proposition",
  "Id. Decision Makers",
  "Proposal/Price Quote",
  "Negotiation/Review",
];

export type DemoSalesforce = {
  api: FakeSalesforceApi;
  org: FakeOrg;
  /** The custom-stage deal's Id. */
  customStageOpportunityId: string;
  /** Applies every planned change due by `now` (the timer calls it; tests may too); returns how many. */
  deliverChanges(now?: number): number;
};

/** The demo's fake Salesforce API: one per process (the dev server may load this module twice). */
export function demoFakeSalesforceApi(env: Env): Promise<DemoSalesforce> {
  return singleton("fake-salesforce-api", () => buildDemoSalesforce(env, Date.now(), true));
}

/** The router server/app.ts mounts at /dev/fake-salesforce. */
export async function demoFakeSalesforceApiRouter(env: Env): Promise<Router> {
  return (await demoFakeSalesforceApi(env)).api.router();
}

/** Builds the demo org as of `startedAt`; `timer` schedules the changes over time (off in tests). */
export async function buildDemoSalesforce(env: Env, startedAt: number, timer = false): Promise<DemoSalesforce> {
  const oauth = demoFakeSalesforceOAuth(env);
  const { generateDemoWorkspace } = await import("../../../prisma/seed/demo-workspace");
  const demo = buildDemoOrg(generateDemoWorkspace(), startedAt);
  const api = new FakeSalesforceApi({ verifyToken: oauth.verify, org: demo.org });
  if (timer) setInterval(() => demo.deliverChanges(), Math.min(DEMO_CHANGE_INTERVAL_MS, 60_000)).unref();
  return { api, ...demo };
}

/** The org itself, from a workspace document (exported for tests). */
export function buildDemoOrg(workspace: WorkspaceDocumentInput, startedAt: number): Omit<DemoSalesforce, "api"> {
  // The generator's own records (new to the workspace), stamped up to an hour before the start.
  const org = new FakeOrg({
    seed: 1313,
    sizes: { accounts: 5, contactsPerAccount: 2, leads: 4, opportunities: 5, tasks: 25, events: 4 },
    now: startedAt - 3_600_000,
  });
  // Records with the ids the workspace knows them by (or a new id when it has none from Salesforce).
  const put = (object: string, id: string | null | undefined, fields: Record<string, FieldValue>): SObjectRecord => {
    if (!id) return org.create(object, fields);
    const stamp = org.tick();
    const record: SObjectRecord = {
      Id: id,
      IsDeleted: false,
      CreatedDate: stamp,
      LastModifiedDate: stamp,
      ...fields,
      SystemModstamp: stamp,
    };
    org.table(object).insert(record);
    return record;
  };
  const [seller] = DEMO_SALESFORCE_ACCOUNTS;
  for (const user of DEMO_SALESFORCE_ACCOUNTS) {
    put("User", user.userId, {
      Name: user.name ?? user.email,
      Email: user.email,
      Username: `${user.email}.demo`,
      IsActive: true,
    });
  }
  const ownerId = seller!.userId;

  const accounts = (workspace.accounts ?? []).filter((a) => a.domain).slice(0, DEMO_SHARED_ACCOUNTS);
  const contactsByAccount = new Map<string, string[]>();
  for (const account of accounts) {
    const record = put("Account", salesforceIdOf(account, "001"), {
      Name: account.name,
      Website: `https://www.${account.domain}`,
      Industry: account.industry ?? null,
      NumberOfEmployees: account.employeeCount ?? null,
      BillingCity: account.hqCity ?? null,
      Rating: null,
      Description: null,
      OwnerId: ownerId,
    });
    const contacts: string[] = [];
    const people = (workspace.prospects ?? []).filter((p) => p.accountId === account.id && p.email).slice(0, 3);
    for (const person of people) {
      contacts.push(
        put("Contact", salesforceIdOf(person, "003"), {
          FirstName: person.firstName ?? null,
          LastName: person.lastName ?? person.email ?? "Unknown",
          Email: person.email ?? null,
          Title: person.title ?? null,
          Phone: person.phone ?? null,
          AccountId: record.Id,
          OwnerId: ownerId,
        }).Id,
      );
    }
    contactsByAccount.set(record.Id, contacts);
    // The account's deals that came from Salesforce, under the same ids (deals link by id only).
    for (const deal of (workspace.opportunities ?? []).filter((o) => o.accountId === account.id)) {
      const id = salesforceIdOf(deal, "006");
      if (!id) continue;
      const stageName = SALESFORCE_STAGE[deal.stage] ?? "Prospecting";
      const stage = STANDARD_STAGES.find((s) => s.label === stageName)!;
      put("Opportunity", id, {
        Name: deal.name,
        AccountId: record.Id,
        StageName: stageName,
        Amount: deal.amount === null || deal.amount === undefined ? null : deal.amount / 100,
        CloseDate: deal.closeDate ?? null,
        Probability: deal.probability ?? stage.probability,
        NextStep: deal.nextStep ?? null,
        IsClosed: stage.closed,
        IsWon: stage.won,
        OwnerId: ownerId,
      });
      put("OpportunityHistory", null, {
        OpportunityId: id,
        StageName: stageName,
        Amount: deal.amount === null || deal.amount === undefined ? null : deal.amount / 100,
        CloseDate: deal.closeDate ?? null,
        Probability: deal.probability ?? stage.probability,
      });
    }
  }

  // A new deal in the org's custom stage, on the first shared account, with its people in roles.
  const host = accounts[0];
  const hostId = host ? org.table("Account").sorted.find((r) => r.Name === host.name)?.Id : undefined;
  const custom = STANDARD_STAGES.find((s) => s.label === DEMO_CUSTOM_STAGE)!;
  const customDeal = put("Opportunity", null, {
    Name: `${host?.name ?? "Demo"} – Data contract renewal`,
    AccountId: hostId ?? null,
    StageName: custom.label,
    Amount: 84_000,
    CloseDate: new Date(startedAt + 45 * 86_400_000).toISOString().slice(0, 10),
    Probability: custom.probability,
    NextStep: "Redlines back from their legal team",
    IsClosed: false,
    IsWon: false,
    OwnerId: ownerId,
    // Opened five weeks ago, in proposal three weeks ago, at legal four days ago: a stage history
    // with durations (a record's dates are its own; SystemModstamp is still when it was loaded).
    CreatedDate: startedAt - 35 * DAY,
  });
  put("OpportunityHistory", null, {
    OpportunityId: customDeal.Id,
    StageName: "Proposal/Price Quote",
    Amount: 84_000,
    CloseDate: customDeal.CloseDate ?? null,
    Probability: 75,
    CreatedDate: startedAt - 21 * DAY,
  });
  put("OpportunityHistory", null, {
    OpportunityId: customDeal.Id,
    StageName: custom.label,
    Amount: 84_000,
    CloseDate: customDeal.CloseDate ?? null,
    Probability: custom.probability,
    CreatedDate: startedAt - 4 * DAY,
  });
  const roles = ["Decision Maker", "Technical Buyer", "Influencer"];
  (hostId ? (contactsByAccount.get(hostId) ?? []) : []).forEach((contactId, index) =>
    put("OpportunityContactRole", null, {
      OpportunityId: customDeal.Id,
      ContactId: contactId,
      Role: roles[index % roles.length]!,
      IsPrimary: index === 0,
    }),
  );
  // Everything above happened before the demo started: the changes below come after.
  org.clock = Math.max(org.clock, startedAt - 60_000);

  const shared = [...contactsByAccount.entries()].flatMap(([accountId, contacts]) =>
    contacts.map((contactId) => ({ accountId, contactId })),
  );
  let next = 0;
  const deliverChanges = (at = Date.now()): number => {
    let delivered = 0;
    while (next < DEMO_CHANGES && startedAt + (next + 1) * DEMO_CHANGE_INTERVAL_MS <= at) {
      org.clock = Math.max(org.clock, startedAt + (next + 1) * DEMO_CHANGE_INTERVAL_MS);
      applyChange(org, next, shared, ownerId);
      next += 1;
      delivered += 1;
    }
    return delivered;
  };
  return { org, customStageOpportunityId: customDeal.Id, deliverChanges };
}

/** Change i of the plan: a logged call, a new contact, or an open deal moving one stage on. */
function applyChange(
  org: FakeOrg,
  i: number,
  shared: { accountId: string; contactId: string }[],
  ownerId: string,
): void {
  const at = shared[i % Math.max(1, shared.length)];
  if (!at) return;
  const kind = i % 3;
  if (kind === 0) {
    const day = new Date(org.clock).toISOString().slice(0, 10);
    org.create("Task", {
      Subject: "Call",
      Description: `Follow-up call ${i + 1}: walked through the rollout plan.`,
      Status: "Completed",
      IsClosed: true,
      TaskSubtype: "Call",
      ActivityDate: day,
      CompletedDateTime: org.clock,
      CallDurationInSeconds: 300 + ((i * 97) % 1500),
      CallType: "Outbound",
      CallDisposition: "Connected",
      WhoId: at.contactId,
      WhatId: at.accountId,
      AccountId: at.accountId,
      OwnerId: ownerId,
    });
  } else if (kind === 1) {
    const account = org.table("Account").byId.get(at.accountId);
    const domain = String(account?.Website ?? "")
      .replace(/^https?:\/\/(www\.)?/, "")
      .replace(/\/.*$/, "");
    org.create("Contact", {
      FirstName: "Morgan",
      LastName: `Reyes ${i + 1}`,
      Email: `morgan.reyes${i + 1}@${domain || "new-contact.example"}`,
      Title: "Procurement Lead",
      Phone: null,
      AccountId: at.accountId,
      OwnerId: ownerId,
    });
  } else {
    const open = org
      .live("Opportunity")
      .filter((o) => !o.IsClosed && STAGE_LADDER.includes(String(o.StageName)))
      .sort((a, b) => (a.Id < b.Id ? -1 : 1));
    const deal = open[i % Math.max(1, open.length)];
    if (!deal) return;
    const stageName =
      STAGE_LADDER[Math.min(STAGE_LADDER.indexOf(String(deal.StageName)) + 1, STAGE_LADDER.length - 1)]!;
    const stage = STANDARD_STAGES.find((s) => s.label === stageName)!;
    org.update(deal.Id, { StageName: stageName, Probability: stage.probability });
    org.create("OpportunityHistory", {
      OpportunityId: deal.Id,
      StageName: stageName,
      Amount: deal.Amount ?? null,
      CloseDate: deal.CloseDate ?? null,
      Probability: stage.probability,
    });
  }
}

/** The record's Salesforce id when the workspace has it from Salesforce (with the object's key prefix). */
function salesforceIdOf(
  record: { source?: string | null; externalId?: string | null },
  keyPrefix: string,
): string | null {
  const id = record.externalId;
  return record.source === "salesforce" && id && /^[A-Za-z0-9]{18}$/.test(id) && id.startsWith(keyPrefix) ? id : null;
}

// The whole Salesforce sync, end to end: the fake Salesforce login host issues and refreshes the
// tokens, the fake REST API of a generated org (SOQL parsed and evaluated, query locators, queryAll)
// answers on the instance_url of the token answer, the REGISTRY's Salesforce provider reads it, the
// engine runs it and the REAL ingest merges what it finds into a real database (PGlite or
// PostgreSQL). Proven by counts of records and of SyncedRecord links against the org itself.
import { afterEach, describe, expect, it } from "vitest";
import { linksOf, startSalesforceWorld, type SalesforceWorld } from "../../tests/fakes/provider/crm-world";
import { connectionRow, syncToEnd } from "../../tests/fakes/provider/google-workspace";
import { makeDue } from "../../tests/fakes/provider/harness";
import type { FakeOrg } from "../../tests/fakes/salesforce";
import type { Db } from "../db/client";
import { runSync } from "./engine";

const SIZES = { accounts: 8, contactsPerAccount: 3, leads: 4, opportunities: 7, tasks: 40, events: 6 };
const OBJECTS = [
  "Account",
  "Contact",
  "Lead",
  "Opportunity",
  "OpportunityContactRole",
  "OpportunityHistory",
  "Task",
  "Event",
] as const;

let world: SalesforceWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

/** What the workspace must link after a sync of `org`: every live record, less the open tasks. */
function expectedLinks(org: FakeOrg, without: string[] = []) {
  const out: Record<string, string[]> = {};
  for (const object of OBJECTS) {
    const ids = org
      .live(object)
      .filter((r) => !(object === "Task" && r.IsClosed === false) && !without.includes(r.Id))
      .map((r) => r.Id)
      .sort();
    if (ids.length > 0) out[object] = ids;
  }
  return out;
}

const domainOf = (website: string) =>
  website
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/^www\./, "")
    .replace(/\/.*$/, "");

async function workspaceCounts(db: Db, userId: string) {
  const [accounts, people, deals, stageChanges, dealContacts, meetings] = await Promise.all([
    db.account.count({ where: { userId } }),
    db.prospect.count({ where: { userId } }),
    db.opportunity.count({ where: { userId } }),
    db.opportunityStageChange.count({ where: { userId, source: "salesforce" } }),
    db.opportunityContact.count({ where: { userId, source: "salesforce" } }),
    db.meeting.count({ where: { userId, source: "salesforce" } }),
  ]);
  return { accounts, people, deals, stageChanges, dealContacts, meetings };
}

function orgCounts(org: FakeOrg) {
  return {
    accounts: org.live("Account").length,
    people: org.live("Contact").length + org.live("Lead").length,
    deals: org.live("Opportunity").length,
    stageChanges: org.live("OpportunityHistory").length,
    dealContacts: org.live("OpportunityContactRole").length,
    meetings: org.live("Event").length,
  };
}

describe("Salesforce: connect and first sync of a generated org", () => {
  it("exactly the org's records, each once, source salesforce; a manual account and a Gmail person are linked, not duplicated", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { org } = world;
    const { db, user, connection, accountName } = await world.connectedSeller();
    // connectTool asked the instance who the identity URL names.
    expect(accountName).toBe(`${world.account.name} (${world.account.email})`);
    const row0 = await connectionRow(db, connection.id);
    expect(row0).toMatchObject({ provider: "salesforce", apiBaseUrl: world.base, authBaseUrl: world.base });
    expect(row0.externalAccountId).toBe(world.account.userId);

    // Before the sync: an account the seller typed in (same domain as one of the org's), and a
    // person Gmail created (same email as one of the org's contacts, in other case).
    const sfAccount = org.live("Account")[2]!;
    const manual = await db.account.create({
      data: { userId: user.id, name: "My name for them", domain: domainOf(String(sfAccount.Website)) },
    });
    const sfContact = org.live("Contact")[4]!;
    const gmailPerson = await db.prospect.create({
      data: {
        userId: user.id,
        firstName: "Guess",
        lastName: "FromMail",
        email: String(sfContact.Email).toUpperCase(),
        source: "gmail",
        externalId: String(sfContact.Email),
      },
    });
    await db.$executeRaw`UPDATE prospects SET "updatedAt" = "createdAt" WHERE id = ${gmailPerson.id}`;

    const result = await syncToEnd(db, connection.id);
    expect(result.outcome, (await connectionRow(db, connection.id)).lastSyncError ?? "").toBe("caught_up");

    const expected = expectedLinks(org);
    expect(await linksOf(db, user.id, "salesforce")).toEqual(expected);
    const openTasks = org.live("Task").filter((t) => t.IsClosed === false).length;
    expect(openTasks).toBeGreaterThan(0);
    expect(await workspaceCounts(db, user.id)).toEqual(orgCounts(org));
    // Created by the sync: everything but the two records that already existed.
    expect(await db.account.count({ where: { userId: user.id, source: "salesforce" } })).toBe(SIZES.accounts - 1);
    expect(await db.prospect.count({ where: { userId: user.id, source: "salesforce" } })).toBe(
      orgCounts(org).people - 1,
    );
    expect(await db.opportunity.count({ where: { userId: user.id, source: { not: "salesforce" } } })).toBe(0);
    // Each external id once per kind of record.
    const accounts = await db.account.findMany({ where: { userId: user.id, source: "salesforce" } });
    expect(new Set(accounts.map((a) => a.externalId)).size).toBe(accounts.length);

    const manualLink = await db.syncedRecord.findFirstOrThrow({
      where: { userId: user.id, externalId: sfAccount.Id },
    });
    expect(manualLink).toMatchObject({ recordId: manual.id, createdBySync: false, recordType: "account" });
    expect(await db.account.findUniqueOrThrow({ where: { id: manual.id } })).toMatchObject({
      name: "My name for them",
      source: "manual",
    });
    const personLink = await db.syncedRecord.findFirstOrThrow({
      where: { userId: user.id, externalId: sfContact.Id },
    });
    expect(personLink).toMatchObject({ recordId: gmailPerson.id, createdBySync: false });
    // The CRM's name replaces the one guessed from the address.
    expect(await db.prospect.findUniqueOrThrow({ where: { id: gmailPerson.id } })).toMatchObject({
      firstName: sfContact.FirstName,
      lastName: sfContact.LastName,
    });

    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "active", stage: "idle", lastErrorKind: null });
    expect(row.firstSyncCompletedAt).toBeInstanceOf(Date);
    expect(row.totalStats).toMatchObject({ skipped: { not_done: openTasks }, deleted: 0 });

    // A second poll with nothing new writes nothing.
    await makeDue(db, connection.id);
    const quiet = await syncToEnd(db, connection.id);
    expect(quiet).toMatchObject({ outcome: "caught_up", stats: { created: 0, updated: 0, deleted: 0 } });
    expect(await workspaceCounts(db, user.id)).toEqual(orgCounts(org));
  });

  it("an unmapped stage is stored as unmapped with the CRM's label; the deal's other stages map", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { org } = world;
    const account = org.live("Account")[0]!;
    const review = org.create("Opportunity", {
      Name: "Review deal",
      AccountId: account.Id,
      StageName: "Legal Review (Custom)",
      Amount: 1200,
      CloseDate: "2026-09-01",
      Probability: 80,
      NextStep: null,
      IsClosed: false,
      IsWon: false,
      OwnerId: world.account.userId,
    });
    const { db, user, connection } = await world.connectedSeller();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    expect(await db.opportunity.findFirstOrThrow({ where: { userId: user.id, externalId: review.Id } })).toMatchObject({
      crmStage: "Legal Review (Custom)",
      crmStageUnmapped: true,
      stage: "prospecting",
    });
    const won = org.live("Opportunity").find((o) => o.StageName === "Closed Won");
    if (won)
      expect(await db.opportunity.findFirstOrThrow({ where: { userId: user.id, externalId: won.Id } })).toMatchObject({
        stage: "closed_won",
        crmStageUnmapped: false,
      });
    // Then Salesforce moves it to a mapped stage: ours follows.
    org.update(review.Id, { StageName: "Negotiation/Review", Probability: 90 });
    await makeDue(db, connection.id);
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    expect(await db.opportunity.findFirstOrThrow({ where: { userId: user.id, externalId: review.Id } })).toMatchObject({
      crmStage: "Negotiation/Review",
      crmStageUnmapped: false,
      stage: "negotiation",
    });
  });
});

describe("Salesforce: incremental polling", () => {
  it("remote edits, creates and deletes (recycle bin, cascaded as Salesforce does) arrive; the user's own edit survives an unchanged remote field", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { org } = world;
    const { db, user, connection } = await world.connectedSeller();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");

    // The seller renames an account here; Salesforce later changes only that account's city.
    const [edited, deleted] = org.live("Account").slice(-2);
    const mine = await db.account.findFirstOrThrow({ where: { userId: user.id, externalId: edited!.Id } });
    await db.account.update({ where: { id: mine.id }, data: { name: "Renamed by me" } });
    org.tick(60_000);
    org.update(edited!.Id, { BillingCity: "Tromsø" });
    // A new contact, a changed one, a deleted one (recycle bin), and a closed task.
    const created = org.create("Contact", {
      FirstName: "Nia",
      LastName: "New",
      Email: "nia.new@" + domainOf(String(edited!.Website)),
      Title: "CTO",
      Phone: null,
      AccountId: edited!.Id,
      OwnerId: world.account.userId,
    });
    const changed = org.live("Contact")[0]!;
    org.update(changed.Id, { Title: "Chief Revenue Officer" });
    const gone = org.live("Contact")[1]!;
    org.delete(gone.Id);
    // Salesforce deletes the contact's roles on deals with it.
    for (const role of org.live("OpportunityContactRole")) if (role.ContactId === gone.Id) org.delete(role.Id);
    // An account with its whole subtree deleted (Salesforce cascades to contacts and opportunities).
    const cascade = [deleted!.Id];
    for (const object of ["Contact", "Opportunity"] as const)
      for (const r of org.live(object)) if (r.AccountId === deleted!.Id) cascade.push(r.Id);
    for (const object of ["OpportunityContactRole", "OpportunityHistory"] as const)
      for (const r of org.live(object)) if (cascade.includes(String(r.OpportunityId))) cascade.push(r.Id);
    for (const object of ["Task", "Event"] as const)
      for (const r of org.live(object)) if (r.AccountId === deleted!.Id) cascade.push(r.Id);
    for (const id of cascade) if (org.get(id) && !org.get(id)!.IsDeleted) org.delete(id);

    await makeDue(db, connection.id);
    const polled = await syncToEnd(db, connection.id);
    expect(polled.outcome, (await connectionRow(db, connection.id)).lastSyncError ?? "").toBe("caught_up");
    expect(polled.stats.created).toBeGreaterThanOrEqual(1);
    expect(polled.stats.deleted).toBeGreaterThanOrEqual(2);
    expect(await linksOf(db, user.id, "salesforce")).toEqual(expectedLinks(org));
    expect(await db.prospect.count({ where: { userId: user.id, externalId: created.Id } })).toBe(1);
    expect(await db.prospect.count({ where: { userId: user.id, externalId: gone.Id } })).toBe(0);
    expect(await db.prospect.findFirstOrThrow({ where: { userId: user.id, externalId: changed.Id } })).toMatchObject({
      title: "Chief Revenue Officer",
    });
    expect(await db.account.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({
      name: "Renamed by me",
      hqCity: "Tromsø",
    });
    expect(await workspaceCounts(db, user.id)).toEqual(orgCounts(org));
  });

  it("a record purged from the recycle bin (no IsDeleted row left) is found by the daily id sweep", async () => {
    world = await startSalesforceWorld({ sizes: SIZES });
    const { org } = world;
    const { db, user, connection } = await world.connectedSeller();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const lead = org.live("Lead")[0]!;
    org.purge(lead.Id);
    // The next poll reads changes and the recycle bin: nothing says the lead is gone.
    await makeDue(db, connection.id);
    expect((await syncToEnd(db, connection.id)).stats.deleted).toBe(0);
    expect((await linksOf(db, user.id, "salesforce")).Lead).toContain(lead.Id);
    // A day later the sweep lists every id, and the lead is not among them.
    const dayLater = new Date(Date.now() + 25 * 3_600_000);
    await makeDue(db, connection.id);
    let swept = await runSync(db, connection.id, { now: () => dayLater });
    let deleted = swept.stats.deleted;
    while (swept.outcome === "continues") {
      swept = await runSync(db, connection.id, { now: () => dayLater });
      deleted += swept.stats.deleted;
    }
    expect(swept.outcome).toBe("caught_up");
    expect(deleted).toBe(1);
    expect(await linksOf(db, user.id, "salesforce")).toEqual(expectedLinks(org));
    expect(await db.prospect.count({ where: { userId: user.id, externalId: lead.Id } })).toBe(0);
    expect(await workspaceCounts(db, user.id)).toEqual(orgCounts(org));
  });
});

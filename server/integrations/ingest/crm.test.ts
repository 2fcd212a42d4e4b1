import { describe, expect, it } from "vitest";
import { createUser } from "../../../tests/helpers/users";
import { getDb } from "../../db/client";
import type {
  SyncChange,
  SyncedAccount,
  SyncedActivity,
  SyncedDeal,
  SyncedEmail,
  SyncedProspect,
  SyncedStageChange,
} from "../types";
import { applyChanges, type IngestContext } from "./index";

const NOW = new Date("2026-12-01T12:00:00Z");
const EARLIER = new Date("2026-11-20T08:00:00Z");

async function workspace() {
  const db = await getDb();
  const user = await createUser(db, { email: `seller-${Math.random().toString(36).slice(2, 8)}@northwind.test` });
  const context = (source: IngestContext["source"] = "salesforce", now = NOW): IngestContext => ({
    userId: user.id,
    source,
    ownEmails: [user.email],
    now,
  });
  const apply = (changes: SyncChange[], ctx = context()) => db.$transaction((tx) => applyChanges(tx, ctx, changes));
  return { db, user, context, apply };
}

let n = 0;
const id = (prefix: string) => `${prefix}${String((n += 1)).padStart(15, "0")}`;

function account(overrides: Partial<SyncedAccount["fields"]> = {}, externalId = id("001")): SyncedAccount {
  return {
    kind: "account",
    objectType: "Account",
    externalId,
    modifiedAt: EARLIER,
    fields: {
      name: "Acme Corp",
      domain: "https://www.acme.com",
      industry: "Manufacturing",
      employeeCount: 1200,
      hqCity: "Berlin",
      tier: null,
      description: null,
      ...overrides,
    },
  };
}

function contact(
  accountRef: SyncedAccount | null,
  overrides: Partial<SyncedProspect["fields"]> = {},
  objectType = "Contact",
): SyncedProspect {
  return {
    kind: "prospect",
    objectType,
    externalId: id("003"),
    modifiedAt: EARLIER,
    account: accountRef ? { objectType: "Account", externalId: accountRef.externalId } : null,
    fields: {
      firstName: "Dana",
      lastName: "Reyes",
      email: "dana@acme.com",
      title: "VP Operations",
      phone: null,
      linkedinUrl: null,
      ...overrides,
    },
  };
}

function deal(
  accountRef: SyncedAccount | null,
  stage: SyncedDeal["stage"],
  overrides: Partial<SyncedDeal> = {},
): SyncedDeal {
  return {
    kind: "deal",
    objectType: "Opportunity",
    externalId: id("006"),
    modifiedAt: EARLIER,
    account: accountRef ? { objectType: "Account", externalId: accountRef.externalId } : null,
    stage,
    fields: {
      name: "Acme pilot",
      amount: 4_800_000,
      currency: "USD",
      closeDate: "2027-01-31",
      probability: 20,
      nextStep: "Send pricing",
    },
    ...overrides,
  };
}

const ref = (r: { objectType: string; externalId: string }) => ({ objectType: r.objectType, externalId: r.externalId });

describe("crm ingest: accounts, people, deals", () => {
  it("creates records from a first page, linked, and the same page again writes nothing", async () => {
    const { db, user, apply } = await workspace();
    const acme = account();
    const dana = contact(acme);
    const pilot = deal(acme, { label: "Qualification", mapped: "discovery" });
    const page = [acme, dana, pilot];
    expect(await apply(page)).toEqual({ created: 3, updated: 0, deleted: 0, skipped: {} });

    const stored = await db.account.findFirstOrThrow({ where: { userId: user.id, externalId: acme.externalId } });
    expect(stored).toMatchObject({ source: "salesforce", name: "Acme Corp", domain: "acme.com", employeeCount: 1200 });
    const person = await db.prospect.findFirstOrThrow({ where: { userId: user.id, externalId: dana.externalId } });
    expect(person).toMatchObject({ accountId: stored.id, email: "dana@acme.com", source: "salesforce" });
    const opp = await db.opportunity.findFirstOrThrow({ where: { userId: user.id, externalId: pilot.externalId } });
    expect(opp).toMatchObject({
      accountId: stored.id,
      stage: "discovery",
      crmStage: "Qualification",
      crmStageUnmapped: false,
    });
    expect(opp.amount).toBe(4_800_000n);
    const links = await db.syncedRecord.findMany({ where: { userId: user.id }, orderBy: { objectType: "asc" } });
    expect(links.map((l) => [l.objectType, l.recordType, l.createdBySync])).toEqual([
      ["Account", "account", true],
      ["Contact", "prospect", true],
      ["Opportunity", "opportunity", true],
    ]);

    const linksBefore = links.map((l) => l.updatedAt.getTime());
    expect(
      await apply(page, {
        userId: user.id,
        source: "salesforce",
        ownEmails: [user.email],
        now: new Date(NOW.getTime() + 60_000),
      }),
    ).toEqual({
      created: 0,
      updated: 0,
      deleted: 0,
      skipped: {},
    });
    const after = await db.syncedRecord.findMany({ where: { userId: user.id }, orderBy: { objectType: "asc" } });
    expect(after.map((l) => l.updatedAt.getTime())).toEqual(linksBefore);
  });

  it("links the seller's own account by domain and fills only its empty fields", async () => {
    const { db, user, apply } = await workspace();
    const mine = await db.account.create({
      data: { userId: user.id, name: "ACME (my name for it)", domain: "acme.com", industry: null, hqCity: "Munich" },
    });
    const acme = account();
    const stats = await apply([acme]);
    expect(stats).toMatchObject({ created: 0, updated: 1 });
    expect(await db.account.count({ where: { userId: user.id } })).toBe(1);
    const after = await db.account.findUniqueOrThrow({ where: { id: mine.id } });
    expect(after).toMatchObject({
      name: "ACME (my name for it)",
      hqCity: "Munich",
      industry: "Manufacturing",
      source: "manual",
    });
    const link = await db.syncedRecord.findFirstOrThrow({ where: { userId: user.id, externalId: acme.externalId } });
    expect(link).toMatchObject({ recordId: mine.id, createdBySync: false });
  });

  it("two accounts at the domain: no guess, a new account", async () => {
    const { db, user, apply } = await workspace();
    await db.account.create({ data: { userId: user.id, name: "Acme EU", domain: "acme.com" } });
    await db.account.create({ data: { userId: user.id, name: "Acme US", domain: "www.acme.com" } });
    expect(await apply([account()])).toMatchObject({ created: 1 });
    expect(await db.account.count({ where: { userId: user.id } })).toBe(3);
  });

  it("links a person Gmail created by email; the CRM's name replaces the guessed one", async () => {
    const { db, user, apply } = await workspace();
    const acmeRow = await db.account.create({ data: { userId: user.id, name: "Acme", domain: "acme.com" } });
    // As email ingest makes them: raw SQL, updatedAt = createdAt, a name split from "dana.reyes".
    const guessed = await db.prospect.create({
      data: {
        userId: user.id,
        accountId: acmeRow.id,
        firstName: "Dana",
        lastName: "Reyes-guess",
        email: "Dana@Acme.com",
        source: "gmail",
        externalId: "dana@acme.com",
        createdAt: EARLIER,
        updatedAt: EARLIER,
      },
    });
    await db.$executeRaw`UPDATE prospects SET "updatedAt" = "createdAt" WHERE id = ${guessed.id}`;
    const edited = await db.prospect.create({
      data: {
        userId: user.id,
        firstName: "Lee",
        lastName: "Typed",
        email: "lee@acme.com",
        source: "gmail",
        externalId: "lee@acme.com",
      },
    });
    await db.prospect.update({ where: { id: edited.id }, data: { lastName: "Typed by me" } });
    const dana = contact(null, { firstName: "Dana", lastName: "Reyes" });
    const lee = contact(null, { firstName: "Lee", lastName: "Park", email: "LEE@acme.com", title: "CTO" });
    expect(await apply([dana, lee])).toMatchObject({ created: 0, updated: 2 });
    expect(await db.prospect.count({ where: { userId: user.id } })).toBe(2);
    expect(await db.prospect.findUniqueOrThrow({ where: { id: guessed.id } })).toMatchObject({
      lastName: "Reyes",
      title: "VP Operations",
    });
    expect(await db.prospect.findUniqueOrThrow({ where: { id: edited.id } })).toMatchObject({
      lastName: "Typed by me",
      title: "CTO",
      accountId: acmeRow.id,
    });
  });

  it("links a record imported with its Salesforce id instead of duplicating it", async () => {
    const { db, user, apply } = await workspace();
    const acme = account();
    const imported = await db.account.create({
      data: {
        userId: user.id,
        name: "Acme Corp",
        domain: null,
        source: "salesforce",
        externalId: acme.externalId,
        importedId: "acc_1",
      },
    });
    await apply([acme]);
    expect(await db.account.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.account.findUniqueOrThrow({ where: { id: imported.id } })).toMatchObject({ domain: "acme.com" });
  });

  it("a Lead without an account joins the account of its email's domain", async () => {
    const { db, user, apply } = await workspace();
    const acmeRow = await db.account.create({ data: { userId: user.id, name: "Acme", domain: "acme.com" } });
    const lead = contact(null, { email: "sam@eu.acme.com", firstName: "Sam" }, "Lead");
    await apply([lead]);
    expect(
      await db.prospect.findFirstOrThrow({ where: { userId: user.id, externalId: lead.externalId } }),
    ).toMatchObject({
      accountId: acmeRow.id,
    });
  });

  it("the user's edit survives a sync that did not change the field; a remote change is applied", async () => {
    const { db, user, apply, context } = await workspace();
    const acme = account();
    await apply([acme]);
    const row = await db.account.findFirstOrThrow({ where: { userId: user.id, externalId: acme.externalId } });
    await db.account.update({ where: { id: row.id }, data: { name: "Acme (renamed by me)", industry: "Robotics" } });
    // The CRM changes the city only.
    const later = { ...acme, modifiedAt: NOW, fields: { ...acme.fields, hqCity: "Hamburg" } };
    expect(await apply([later], context("salesforce", new Date(NOW.getTime() + 1000)))).toMatchObject({ updated: 1 });
    expect(await db.account.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      name: "Acme (renamed by me)",
      industry: "Robotics",
      hqCity: "Hamburg",
    });
    // The CRM then changes the industry too: the CRM is the system of record for its fields.
    const again = { ...later, fields: { ...later.fields, industry: "Aerospace" } };
    await apply([again]);
    expect(await db.account.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      name: "Acme (renamed by me)",
      industry: "Aerospace",
    });
  });

  it("an unmapped stage keeps our stage and shows the CRM's label; a mapped one moves it", async () => {
    const { db, user, apply } = await workspace();
    const acme = account();
    const pilot = deal(acme, { label: "Legal Review", mapped: null });
    await apply([acme, pilot]);
    const opp = await db.opportunity.findFirstOrThrow({ where: { userId: user.id, externalId: pilot.externalId } });
    expect(opp).toMatchObject({ stage: "prospecting", crmStage: "Legal Review", crmStageUnmapped: true });
    await apply([{ ...pilot, stage: { label: "Negotiation/Review", mapped: "negotiation" } }]);
    expect(await db.opportunity.findUniqueOrThrow({ where: { id: opp.id } })).toMatchObject({
      stage: "negotiation",
      crmStage: "Negotiation/Review",
      crmStageUnmapped: false,
    });
    await apply([{ ...pilot, stage: { label: "Custom Hold", mapped: null } }]);
    expect(await db.opportunity.findUniqueOrThrow({ where: { id: opp.id } })).toMatchObject({
      stage: "negotiation",
      crmStage: "Custom Hold",
      crmStageUnmapped: true,
    });
  });

  it("an Outreach deal naming its Salesforce deal links to it instead of making a second", async () => {
    const { db, user, apply, context } = await workspace();
    const acme = account();
    const pilot = deal(acme, { label: "Proposal/Price Quote", mapped: "proposal" });
    await apply([acme, pilot]);
    const mirrored: SyncedDeal = {
      ...deal(null, { label: "Stage 3", mapped: "demo" }),
      objectType: "opportunity",
      externalId: "77",
      crmId: pilot.externalId,
      fields: { ...pilot.fields, nextStep: "Outreach says otherwise" },
    };
    await apply([mirrored], context("outreach"));
    const deals = await db.opportunity.findMany({ where: { userId: user.id } });
    expect(deals).toHaveLength(1);
    // Salesforce is the system of record: Outreach fills only what is empty.
    expect(deals[0]).toMatchObject({ stage: "proposal", nextStep: "Send pricing" });
  });

  it("a reference to a record of a later page is kept and resolved when it arrives", async () => {
    const { db, user, apply } = await workspace();
    const acme = account();
    const dana = contact(acme);
    const pilot = deal(acme, { label: "Prospecting", mapped: "prospecting" });
    const history: SyncedStageChange = {
      kind: "stage_change",
      objectType: "OpportunityHistory",
      externalId: id("008"),
      deal: ref(pilot),
      stage: { label: "Prospecting", mapped: "prospecting" },
      at: EARLIER,
    };
    const first = await apply([dana, history]);
    expect(first.skipped).toEqual({});
    const person = await db.prospect.findFirstOrThrow({ where: { userId: user.id, externalId: dana.externalId } });
    expect(person.accountId).toBeNull();
    expect(await db.opportunityStageChange.count({ where: { userId: user.id } })).toBe(0);
    await apply([acme, pilot]);
    const acmeRow = await db.account.findFirstOrThrow({ where: { userId: user.id, externalId: acme.externalId } });
    expect((await db.prospect.findUniqueOrThrow({ where: { id: person.id } })).accountId).toBe(acmeRow.id);
    const changes = await db.opportunityStageChange.findMany({ where: { userId: user.id } });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ stage: "prospecting", source: "salesforce", externalId: history.externalId });
    // Nothing is pending any more: the next page of people does not touch them again.
    expect(await db.syncedRecord.count({ where: { userId: user.id, remote: { path: ["p"], not: "null" } } })).toBe(0);
  });
});

describe("crm ingest: what hangs on records", () => {
  it("stage history: fromStage chains, an unmapped entry keeps the stage before, the timeline shows it", async () => {
    const { db, user, apply } = await workspace();
    const acme = account();
    const pilot = deal(acme, { label: "Negotiation", mapped: "negotiation" });
    const h = (label: string, mapped: SyncedStageChange["stage"]["mapped"], day: number): SyncedStageChange => ({
      kind: "stage_change",
      objectType: "OpportunityHistory",
      externalId: id("008"),
      deal: ref(pilot),
      stage: { label, mapped },
      at: new Date(Date.UTC(2026, 10, day)),
    });
    // Sent newest first on purpose: the order comes from the dates.
    const page = [h("Negotiation", "negotiation", 5), h("Legal Hold", null, 3), h("Discovery", "discovery", 1)];
    await apply([acme, pilot]);
    expect(await apply(page)).toMatchObject({ created: 3 });
    const rows = await db.opportunityStageChange.findMany({ where: { userId: user.id }, orderBy: { at: "asc" } });
    expect(rows.map((r) => [r.fromStage, r.stage, r.crmStage])).toEqual([
      [null, "discovery", "Discovery"],
      ["discovery", "discovery", "Legal Hold"],
      ["discovery", "negotiation", "Negotiation"],
    ]);
    const opp = await db.opportunity.findFirstOrThrow({ where: { userId: user.id } });
    const timeline = await db.activity.findMany({
      where: { userId: user.id, opportunityId: opp.id },
      orderBy: { at: "asc" },
    });
    expect(timeline.map((a) => a.type)).toEqual(["stage_changed", "stage_changed", "stage_changed"]);
    expect(timeline[1]!.summary).toContain("to Legal Hold on");
    expect(timeline[0]!.accountId).toBe(opp.accountId);
    expect(await apply(page)).toMatchObject({ created: 0, updated: 0 });
  });

  it("people on deals, tasks, calls (a conversation the brain can read), meetings and sequence states", async () => {
    const { db, user, apply, context } = await workspace();
    const acme = account();
    const dana = contact(acme);
    const pilot = deal(acme, { label: "Qualification", mapped: "discovery" });
    await apply([acme, dana, pilot]);
    const task: SyncedActivity = {
      kind: "activity",
      objectType: "Task",
      externalId: id("00T"),
      modifiedAt: EARLIER,
      type: "task_completed",
      subject: "Send security questionnaire",
      body: null,
      occurredAt: EARLIER,
      person: ref(dana),
      personEmail: null,
      account: ref(acme),
      deal: ref(pilot),
      call: null,
    };
    const call: SyncedActivity = {
      ...task,
      externalId: id("00T"),
      type: "call_logged",
      subject: "Pricing call",
      body: "Dana wants 40 seats, budget approved in January.",
      call: { direction: "outbound", outcome: "Connected", durationSeconds: 900 },
    };
    const page: SyncChange[] = [
      {
        kind: "deal_contact",
        objectType: "OpportunityContactRole",
        externalId: id("00K"),
        modifiedAt: EARLIER,
        deal: ref(pilot),
        person: ref(dana),
        role: "Economic Buyer",
        isPrimary: true,
      },
      task,
      call,
      {
        kind: "crm_meeting",
        objectType: "Event",
        externalId: id("00U"),
        modifiedAt: EARLIER,
        title: "On-site demo",
        startsAt: new Date("2026-12-03T15:00:00Z"),
        endsAt: new Date("2026-12-03T16:00:00Z"),
        location: "Berlin",
        description: null,
        person: ref(dana),
        account: null,
        deal: ref(pilot),
      },
    ];
    expect(await apply(page)).toMatchObject({ created: 4, skipped: {} });
    const person = await db.prospect.findFirstOrThrow({ where: { userId: user.id, externalId: dana.externalId } });
    const opp = await db.opportunity.findFirstOrThrow({ where: { userId: user.id } });
    expect(await db.opportunityContact.findFirstOrThrow({ where: { userId: user.id } })).toMatchObject({
      opportunityId: opp.id,
      prospectId: person.id,
      role: "Economic Buyer",
      isPrimary: true,
    });
    const conversation = await db.conversation.findFirstOrThrow({
      where: { userId: user.id, channel: "call" },
      include: { messages: true, participants: true },
    });
    expect(conversation.messages[0]!.body).toBe(call.body);
    expect(conversation.participants.map((p) => p.prospectId)).toEqual([person.id]);
    const onPerson = await db.activity.findMany({
      where: { userId: user.id, prospectId: person.id },
      orderBy: { type: "asc" },
    });
    expect(onPerson.map((a) => a.type).sort()).toEqual(["call_logged", "meeting_held", "task_completed"]);
    expect(onPerson.every((a) => a.opportunityId === opp.id)).toBe(true);
    const meeting = await db.meeting.findFirstOrThrow({ where: { userId: user.id }, include: { attendees: true } });
    expect(meeting).toMatchObject({ title: "On-site demo", accountId: opp.accountId, opportunityId: opp.id });
    expect(meeting.attendees.map((a) => a.prospectId)).toEqual([person.id]);
    expect(await apply(page)).toMatchObject({ created: 0, updated: 0 });

    // Outreach: the same person by email, in a sequence.
    const prospect: SyncedProspect = { ...contact(null), objectType: "prospect", externalId: "501" };
    await apply([prospect], context("outreach"));
    expect(await db.prospect.count({ where: { userId: user.id } })).toBe(1);
    const state = {
      kind: "sequence_state" as const,
      objectType: "sequenceState",
      externalId: "9001",
      modifiedAt: EARLIER,
      person: { objectType: "prospect", externalId: "501" },
      sequenceName: "Enterprise outbound",
      step: 3,
      totalSteps: 5,
      state: "active",
    };
    expect(await apply([state], context("outreach"))).toMatchObject({ created: 1 });
    expect(await db.sequenceEnrollment.findFirstOrThrow({ where: { userId: user.id } })).toMatchObject({
      prospectId: person.id,
      step: 3,
      totalSteps: 5,
      state: "active",
      source: "outreach",
    });
    expect(await apply([{ ...state, step: 4 }], context("outreach"))).toMatchObject({ created: 0, updated: 1 });
  });

  it("an Outreach mailing merges with Gmail's copy of the same message", async () => {
    const { db, user, apply, context } = await workspace();
    await db.account.create({ data: { userId: user.id, name: "Acme", domain: "acme.com" } });
    const mail = (source: "gmail" | "outreach"): SyncedEmail => ({
      kind: "email",
      externalId: source === "gmail" ? "gm-1" : "mailing-1",
      threadId: source === "gmail" ? "gthread-1" : "othread-1",
      rfcMessageId: "<abc-123@northwind.test>",
      subject: "Following up",
      from: { email: user.email, name: "Me" },
      to: [{ email: "dana@acme.com", name: "Dana Reyes" }],
      cc: [],
      sentAt: EARLIER,
      body: "Hi Dana, following up on pricing.",
      quotedText: null,
      attachmentNames: [],
    });
    await apply([mail("gmail")], context("gmail"));
    await apply([mail("outreach")], context("outreach"));
    expect(await db.message.count({ where: { userId: user.id } })).toBe(1);
    const dana = await db.prospect.findFirstOrThrow({ where: { userId: user.id, email: "dana@acme.com" } });
    expect(await db.activity.count({ where: { userId: user.id, prospectId: dana.id } })).toBe(1);
    // A mailing Gmail never saw gets its own outreach conversation and timeline entry on the person.
    const other = {
      ...mail("outreach"),
      externalId: "mailing-2",
      threadId: "othread-2",
      rfcMessageId: "<new@northwind.test>",
    };
    await apply([other], context("outreach"));
    expect(
      await db.conversation.findFirst({ where: { userId: user.id, source: "outreach", externalId: "othread-2" } }),
    ).not.toBeNull();
    expect(await db.activity.count({ where: { userId: user.id, prospectId: dana.id } })).toBe(2);
  });
});

describe("crm ingest: removals and reconciliation", () => {
  it("removes what the sync made; unlinks and keeps what the user has something on", async () => {
    const { db, user, apply } = await workspace();
    const plain = account({ name: "Gone Inc", domain: "gone.test" });
    const noted = account({ name: "Kept Inc", domain: "kept.test" });
    const mine = await db.account.create({ data: { userId: user.id, name: "Mine", domain: "mine.test" } });
    const linked = account({ name: "Mine in CRM", domain: "mine.test" });
    await apply([plain, noted, linked]);
    const keptRow = await db.account.findFirstOrThrow({ where: { userId: user.id, externalId: noted.externalId } });
    await db.note.create({ data: { userId: user.id, accountId: keptRow.id, body: "Met their CFO" } });
    const stats = await apply(
      [plain, noted, linked].map((a) => ({
        kind: "removed" as const,
        objectType: "Account",
        externalId: a.externalId,
      })),
    );
    expect(stats).toMatchObject({ deleted: 1 });
    const names = (await db.account.findMany({ where: { userId: user.id }, orderBy: { name: "asc" } })).map(
      (a) => a.name,
    );
    expect(names).toEqual(["Kept Inc", "Mine"]);
    expect(await db.account.findUnique({ where: { id: mine.id } })).not.toBeNull();
    const links = await db.syncedRecord.findMany({ where: { userId: user.id } });
    expect(links.every((l) => l.deletedAt !== null)).toBe(true);
    // Removed twice: nothing more.
    expect(await apply([{ kind: "removed", objectType: "Account", externalId: plain.externalId }])).toMatchObject({
      deleted: 0,
      updated: 0,
    });
  });

  it("a sweep removes links it did not see, made before it started", async () => {
    const { db, user, apply, context } = await workspace();
    const a = account({ name: "Still there", domain: "a.test" });
    const b = account({ name: "Purged", domain: "b.test" });
    await apply([a, b], context("salesforce", EARLIER));
    const sweepStartedAt = NOW;
    const stats = await apply([
      { kind: "present", objectType: "Account", externalIds: [a.externalId], sweepStartedAt },
      { kind: "sweep_end", objectType: "Account", sweepStartedAt },
    ]);
    expect(stats.deleted).toBe(1);
    expect((await db.account.findMany({ where: { userId: user.id } })).map((r) => r.name)).toEqual(["Still there"]);
    expect(
      await apply([
        { kind: "present", objectType: "Account", externalIds: [a.externalId], sweepStartedAt },
        { kind: "sweep_end", objectType: "Account", sweepStartedAt },
      ]),
    ).toMatchObject({ deleted: 0 });
  });

  it("bad records are skipped with a reason and the rest of the page is stored", async () => {
    const { db, user, apply } = await workspace();
    const good = account();
    const stats = await apply([
      good,
      account({ name: "  " }),
      { ...account(), modifiedAt: new Date("invalid") },
      {
        ...deal(null, { label: "X", mapped: null }),
        fields: { ...deal(null, { label: "X", mapped: null }).fields, currency: "dollars" },
      },
      { kind: "account", objectType: "Account" } as unknown as SyncedAccount,
    ]);
    expect(stats).toEqual({
      created: 1,
      updated: 0,
      deleted: 0,
      skipped: { missing_field: 2, unknown_value: 1, malformed: 1 },
    });
    expect(await db.account.count({ where: { userId: user.id } })).toBe(1);
  });
});

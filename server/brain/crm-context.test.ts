// What the brain knows of Salesforce and Outreach data: a person's sequences and deals, a deal's people
// with their roles and its stage as the CRM names it (an unmapped one said to be unmapped, never our
// guess). The rows a sync would write are inserted directly; the answer goes through the fake Claude.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropic } from "../../tests/fakes/anthropic";
import { createUser } from "../../tests/helpers/users";
import type { Db } from "../db/client";
import { getDb } from "../db/client";
import { ask, generate } from "./answer";
import type { ClaudeConfig } from "./claude";
import { Manifest, storedManifestSchema } from "./manifest";
import { loadRecords } from "./records";
import { buildContextPack } from "./retrieval";
import { runTool } from "./tools";

let claude: Awaited<ReturnType<typeof startFakeAnthropic>>;
let config: ClaudeConfig;
beforeAll(async () => {
  claude = await startFakeAnthropic({ apiKeys: ["test-key"] });
  config = { apiKey: "test-key", model: "claude-test", baseURL: claude.url, timeoutMs: 30_000, maxRetries: 2 };
});
afterAll(async () => {
  await claude.close();
});

const NOW = new Date("2026-11-25T12:00:00Z");

/** A book with one synced deal in a CRM stage of no stage of ours, two people on it, and sequences. */
async function book(db: Db) {
  const user = await createUser(db);
  const userId = user.id;
  const account = await db.account.create({
    data: { userId, name: "Northwind Freight", domain: "northwind.example", source: "salesforce", externalId: "001A" },
  });
  const dana = await db.prospect.create({
    data: {
      userId,
      accountId: account.id,
      firstName: "Dana",
      lastName: "Okafor",
      title: "CFO",
      email: "dana@northwind.example",
      source: "salesforce",
      externalId: "003D",
    },
  });
  const sam = await db.prospect.create({
    data: { userId, accountId: account.id, firstName: "Sam", lastName: "Abbott", title: "IT lead" },
  });
  const deal = await db.opportunity.create({
    data: {
      userId,
      accountId: account.id,
      name: "Northwind Freight – Fleet",
      stage: "evaluation",
      crmStage: "Legal Review",
      crmStageUnmapped: true,
      amount: 12_000_000n,
      source: "salesforce",
      externalId: "006N",
    },
  });
  const mapped = await db.opportunity.create({
    data: {
      userId,
      accountId: account.id,
      name: "Northwind Freight – Pilot",
      stage: "evaluation",
      crmStage: "Solution Review",
      source: "salesforce",
      externalId: "006P",
    },
  });
  await db.syncedRecord.create({
    data: {
      userId,
      source: "salesforce",
      objectType: "Opportunity",
      externalId: "006N",
      recordType: "opportunity",
      recordId: deal.id,
      remote: {},
    },
  });
  await db.opportunityContact.createMany({
    data: [
      {
        userId,
        opportunityId: deal.id,
        prospectId: dana.id,
        role: "Decision Maker",
        isPrimary: true,
        source: "salesforce",
      },
      { userId, opportunityId: deal.id, prospectId: sam.id, role: "Technical Buyer", source: "salesforce" },
    ],
  });
  await db.opportunityStageChange.createMany({
    data: [
      {
        userId,
        opportunityId: deal.id,
        fromStage: null,
        stage: "discovery",
        crmStage: "Needs Analysis",
        source: "salesforce",
        externalId: "h1",
        at: new Date("2026-11-02T09:00:00Z"),
      },
      {
        userId,
        opportunityId: deal.id,
        fromStage: "discovery",
        stage: "evaluation",
        crmStage: "Evaluation",
        source: "salesforce",
        externalId: "h2",
        at: new Date("2026-11-09T09:00:00Z"),
      },
      {
        userId,
        opportunityId: deal.id,
        fromStage: "evaluation",
        stage: "evaluation",
        crmStage: "Legal Review",
        source: "salesforce",
        externalId: "h3",
        at: new Date("2026-11-16T09:00:00Z"),
      },
    ],
  });
  await db.sequenceEnrollment.createMany({
    data: [
      {
        userId,
        prospectId: dana.id,
        sequenceName: "Q4 Outbound",
        step: 3,
        totalSteps: 5,
        state: "paused",
        stateChangedAt: new Date("2026-11-18T08:00:00Z"),
        source: "outreach",
        externalId: "s1",
      },
      {
        userId,
        prospectId: dana.id,
        sequenceName: "Renewal nurture",
        step: null,
        totalSteps: null,
        state: "opted_out",
        stateChangedAt: null,
        source: "outreach",
        externalId: "s2",
      },
    ],
  });
  return { userId, account, dana, sam, deal, mapped };
}

describe("the brain's record context for CRM data", () => {
  it("a person's line carries their sequences (step, state, since when) and the deals they are on with their role", async () => {
    const db = await getDb();
    const { userId, dana, sam } = await book(db);
    const [danaLine, samLine] = await loadRecords(db, userId, [
      { type: "prospect", id: dana.id },
      { type: "prospect", id: sam.id },
    ]);
    expect(danaLine!.text).toContain(
      ' · sequences: "Q4 Outbound" step 3 of 5, paused (since 2026-11-18); "Renewal nurture", opted out',
    );
    expect(danaLine!.text).toContain(' · on deals: "Northwind Freight – Fleet" as Decision Maker (primary contact)');
    expect(samLine!.text).toContain(' · on deals: "Northwind Freight – Fleet" as Technical Buyer');
    expect(samLine!.text).not.toContain("sequences:");
  });

  it("a deal's line names its stage as the CRM does — unmapped said so, never the stage it was last known in — and its people with roles", async () => {
    const db = await getDb();
    const { userId, deal, mapped } = await book(db);
    const [fleet, pilot] = await loadRecords(db, userId, [
      { type: "opportunity", id: deal.id },
      { type: "opportunity", id: mapped.id },
    ]);
    expect(fleet!.text).toContain('stage: "Legal Review" in Salesforce (not mapped to any stage here)');
    expect(fleet!.text).not.toContain("Evaluation");
    expect(fleet!.text).toContain(
      " · people on the deal: Dana Okafor (Decision Maker, primary contact), Sam Abbott (Technical Buyer)",
    );
    // No link: the deal's own source says whose stage it is.
    expect(pilot!.text).toContain('stage: Evaluation (Salesforce calls it "Solution Review")');
    expect(pilot!.text).not.toContain("people on the deal");
  });

  it("another user's enrollments and contacts pointing at these records never reach the brain", async () => {
    const db = await getDb();
    const { userId, dana, deal } = await book(db);
    const other = await createUser(db);
    const spy = await db.prospect.create({ data: { userId: other.id, firstName: "Mallory", lastName: "Spy" } });
    await db.sequenceEnrollment.create({
      data: {
        userId: other.id,
        prospectId: dana.id,
        sequenceName: "Their secret",
        state: "active",
        source: "outreach",
        externalId: "z",
      },
    });
    await db.opportunityContact.create({
      data: { userId: other.id, opportunityId: deal.id, prospectId: spy.id, role: "Mole" },
    });
    const lines = (
      await loadRecords(db, userId, [
        { type: "prospect", id: dana.id },
        { type: "opportunity", id: deal.id },
      ])
    )
      .map((r) => r.text)
      .join("\n");
    for (const secret of ["Their secret", "Mallory", "Mole"]) expect(lines).not.toContain(secret);
    // And the other user asking about them gets nothing of this user's.
    expect(await loadRecords(db, other.id, [{ type: "prospect", id: dana.id }])).toEqual([]);
  });

  it("the tools open a deal with its people and CRM stage history, a person with their deals; a stage filter leaves unmapped deals out", async () => {
    const db = await getDb();
    const { userId, dana, sam, deal, mapped } = await book(db);
    const manifest = new Manifest([]);
    const opened = await runTool(db, userId, "get_deal", { name_or_id: deal.id }, manifest, NOW);
    expect(opened.added.map((i) => [i.type, i.id])).toEqual([
      ["opportunity", deal.id],
      ["prospect", dana.id],
      ["prospect", sam.id],
    ]);
    expect(opened.text).toContain(
      '- Stage history: Discovery ("Needs Analysis" in the CRM) on 2026-11-02, Evaluation on 2026-11-09, "Legal Review" (a CRM stage not mapped here) on 2026-11-16.',
    );
    expect(opened.text).toContain("paused (since 2026-11-18)");
    const person = await runTool(db, userId, "get_person", { name_or_id: dana.id }, new Manifest([]), NOW);
    expect(person.added.map((i) => [i.type, i.id]).slice(0, 2)).toEqual([
      ["prospect", dana.id],
      ["opportunity", deal.id],
    ]);
    const inEvaluation = await runTool(db, userId, "list_deals", { stage: "evaluation" }, new Manifest([]), NOW);
    expect(inEvaluation.added.map((i) => i.id)).toEqual([mapped.id]);
  });

  it("“what's going on with Dana, what should I do next?” sends her sequences and deal to Claude, and the answer cites her", async () => {
    const db = await getDb();
    const { userId, dana } = await book(db);
    const question = "What's going on with Dana Okafor, and what should I do next?";
    const pack = await buildContextPack(db, userId, question, { now: NOW });
    const danaItem = pack.items.find((i) => i.type === "prospect" && i.id === dana.id);
    expect(danaItem?.text).toContain('"Q4 Outbound" step 3 of 5, paused');

    claude.fake.next({
      kind: "text",
      text: `Dana is paused at step 3 of 5 of Q4 Outbound [${danaItem!.handle}]. Resume the sequence or write to her directly.`,
    });
    const asked = await ask(db, userId, { question, mode: "server_key", model: config.model });
    for await (const _event of generate(db, userId, asked.assistantMessageId, { claude: config, now: NOW }));
    const sent = JSON.stringify(claude.fake.requests.at(-1)!.body.messages);
    expect(sent).toContain("step 3 of 5, paused (since 2026-11-18)");
    expect(sent).toContain("as Decision Maker (primary contact)");
    const stored = await db.brainMessage.findUniqueOrThrow({
      where: { id: asked.assistantMessageId },
      include: { citations: true },
    });
    expect(stored.status).toBe("complete");
    expect(stored.citations.map((c) => [c.recordType, c.recordId, c.label])).toEqual([
      ["prospect", dana.id, "Dana Okafor"],
    ]);
    const manifest = storedManifestSchema.parse(stored.contextManifest);
    expect(manifest.items.some((i) => i.type === "prospect" && i.id === dana.id)).toBe(true);
  });
});

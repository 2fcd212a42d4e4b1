import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createUser } from "../../../tests/helpers/users";
import { SMALL_REFERENCE_DATE, smallWorkspace } from "../../../tests/helpers/workspace";
import { getDatabase, getDb, type Db } from "../../db/client";
import { projectRoot } from "../../utils/project-root";
import { importWorkspace } from "./import-workspace";

async function countRows(db: Db, userId: string) {
  const where = { where: { userId } };
  return {
    accounts: await db.account.count(where),
    prospects: await db.prospect.count(where),
    opportunities: await db.opportunity.count(where),
    stageChanges: await db.opportunityStageChange.count(where),
    conversations: await db.conversation.count(where),
    participants: await db.conversationParticipant.count(where),
    messages: await db.message.count(where),
    meetings: await db.meeting.count(where),
    attendees: await db.meetingAttendee.count(where),
    notes: await db.note.count(where),
    activities: await db.activity.count(where),
  };
}

describe("workspace import", () => {
  it("writes every record with its references mapped to database ids", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const result = await importWorkspace(db, user.id, smallWorkspace());
    expect(result).toMatchObject({ ok: true, shiftedByMs: 0 });
    expect(await countRows(db, user.id)).toEqual({
      accounts: 2,
      prospects: 3,
      opportunities: 2,
      stageChanges: 2,
      conversations: 1,
      participants: 2,
      messages: 2,
      meetings: 1,
      attendees: 2,
      notes: 2,
      activities: 3,
    });

    const acme = await db.account.findFirstOrThrow({ where: { userId: user.id, importedId: "acc_acme" } });
    expect(acme.id).not.toBe("acc_acme");
    expect(acme).toMatchObject({
      name: "Acme Logistics",
      source: "salesforce",
      externalId: "001A",
      employeeCount: 1200,
    });

    const deal = await db.opportunity.findFirstOrThrow({
      where: { userId: user.id, importedId: "opp_acme" },
      include: { stageHistory: { orderBy: { at: "asc" } } },
    });
    expect(deal.accountId).toBe(acme.id);
    expect(deal.amount).toBe(480_000_000n);
    expect(deal.closeDate?.toISOString()).toBe("2026-03-31T00:00:00.000Z");
    expect(deal.stageHistory.map((s) => [s.fromStage, s.stage])).toEqual([
      [null, "discovery"],
      ["discovery", "evaluation"],
    ]);

    const meeting = await db.meeting.findFirstOrThrow({
      where: { userId: user.id },
      include: { notes: true, attendees: { include: { prospect: true } } },
    });
    expect(meeting.opportunityId).toBe(deal.id);
    expect(meeting.notes?.body).toContain("Walk through SSO");
    expect(meeting.attendees.map((a) => a.prospect?.firstName).sort()).toEqual(["Ana", "Ben"]);

    const thread = await db.conversation.findFirstOrThrow({
      where: { userId: user.id },
      include: { messages: { orderBy: { sentAt: "asc" } }, participants: true },
    });
    expect(thread.lastMessageAt?.toISOString()).toBe("2026-02-21T09:30:00.000Z");
    expect(thread.messages.map((m) => m.fromEmail)).toEqual(["sam@vendor.example", "ana.ruiz@acme.example"]);
    expect(thread.messages[0]!.source).toBe("gmail");
    expect(thread.participants.map((p) => p.email ?? "prospect").sort()).toEqual(["prospect", "sam@vendor.example"]);

    const email = await db.activity.findFirstOrThrow({ where: { userId: user.id, externalId: "gm-1" } });
    expect(email.prospectId).not.toBeNull();
    expect(email.opportunityId).toBe(deal.id);
  });

  it("importing the same file twice duplicates nothing, and updates records to the file's values", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const doc = smallWorkspace();
    await importWorkspace(db, user.id, doc);
    const before = await countRows(db, user.id);

    doc.accounts![1]!.name = "Bolt Energy GmbH";
    const second = await importWorkspace(db, user.id, doc);
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(Object.values(second.counts).every((c) => c.created === 0)).toBe(true);
    expect(second.counts.accounts.updated).toBe(2);
    expect(await countRows(db, user.id)).toEqual(before);
    expect(await db.account.count({ where: { userId: user.id, name: "Bolt Energy GmbH" } })).toBe(1);
  });

  it("recognises a provider record the user already has by (source, externalId)", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const synced = await db.activity.create({
      data: {
        userId: user.id,
        type: "email_sent",
        at: new Date(),
        summary: "synced earlier",
        source: "gmail",
        externalId: "gm-1",
      },
    });
    const result = await importWorkspace(db, user.id, smallWorkspace());
    expect(result.ok && result.counts.activities).toEqual({ created: 2, updated: 1 });
    const same = await db.activity.findUniqueOrThrow({ where: { id: synced.id } });
    expect(same.summary).toBe("Email sent to Ana Ruiz: SOC 2 report");
  });

  it("keeps each user's import to that user", async () => {
    const db = await getDb();
    const a = await createUser(db);
    const b = await createUser(db);
    await importWorkspace(db, a.id, smallWorkspace());
    const result = await importWorkspace(db, b.id, smallWorkspace());
    expect(result.ok && result.counts.accounts).toEqual({ created: 2, updated: 0 });
    expect((await countRows(db, a.id)).accounts).toBe(2);
    expect((await countRows(db, b.id)).accounts).toBe(2);
  });

  it("writes nothing when the file has problems, and reports them all", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const doc = smallWorkspace();
    doc.activities![2]!.type = "coffee_chat" as never;
    doc.notes![1]!.accountId = "acc_nowhere";
    const result = await importWorkspace(db, user.id, doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path).sort()).toEqual(["$.activities[2].type"]);
    expect(Object.values(await countRows(db, user.id)).every((n) => n === 0)).toBe(true);

    // Once the shape is right, the reference problem is reported — still nothing written.
    doc.activities![2]!.type = "task_completed";
    const again = await importWorkspace(db, user.id, doc);
    expect(!again.ok && again.problems).toEqual([
      { path: "$.notes[1].accountId", message: expect.stringContaining("acc_nowhere") },
    ]);
    expect(Object.values(await countRows(db, user.id)).every((n) => n === 0)).toBe(true);
  });

  it("is all or nothing: a database failure half-way leaves no record behind", async () => {
    const { prisma: db, sql } = await getDatabase();
    const user = await createUser(db);
    // Activities are written last; make the database refuse them.
    await sql.exec(`
      CREATE FUNCTION refuse_activity() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$;
      CREATE TRIGGER refuse_activity BEFORE INSERT ON activities FOR EACH ROW EXECUTE FUNCTION refuse_activity();`);
    try {
      await expect(importWorkspace(db, user.id, smallWorkspace())).rejects.toThrow(/disk full/);
      expect(Object.values(await countRows(db, user.id)).every((n) => n === 0)).toBe(true);
    } finally {
      await sql.exec("DROP TRIGGER refuse_activity ON activities; DROP FUNCTION refuse_activity();");
    }
  });

  it("can shift every timestamp so the file's reference date becomes now", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const now = new Date("2026-11-29T12:00:00Z");
    const result = await importWorkspace(db, user.id, smallWorkspace(), { shiftReferenceDateTo: now });
    expect(result.ok && result.shiftedByMs).toBe(now.getTime() - Date.parse(SMALL_REFERENCE_DATE));
    const meeting = await db.meeting.findFirstOrThrow({ where: { userId: user.id } });
    // Two days and six hours after the reference date in the file: the same after now.
    expect(meeting.startsAt.getTime() - now.getTime()).toBe(
      Date.parse("2026-03-04T15:00:00Z") - Date.parse(SMALL_REFERENCE_DATE),
    );
    const deal = await db.opportunity.findFirstOrThrow({ where: { userId: user.id, importedId: "opp_acme" } });
    // Dates move by whole days: 2026-03-31 + 272 days.
    expect(deal.closeDate?.toISOString().slice(0, 10)).toBe("2026-12-28");
  });

  const fixture = path.resolve(projectRoot(), "../shared/fixtures/demo-workspace.json");
  describe.skipIf(!existsSync(fixture))(
    `the shared demo fixture (${existsSync(fixture) ? "present" : "skipped: ../shared/fixtures/demo-workspace.json is not in this checkout"})`,
    () => {
      it("imports ../shared/fixtures/demo-workspace.json completely", async () => {
        const db = await getDb();
        const user = await createUser(db);
        const doc = JSON.parse(readFileSync(fixture, "utf8")) as {
          accounts: unknown[];
          prospects: unknown[];
          opportunities: unknown[];
          conversations: { messages: unknown[] }[];
          meetings: unknown[];
          notes: unknown[];
          activities: unknown[];
        };
        const result = await importWorkspace(db, user.id, doc, { shiftReferenceDateTo: new Date() });
        expect(result.ok ? "imported" : result.problems.slice(0, 10)).toBe("imported");
        const rows = await countRows(db, user.id);
        expect(rows).toMatchObject({
          accounts: doc.accounts.length,
          prospects: doc.prospects.length,
          opportunities: doc.opportunities.length,
          conversations: doc.conversations.length,
          messages: doc.conversations.reduce((n, c) => n + c.messages.length, 0),
          meetings: doc.meetings.length,
          notes: doc.notes.length,
          activities: doc.activities.length,
        });
      });
    },
  );
});

// Issue #11: every file the importer cannot take is a 400 that names the problem at its JSON path,
// and nothing is written — where each of these used to answer 500 (after a Prisma or PostgreSQL
// error, rolled back). Uploaded through the real route, as a user does.
import { describe, expect, it } from "vitest";
import type { Db } from "../../server/db/client";
import type { WorkspaceDocumentInput } from "../../server/data-rights/workspace-format";
import { seller, type Answer as RouteAnswer } from "../../tests/helpers/routes";
import type { loadContext } from "../../tests/helpers/users";
import { smallWorkspace } from "../../tests/helpers/workspace";
import { action, type ImportAnswer } from "./settings.data";

type Answer = RouteAnswer<ImportAnswer>;

function upload(doc: unknown, options: { shift?: boolean } = {}): Request {
  const body = new FormData();
  body.set("file", new File([JSON.stringify(doc)], "ws.json", { type: "application/json" }));
  if (options.shift) body.set("shiftToToday", "on");
  return new Request("http://localhost/settings/data", { method: "POST", body });
}

async function importFile(doc: unknown, context: ReturnType<typeof loadContext>, options: { shift?: boolean } = {}) {
  return (await action({ request: upload(doc, options), context, params: {} })) as Answer;
}

/** Every row of the user's workspace, to show an import changed nothing. */
async function snapshot(db: Db, userId: string) {
  const where = { where: { userId }, orderBy: { id: "asc" as const } };
  return {
    accounts: await db.account.findMany(where),
    prospects: await db.prospect.findMany(where),
    opportunities: await db.opportunity.findMany(where),
    conversations: await db.conversation.findMany(where),
    messages: await db.message.findMany(where),
    meetings: await db.meeting.findMany(where),
    notes: await db.note.findMany(where),
    activities: await db.activity.findMany(where),
  };
}

/** Imports `doc`, expects a 400 listing a problem at `path` whose message matches, and no change. */
async function expectRefused(
  doc: WorkspaceDocumentInput,
  path: string,
  message: RegExp,
  signedIn?: Awaited<ReturnType<typeof seller>>,
  options: { shift?: boolean } = {},
) {
  const { db, user, context } = signedIn ?? (await seller());
  const before = await snapshot(db, user.id);
  const answer = await importFile(doc, context, options);
  expect(answer.init?.status).toBe(400);
  expect(answer.data.outcome).toBe("invalid");
  const problems = answer.data.outcome === "invalid" ? answer.data.problems : [];
  expect(problems).toContainEqual({ path, message: expect.stringMatching(message) as string });
  expect(await snapshot(db, user.id)).toEqual(before);
  return problems;
}

describe("import refusals (#11)", () => {
  it("a NUL character in any string, at its JSON path", async () => {
    const doc = smallWorkspace();
    doc.accounts![0]!.name = "Acme\u0000";
    doc.conversations![0]!.messages[1]!.body = "Thanks\u0000";
    const problems = await expectRefused(doc, "$.accounts[0].name", /NUL character/);
    expect(problems.map((p) => p.path)).toContain("$.conversations[0].messages[1].body");
  });

  it("an employee count past int4 (3,000,000,000)", async () => {
    const doc = smallWorkspace();
    doc.accounts![0]!.employeeCount = 3_000_000_000;
    await expectRefused(doc, "$.accounts[0].employeeCount", /at most 10,000,000/);
  });

  it("year 0000 and years past 9999, and any date outside 1900–2200", async () => {
    const doc = smallWorkspace();
    doc.meetings![0]!.startsAt = "0000-01-01T00:00:00Z";
    doc.activities![0]!.at = "1899-12-31T23:59:59Z";
    doc.opportunities![0]!.closeDate = "2201-01-01";
    const problems = await expectRefused(doc, "$.meetings[0].startsAt", /between 1900 and 2200/);
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(["$.activities[0].at", "$.opportunities[0].closeDate"]),
    );
    const far = smallWorkspace();
    far.meetings![0]!.endsAt = "+010000-01-01T00:00:00Z";
    await expectRefused(far, "$.meetings[0].endsAt", /date-time|between 1900 and 2200/);
  });

  it("dates that shifting to today would move out of range (a file shifted to year 0001)", async () => {
    const doc = smallWorkspace();
    // Today is ~174 years before the reference date: every date moves back as far, to the 1850s.
    doc.referenceDate = "2200-06-01T00:00:00Z";
    await expectRefused(doc, "$.meetings[0].startsAt", /when shifted to today/, undefined, { shift: true });
  });

  it("two messages with the same externalId in one file", async () => {
    const doc = smallWorkspace();
    doc.conversations![0]!.messages[0]!.externalId = "gm-msg-1";
    doc.conversations![0]!.messages[1]!.externalId = "gm-msg-1";
    await expectRefused(
      doc,
      "$.conversations[0].messages[1].externalId",
      /duplicates \(source, externalId\) of \$\.conversations\[0\]\.messages\[0\]/,
    );
  });

  it("a 20 MB name (past PostgreSQL's index row limit)", async () => {
    const doc = smallWorkspace();
    doc.accounts![0]!.name = "A".repeat(20 * 1024 * 1024);
    await expectRefused(doc, "$.accounts[0].name", /at most 200 characters/);
  });

  it("a re-import whose externalId now matches another record, naming both records", async () => {
    const signedIn = await seller();
    const { context } = signedIn;
    expect((await importFile(smallWorkspace(), context)).data.outcome).toBe("imported");
    // Another file brings an account with its own externalId.
    const other = { ...smallWorkspace(), prospects: [], opportunities: [], conversations: [], meetings: [], notes: [] };
    other.accounts = [{ ...other.accounts![1]!, id: "acc_zeta", name: "Zeta Freight", externalId: "001Z" }];
    other.activities = [];
    expect((await importFile(other, context)).data.outcome).toBe("imported");
    // The first file again, its Acme now carrying Zeta's externalId (and source).
    const again = smallWorkspace();
    again.accounts![0] = { ...again.accounts![0]!, source: "manual", externalId: "001Z" };
    await expectRefused(again, "$.accounts[0].externalId", /Zeta Freight.*Acme Logistics/, signedIn);
  });

  it("a new note for a meeting that already has notes", async () => {
    const signedIn = await seller();
    expect((await importFile(smallWorkspace(), signedIn.context)).data.outcome).toBe("imported");
    const again = smallWorkspace();
    again.meetings![0]!.notesId = "note_other";
    again.notes![0]!.id = "note_other";
    await expectRefused(again, "$.notes[0].meetingId", /already has notes in your workspace/, signedIn);
  });
});

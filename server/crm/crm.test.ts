import { describe, expect, it } from "vitest";
import { callerFor, createUser, signIn } from "../../tests/helpers/users";
import { SMALL_REFERENCE_DATE, smallWorkspace } from "../../tests/helpers/workspace";
import { importWorkspace } from "../data-rights/import/import-workspace";
import { getDb } from "../db/client";
import { dashboardSummary } from "./dashboard";
import { prefixQuery, search, splitSnippet } from "./search";

async function seller() {
  const db = await getDb();
  const user = await createUser(db);
  const { auth } = await signIn(db, user.id);
  return { db, user, api: await callerFor(auth) };
}

describe("deals", () => {
  it("records a stage change in the stage history and on the timeline, once", async () => {
    const { db, user, api } = await seller();
    const account = await api.accounts.create({ name: "Acme" });
    const deal = await api.opportunities.create({
      name: "Acme – Platform",
      accountId: account.id,
      amount: 2_400_000,
      closeDate: "2026-12-31",
    });
    await api.opportunities.moveStage({ id: deal.id, stage: "demo" });
    await api.opportunities.moveStage({ id: deal.id, stage: "demo" }); // no change: nothing recorded
    await api.opportunities.update({ id: deal.id, stage: "proposal", nextStep: "Send the order form" });

    const full = await api.opportunities.get({ id: deal.id });
    expect(full.stage).toBe("proposal");
    expect(full.amount).toBe(2_400_000);
    expect(full.stageHistory.map((h) => [h.fromStage, h.stage])).toEqual([
      [null, "prospecting"],
      ["prospecting", "demo"],
      ["demo", "proposal"],
    ]);
    const timeline = await api.activity.timeline({ of: "opportunity", id: deal.id });
    expect(timeline.items.map((a) => a.summary)).toEqual([
      "Stage changed from demo to proposal on Acme – Platform.",
      "Stage changed from prospecting to demo on Acme – Platform.",
    ]);
    expect(await db.activity.count({ where: { userId: user.id, type: "stage_changed", accountId: account.id } })).toBe(
      2,
    );
  });

  it("deleting a deal takes the notes that belonged to it alone, and keeps notes that also hang on its account", async () => {
    const { db, user, api } = await seller();
    const deal = await api.opportunities.create({ name: "Orphan-maker" });
    const dealOnly = await api.notes.create({ body: "Only on the deal", opportunityId: deal.id });
    const account = await api.accounts.create({ name: "Keeper" });
    const withAccount = await api.notes.create({
      body: "On the deal and its account",
      opportunityId: deal.id,
      accountId: account.id,
    });
    await api.opportunities.delete({ id: deal.id });
    expect(await db.note.findUnique({ where: { id: dealOnly.id } })).toBeNull();
    expect(await db.note.findUnique({ where: { id: withAccount.id } })).toMatchObject({
      opportunityId: null,
      accountId: account.id,
    });
    // Nothing of the user's is left linked to nothing (an export of it would not import).
    expect(
      await db.note.count({
        where: { userId: user.id, accountId: null, opportunityId: null, prospectId: null, meetingId: null },
      }),
    ).toBe(0);
  });

  it("explains bad input field by field", async () => {
    const { api } = await seller();
    const error = await api.opportunities
      .create({ name: "", amount: -5, probability: 120, currency: "dollars" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    const fields = (error as { cause: { issues: { path: string[]; message: string }[] } }).cause.issues.map((i) => [
      i.path.join("."),
      i.message,
    ]);
    expect(fields).toEqual(
      expect.arrayContaining([
        ["name", "Give the deal a name."],
        ["amount", "An amount cannot be negative."],
        ["probability", "Use 0 to 100."],
        ["currency", "Use a three-letter currency code such as USD."],
      ]),
    );
  });

  it("pages through deals by close date with undated deals last, and by amount", async () => {
    const { api } = await seller();
    const dates = ["2026-12-05", null, "2026-12-01", "2026-12-05", null, "2027-01-10", "2026-11-30"];
    for (const [i, date] of dates.entries()) {
      await api.opportunities.create({ name: `Deal ${i}`, amount: i % 3 === 0 ? null : i * 1000, closeDate: date });
    }
    for (const sort of ["closeDate", "amount"] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof api.opportunities.list>> = await api.opportunities.list({
          sort,
          limit: 2,
          cursor,
        });
        seen.push(...page.items.map((d) => d.name));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size, sort).toBe(dates.length);
      if (sort === "closeDate") expect(seen.slice(0, 2)).toEqual(["Deal 6", "Deal 2"]);
      if (sort === "closeDate") expect(new Set(seen.slice(-2))).toEqual(new Set(["Deal 1", "Deal 4"]));
      if (sort === "amount") expect(seen[0]).toBe("Deal 5");
    }
  });
});

describe("notes, conversations, meetings", () => {
  it("a meeting has one set of notes; adding them puts a note on the timeline", async () => {
    const { api } = await seller();
    const account = await api.accounts.create({ name: "Bolt" });
    const meeting = await api.meetings.create({
      title: "Kick-off",
      startsAt: new Date("2030-01-01T10:00:00Z"),
      endsAt: new Date("2030-01-01T11:00:00Z"),
      accountId: account.id,
    });
    await api.notes.create({ body: "Agreed on a pilot\nBudget approved", meetingId: meeting.id });
    await expect(api.notes.create({ body: "again", meetingId: meeting.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("already has notes"),
    });
    const timeline = await api.activity.timeline({ of: "account", id: account.id });
    expect(timeline.items[0]).toMatchObject({ type: "note_added", summary: "Note added: Agreed on a pilot" });
    await expect(
      api.meetings.update({ id: meeting.id, endsAt: new Date("2029-12-31T10:00:00Z") }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("logging a conversation and a reply keeps its latest time and the timeline", async () => {
    const { api, user } = await seller();
    const person = await api.prospects.create({ firstName: "Ana", lastName: "Ruiz", email: "ana@acme.example" });
    const conversation = await api.conversations.create({
      subject: "Pricing",
      body: "Here is our pricing.",
      prospectIds: [person.id],
    });
    await api.conversations.addMessage({
      conversationId: conversation.id,
      body: "Thanks, reviewing.",
      direction: "received",
    });
    const full = await api.conversations.get({ id: conversation.id });
    expect(full.messages.map((m) => [m.fromEmail, m.toEmails])).toEqual([
      [user.email, ["ana@acme.example"]],
      ["ana@acme.example", [user.email]],
    ]);
    expect((await api.activity.timeline({ of: "prospect", id: person.id })).items.map((a) => a.type)).toEqual([
      "email_received",
      "email_sent",
    ]);
  });
});

describe("dashboard", () => {
  it("shows the pipeline, what closes this month, the week's meetings and the deals that need attention", async () => {
    const { db, user } = await seller();
    const now = new Date(SMALL_REFERENCE_DATE);
    await importWorkspace(db, user.id, smallWorkspace());
    const summary = await dashboardSummary(db, user.id, now);
    const evaluation = summary.pipeline.find((s) => s.stage === "evaluation")!;
    expect(evaluation).toMatchObject({ count: 1, open: true, totals: [{ currency: "USD", amount: 480_000_000 }] });
    expect(summary.pipeline.find((s) => s.stage === "closed_lost")).toMatchObject({
      count: 1,
      open: false,
      totals: [{ currency: "EUR", amount: 900_000 }],
    });
    expect(summary.closingThisMonth.deals.map((d) => d.name)).toEqual(["Acme Logistics – Platform"]);
    expect(summary.closingThisMonth).toMatchObject({ count: 1, totals: [{ currency: "USD", amount: 480_000_000 }] });
    expect(summary.upcomingMeetings.map((m) => m.title)).toEqual(["Acme – security deep dive"]);
    expect(summary.recentActivity[0]!.summary).toBe("Task completed: send recap");
    // Last activity on the Acme deal was 2026-02-20: ten days before `now`, so not stale yet.
    expect(summary.needsAttention.deals).toEqual([]);
    const later = await dashboardSummary(db, user.id, new Date("2026-04-02T09:00:00Z"));
    expect(later.needsAttention.deals).toEqual([
      expect.objectContaining({ name: "Acme Logistics – Platform", pastCloseDate: true, stale: true }),
    ]);
    expect(later.needsAttention.total).toBe(1);
  });
});

describe("search", () => {
  it("finds by stemmed words and by prefix, ranks names first, and highlights matches as text parts", async () => {
    const { db, user } = await seller();
    await importWorkspace(db, user.id, smallWorkspace());
    const results = await search(db, user.id, { q: "acme", limit: 20 });
    expect(results[0]).toMatchObject({
      type: "account",
      title: "Acme Logistics",
      href: expect.stringMatching(/^\/accounts\//),
    });
    expect(results.map((r) => r.type)).toEqual(expect.arrayContaining(["account", "opportunity"]));

    const prefix = await search(db, user.id, { q: "logist", limit: 20 });
    expect(prefix.map((r) => r.title)).toContain("Acme Logistics");

    const stemmed = await search(db, user.id, { q: "reviewing procurement", limit: 20 });
    const message = stemmed.find((r) => r.type === "message")!;
    expect(message).toMatchObject({
      title: "Security questionnaire",
      href: expect.stringMatching(/^\/conversations\/.+#message-/),
    });
    expect(message.snippet.filter((p) => p.match).map((p) => p.text.toLowerCase())).toEqual(
      expect.arrayContaining(["procurement"]),
    );

    expect(await search(db, user.id, { q: "acme", limit: 20, types: ["message"] })).toEqual([]);
    expect(await search(db, user.id, { q: "!!! ???", limit: 20 })).toEqual([]);
  });

  it("builds prefix queries from letters and digits only, and splits snippets safely", () => {
    expect(prefixQuery("Acme pric'; DROP TABLE--")).toBe("acme:* & pric:* & drop:* & table:*");
    expect(prefixQuery("   ")).toBeNull();
    expect(splitSnippet("The \uE000Acme\uE001 deal <b>x</b>")).toEqual([
      { text: "The ", match: false },
      { text: "Acme", match: true },
      { text: " deal <b>x</b>", match: false },
    ]);
  });
});

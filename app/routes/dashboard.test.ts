import { describe, expect, it } from "vitest";
import { importWorkspace } from "../../server/data-rights/import/import-workspace";
import { get, seller, thrownBy } from "../../tests/helpers/routes";
import { loadContext } from "../../tests/helpers/users";
import { smallWorkspace } from "../../tests/helpers/workspace";
import { loader } from "./dashboard";

const DAY_MS = 86_400_000;

/** Today at 09:00 UTC — the small workspace's reference time of day, so the shift is whole days
 *  and its dates land on known calendar days whatever time the test runs. */
function todayAtNine(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 9));
}

/** The small workspace plus a deal closing on the reference day and a late, quiet one. */
function dashboardWorkspace() {
  const doc = smallWorkspace();
  const t = "2026-02-20T10:00:00Z";
  doc.opportunities = [
    ...(doc.opportunities ?? []),
    {
      id: "opp_close",
      accountId: "acc_bolt",
      name: "Bolt Energy – Expansion",
      stage: "proposal",
      amount: 120_000_00,
      currency: "USD",
      closeDate: "2026-03-02",
      source: "manual",
      createdAt: t,
      updatedAt: t,
    },
    {
      id: "opp_late",
      accountId: "acc_bolt",
      name: "Bolt Energy – Renewal",
      stage: "negotiation",
      amount: 30_000_00,
      currency: "USD",
      closeDate: "2026-02-25",
      source: "manual",
      createdAt: t,
      updatedAt: t,
    },
    {
      id: "opp_won",
      accountId: "acc_acme",
      name: "Acme Logistics – Year 1",
      stage: "closed_won",
      amount: 50_000_00,
      currency: "USD",
      closeDate: "2025-12-15",
      source: "manual",
      createdAt: t,
      updatedAt: t,
    },
  ];
  doc.activities = [
    ...(doc.activities ?? []),
    {
      id: "act_late",
      type: "call_logged",
      at: "2026-02-10T09:00:00Z",
      accountId: "acc_bolt",
      opportunityId: "opp_late",
      summary: "Call logged with Cy Lam",
      source: "manual",
      createdAt: t,
      updatedAt: t,
    },
  ];
  return doc;
}

const request = () => get("/dashboard");

describe("/dashboard loader", () => {
  it("returns the pipeline, this month's closes, the week's meetings, recent activity and what needs attention", async () => {
    const { db, user, context } = await seller();
    const imported = await importWorkspace(db, user.id, dashboardWorkspace(), { shiftReferenceDateTo: todayAtNine() });
    expect(imported.ok).toBe(true);
    const view = await loader({ request: request(), context, params: {} });

    // Pipeline: the six open stages in order, drawn in the currency with the largest open total.
    expect(view.hasDeals).toBe(true);
    expect(view.currency).toBe("USD");
    expect(view.pipeline.open.map((s) => s.stage)).toEqual([
      "prospecting",
      "discovery",
      "demo",
      "evaluation",
      "proposal",
      "negotiation",
    ]);
    expect(view.pipeline.open.find((s) => s.stage === "evaluation")).toMatchObject({
      label: "Evaluation",
      count: 1,
      amount: 4_800_000_00,
    });
    expect(view.pipeline.open.find((s) => s.stage === "proposal")).toMatchObject({ count: 1, amount: 120_000_00 });
    expect(view.pipeline.openCount).toBe(3);
    expect(view.pipeline.openTotals).toEqual([{ currency: "USD", amount: 4_800_000_00 + 120_000_00 + 30_000_00 }]);
    expect(view.pipeline.won).toMatchObject({ count: 1, amount: 50_000_00, otherCurrencies: [] });
    // The lost deal is in euros: it is not added to dollars, it is listed beside them.
    expect(view.pipeline.lost).toMatchObject({
      count: 1,
      amount: 0,
      otherCurrencies: [{ currency: "EUR", amount: 900_000 }],
    });

    // The deal whose close date is the reference day closes today, so this month.
    expect(view.closingThisMonth.deals.map((d) => d.name)).toContain("Bolt Energy – Expansion");
    const closing = view.closingThisMonth.deals.find((d) => d.name === "Bolt Energy – Expansion")!;
    expect(closing).toMatchObject({
      stage: "proposal",
      amount: 120_000_00,
      currency: "USD",
      account: { name: "Bolt Energy" },
    });
    expect(closing.closeDate?.toISOString().slice(0, 10)).toBe(todayAtNine().toISOString().slice(0, 10));
    expect(view.closingThisMonth.count).toBe(view.closingThisMonth.deals.length);
    expect(view.closingThisMonth.totals.find((t) => t.currency === "USD")!.amount).toBe(
      view.closingThisMonth.deals.reduce((sum, d) => sum + (d.currency === "USD" ? (d.amount ?? 0) : 0), 0),
    );

    // The security deep dive is two days after the reference date: within the next seven days.
    expect(view.upcomingMeetings.map((m) => ({ title: m.title, account: m.account?.name }))).toEqual([
      { title: "Acme – security deep dive", account: "Acme Logistics" },
    ]);

    // Newest first, with what each one is about.
    expect(view.recentActivity.map((a) => a.summary)).toEqual([
      "Task completed: send recap",
      "Email sent to Ana Ruiz: SOC 2 report",
      "Call logged with Cy Lam",
      "Stage changed from discovery to evaluation",
    ]);
    expect(view.recentActivity[1]).toMatchObject({
      opportunity: { name: "Acme Logistics – Platform" },
      account: { name: "Acme Logistics" },
      prospect: { firstName: "Ana" },
    });
    expect(view.now).toBeInstanceOf(Date);

    // The renewal is past its close date and has been quiet for 20 days (since the reference day − 20).
    expect(view.needsAttention.total).toBe(1);
    expect(view.needsAttention.deals).toHaveLength(1);
    expect(view.needsAttention.deals[0]).toMatchObject({
      name: "Bolt Energy – Renewal",
      accountName: "Bolt Energy",
      pastCloseDate: true,
      stale: true,
      reasons: ["Past close date", "No activity for 20 days"],
    });
  });

  it("shows only the signed-in user's figures", async () => {
    const { db, user } = await seller();
    await importWorkspace(db, user.id, dashboardWorkspace(), { shiftReferenceDateTo: todayAtNine() });
    const other = await seller();
    const view = await loader({ request: request(), context: other.context, params: {} });
    expect(view.hasDeals).toBe(false);
    expect(view.recentActivity).toEqual([]);
  });

  it("returns empty sections for a user with nothing yet", async () => {
    const { context } = await seller();
    const view = await loader({ request: request(), context, params: {} });
    expect(view.hasDeals).toBe(false);
    expect(view.pipeline.open).toHaveLength(6);
    expect(view.pipeline.open.every((s) => s.count === 0 && s.amount === 0)).toBe(true);
    expect(view.pipeline.openCount).toBe(0);
    expect(view.currency).toBe("USD");
    expect(view.closingThisMonth).toEqual({ count: 0, deals: [], totals: [] });
    expect(view.upcomingMeetings).toEqual([]);
    expect(view.recentActivity).toEqual([]);
    expect(view.needsAttention).toEqual({ total: 0, deals: [] });
  });

  it("counts a deal that never had activity as needing attention once it is two weeks old", async () => {
    const { db, user, context } = await seller();
    await db.opportunity.create({
      data: {
        userId: user.id,
        name: "Forgotten deal",
        stage: "discovery",
        amount: 10_000_00n,
        currency: "GBP",
        createdAt: new Date(Date.now() - 30 * DAY_MS),
      },
    });
    const view = await loader({ request: request(), context, params: {} });
    expect(view.currency).toBe("GBP");
    expect(view.needsAttention.deals.map((d) => ({ name: d.name, reasons: d.reasons }))).toEqual([
      { name: "Forgotten deal", reasons: ["No activity for 30 days"] },
    ]);
  });

  it("sends a signed-out visitor to sign in", async () => {
    const thrown = await thrownBy(() => loader({ request: request(), context: loadContext(), params: {} }));
    expect(thrown.headers.get("location")).toBe("/login?redirectTo=%2Fdashboard");
  });
});

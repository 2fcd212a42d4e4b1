import { describe, expect, it } from "vitest";
import { DEMO_USER } from "../../server/auth/demo";
import { getDb } from "../../server/db/client";
import { seedDemoWorkspace } from "./seed";

const DAY = 86_400_000;

describe("demo seed", () => {
  it("creates the demo user with a believable workspace, dated relative to today", async () => {
    const db = await getDb();
    const now = new Date("2026-11-29T08:00:00Z");
    const result = await seedDemoWorkspace(db, now);
    expect(result.created).toBe(true);
    const user = await db.user.findUniqueOrThrow({ where: { email: DEMO_USER.email } });
    const where = { where: { userId: user.id } };

    expect(await db.account.count(where)).toBeGreaterThanOrEqual(20);
    expect(await db.prospect.count(where)).toBeGreaterThanOrEqual(80);
    expect(await db.opportunity.count(where)).toBeGreaterThanOrEqual(30);
    const stages = await db.opportunity.groupBy({ by: ["stage"], where: { userId: user.id }, _count: true });
    expect(stages.map((s) => s.stage).sort()).toEqual([
      "closed_lost",
      "closed_won",
      "demo",
      "discovery",
      "evaluation",
      "negotiation",
      "proposal",
      "prospecting",
    ]);
    const emailMessages = await db.message.count({ where: { userId: user.id, conversation: { channel: "email" } } });
    expect(emailMessages).toBeGreaterThanOrEqual(150);
    const threads = await db.conversation.findMany({
      where: { userId: user.id, channel: "email" },
      select: { _count: { select: { messages: true } } },
    });
    expect(threads.filter((t) => t._count.messages >= 2).length).toBeGreaterThanOrEqual(30);
    expect(await db.meeting.count({ where: { userId: user.id, notes: { isNot: null } } })).toBeGreaterThanOrEqual(40);
    expect(await db.activity.count(where)).toBeGreaterThanOrEqual(300);

    // Upcoming meetings are upcoming relative to the moment of seeding, some within the week.
    const upcoming = await db.meeting.count({ where: { userId: user.id, startsAt: { gt: now } } });
    const thisWeek = await db.meeting.count({
      where: { userId: user.id, startsAt: { gt: now, lt: new Date(now.getTime() + 7 * DAY) } },
    });
    expect(upcoming).toBeGreaterThanOrEqual(5);
    expect(thisWeek).toBeGreaterThanOrEqual(1);
    // And the history is in the past.
    expect(await db.activity.count({ where: { userId: user.id, at: { gt: now } } })).toBe(0);
  });

  it("does nothing when the demo user already exists", async () => {
    const db = await getDb();
    await seedDemoWorkspace(db);
    const accounts = await db.account.count();
    const again = await seedDemoWorkspace(db);
    expect(again).toMatchObject({ created: false, counts: null });
    expect(await db.account.count()).toBe(accounts);
  });
});

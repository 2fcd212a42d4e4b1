import { describe, expect, it } from "vitest";
import { createUser } from "../../../tests/helpers/users";
import { loadMeetings } from "../../brain/records";
import { maxLengths } from "../../crm/limits";
import { search } from "../../crm/search";
import { getDb, type Db } from "../../db/client";
import type { SyncChange, SyncedEmail, SyncedMeeting } from "../types";
import { applyChanges, type IngestContext } from "./index";
import { splitName } from "./people";

const NOW = new Date("2026-12-01T12:00:00Z");

async function workspace() {
  const db = await getDb();
  const user = await createUser(db, { email: `seller-${Math.random().toString(36).slice(2, 8)}@northwind.test` });
  const account = await db.account.create({ data: { userId: user.id, name: "Acme", domain: "https://www.Acme.com/" } });
  const dana = await db.prospect.create({
    data: { userId: user.id, accountId: account.id, firstName: "Dana", lastName: "Reyes", email: "Dana@Acme.com" },
  });
  const context = (source: "gmail" | "gcal" = "gmail", now = NOW): IngestContext => ({
    userId: user.id,
    source,
    ownEmails: [user.email],
    now,
  });
  const apply = (changes: SyncChange[], ctx = context()) => db.$transaction((tx) => applyChanges(tx, ctx, changes));
  return { db, user, account, dana, context, apply };
}

let counter = 0;
function email(me: string, overrides: Partial<SyncedEmail> = {}): SyncedEmail {
  counter += 1;
  return {
    kind: "email",
    externalId: `m${counter}`,
    threadId: `t${counter}`,
    rfcMessageId: `<msg-${counter}@mail.test>`,
    subject: "Pricing for the pilot",
    from: { email: "dana@acme.com", name: "Dana Reyes" },
    to: [{ email: me, name: "Me" }],
    cc: [],
    sentAt: new Date(Date.UTC(2026, 10, 1, 9, counter % 60)),
    body: "Could you send the pricing for 40 seats?",
    quotedText: null,
    attachmentNames: [],
    ...overrides,
  };
}

function meeting(overrides: Partial<SyncedMeeting> = {}): SyncedMeeting {
  counter += 1;
  return {
    kind: "meeting",
    externalId: `primary:ev${counter}`,
    title: "Pilot kickoff",
    startsAt: new Date("2026-12-03T15:00:00Z"),
    endsAt: new Date("2026-12-03T16:00:00Z"),
    location: "https://meet.example/abc",
    organizer: null,
    attendees: [{ email: "dana@acme.com", name: "Dana Reyes" }],
    cancelled: false,
    ...overrides,
  };
}

async function counts(db: Db, userId: string) {
  return {
    conversations: await db.conversation.count({ where: { userId } }),
    messages: await db.message.count({ where: { userId } }),
    participants: await db.conversationParticipant.count({ where: { userId } }),
    activities: await db.activity.count({ where: { userId } }),
    prospects: await db.prospect.count({ where: { userId } }),
    meetings: await db.meeting.count({ where: { userId } }),
    attendees: await db.meetingAttendee.count({ where: { userId } }),
  };
}

describe("ingest: emails", () => {
  it("matches a prospect by email (any case) and files the thread under the prospect's account", async () => {
    const { db, user, account, dana, apply } = await workspace();
    const first = email(user.email, { from: { email: "DANA@acme.com", name: "Dana" }, attachmentNames: ["quote.pdf"] });
    const stats = await apply([first]);
    expect(stats).toEqual({ created: 1, updated: 0, deleted: 0, skipped: {} });
    const conversation = await db.conversation.findFirstOrThrow({
      where: { userId: user.id, source: "gmail", externalId: first.threadId },
      include: { participants: true, messages: true },
    });
    expect(conversation).toMatchObject({ accountId: account.id, subject: "Pricing for the pilot", channel: "email" });
    expect(conversation.lastMessageAt).toEqual(first.sentAt);
    expect(conversation.participants.map((p) => p.prospectId ?? p.email).sort()).toEqual([dana.id, user.email].sort());
    expect(conversation.messages[0]).toMatchObject({
      fromEmail: "dana@acme.com",
      toEmails: [user.email],
      rfcMessageId: first.rfcMessageId!.slice(1, -1),
      attachmentNames: ["quote.pdf"],
      externalId: first.externalId,
    });
    const activity = await db.activity.findFirstOrThrow({ where: { userId: user.id, externalId: first.externalId } });
    expect(activity).toMatchObject({
      type: "email_received",
      source: "gmail",
      accountId: account.id,
      prospectId: dana.id,
      conversationId: conversation.id,
      summary: "Email from Dana: Pricing for the pilot",
    });
    expect(activity.at).toEqual(first.sentAt);
  });

  it("an email the user sent is email_sent, about the prospect it went to", async () => {
    const { db, user, dana, apply } = await workspace();
    const sent = email(user.email, {
      from: { email: user.email, name: "Me" },
      to: [{ email: "dana@acme.com", name: "Dana Reyes" }],
      subject: "Re: Pricing",
    });
    await apply([sent]);
    const activity = await db.activity.findFirstOrThrow({ where: { userId: user.id, externalId: sent.externalId } });
    expect(activity).toMatchObject({
      type: "email_sent",
      prospectId: dana.id,
      summary: "Email to Dana Reyes: Re: Pricing",
    });
    const conversation = await db.conversation.findFirstOrThrow({
      where: { userId: user.id, externalId: sent.threadId },
    });
    expect(conversation.subject).toBe("Pricing");
  });

  it("an unknown person at a known account's domain (or a subdomain) becomes a prospect of it, once", async () => {
    const { db, user, account, apply } = await workspace();
    const a = email(user.email, { from: { email: "lee.park@eu.acme.com", name: null } });
    const b = email(user.email, { from: { email: "Lee.Park@eu.acme.com", name: "Lee Park" }, threadId: a.threadId });
    const c = email(user.email, { from: { email: "lee.park@eu.acme.com", name: "Lee Park" } });
    await apply([a, b, c]);
    await apply([email(user.email, { from: { email: "lee.park@eu.acme.com", name: "Lee Park" } })]);
    const lee = await db.prospect.findMany({ where: { userId: user.id, email: "lee.park@eu.acme.com" } });
    expect(lee).toHaveLength(1);
    expect(lee[0]).toMatchObject({ accountId: account.id, source: "gmail", firstName: "Lee", lastName: "Park" });
    expect(await db.conversation.count({ where: { userId: user.id, accountId: account.id } })).toBe(3);
  });

  it("skips threads with only colleagues, only personal mail, or nobody known, and counts why", async () => {
    const { db, user, apply } = await workspace();
    const before = await counts(db, user.id);
    const stats = await apply([
      email(user.email, { from: { email: "boss@northwind.test", name: "Boss" } }),
      email(user.email, { from: { email: "friend@gmail.com", name: "Friend" } }),
      email(user.email, {
        from: { email: "friend@gmail.com", name: "Friend" },
        cc: [{ email: "colleague@eu.northwind.test", name: null }],
      }),
      email(user.email, { from: { email: "someone@unknown-co.test", name: "Someone" } }),
    ]);
    expect(stats).toEqual({
      created: 0,
      updated: 0,
      deleted: 0,
      skipped: { internal_only: 1, personal_only: 2, no_known_party: 1 },
    });
    expect(await counts(db, user.id)).toEqual(before);
  });

  it("a free-mail address that is a prospect's matches; free-mail never matches an account by domain", async () => {
    const { db, user, apply } = await workspace();
    const personal = await db.prospect.create({
      data: { userId: user.id, firstName: "Sam", lastName: "Lee", email: "sam.lee@gmail.com" },
    });
    await db.account.create({ data: { userId: user.id, name: "Gmail?", domain: "gmail.com" } });
    const stats = await apply([
      email(user.email, { from: { email: "sam.lee@gmail.com", name: "Sam" } }),
      email(user.email, { from: { email: "stranger@gmail.com", name: "Stranger" } }),
    ]);
    expect(stats).toMatchObject({ created: 1, skipped: { personal_only: 1 } });
    expect(await db.activity.count({ where: { userId: user.id, prospectId: personal.id } })).toBe(1);
    expect(await db.prospect.count({ where: { userId: user.id, email: "stranger@gmail.com" } })).toBe(0);
  });

  it("a later message of a stored thread is always added, even with nobody known in it", async () => {
    const { db, user, apply } = await workspace();
    const first = email(user.email);
    await apply([first]);
    const later = email(user.email, {
      threadId: first.threadId,
      from: { email: "colleague@northwind.test", name: "Colleague" },
      sentAt: new Date("2026-11-20T10:00:00Z"),
    });
    const stats = await apply([later]);
    expect(stats).toMatchObject({ created: 1, skipped: {} });
    const conversation = await db.conversation.findFirstOrThrow({
      where: { userId: user.id, externalId: first.threadId },
      include: { _count: { select: { messages: true, participants: true } } },
    });
    expect(conversation._count).toEqual({ messages: 2, participants: 3 });
    expect(conversation.lastMessageAt).toEqual(later.sentAt);
  });

  it("the same page applied twice changes nothing the second time and says so", async () => {
    const { db, user, apply } = await workspace();
    const page: SyncChange[] = [
      email(user.email),
      email(user.email, { from: { email: "new.person@acme.com", name: "New Person" } }),
      email(user.email, { from: { email: "friend@gmail.com", name: "F" } }),
      meeting({
        attendees: [
          { email: "dana@acme.com", name: null },
          { email: "guest@elsewhere.test", name: null },
        ],
      }),
    ];
    const first = await apply(page);
    expect(first).toMatchObject({ created: 3, updated: 0, skipped: { personal_only: 1 } });
    const after = await counts(db, user.id);
    const stamps = await db.message.findMany({ where: { userId: user.id }, select: { updatedAt: true } });
    const second = await apply(page, {
      ...(await workspaceContext(db, user.id)),
      now: new Date(NOW.getTime() + 60_000),
    });
    expect(second).toEqual({ created: 0, updated: 0, deleted: 0, skipped: { personal_only: 1 } });
    expect(await counts(db, user.id)).toEqual(after);
    expect(await db.message.findMany({ where: { userId: user.id }, select: { updatedAt: true } })).toEqual(stamps);
  });

  it("merges an email already imported by hand (same Message-ID) instead of storing it twice", async () => {
    const { db, user, apply } = await workspace();
    const manual = await db.conversation.create({
      data: {
        userId: user.id,
        subject: "Pricing (imported)",
        messages: {
          create: {
            userId: user.id,
            fromEmail: "dana@acme.com",
            toEmails: [user.email],
            sentAt: new Date("2026-11-01T09:00:00Z"),
            body: "My own copy",
            rfcMessageId: "abc-123@acme.com",
          },
        },
      },
    });
    const synced = email(user.email, { rfcMessageId: "<abc-123@acme.com>", attachmentNames: ["terms.pdf"] });
    const stats = await apply([synced]);
    expect(stats).toMatchObject({ created: 0, updated: 1 });
    const messages = await db.message.findMany({ where: { userId: user.id } });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      conversationId: manual.id,
      body: "My own copy",
      source: "manual",
      attachmentNames: ["terms.pdf"],
    });
    expect(await db.conversation.count({ where: { userId: user.id } })).toBe(1);
    expect(await apply([synced])).toMatchObject({ created: 0, updated: 0 });
    // Gmail deleting its copy does not delete the user's own record.
    expect(await apply([{ kind: "email_removed", externalId: synced.externalId }])).toMatchObject({ deleted: 0 });
    expect(await db.message.count({ where: { userId: user.id } })).toBe(1);
  });

  it("email_removed deletes the message and its activity, and the conversation once it is empty", async () => {
    const { db, user, apply } = await workspace();
    const a = email(user.email, { sentAt: new Date("2026-11-01T09:00:00Z") });
    const b = email(user.email, { threadId: a.threadId, sentAt: new Date("2026-11-02T09:00:00Z") });
    await apply([a, b]);
    expect(await apply([{ kind: "email_removed", externalId: b.externalId }])).toMatchObject({ deleted: 1 });
    const conversation = await db.conversation.findFirstOrThrow({ where: { userId: user.id, externalId: a.threadId } });
    expect(conversation.lastMessageAt).toEqual(a.sentAt);
    expect(await db.activity.count({ where: { userId: user.id, externalId: b.externalId } })).toBe(0);
    expect(await apply([{ kind: "email_removed", externalId: a.externalId }])).toMatchObject({ deleted: 1 });
    expect(await counts(db, user.id)).toMatchObject({ conversations: 0, messages: 0, activities: 0 });
    // Added and deleted in one page: the last word wins.
    const c = email(user.email);
    expect(await apply([c, { kind: "email_removed", externalId: c.externalId }])).toMatchObject({
      created: 0,
      deleted: 0,
    });
  });

  it("keeps to the text limits and skips what cannot be made valid, without stopping the page", async () => {
    const { db, user, apply } = await workspace();
    const huge = email(user.email, {
      subject: `Big ${"s".repeat(1_000)}`,
      body: `${"x".repeat(maxLengths.messageBody + 10_000)}\u0000`,
      attachmentNames: Array.from({ length: 300 }, (_, i) => `file-${i}.pdf`),
    });
    const stats = await apply([
      huge,
      email(user.email, { from: { email: "not an address", name: null } }),
      email(user.email, { sentAt: new Date("invalid") }),
      email(user.email, { sentAt: new Date("3001-01-01T00:00:00Z") }),
      { kind: "email", externalId: "broken" } as unknown as SyncChange,
      email(user.email, { externalId: "e".repeat(maxLengths.externalId + 1) }),
    ]);
    expect(stats).toEqual({ created: 1, updated: 0, deleted: 0, skipped: { missing_field: 2, malformed: 3 } });
    const stored = await db.message.findFirstOrThrow({ where: { userId: user.id, externalId: huge.externalId } });
    expect(stored.body.length).toBeLessThanOrEqual(maxLengths.messageBody);
    expect(stored.body).not.toContain("\u0000");
    expect(stored.attachmentNames).toHaveLength(100);
    const conversation = await db.conversation.findFirstOrThrow({
      where: { userId: user.id, externalId: huge.threadId },
    });
    expect(conversation.subject.length).toBeLessThanOrEqual(maxLengths.subject);
    const activity = await db.activity.findFirstOrThrow({ where: { userId: user.id, externalId: huge.externalId } });
    expect(activity.summary.length).toBeLessThanOrEqual(300);
  });

  it("a synced email is found by search like any other message", async () => {
    const { db, user, apply } = await workspace();
    await apply([email(user.email, { body: "We need the quokka integration before renewal." })]);
    const results = await search(db, user.id, { q: "quokka", limit: 20, types: ["message"] });
    expect(JSON.stringify(results)).toContain("quokka");
  });
});

describe("ingest: meetings", () => {
  it("upserts a meeting with its attendees, follows a move, a cancellation and a restore", async () => {
    const { db, user, account, dana, apply } = await workspace();
    const ev = meeting({
      organizer: { email: user.email, name: "Me" },
      attendees: [
        { email: user.email, name: "Me" },
        { email: "dana@acme.com", name: "Dana" },
        { email: "ops@acme.com", name: "Acme Ops" },
      ],
    });
    expect(await apply([ev], { ...(await workspaceContext(db, user.id)), source: "gcal" })).toMatchObject({
      created: 1,
    });
    const gcal = { ...(await workspaceContext(db, user.id)), source: "gcal" as const };
    const stored = await db.meeting.findFirstOrThrow({
      where: { userId: user.id, source: "gcal", externalId: ev.externalId },
      include: { attendees: { include: { prospect: true } } },
    });
    expect(stored).toMatchObject({ title: "Pilot kickoff", accountId: account.id, cancelledAt: null });
    expect(stored.attendees.map((a) => (a.prospect?.email ?? a.email)?.toLowerCase()).sort()).toEqual([
      "dana@acme.com",
      "ops@acme.com",
    ]);
    expect(stored.attendees.every((a) => a.prospectId)).toBe(true);
    const activity = await db.activity.findFirstOrThrow({ where: { userId: user.id, meetingId: stored.id } });
    expect(activity).toMatchObject({ type: "meeting_held", summary: "Meeting: Pilot kickoff", prospectId: dana.id });

    const moved = { ...ev, startsAt: new Date("2026-12-04T15:00:00Z"), endsAt: new Date("2026-12-04T15:30:00Z") };
    expect(await apply([moved], gcal)).toMatchObject({ created: 0, updated: 1 });
    expect(await db.meeting.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({
      startsAt: moved.startsAt,
      endsAt: moved.endsAt,
    });
    expect((await db.activity.findFirstOrThrow({ where: { meetingId: stored.id } })).at).toEqual(moved.startsAt);

    expect(await apply([{ ...moved, cancelled: true }], gcal)).toMatchObject({ updated: 1 });
    const cancelled = await db.meeting.findUniqueOrThrow({ where: { id: stored.id } });
    expect(cancelled.cancelledAt).toEqual(NOW);
    expect((await db.activity.findFirstOrThrow({ where: { meetingId: stored.id } })).summary).toBe(
      "Cancelled meeting: Pilot kickoff",
    );
    expect(
      await apply([{ ...moved, cancelled: true }], { ...gcal, now: new Date(NOW.getTime() + 1000) }),
    ).toMatchObject({
      updated: 0,
    });

    expect(await apply([moved], gcal)).toMatchObject({ updated: 1 });
    expect((await db.meeting.findUniqueOrThrow({ where: { id: stored.id } })).cancelledAt).toBeNull();
    expect((await db.activity.findFirstOrThrow({ where: { meetingId: stored.id } })).summary).toBe(
      "Meeting: Pilot kickoff",
    );
  });

  it("meeting_cancelled with only an id cancels a stored meeting, and does nothing for an unknown one", async () => {
    const { db, user, apply } = await workspace();
    const ev = meeting();
    const gcal = { ...(await workspaceContext(db, user.id)), source: "gcal" as const };
    await apply([ev], gcal);
    expect(
      await apply(
        [
          { kind: "meeting_cancelled", externalId: ev.externalId },
          { kind: "meeting_cancelled", externalId: "primary:never-seen" },
        ],
        gcal,
      ),
    ).toEqual({ created: 0, updated: 1, deleted: 0, skipped: {} });
    const stored = await db.meeting.findFirstOrThrow({ where: { userId: user.id, externalId: ev.externalId } });
    expect(stored.cancelledAt).toEqual(NOW);
    expect((await db.activity.findFirstOrThrow({ where: { meetingId: stored.id } })).summary).toBe(
      "Cancelled meeting: Pilot kickoff",
    );
    expect(await apply([{ kind: "meeting_cancelled", externalId: ev.externalId }], gcal)).toMatchObject({ updated: 0 });
    expect(await db.meeting.count({ where: { userId: user.id } })).toBe(1);
    // The brain reads it as cancelled, not as a meeting that happens.
    const [forBrain] = await loadMeetings(db, user.id, [stored.id]);
    expect(forBrain!.text).toMatch(/^Cancelled meeting \(cancelled 2026-12-01 12:00 UTC\) "Pilot kickoff"/);
  });

  it("replaces the attendees with the calendar's current list", async () => {
    const { db, user, dana, apply } = await workspace();
    const gcal = { ...(await workspaceContext(db, user.id)), source: "gcal" as const };
    const ev = meeting({
      attendees: [
        { email: "dana@acme.com", name: null },
        { email: "x@partner.test", name: null },
      ],
    });
    await apply([ev], gcal);
    const stats = await apply(
      [
        {
          ...ev,
          attendees: [
            { email: "dana@acme.com", name: null },
            { email: "y@partner.test", name: null },
          ],
        },
      ],
      gcal,
    );
    expect(stats).toMatchObject({ updated: 1 });
    const stored = await db.meeting.findFirstOrThrow({ where: { userId: user.id }, include: { attendees: true } });
    expect(stored.attendees.map((a) => a.prospectId ?? a.email).sort()).toEqual([dana.id, "y@partner.test"].sort());
  });

  it("skips meetings with nobody known, counting why", async () => {
    const { db, user, apply } = await workspace();
    const gcal = { ...(await workspaceContext(db, user.id)), source: "gcal" as const };
    const stats = await apply(
      [
        meeting({ attendees: [{ email: "boss@northwind.test", name: null }] }),
        meeting({ attendees: [{ email: "pal@yahoo.com", name: null }] }),
        meeting({ attendees: [{ email: "a@unknown.test", name: null }] }),
        meeting({ startsAt: new Date("2026-12-03T16:00:00Z"), endsAt: new Date("2026-12-03T15:00:00Z") }),
      ],
      gcal,
    );
    expect(stats.skipped).toEqual({ internal_only: 1, personal_only: 1, no_known_party: 1, malformed: 1 });
    expect(await db.meeting.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("new prospects' names", () => {
  it("come from the display name, or the address's local part", () => {
    expect(splitName("Dana Reyes", "d@x.test")).toEqual({ firstName: "Dana", lastName: "Reyes" });
    expect(splitName("Reyes, Dana", "d@x.test")).toEqual({ firstName: "Dana", lastName: "Reyes" });
    expect(splitName("Mary Ann Smith", "m@x.test")).toEqual({ firstName: "Mary Ann", lastName: "Smith" });
    expect(splitName(null, "lee.park+crm@x.test")).toEqual({ firstName: "Lee", lastName: "Park" });
    expect(splitName("lee@x.test", "lee@x.test")).toEqual({ firstName: "Lee", lastName: "" });
    expect(splitName("Cher", "c@x.test")).toEqual({ firstName: "Cher", lastName: "" });
  });
});

async function workspaceContext(db: Db, userId: string): Promise<IngestContext> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  return { userId, source: "gmail", ownEmails: [user.email], now: NOW };
}

// User B can neither read nor change user A's records — through ANY procedure. The test walks the
// app router's procedure list: a procedure added without a case here fails the first test, so this
// check cannot go stale. Each case makes B try A's ids; afterwards every row A owns is unchanged.
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { validateSessionToken } from "../server/auth/session";
import { getDb } from "../server/db/client";
import { appRouter } from "../server/trpc/root";
import { seedUserRecords, type SeededIds } from "./helpers/seeded-user";
import { snapshotOf } from "./helpers/snapshot";
import { callerFor, createUser, signIn } from "./helpers/users";
import { smallWorkspace } from "./helpers/workspace";

type Caller = Awaited<ReturnType<typeof callerFor>>;
type AIds = SeededIds;
type Case = (b: Caller, a: AIds, bUserId: string) => Promise<void>;

async function rejects(promise: Promise<unknown>, code: TRPCError["code"]) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
}

/** Fails if A's id appears anywhere in what B got back. */
function revealsNothingOf(a: AIds, value: unknown) {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  for (const [name, id] of Object.entries(a)) {
    if (name === "sessionToken") continue;
    expect(text, `B's answer contains A's ${name}`).not.toContain(id);
  }
}

const cases: Record<string, Case> = {
  "health.check": async (b, a) => revealsNothingOf(a, await b.health.check()),
  "me.profile": async (b, a, bUserId) => {
    const me = await b.me.profile();
    expect(me.id).toBe(bUserId);
    revealsNothingOf(a, me);
  },
  "me.updateProfile": async (b, a, bUserId) => {
    const updated = await b.me.updateProfile({ name: "B renamed" });
    expect(updated.id).toBe(bUserId);
    revealsNothingOf(a, updated);
  },
  "me.changePassword": async (b) => {
    // Changes only the caller's own password (A's user row is in the snapshot).
    await b.me.changePassword({ currentPassword: "", newPassword: "B's own new password" });
  },
  "me.requestDeletion": async (b, _a) => {
    // Typing A's email deletes nothing: the confirmation is the caller's own email, for the caller's own account.
    const result = await b.me.requestDeletion({ confirmEmail: "a@example.test", password: "anything at all" });
    expect(result).toMatchObject({ ok: false, field: "confirmEmail" });
    expect(await (await getDb()).accountDeletionRequest.count()).toBe(0);
  },
  "me.policyNotice": async (b, a) => revealsNothingOf(a, await b.me.policyNotice()),
  "me.acknowledgePolicy": async (b) => {
    await b.me.acknowledgePolicy();
  },
  "sessions.list": async (b, a) => revealsNothingOf(a, await b.sessions.list()),
  "sessions.revoke": (b, a) => rejects(b.sessions.revoke({ sessionId: a.sessionId }), "NOT_FOUND"),
  "sessions.revokeOthers": async (b, a) => {
    await b.sessions.revokeOthers();
    expect(await validateSessionToken(await getDb(), a.sessionToken)).not.toBeNull();
  },
  "accounts.list": async (b, a) => revealsNothingOf(a, await b.accounts.list({ limit: 100 })),
  "accounts.facets": async (b) => {
    // A's Acme is an enterprise logistics account; B has no such account.
    const facets = await b.accounts.facets();
    expect(facets.industries).not.toContain("Logistics");
    expect(facets.tiers).not.toContain("enterprise");
  },
  "accounts.get": (b, a) => rejects(b.accounts.get({ id: a.account }), "NOT_FOUND"),
  "accounts.create": async (b, a, bUserId) => {
    const created = await b.accounts.create({ name: "B's own account" });
    const row = await (await getDb()).account.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.userId).toBe(bUserId);
    revealsNothingOf(a, created);
  },
  "accounts.update": (b, a) => rejects(b.accounts.update({ id: a.account, name: "hijacked" }), "NOT_FOUND"),
  "accounts.delete": (b, a) => rejects(b.accounts.delete({ id: a.account }), "NOT_FOUND"),
  "prospects.list": async (b, a) => {
    revealsNothingOf(a, await b.prospects.list({ limit: 100 }));
    expect((await b.prospects.list({ accountId: a.account })).items).toEqual([]);
  },
  "prospects.get": (b, a) => rejects(b.prospects.get({ id: a.prospect }), "NOT_FOUND"),
  "prospects.create": (b, a) =>
    rejects(b.prospects.create({ firstName: "Mallory", accountId: a.account }), "BAD_REQUEST"),
  "prospects.update": async (b, a) => {
    await rejects(b.prospects.update({ id: a.prospect, firstName: "hijacked" }), "NOT_FOUND");
    const own = await b.prospects.create({ firstName: "Own" });
    await rejects(b.prospects.update({ id: own.id, accountId: a.account }), "BAD_REQUEST");
  },
  "prospects.delete": (b, a) => rejects(b.prospects.delete({ id: a.prospect }), "NOT_FOUND"),
  "opportunities.list": async (b, a) => {
    revealsNothingOf(a, await b.opportunities.list({ limit: 100 }));
    expect((await b.opportunities.list({ accountId: a.account })).items).toEqual([]);
  },
  "opportunities.board": async (b, a) => revealsNothingOf(a, await b.opportunities.board()),
  "opportunities.get": (b, a) => rejects(b.opportunities.get({ id: a.opportunity }), "NOT_FOUND"),
  "opportunities.create": (b, a) =>
    rejects(b.opportunities.create({ name: "Steal", accountId: a.account }), "BAD_REQUEST"),
  "opportunities.update": (b, a) =>
    rejects(b.opportunities.update({ id: a.opportunity, name: "hijacked" }), "NOT_FOUND"),
  "opportunities.moveStage": (b, a) =>
    rejects(b.opportunities.moveStage({ id: a.opportunity, stage: "closed_lost" }), "NOT_FOUND"),
  "opportunities.delete": (b, a) => rejects(b.opportunities.delete({ id: a.opportunity }), "NOT_FOUND"),
  "conversations.list": async (b, a) => {
    revealsNothingOf(a, await b.conversations.list({ limit: 100 }));
    for (const filter of [{ accountId: a.account }, { opportunityId: a.opportunity }, { prospectId: a.prospect }]) {
      expect((await b.conversations.list(filter)).items).toEqual([]);
    }
  },
  "conversations.get": (b, a) => rejects(b.conversations.get({ id: a.conversation }), "NOT_FOUND"),
  "conversations.create": async (b, a) => {
    await rejects(b.conversations.create({ subject: "x", body: "x", accountId: a.account }), "BAD_REQUEST");
    await rejects(b.conversations.create({ subject: "x", body: "x", prospectIds: [a.prospect] }), "BAD_REQUEST");
    await rejects(b.conversations.create({ subject: "x", body: "x", opportunityId: a.opportunity }), "BAD_REQUEST");
  },
  "conversations.addMessage": (b, a) =>
    rejects(b.conversations.addMessage({ conversationId: a.conversation, body: "injected" }), "NOT_FOUND"),
  "conversations.delete": (b, a) => rejects(b.conversations.delete({ id: a.conversation }), "NOT_FOUND"),
  "meetings.list": async (b, a) => {
    for (const when of ["upcoming", "past"] as const) {
      revealsNothingOf(a, await b.meetings.list({ when, limit: 100 }));
      expect((await b.meetings.list({ when, accountId: a.account })).items).toEqual([]);
    }
  },
  "meetings.get": (b, a) => rejects(b.meetings.get({ id: a.meeting }), "NOT_FOUND"),
  "meetings.create": async (b, a) => {
    const times = { startsAt: new Date("2030-01-01T10:00:00Z"), endsAt: new Date("2030-01-01T11:00:00Z") };
    await rejects(b.meetings.create({ title: "x", ...times, attendeeIds: [a.prospect] }), "BAD_REQUEST");
    await rejects(b.meetings.create({ title: "x", ...times, accountId: a.account }), "BAD_REQUEST");
  },
  "meetings.update": (b, a) => rejects(b.meetings.update({ id: a.meeting, title: "hijacked" }), "NOT_FOUND"),
  "meetings.delete": (b, a) => rejects(b.meetings.delete({ id: a.meeting }), "NOT_FOUND"),
  "notes.list": async (b, a) => {
    revealsNothingOf(a, await b.notes.list({ limit: 100 }));
    expect((await b.notes.list({ accountId: a.account })).items).toEqual([]);
    expect((await b.notes.list({ meetingId: a.meeting })).items).toEqual([]);
  },
  "notes.create": async (b, a) => {
    await rejects(b.notes.create({ body: "x", accountId: a.account }), "BAD_REQUEST");
    await rejects(b.notes.create({ body: "x", meetingId: a.meeting }), "BAD_REQUEST");
  },
  "notes.update": (b, a) => rejects(b.notes.update({ id: a.note, body: "hijacked" }), "NOT_FOUND"),
  "notes.delete": (b, a) => rejects(b.notes.delete({ id: a.note }), "NOT_FOUND"),
  "activity.timeline": async (b, a) => {
    await rejects(b.activity.timeline({ of: "account", id: a.account }), "NOT_FOUND");
    await rejects(b.activity.timeline({ of: "prospect", id: a.prospect }), "NOT_FOUND");
    await rejects(b.activity.timeline({ of: "opportunity", id: a.opportunity }), "NOT_FOUND");
  },
  "activity.recent": async (b, a) => revealsNothingOf(a, await b.activity.recent({ limit: 50 })),
  "dashboard.summary": async (b, a) => revealsNothingOf(a, await b.dashboard.summary()),
  "search.query": async (b, a) => {
    for (const q of ["Acme", "SOC", "security", "Ana Ruiz", "procurement"]) {
      const results = await b.search.query({ q });
      revealsNothingOf(a, results);
    }
  },
  "brain.status": async (b, a) => revealsNothingOf(a, await b.brain.status()),
  "brain.threads": async (b, a) => revealsNothingOf(a, await b.brain.threads()),
  "brain.thread": (b, a) => rejects(b.brain.thread({ threadId: a.thread }), "NOT_FOUND"),
  "brain.rename": (b, a) => rejects(b.brain.rename({ threadId: a.thread, title: "hijacked" }), "NOT_FOUND"),
  "brain.delete": (b, a) => rejects(b.brain.delete({ threadId: a.thread }), "NOT_FOUND"),
  "brain.ask": async (b, a) => {
    await rejects(b.brain.ask({ question: "x", threadId: a.thread }), "NOT_FOUND");
    await rejects(b.brain.ask({ question: "x", accountId: a.account }), "BAD_REQUEST");
    // B's own question about a word in A's records is answered from B's records only.
    const own = await b.brain.ask({
      question: "What's the latest with Acme? Anything about the SOC 2 report or procurement?",
    });
    const events = [];
    for await (const event of await b.brain.stream({ assistantMessageId: own.assistantMessageId })) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "done", status: "complete" });
    revealsNothingOf(a, events);
  },
  "brain.stream": async (b, a) => {
    const consume = async () => {
      for await (const _event of await b.brain.stream({ assistantMessageId: a.answer })) void _event;
    };
    await rejects(consume(), "NOT_FOUND");
  },
  "brain.retry": (b, a) => rejects(b.brain.retry({ assistantMessageId: a.answer }), "NOT_FOUND"),
  "brain.prepare": (b, a) => rejects(b.brain.prepare({ assistantMessageId: a.answer }), "NOT_FOUND"),
  "brain.runTool": (b, a) =>
    rejects(
      b.brain.runTool({ assistantMessageId: a.answer, name: "search_records", input: { query: "Acme" } }),
      "NOT_FOUND",
    ),
  "brain.complete": (b, a) =>
    rejects(b.brain.complete({ assistantMessageId: a.answer, content: "hijacked", status: "complete" }), "NOT_FOUND"),
  "connections.list": async (b, a) => {
    const list = await b.connections.list();
    expect(list.every((entry) => entry.connection === null)).toBe(true);
    revealsNothingOf(a, list);
  },
  "connections.disconnect": (b, a) => rejects(b.connections.disconnect({ connectionId: a.connection }), "NOT_FOUND"),
  "connections.syncNow": (b, a) => rejects(b.connections.syncNow({ connectionId: a.connection }), "NOT_FOUND"),
  // Billing acts on the caller's own account only (no id in any input). Here billing is the demo's
  // fake Stripe, not running: Stripe calls answer 503; the portal refuses B, who has no customer.
  "billing.overview": async (b, a) => revealsNothingOf(a, await b.billing.overview()),
  "billing.checkout": (b) => rejects(b.billing.checkout({ interval: "month" }), "SERVICE_UNAVAILABLE"),
  "billing.checkoutReturn": (b) =>
    rejects(b.billing.checkoutReturn({ sessionId: "cs_test_of_someone_else" }), "SERVICE_UNAVAILABLE"),
  "billing.portal": (b) => rejects(b.billing.portal(), "CONFLICT"),
  "workspace.import": async (b, a) => {
    // The same file (same provider ids) imported by B creates B's own copies, never touching A's.
    const result = await b.workspace.import({ document: smallWorkspace() });
    expect(result.ok && result.counts.accounts).toEqual({ created: 2, updated: 0 });
    revealsNothingOf(a, result);
  },
};

let a: AIds;
beforeAll(async () => {
  const db = await getDb();
  const userA = await createUser(db, { email: "a@example.test", name: "A" });
  a = await seedUserRecords(db, userA.id, "a");
});

describe("authorization: user B cannot read or change user A's records", () => {
  const procedures = Object.keys(
    (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
  ).sort();

  it("has a case for every procedure of the app router", () => {
    expect(procedures.length).toBeGreaterThan(40);
    const missing = procedures.filter((path) => !(path in cases));
    const stale = Object.keys(cases).filter((path) => !procedures.includes(path));
    expect(missing, "procedures without an authorization case: add one to tests/authorization.test.ts").toEqual([]);
    expect(stale, "cases for procedures that no longer exist").toEqual([]);
  });

  it("refuses or scopes every procedure, and leaves every row of A unchanged", async () => {
    const db = await getDb();
    const before = await snapshotOf(a.userId);
    const userB = await createUser(db, { email: "b@example.test", name: "B" });
    const b = await callerFor((await signIn(db, userB.id)).auth);
    for (const path of procedures) {
      await cases[path]!(b, a, userB.id).catch((error: unknown) => {
        throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      });
    }
    expect(await snapshotOf(a.userId)).toBe(before);
  });

  it("refuses every protected procedure to a signed-out caller", async () => {
    const anonymous = await callerFor();
    await rejects(anonymous.accounts.list({}), "UNAUTHORIZED");
    await rejects(anonymous.search.query({ q: "Acme" }), "UNAUTHORIZED");
    await rejects(anonymous.workspace.import({ document: smallWorkspace() }), "UNAUTHORIZED");
    await rejects(anonymous.dashboard.summary(), "UNAUTHORIZED");
  });
});

// The whole Outreach sync, end to end: the fake Outreach OAuth server issues and refreshes the tokens,
// the fake JSON:API (generated data: accounts, prospects, opportunities, sequence states, mailings,
// calls) answers on loopback, the REAL Outreach provider reads it, the engine runs it and the REAL
// ingest merges what it finds into a real database (PGlite or PostgreSQL) — with what Gmail stored
// before. Proven by counts of records and links against the fake's data.
import { afterEach, describe, expect, it } from "vitest";
import { linksOf, startOutreachWorld, type OutreachWorld } from "../../tests/fakes/provider/crm-world";
import { connectionRow, syncToEnd } from "../../tests/fakes/provider/google-workspace";
import { makeDue } from "../../tests/fakes/provider/harness";
import type { Db } from "../db/client";
import { requestSync, SyncNowTooSoonError } from "./connections";
import { runSync } from "./engine";
import { applyChanges } from "./ingest";
import { RECONCILE_EVERY_MS } from "./outreach/provider";

let world: OutreachWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const OPTIONS = { accounts: 5, prospectsPerAccount: 3, mailingsPerEnrollment: 2, callsPerAccount: 1, pageSize: 5 };
const DELIVERED = ["delivered", "opened", "replied"];

/** Runs the sync until caught up with the engine's clock at `now` (a day later: reconciliation is due). */
async function syncToEndAt(db: Db, connectionId: string, now: Date) {
  for (let run = 0; run < 50; run += 1) {
    const result = await runSync(db, connectionId, { now: () => now });
    if (result.outcome !== "continues") return result;
  }
  throw new Error("never caught up");
}

function expectedLinks(w: OutreachWorld) {
  const ids = (type: "account" | "prospect" | "opportunity" | "sequenceState" | "call") =>
    w.data
      .all(type)
      .map((r) => String(r.id))
      .sort();
  return {
    account: ids("account"),
    prospect: ids("prospect"),
    opportunity: ids("opportunity"),
    sequenceState: ids("sequenceState"),
    call: ids("call"),
  };
}

describe("Outreach: connect and first sync", () => {
  it("prospects linked to people by email, sequence enrollments, mailings as messages merged with Gmail's copy, calls", async () => {
    world = await startOutreachWorld(OPTIONS);
    const { data } = world;
    const { db, user, connection, accountName } = await world.connectedSeller();
    expect(accountName).toContain(world.account.email);

    // A delivered mailing to a prospect with one (work) address: Gmail saw that person and that email.
    const mailing = data
      .all("mailing")
      .find(
        (m) =>
          DELIVERED.includes(String(m.attributes.state)) &&
          (data.get("prospect", m.relationships.prospect!.id)!.attributes.emails as string[]).length === 1,
      )!;
    const prospect = data.get("prospect", mailing.relationships.prospect!.id)!;
    const email = (prospect.attributes.emails as string[])[0]!;
    const fromGmail = await db.prospect.create({
      data: { userId: user.id, firstName: "Guess", lastName: "FromMail", email, source: "gmail", externalId: email },
    });
    await db.$executeRaw`UPDATE prospects SET "updatedAt" = "createdAt" WHERE id = ${fromGmail.id}`;
    const rfcMessageId = String(mailing.attributes.messageId).replace(/^<|>$/g, "");
    await db.$transaction((tx) =>
      applyChanges(tx, { userId: user.id, source: "gmail", ownEmails: [world!.account.email], now: new Date() }, [
        {
          kind: "email",
          externalId: "gmail-copy-1",
          threadId: "gmail-thread-1",
          rfcMessageId,
          subject: String(mailing.attributes.subject),
          from: { email: world!.account.email, name: world!.account.name },
          to: [{ email, name: String(prospect.attributes.name) }],
          cc: [],
          sentAt: new Date(String(mailing.attributes.deliveredAt)),
          body: String(mailing.attributes.bodyText),
          quotedText: null,
          attachmentNames: [],
        },
      ]),
    );
    expect(await db.message.count({ where: { userId: user.id } })).toBe(1);

    const result = await syncToEnd(db, connection.id);
    expect(result.outcome, (await connectionRow(db, connection.id)).lastSyncError ?? "").toBe("caught_up");

    expect(await linksOf(db, user.id, "outreach")).toMatchObject(expectedLinks(world));
    // People: one per prospect; the one Gmail made is linked, not duplicated.
    expect(await db.prospect.count({ where: { userId: user.id } })).toBe(data.all("prospect").length);
    expect(
      await db.syncedRecord.findFirstOrThrow({
        where: { userId: user.id, source: "outreach", objectType: "prospect", externalId: String(prospect.id) },
      }),
    ).toMatchObject({ recordId: fromGmail.id, createdBySync: false });
    expect(await db.account.count({ where: { userId: user.id } })).toBe(data.all("account").length);

    // Sequence states show on the person: name, step of total, state.
    const states = data.all("sequenceState");
    expect(await db.sequenceEnrollment.count({ where: { userId: user.id, source: "outreach" } })).toBe(states.length);
    for (const state of states) {
      const sequence = data.get("sequence", state.relationships.sequence!.id)!;
      const step = data.get("sequenceStep", state.relationships.sequenceStep!.id)!;
      const person = await db.syncedRecord.findFirstOrThrow({
        where: { userId: user.id, objectType: "prospect", externalId: String(state.relationships.prospect!.id) },
      });
      expect(
        await db.sequenceEnrollment.findFirstOrThrow({ where: { userId: user.id, externalId: String(state.id) } }),
      ).toMatchObject({
        prospectId: person.recordId,
        sequenceName: sequence.attributes.name,
        step: step.attributes.order,
        totalSteps: sequence.attributes.sequenceStepCount,
        state: state.attributes.state,
      });
    }

    // Mailings: the delivered ones, each one message; the one Gmail had is the same message.
    const delivered = data.all("mailing").filter((m) => DELIVERED.includes(String(m.attributes.state)));
    const calls = data.all("call");
    expect(await db.message.count({ where: { userId: user.id, rfcMessageId } })).toBe(1);
    expect(await db.message.count({ where: { userId: user.id, conversation: { channel: "email" } } })).toBe(
      delivered.length,
    );
    // Calls: a call conversation each, on the person's timeline.
    expect(await db.conversation.count({ where: { userId: user.id, source: "outreach", channel: "call" } })).toBe(
      calls.length,
    );
    expect(await db.activity.count({ where: { userId: user.id, source: "outreach", type: "call_logged" } })).toBe(
      calls.length,
    );
    const row = await connectionRow(db, connection.id);
    expect(row).toMatchObject({ status: "active", stage: "idle", lastErrorKind: null });
    expect(row.totalStats).toMatchObject({
      skipped: { not_correspondence: data.all("mailing").length - delivered.length },
    });
  });
});

describe("Outreach: incremental polling and reconciliation", () => {
  it("edits and new records arrive by updatedAt; deleted ids are found by the daily reconciliation", async () => {
    world = await startOutreachWorld(OPTIONS);
    const { data } = world;
    const { db, user, connection } = await world.connectedSeller();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");

    data.advance(60_000);
    const changed = data.all("prospect")[0]!;
    data.update("prospect", changed.id, { title: "VP Operations" });
    const account = data.all("account")[0]!;
    const arrived = data.create(
      "prospect",
      {
        firstName: "Nia",
        lastName: "New",
        name: "Nia New",
        emails: [`nia.new@${String(account.attributes.domain)}`],
        title: "CTO",
        workPhones: [],
        mobilePhones: [],
        linkedInUrl: null,
      },
      { account: { type: "account", id: account.id } },
    );
    await makeDue(db, connection.id);
    const polled = await syncToEnd(db, connection.id);
    expect(polled).toMatchObject({ outcome: "caught_up", stats: { created: 1, updated: 1 } });
    expect(
      await db.prospect.findFirstOrThrow({ where: { userId: user.id, externalId: String(changed.id) } }),
    ).toMatchObject({ title: "VP Operations" });
    expect(await db.prospect.count({ where: { userId: user.id, externalId: String(arrived.id) } })).toBe(1);

    // Outreach has no deletion feed: a call and a prospect without anything on it vanish, and only
    // the reconciliation (due a day after the full sync) notices.
    const call = data.all("call")[0]!;
    const quiet = data
      .all("prospect")
      .find(
        (p) =>
          !data.all("sequenceState").some((s) => s.relationships.prospect?.id === p.id) &&
          !data.all("call").some((c) => c.relationships.prospect?.id === p.id) &&
          !data.all("mailing").some((m) => m.relationships.prospect?.id === p.id),
      )!;
    data.delete("call", call.id);
    data.delete("prospect", quiet.id);
    await makeDue(db, connection.id);
    expect((await syncToEnd(db, connection.id)).stats.deleted).toBe(0);
    const dayLater = new Date(Date.now() + RECONCILE_EVERY_MS + 60_000);
    await makeDue(db, connection.id);
    const reconciled = await syncToEndAt(db, connection.id, dayLater);
    expect(reconciled.outcome).toBe("caught_up");
    expect(reconciled.stats.deleted).toBe(2);
    expect(await linksOf(db, user.id, "outreach")).toMatchObject(expectedLinks(world));
    expect(await db.prospect.count({ where: { userId: user.id, externalId: String(quiet.id) } })).toBe(0);
    expect(await db.conversation.count({ where: { userId: user.id, source: "outreach", channel: "call" } })).toBe(
      data.all("call").length,
    );
    expect(await db.prospect.count({ where: { userId: user.id } })).toBe(data.all("prospect").length);
  });

  it("the user's edit of a field survives a sync where Outreach changed another field; Sync now is rate-limited", async () => {
    world = await startOutreachWorld(OPTIONS);
    const { data } = world;
    const { db, user, connection } = await world.connectedSeller();
    expect((await syncToEnd(db, connection.id)).outcome).toBe("caught_up");
    const remote = data.all("prospect")[2]!;
    const mine = await db.prospect.findFirstOrThrow({ where: { userId: user.id, externalId: String(remote.id) } });
    await db.prospect.update({ where: { id: mine.id }, data: { title: "Head of Everything (my note)" } });
    data.advance(60_000);
    data.update("prospect", remote.id, { workPhones: ["+1 555 0199"] });
    await requestSync(db, user.id, connection.id);
    expect(await syncToEnd(db, connection.id)).toMatchObject({ outcome: "caught_up", stats: { updated: 1 } });
    expect(await db.prospect.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({
      title: "Head of Everything (my note)",
      phone: "+1 555 0199",
    });
    await expect(requestSync(db, user.id, connection.id)).rejects.toBeInstanceOf(SyncNowTooSoonError);
  });
});

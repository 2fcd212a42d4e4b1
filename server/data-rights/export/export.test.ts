// The export (P10) and the proof that everything stored about a user is in it (P9).
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateDemoWorkspace } from "../../../prisma/seed/demo-workspace";
import { createUser } from "../../../tests/helpers/users";
import { smallWorkspace } from "../../../tests/helpers/workspace";
import { requestPasswordReset } from "../../auth/password-accounts";
import { hashPassword } from "../../auth/password";
import { createSession } from "../../auth/session";
import { getDatabase, getDb, type Db, type Queryable } from "../../db/client";
import type { Prisma } from "../../db/generated/client";
import { acknowledgeCurrentPolicy } from "../../privacy/policy";
import { importWorkspace } from "../import/import-workspace";
import { validateWorkspace } from "../import/validate";
import { idPrefixes } from "../workspace-format";
import { exportStream } from "./export-stream";
import { EXPORT_BATCH_SIZE, EXPORT_STRUCTURE_LINES, exportSummary, exportWorkspace } from "./export-workspace";

const FIXED_NOW = new Date("2026-11-30T09:00:00Z");

async function exportText(db: Queryable, userId: string, options: { now?: Date; batchSize?: number } = {}) {
  const chunks: string[] = [];
  const result = await exportWorkspace(db, userId, (chunk) => void chunks.push(chunk), { now: FIXED_NOW, ...options });
  return { text: chunks.join(""), result };
}

type ExportDoc = {
  accounts: Record<string, unknown>[];
  prospects: (Record<string, unknown> & { sequences: Record<string, unknown>[] })[];
  opportunities: (Record<string, unknown> & { stageHistory: unknown[]; contacts: Record<string, unknown>[] })[];
  conversations: (Record<string, unknown> & { participants: string[]; messages: Record<string, unknown>[] })[];
  meetings: (Record<string, unknown> & { attendees: string[] })[];
  notes: Record<string, unknown>[];
  activities: Record<string, unknown>[];
  profile: Record<string, unknown> & {
    signInMethods: Record<string, unknown>[];
    policyAcknowledgements: Record<string, unknown>[];
  };
  sessions: Record<string, unknown>[];
  passwordResets: Record<string, unknown>[];
  connections: Record<string, unknown>[];
  providerEvents: Record<string, unknown>[];
  brainThreads: (Record<string, unknown> & {
    messages: (Record<string, unknown> & { citations: Record<string, unknown>[] })[];
  })[];
  mail: Record<string, unknown>[];
  syncLinks: Record<string, unknown>[];
  billing: Record<string, unknown> | null;
  deletion: Record<string, unknown> | null;
};

/** The user's extra rows beyond the CRM: everything an account can accumulate. */
async function addEverythingElse(db: Db, userId: string) {
  const account = await db.account.findFirstOrThrow({ where: { userId }, orderBy: { name: "asc" } });
  const session = await createSession(db, userId, {
    userAgent:
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    ip: "203.0.113.7",
  });
  const connection = await db.integrationConnection.create({
    data: {
      userId,
      provider: "gmail",
      scopes: ["https://www.googleapis.com/auth/gmail.readonly"],
      externalAccountId: "google-sub-77",
      externalAccountName: "seller@gmail.example",
      accessTokenCipher: new Uint8Array(randomBytes(64)),
      refreshTokenCipher: new Uint8Array(randomBytes(64)),
      tokenKeyId: "k-secret-id",
      cursor: { historyId: "918273" },
      lastSyncFinishedAt: new Date("2026-11-29T08:00:00Z"),
      lastSyncItemCount: 12,
    },
  });
  await db.providerEvent.createMany({
    data: [
      {
        userId,
        connectionId: connection.id,
        provider: "gmail",
        externalId: "evt-1",
        eventType: "message.added",
        occurredAt: new Date("2026-11-29T07:59:00Z"),
        payload: { threadId: "t-1", snippet: "Hello" },
      },
      {
        userId,
        connectionId: connection.id,
        provider: "gmail",
        externalId: "evt-2",
        eventType: "message.added",
        payload: { threadId: "t-2" },
        processedAt: new Date("2026-11-29T08:00:00Z"),
      },
    ],
  });
  // What a CRM sync stores: a link, a person on a deal, a sequence state, a CRM stage and its history.
  const person = await db.prospect.findFirstOrThrow({ where: { userId }, orderBy: { id: "asc" } });
  const deal = await db.opportunity.findFirstOrThrow({ where: { userId }, orderBy: { id: "asc" } });
  await db.opportunity.update({ where: { id: deal.id }, data: { crmStage: "Legal Review", crmStageUnmapped: true } });
  // The newest entry of the deal's history, as the sync writes it (fromStage: the entry before).
  const before = await db.opportunityStageChange.findFirst({
    where: { opportunityId: deal.id },
    orderBy: { at: "desc" },
  });
  await db.opportunityStageChange.create({
    data: {
      userId,
      opportunityId: deal.id,
      fromStage: before?.stage ?? null,
      stage: deal.stage,
      at: before ? new Date(before.at.getTime() + 60_000) : new Date("2026-11-28T09:00:00Z"),
      crmStage: "Legal Review",
      source: "salesforce",
      externalId: "008000000000001",
    },
  });
  await db.opportunityContact.create({
    data: {
      userId,
      opportunityId: deal.id,
      prospectId: person.id,
      role: "Economic Buyer",
      isPrimary: true,
      source: "salesforce",
      externalId: "00K000000000001",
    },
  });
  await db.sequenceEnrollment.create({
    data: {
      userId,
      prospectId: person.id,
      sequenceName: "Enterprise outbound",
      step: 3,
      totalSteps: 5,
      state: "active",
      stateChangedAt: new Date("2026-11-28T10:00:00Z"),
      source: "outreach",
      externalId: "9001",
    },
  });
  await db.syncedRecord.create({
    data: {
      userId,
      source: "salesforce",
      objectType: "Account",
      externalId: "001000000000001",
      recordType: "account",
      recordId: account.id,
      remote: { f: { name: account.name }, r: {} },
      remoteModifiedAt: new Date("2026-11-28T09:00:00Z"),
    },
  });
  const thread = await db.brainThread.create({
    data: { userId, title: "What's up with this account?", accountId: account.id },
  });
  await db.brainMessage.create({
    data: {
      userId,
      threadId: thread.id,
      role: "user",
      content: "What's up with this account?",
      createdAt: new Date("2026-11-29T10:00:00Z"),
    },
  });
  const answer = await db.brainMessage.create({
    data: {
      userId,
      threadId: thread.id,
      role: "assistant",
      content: `It is quiet [A1].`,
      status: "complete",
      mode: "retrieval_only",
      createdAt: new Date("2026-11-29T10:00:01Z"),
      contextManifest: {
        items: [
          {
            handle: "A1",
            type: "account",
            id: account.id,
            label: account.name,
            href: `/accounts/${account.id}`,
            tokens: 40,
            via: "pack",
            reason: "named",
          },
        ],
        tokens: 40,
        facts: [],
      },
    },
  });
  await db.brainCitation.create({
    data: {
      userId,
      messageId: answer.id,
      recordType: "account",
      recordId: account.id,
      label: account.name,
      ordinal: 1,
    },
  });
  await db.billingAccount.create({
    data: {
      userId,
      stripeCustomerId: `cus_${randomBytes(4).toString("hex")}`,
      stripeSubscriptionId: `sub_${randomBytes(4).toString("hex")}`,
      subscriptionStatus: "active",
      plan: "pro",
      currentPeriodStart: new Date("2026-11-01T00:00:00Z"),
      currentPeriodEnd: new Date("2026-12-01T00:00:00Z"),
    },
  });
  await acknowledgeCurrentPolicy(db, userId, FIXED_NOW);
  return { account, session, connection, thread };
}

// ---------------------------------------------------------------------------------------------
// (a) round trip
// ---------------------------------------------------------------------------------------------

type Row = Record<string, unknown> & { id: string };
/** database id → the id it stands for on A's side (A: itself; B: the A id its importedId names). */
type Identity = Map<string, string>;

function identities(rows: { id: string; importedId: string | null }[], prefix: string | null): Identity {
  return new Map(rows.map((r) => [r.id, prefix === null ? r.id : r.importedId!.slice(prefix.length)]));
}

/** A row with its own id and its references replaced by A's ids, userId/importedId dropped. */
function normalise(
  row: Row,
  own: Identity | null,
  refs: Record<string, Identity>,
  drop: string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === "userId" || key === "importedId" || drop.includes(key)) continue;
    if (key === "id") {
      if (own) out.key = own.get(row.id);
      continue;
    }
    const map = refs[key];
    out[key] = map && typeof value === "string" ? (map.get(value) ?? `unmapped:${value}`) : value;
  }
  return out;
}

const sortByJson = (rows: Record<string, unknown>[]) =>
  rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))).sort();

async function workspaceOf(db: Db, userId: string, side: "A" | "B") {
  const where = { where: { userId } };
  const [accounts, prospects, opportunities, conversations, messages, meetings, notes, activities] = await Promise.all([
    db.account.findMany(where),
    db.prospect.findMany(where),
    db.opportunity.findMany(where),
    db.conversation.findMany(where),
    db.message.findMany(where),
    db.meeting.findMany(where),
    db.note.findMany(where),
    db.activity.findMany(where),
  ]);
  const id = (rows: { id: string; importedId: string | null }[], prefix: string) =>
    identities(rows, side === "A" ? null : prefix);
  const ids = {
    accountId: id(accounts, idPrefixes.accounts),
    prospectId: id(prospects, idPrefixes.prospects),
    opportunityId: id(opportunities, idPrefixes.opportunities),
    conversationId: id(conversations, idPrefixes.conversations),
    messageId: id(messages, idPrefixes.messages),
    meetingId: id(meetings, idPrefixes.meetings),
    noteId: id(notes, idPrefixes.notes),
    activityId: id(activities, idPrefixes.activities),
  };
  const stageChanges = await db.opportunityStageChange.findMany(where);
  const participants = await db.conversationParticipant.findMany(where);
  const attendees = await db.meetingAttendee.findMany(where);
  return {
    accounts: sortByJson(accounts.map((r) => normalise(r, ids.accountId, {}))),
    prospects: sortByJson(prospects.map((r) => normalise(r, ids.prospectId, ids))),
    opportunities: sortByJson(opportunities.map((r) => normalise(r, ids.opportunityId, ids))),
    stageHistory: sortByJson(stageChanges.map((r) => normalise(r, null, ids))),
    conversations: sortByJson(conversations.map((r) => normalise(r, ids.conversationId, ids))),
    participants: sortByJson(participants.map((r) => normalise(r, null, ids))),
    messages: sortByJson(messages.map((r) => normalise(r, ids.messageId, ids))),
    meetings: sortByJson(meetings.map((r) => normalise(r, ids.meetingId, ids))),
    attendees: sortByJson(attendees.map((r) => normalise(r, null, ids))),
    notes: sortByJson(notes.map((r) => normalise(r, ids.noteId, ids))),
    activities: sortByJson(activities.map((r) => normalise(r, ids.activityId, ids))),
  };
}

describe("workspace export", () => {
  it("P10: export → import into a new user reproduces the workspace record by record", async () => {
    const db = await getDb();
    const a = await createUser(db, { name: "Alex Morgan" });
    const imported = await importWorkspace(db, a.id, generateDemoWorkspace(), { shiftReferenceDateTo: FIXED_NOW });
    expect(imported.ok).toBe(true);
    const { account } = await addEverythingElse(db, a.id);
    // Records made in the product, not through an import: no importedId, a person's note, a deal
    // without an account, an activity tied to a conversation and a meeting.
    const person = await db.prospect.findFirstOrThrow({ where: { userId: a.id, accountId: account.id } });
    await db.note.create({
      data: { userId: a.id, prospectId: person.id, body: "Prefers calls after 4pm.\nNo Mondays." },
    });
    await db.opportunity.create({
      data: {
        userId: a.id,
        name: "Unassigned – €9,999,999.99 pilot",
        stage: "demo",
        amount: 999_999_999n,
        currency: "EUR",
        closeDate: new Date("2027-02-28T00:00:00Z"),
        probability: 35,
      },
    });
    const conversation = await db.conversation.findFirstOrThrow({ where: { userId: a.id } });
    const meeting = await db.meeting.findFirstOrThrow({ where: { userId: a.id } });
    // What a sync adds to mail and meetings: quoted history, attachment names, the Message-ID, a
    // cancellation.
    const synced = await db.message.findFirstOrThrow({ where: { userId: a.id, conversationId: conversation.id } });
    await db.message.update({
      where: { id: synced.id },
      data: {
        quotedText: "> On Monday, Dana wrote:\n> the earlier mail",
        attachmentNames: ["pricing.pdf", "Terms – v2.docx"],
        rfcMessageId: "CAF=abc123@mail.example",
      },
    });
    await db.meeting.update({ where: { id: meeting.id }, data: { cancelledAt: new Date("2026-11-27T08:30:00Z") } });
    const linked = await db.activity.create({
      data: {
        userId: a.id,
        type: "call_logged",
        at: new Date("2026-11-28T15:00:00Z"),
        accountId: account.id,
        conversationId: conversation.id,
        meetingId: meeting.id,
        summary: 'Called — “unicode” ✓ and a "quote"',
      },
    });

    const { text, result } = await exportText(db, a.id);
    const doc = JSON.parse(text) as ExportDoc & Record<string, unknown>;
    expect(doc).toMatchObject({
      format: "salesascode.workspace",
      version: 1,
      exportedAt: FIXED_NOW.toISOString(),
      referenceDate: FIXED_NOW.toISOString(),
    });
    expect(doc.owner).toEqual({ name: "Alex Morgan", email: a.email });
    const validation = validateWorkspace(doc);
    expect(validation.ok ? [] : validation.problems).toEqual([]);

    const exportedMessage = doc.conversations.flatMap((c) => c.messages).find((m) => m.id === `msg_${synced.id}`);
    expect(exportedMessage).toMatchObject({
      attachmentNames: ["pricing.pdf", "Terms – v2.docx"],
      rfcMessageId: "CAF=abc123@mail.example",
    });
    expect(doc.meetings.find((m) => m.id === `mtg_${meeting.id}`)).toMatchObject({
      cancelledAt: "2026-11-27T08:30:00.000Z",
    });

    // An activity's conversation and meeting are in the file (and, below, survive the round trip).
    const exportedLinked = doc.activities.find((x) => x.id === `act_${linked.id}`);
    expect(exportedLinked).toMatchObject({ conversationId: `cnv_${conversation.id}`, meetingId: `mtg_${meeting.id}` });

    // The file's lines: one per record, as the summary said.
    const summary = await exportSummary(db, a.id);
    expect(text.split("\n").length - 1).toBe(summary.totalLines);
    expect(result.lines).toBe(summary.totalLines);
    expect(result.records).toBe(summary.recordLines);
    expect(summary.totalLines).toBe(summary.recordLines + EXPORT_STRUCTURE_LINES);
    expect(summary.sections.accounts).toBe(doc.accounts.length);
    expect(summary.sections.activities).toBe(doc.activities.length);

    const b = await createUser(db, { name: "Someone Else" });
    const reimported = await importWorkspace(db, b.id, JSON.parse(text));
    expect(reimported.ok ? "ok" : reimported.problems).toBe("ok");

    const before = await workspaceOf(db, a.id, "A");
    const after = await workspaceOf(db, b.id, "B");
    for (const section of Object.keys(before) as (keyof typeof before)[]) {
      expect(after[section].length, section).toBe(before[section].length);
      expect(after[section], section).toEqual(before[section]);
    }
    expect(before.accounts.length).toBeGreaterThan(20);
    expect(before.messages.length).toBeGreaterThan(50);
    expect(before.stageHistory.length).toBeGreaterThan(40);
  });

  it("P10: the export holds no secret", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const passwordHash = await hashPassword("correct horse battery staple");
    await db.user.update({ where: { id: user.id }, data: { passwordHash } });
    const { token } = await createSession(db, user.id, {
      userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
      ip: "198.51.100.23",
    });
    const session = await db.session.findFirstOrThrow({ where: { userId: user.id } });
    await requestPasswordReset(db, user.email, { appUrl: "http://localhost:3000", ip: "198.51.100.24" });
    const reset = await db.passwordResetToken.findFirstOrThrow({ where: { userId: user.id } });
    const resetMail = await db.mailOutbox.findFirstOrThrow({ where: { userId: user.id, kind: "password_reset" } });
    const resetToken = new URL(/https?:\/\/\S+/.exec(resetMail.textBody)![0]).searchParams.get("token")!;
    const accessCipher = new Uint8Array(randomBytes(60));
    const refreshCipher = new Uint8Array(randomBytes(60));
    await db.integrationConnection.create({
      data: {
        userId: user.id,
        provider: "salesforce",
        scopes: ["api", "refresh_token"],
        accessTokenCipher: accessCipher,
        refreshTokenCipher: refreshCipher,
        tokenKeyId: "k-secret-id",
      },
    });

    const { text } = await exportText(db, user.id);
    const bytes = (value: Uint8Array) => Buffer.from(value);
    const encodings = (value: Uint8Array) => [
      bytes(value).toString("hex"),
      bytes(value).toString("base64"),
      bytes(value).toString("base64url"),
    ];
    const secrets: [string, string][] = [
      ["the password hash", passwordHash],
      ["the session token", token],
      ["the session id (the token's public half)", session.id],
      ["the session token's secret half", token.split(".")[1]!],
      ...encodings(session.secretHash).map((e): [string, string] => ["the session secret hash", e]),
      ["the reset token", resetToken],
      ...encodings(reset.tokenHash).map((e): [string, string] => ["the reset token hash", e]),
      ...encodings(accessCipher).map((e): [string, string] => ["the access token ciphertext", e]),
      ...encodings(refreshCipher).map((e): [string, string] => ["the refresh token ciphertext", e]),
      ["the token key id", "k-secret-id"],
      ["a column name", "passwordHash"],
      ["a column name", "secretHash"],
      ["a column name", "tokenHash"],
      ["a column name", "Cipher"],
      ["the reset mail's text", resetMail.textBody.slice(0, 40)],
    ];
    for (const [what, secret] of secrets) {
      expect(secret.length, what).toBeGreaterThan(5);
      expect(text.includes(secret), `${what} is in the export`).toBe(false);
    }

    // …while what is not secret about the same rows is there.
    const doc = JSON.parse(text) as ExportDoc;
    expect(doc.profile.signInMethods).toEqual([{ method: "password" }]);
    expect(doc.sessions).toEqual([
      expect.objectContaining({
        device: "Firefox on Linux",
        ip: "198.51.100.23",
        createdAt: session.createdAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
      }),
    ]);
    expect(doc.passwordResets).toEqual([
      {
        requestedAt: reset.createdAt.toISOString(),
        requestedIp: "198.51.100.24",
        expiresAt: reset.expiresAt.toISOString(),
        usedAt: null,
      },
    ]);
    expect(doc.mail).toEqual([
      {
        kind: "password_reset",
        to: user.email,
        subject: resetMail.subject,
        createdAt: resetMail.createdAt.toISOString(),
        sentAt: null,
      },
    ]);
    expect(doc.connections).toEqual([
      expect.objectContaining({ provider: "salesforce", scopes: ["api", "refresh_token"], status: "active" }),
    ]);
  });

  it("P9: everything stored about the user is in the export", async () => {
    const db = await getDb();
    const user = await createUser(db);
    expect((await importWorkspace(db, user.id, smallWorkspace())).ok).toBe(true);
    await db.user.update({
      where: { id: user.id },
      data: { passwordHash: await hashPassword("a long enough password"), emailVerifiedAt: FIXED_NOW },
    });
    await addEverythingElse(db, user.id);
    await db.oAuthIdentity.create({
      data: {
        userId: user.id,
        provider: "google",
        providerAccountId: "109876543210",
        email: "seller@gmail.example",
        emailVerified: true,
      },
    });
    await requestPasswordReset(db, user.email, { appUrl: "http://localhost:3000", ip: "192.0.2.1" });
    await db.mailOutbox.create({
      data: {
        userId: user.id,
        kind: "subscription_receipt",
        toEmail: user.email,
        subject: "Your receipt",
        textBody: "Thanks",
        sentAt: FIXED_NOW,
      },
    });
    await db.accountDeletionRequest.create({
      data: { userId: user.id, requestedAt: FIXED_NOW, purgeAfter: new Date(FIXED_NOW.getTime() + 7 * 86_400_000) },
    });

    const { text } = await exportText(db, user.id);
    const doc = JSON.parse(text) as ExportDoc;

    const { sql } = await getDatabase();
    const columns = await sql.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name IN (SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'userId')
        ORDER BY table_name, column_name`,
    );
    const tables = [...new Set(columns.map((c) => c.table_name))];
    expect(tables.length).toBeGreaterThan(15);
    const userColumns = await sql.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users'`,
    );
    const columnsOf = new Map<string, string[]>([["users", userColumns.map((c) => c.column_name)]]);
    for (const c of columns) columnsOf.set(c.table_name, [...(columnsOf.get(c.table_name) ?? []), c.column_name]);

    for (const [table, tableColumns] of columnsOf) {
      const entry = LEDGER[table];
      expect(
        entry,
        `${table} has a userId but no decision in the export ledger below: export it, or say why not`,
      ).toBeDefined();
      if (!entry) continue;
      // Every column is either in the export or left out for a stated reason.
      const undecided = tableColumns.filter((column) => !(column in entry.columns) && !IMPLIED_COLUMNS[column]);
      expect(undecided, `${table}: columns with no decision`).toEqual([]);
      const gone = Object.keys(entry.columns).filter((column) => !tableColumns.includes(column));
      expect(gone, `${table}: the ledger names columns the table no longer has`).toEqual([]);

      // Every row is in the export…
      const stored =
        table === "users"
          ? 1
          : Number(
              (
                await sql.query<{ n: number | bigint }>(
                  `SELECT count(*)::int AS n FROM "${table}" WHERE "userId" = $1`,
                  [user.id],
                )
              )[0]!.n,
            );
      const exported = entry.rows(doc);
      expect(exported.length, `${table}: rows in the export`).toBe(stored);
      expect(stored, `${table}: the test should give the user at least one row`).toBeGreaterThan(0);
      // …with each exported column as the field the ledger names.
      for (const [column, fate] of Object.entries(entry.columns)) {
        if (fate.kind !== "field") continue;
        for (const row of exported) expect(row, `${table}.${column} → ${fate.name}`).toHaveProperty(fate.name);
      }
    }
  });

  it("reads in batches: no query fetches more than the batch size, however many records", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const account = await db.account.create({ data: { userId: user.id, name: "Busy Corp" } });
    const start = Date.parse("2026-01-01T00:00:00Z");
    const rows: Prisma.ActivityCreateManyInput[] = Array.from({ length: 5_000 }, (_, i) => ({
      userId: user.id,
      type: "email_sent",
      at: new Date(start + i * 60_000),
      accountId: account.id,
      summary: `Email ${i}`,
    }));
    for (let i = 0; i < rows.length; i += 1_000) await db.activity.createMany({ data: rows.slice(i, i + 1_000) });

    for (const batchSize of [EXPORT_BATCH_SIZE, 100]) {
      const counter = countingClient(db);
      const { text } = await exportText(counter.db, user.id, { batchSize });
      const doc = JSON.parse(text) as ExportDoc;
      expect(doc.activities).toHaveLength(5_000);
      expect(new Set(doc.activities.map((a) => a.id)).size).toBe(5_000);
      expect(counter.maxRows).toBeLessThanOrEqual(batchSize);
      expect(counter.queriesOf("Activity")).toBeGreaterThanOrEqual(5_000 / batchSize);
      expect(counter.maxRows).toBe(batchSize);
    }
  });

  it("streams on demand: nothing is read before the consumer asks, and a cancel stops the reading", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const account = await db.account.create({ data: { userId: user.id, name: "Slow Reader Ltd" } });
    await db.activity.createMany({
      data: Array.from({ length: 1_000 }, (_, i) => ({
        userId: user.id,
        type: "note_added" as const,
        at: new Date(Date.UTC(2026, 0, 1, 0, i)),
        accountId: account.id,
        summary: `n${i}`,
      })),
    });
    const counter = countingClient(db);
    // Each check below is that nothing is read, and no event says "nothing": a short quiet period
    // lets a read that should not happen start, so that it is counted.
    const quietPeriod = () => new Promise((resolve) => setTimeout(resolve, 20));
    const stream = exportStream(counter.db, user.id, { now: FIXED_NOW, batchSize: 100 });
    expect(stream).toBeInstanceOf(ReadableStream);
    await quietPeriod();
    expect(counter.queries).toBe(0);

    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let text = "";
    // The header, two chunks for each of the six sections before activities (opening, closing), the
    // activities' opening line, then six pages of 100 activities.
    for (let i = 0; i < 20; i += 1) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      text += decoder.decode(value, { stream: true });
    }
    await quietPeriod();
    // Six pages asked for, six read — not the eleven the whole export takes.
    expect(counter.queriesOf("Activity")).toBe(6);
    expect(text.split("\n").length).toBeLessThan(1_000);

    await reader.cancel();
    const afterCancel = counter.queries;
    await quietPeriod();
    expect(counter.queries).toBe(afterCancel);
  });
});

/**
 * A client that counts its queries and the most rows any one of them returned. A query counts as
 * soon as it is asked, so one still running during a quiet period below is caught too.
 */
function countingClient(db: Db) {
  const stats = { queries: 0, maxRows: 0, byModel: new Map<string, number>() };
  const extended = db.$extends({
    query: {
      $allModels: {
        async $allOperations({ model, args, query }) {
          stats.queries += 1;
          stats.byModel.set(model, (stats.byModel.get(model) ?? 0) + 1);
          const result: unknown = await query(args);
          if (Array.isArray(result)) stats.maxRows = Math.max(stats.maxRows, result.length);
          return result;
        },
      },
    },
  });
  return {
    db: extended as unknown as Queryable,
    get queries() {
      return stats.queries;
    },
    get maxRows() {
      return stats.maxRows;
    },
    queriesOf: (model: string) => stats.byModel.get(model) ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------
// The export ledger (P9): for every table that holds a user's rows, where its rows are in the
// export, and for every column, the field it becomes — or why it is left out. A new table or column
// without a line here fails the P9 test: decide, then write it down.
// ---------------------------------------------------------------------------------------------

type Fate = { kind: "field"; name: string } | { kind: "nested"; where: string } | { kind: "omitted"; why: string };
/** Exported as this field of the row's object in the export. */
const field = (name: string): Fate => ({ kind: "field", name });
/** Not a field of its own: the structure of the export says it (the record it is written inside). */
const nested = (where: string): Fate => ({ kind: "nested", where });
/** Deliberately not exported, and why. */
const omitted = (why: string): Fate => ({ kind: "omitted", why });

type Any = Record<string, unknown>;
type LedgerEntry = { rows: (doc: ExportDoc) => Any[]; columns: Record<string, Fate> };

/** Columns every user table has and the export never writes as fields. */
const IMPLIED_COLUMNS: Record<string, string> = {
  userId: "the owner: the whole file is theirs",
  searchVector: "derived from the record's own text, for full-text search",
};

const INTERNAL_KEY = omitted("an internal key with no meaning outside this database");
const IMPORT_BOOKKEEPING = omitted(
  "the id the record had in a file the user imported (re-import bookkeeping); the export gives every record its own id",
);
const crmCommon = {
  id: field("id"),
  source: field("source"),
  externalId: field("externalId"),
  importedId: IMPORT_BOOKKEEPING,
  createdAt: field("createdAt"),
  updatedAt: field("updatedAt"),
};
const asObjects = (values: unknown[]): Any[] =>
  values.map((value) => (typeof value === "object" && value !== null ? (value as Any) : { value }));

const LEDGER: Record<string, LedgerEntry> = {
  users: {
    rows: (doc) => [doc.profile],
    columns: {
      id: INTERNAL_KEY,
      email: field("email"),
      name: field("name"),
      passwordHash: omitted("secret; the export says only that a password is set (signInMethods)"),
      emailVerifiedAt: field("emailVerifiedAt"),
      createdAt: field("createdAt"),
      updatedAt: field("updatedAt"),
    },
  },
  oauth_identities: {
    rows: (doc) => doc.profile.signInMethods.filter((m) => m.method !== "password"),
    columns: {
      id: INTERNAL_KEY,
      provider: field("method"),
      providerAccountId: field("providerAccountId"),
      email: field("email"),
      emailVerified: field("emailVerified"),
      createdAt: field("connectedAt"),
      lastSignInAt: field("lastSignInAt"),
    },
  },
  sessions: {
    rows: (doc) => doc.sessions,
    columns: {
      id: omitted("secret: the public half of the session token"),
      secretHash: omitted("secret: stands for the token's secret half"),
      userAgent: field("userAgent"),
      ip: field("ip"),
      createdAt: field("createdAt"),
      lastSeenAt: field("lastSeenAt"),
      expiresAt: field("expiresAt"),
    },
  },
  password_reset_tokens: {
    rows: (doc) => doc.passwordResets,
    columns: {
      id: INTERNAL_KEY,
      tokenHash: omitted("secret: stands for the link that was mailed"),
      expiresAt: field("expiresAt"),
      usedAt: field("usedAt"),
      requestedIp: field("requestedIp"),
      createdAt: field("requestedAt"),
    },
  },
  policy_acknowledgements: {
    rows: (doc) => doc.profile.policyAcknowledgements,
    columns: { id: INTERNAL_KEY, policyVersion: field("policyVersion"), acknowledgedAt: field("acknowledgedAt") },
  },
  accounts: {
    rows: (doc) => doc.accounts,
    columns: {
      ...crmCommon,
      name: field("name"),
      domain: field("domain"),
      industry: field("industry"),
      employeeCount: field("employeeCount"),
      hqCity: field("hqCity"),
      tier: field("tier"),
      description: field("description"),
      ownerNotes: field("ownerNotes"),
    },
  },
  prospects: {
    rows: (doc) => doc.prospects,
    columns: {
      ...crmCommon,
      accountId: field("accountId"),
      firstName: field("firstName"),
      lastName: field("lastName"),
      title: field("title"),
      email: field("email"),
      phone: field("phone"),
      linkedinUrl: field("linkedinUrl"),
      role: field("role"),
      status: field("status"),
    },
  },
  opportunities: {
    rows: (doc) => doc.opportunities,
    columns: {
      ...crmCommon,
      accountId: field("accountId"),
      name: field("name"),
      stage: field("stage"),
      amount: field("amount"),
      currency: field("currency"),
      closeDate: field("closeDate"),
      probability: field("probability"),
      nextStep: field("nextStep"),
      lossReason: field("lossReason"),
      crmStage: field("crmStage"),
      crmStageUnmapped: field("crmStageUnmapped"),
    },
  },
  opportunity_contacts: {
    rows: (doc) => doc.opportunities.flatMap((o) => o.contacts),
    columns: {
      id: INTERNAL_KEY,
      opportunityId: nested("opportunities[].contacts"),
      prospectId: field("prospectId"),
      role: field("role"),
      isPrimary: field("isPrimary"),
      source: field("source"),
      externalId: field("externalId"),
      createdAt: field("createdAt"),
      updatedAt: field("updatedAt"),
    },
  },
  sequence_enrollments: {
    rows: (doc) => doc.prospects.flatMap((p) => p.sequences),
    columns: {
      id: INTERNAL_KEY,
      prospectId: nested("prospects[].sequences"),
      sequenceName: field("sequenceName"),
      step: field("step"),
      totalSteps: field("totalSteps"),
      state: field("state"),
      stateChangedAt: field("stateChangedAt"),
      source: field("source"),
      externalId: field("externalId"),
      createdAt: field("createdAt"),
      updatedAt: field("updatedAt"),
    },
  },
  synced_records: {
    rows: (doc) => doc.syncLinks,
    columns: {
      id: INTERNAL_KEY,
      source: field("source"),
      objectType: field("objectType"),
      externalId: field("externalId"),
      recordType: field("recordType"),
      recordId: field("recordId"),
      createdBySync: field("createdBySync"),
      remote: omitted("the provider's field values as last synced: the merge's base, copies of what the records hold"),
      remoteModifiedAt: field("remoteModifiedAt"),
      lastSeenAt: field("lastSeenAt"),
      deletedAt: field("deletedAt"),
      createdAt: field("createdAt"),
      updatedAt: field("updatedAt"),
    },
  },
  opportunity_stage_changes: {
    rows: (doc) => asObjects(doc.opportunities.flatMap((o) => o.stageHistory)),
    columns: {
      id: INTERNAL_KEY,
      opportunityId: nested("opportunities[].stageHistory"),
      fromStage: omitted("derived: the stage of the entry before it"),
      stage: field("stage"),
      at: field("at"),
      crmStage: field("crmStage"),
      source: field("source"),
      externalId: field("externalId"),
    },
  },
  conversations: {
    rows: (doc) => doc.conversations,
    columns: {
      ...crmCommon,
      accountId: field("accountId"),
      opportunityId: field("opportunityId"),
      channel: field("channel"),
      subject: field("subject"),
      lastMessageAt: omitted("derived: the newest message's sentAt"),
    },
  },
  conversation_participants: {
    rows: (doc) => asObjects(doc.conversations.flatMap((c) => c.participants)),
    columns: {
      id: INTERNAL_KEY,
      conversationId: nested("conversations[].participants"),
      prospectId: nested("the participant: a prospect's id…"),
      email: nested("…or a plain email address"),
    },
  },
  messages: {
    rows: (doc) => doc.conversations.flatMap((c) => c.messages),
    columns: {
      id: field("id"),
      conversationId: nested("conversations[].messages"),
      fromEmail: field("from"),
      toEmails: field("to"),
      sentAt: field("sentAt"),
      body: field("body"),
      quotedText: field("quotedText"),
      attachmentNames: field("attachmentNames"),
      rfcMessageId: field("rfcMessageId"),
      source: field("source"),
      externalId: field("externalId"),
      importedId: IMPORT_BOOKKEEPING,
      createdAt: field("createdAt"),
      updatedAt: field("updatedAt"),
    },
  },
  meetings: {
    rows: (doc) => doc.meetings,
    columns: {
      ...crmCommon,
      accountId: field("accountId"),
      opportunityId: field("opportunityId"),
      title: field("title"),
      startsAt: field("startsAt"),
      endsAt: field("endsAt"),
      location: field("location"),
      cancelledAt: field("cancelledAt"),
    },
  },
  meeting_attendees: {
    rows: (doc) => asObjects(doc.meetings.flatMap((m) => m.attendees)),
    columns: {
      id: INTERNAL_KEY,
      meetingId: nested("meetings[].attendees"),
      prospectId: nested("the attendee: a prospect's id…"),
      email: nested("…or a plain email address"),
    },
  },
  notes: {
    rows: (doc) => doc.notes,
    columns: {
      ...crmCommon,
      meetingId: field("meetingId"),
      accountId: field("accountId"),
      opportunityId: field("opportunityId"),
      prospectId: field("prospectId"),
      body: field("body"),
    },
  },
  activities: {
    rows: (doc) => doc.activities,
    columns: {
      ...crmCommon,
      type: field("type"),
      at: field("at"),
      accountId: field("accountId"),
      prospectId: field("prospectId"),
      opportunityId: field("opportunityId"),
      conversationId: field("conversationId"),
      meetingId: field("meetingId"),
      summary: field("summary"),
    },
  },
  brain_threads: {
    rows: (doc) => doc.brainThreads,
    columns: {
      id: field("id"),
      title: field("title"),
      accountId: field("accountId"),
      opportunityId: field("opportunityId"),
      createdAt: field("createdAt"),
      updatedAt: field("updatedAt"),
    },
  },
  brain_messages: {
    rows: (doc) => doc.brainThreads.flatMap((t) => t.messages),
    columns: {
      id: INTERNAL_KEY,
      threadId: nested("brainThreads[].messages"),
      role: field("role"),
      content: field("content"),
      status: field("status"),
      mode: field("mode"),
      model: field("model"),
      errorMessage: field("errorMessage"),
      generationStartedAt: omitted("a lock held by the process writing an answer, not information about the user"),
      inputTokens: field("inputTokens"),
      outputTokens: field("outputTokens"),
      contextManifest: field("contextManifest"),
      createdAt: field("createdAt"),
      updatedAt: field("updatedAt"),
    },
  },
  brain_citations: {
    rows: (doc) => doc.brainThreads.flatMap((t) => t.messages.flatMap((m) => m.citations)),
    columns: {
      id: INTERNAL_KEY,
      messageId: nested("brainThreads[].messages[].citations"),
      recordType: field("recordType"),
      recordId: field("recordId"),
      label: field("label"),
      ordinal: nested("the order of the citations list"),
    },
  },
  integration_connections: {
    rows: (doc) => doc.connections,
    columns: {
      id: INTERNAL_KEY,
      provider: field("provider"),
      status: field("status"),
      scopes: field("scopes"),
      externalAccountId: field("externalAccountId"),
      externalAccountName: field("externalAccountName"),
      accessTokenCipher: omitted("secret: an OAuth token (P15)"),
      refreshTokenCipher: omitted("secret: an OAuth token (P15)"),
      tokenKeyId: omitted("names the key that decrypts the tokens"),
      accessTokenExpiresAt: field("accessTokenExpiresAt"),
      apiBaseUrl: field("apiBaseUrl"),
      authBaseUrl: field("authBaseUrl"),
      cursor: field("cursor"),
      lastSyncStartedAt: field("lastSyncStartedAt"),
      lastSyncFinishedAt: field("lastSyncFinishedAt"),
      lastSyncItemCount: field("lastSyncItemCount"),
      lastSyncDurationMs: field("lastSyncDurationMs"),
      lastSyncError: field("lastSyncError"),
      consecutiveFailures: field("consecutiveFailures"),
      nextSyncAt: field("nextSyncAt"),
      stage: field("stage"),
      stageStartedAt: field("stageStartedAt"),
      leaseId: omitted("a worker's claim on the running sync: machinery, not the user's data"),
      leaseExpiresAt: omitted("a worker's claim on the running sync: machinery, not the user's data"),
      firstSyncCompletedAt: field("firstSyncCompletedAt"),
      progressDone: field("progressDone"),
      progressTotal: field("progressTotal"),
      lastRunStats: field("lastRunStats"),
      totalStats: field("totalStats"),
      lastErrorKind: field("lastErrorKind"),
      lastErrorAt: field("lastErrorAt"),
      syncRequestedAt: field("syncRequestedAt"),
      connectedAt: field("connectedAt"),
      disconnectedAt: field("disconnectedAt"),
      createdAt: field("createdAt"),
      updatedAt: field("updatedAt"),
    },
  },
  provider_events: {
    rows: (doc) => doc.providerEvents,
    columns: {
      id: INTERNAL_KEY,
      connectionId: omitted("there is one connection per provider: the event's provider names it"),
      provider: field("provider"),
      externalId: field("externalId"),
      eventType: field("eventType"),
      occurredAt: field("occurredAt"),
      payload: field("payload"),
      receivedAt: field("receivedAt"),
      processedAt: field("processedAt"),
    },
  },
  billing_accounts: {
    rows: (doc) => (doc.billing ? [doc.billing] : []),
    columns: {
      id: INTERNAL_KEY,
      stripeCustomerId: field("stripeCustomerId"),
      stripeSubscriptionId: field("stripeSubscriptionId"),
      subscriptionStatus: field("subscriptionStatus"),
      plan: field("plan"),
      priceId: field("priceId"),
      interval: field("interval"),
      currentPeriodStart: field("currentPeriodStart"),
      currentPeriodEnd: field("currentPeriodEnd"),
      trialEnd: field("trialEnd"),
      cancelAtPeriodEnd: field("cancelAtPeriodEnd"),
      pastDueSince: field("pastDueSince"),
      stripeSyncedAt: omitted("bookkeeping: when the stored state was last read from Stripe (orders webhook writes)"),
      trialReminderSentAt: field("trialReminderSentAt"),
      createdAt: field("createdAt"),
      updatedAt: field("updatedAt"),
    },
  },
  account_deletion_requests: {
    rows: (doc) => (doc.deletion ? [doc.deletion] : []),
    columns: {
      id: INTERNAL_KEY,
      requestedAt: field("requestedAt"),
      purgeAfter: field("purgeAfter"),
      attempts: omitted("the purge job's own bookkeeping"),
      lastError: omitted("the purge job's own bookkeeping (an internal error text)"),
    },
  },
  // Listed without bodies: a password-reset mail holds a working reset link.
  mail_outbox: {
    rows: (doc) => doc.mail,
    columns: {
      id: INTERNAL_KEY,
      kind: field("kind"),
      toEmail: field("to"),
      subject: field("subject"),
      textBody: omitted("secret: a password-reset mail carries a working link"),
      htmlBody: omitted("secret: as textBody"),
      createdAt: field("createdAt"),
      sentAt: field("sentAt"),
      attempts: omitted("delivery bookkeeping"),
      lastError: omitted("delivery bookkeeping (the mail server's error text)"),
    },
  },
};

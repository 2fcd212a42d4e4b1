// Settings → Data → Export (P10, and the proof of P9): everything stored about a user, as one JSON
// document in the workspace format v1 (docs/workspace-format.md) plus its export-only sections.
//
// Streamed, in constant memory: sections are written one after another and every query fetches at
// most `batchSize` rows (keyset pages by id — ids never change, so a record edited while the export
// runs is neither skipped nor written twice). Nothing is read until the consumer asks for more: the
// work happens inside an async generator that a pull-based ReadableStream drives.
//
// The file is line-oriented, and that is a documented property readers may rely on:
//   line 1                 `{` and the header fields (format, version, exportedAt, referenceDate, owner)
//   for each list section  a line `"name":[`, then ONE RECORD PER LINE, then a line `],`
//   for each object section one line `"name":{…},` (or `null`)
//   last line              `}`
// JSON escapes every newline inside a string, so each 0x0A byte ends a line: a client counts records
// as they arrive by counting newlines, and `exportSummary` says in advance how many lines there are.
//
// File ids are the database ids with the format's type prefixes (acc_<id>, …), and references use the
// same ids, so the file is valid input for the importer: export → import into a new user reproduces
// the workspace. Secrets never appear — no password hash, session ids or secret hashes, reset-token
// hashes, OAuth token ciphertexts or key ids, mail bodies (they hold reset links) — because no query
// here ever selects them.
//
// Not a snapshot: sections are read one after another, in the order records refer to each other
// (accounts before the people and deals that name them, …), so a record deleted meanwhile leaves no
// dangling reference (the database sets it null or deletes the rows that named it) — except a
// meeting's `notesId` when those notes go between the two sections. A record *created* while the
// export runs (a sync, another tab) can be named by a later section without being in the file.
// Either way the importer says so, and exporting again fixes it. One transaction would make it a
// snapshot, but it would hold a database connection — on PGlite, the only one — for as long as the
// slowest download takes.
import { describeDevice } from "../../auth/user-agent";
import type { Queryable } from "../../db/client";
import type { Prisma } from "../../db/generated/client";
import { WORKSPACE_FORMAT, WORKSPACE_VERSION, idPrefixes } from "../workspace-format";

/** The most rows any one query of an export fetches. */
export const EXPORT_BATCH_SIZE = 500;
/** Brain threads carry every answer with its context manifest: fewer of them per page. */
const THREADS_PER_BATCH = 50;

export type ExportOptions = {
  /** The moment the export is taken (`exportedAt`, `referenceDate`). */
  now?: Date;
  /** At most this many rows per query (tests make it small). */
  batchSize?: number;
};

/** The list sections, in file order: the workspace format's own, then the export-only ones. */
export const EXPORT_LIST_SECTIONS = [
  "accounts",
  "prospects",
  "opportunities",
  "conversations",
  "meetings",
  "notes",
  "activities",
  "sessions",
  "passwordResets",
  "connections",
  "providerEvents",
  "brainThreads",
  "mail",
  "syncLinks",
] as const;
export type ExportListSection = (typeof EXPORT_LIST_SECTIONS)[number];
/** Sections that are one object (or null) on one line. */
export const EXPORT_OBJECT_SECTIONS = ["profile", "billing", "deletion"] as const;

/** Lines that are not records: the header, two per list section, one per object section, the end. */
export const EXPORT_STRUCTURE_LINES = 1 + 2 * EXPORT_LIST_SECTIONS.length + EXPORT_OBJECT_SECTIONS.length + 1;

export type ExportSummary = {
  /** Records (one line each), by list section. */
  sections: Record<ExportListSection, number>;
  /** All record lines. */
  recordLines: number;
  /** Every line of the file: record lines plus EXPORT_STRUCTURE_LINES. */
  totalLines: number;
};

/** How many lines the export of this user's data will have (as of now), for a progress bar. */
export async function exportSummary(db: Queryable, userId: string): Promise<ExportSummary> {
  const where = { where: { userId } };
  const sections: Record<ExportListSection, number> = {
    accounts: await db.account.count(where),
    prospects: await db.prospect.count(where),
    opportunities: await db.opportunity.count(where),
    conversations: await db.conversation.count(where),
    meetings: await db.meeting.count(where),
    notes: await db.note.count(where),
    activities: await db.activity.count(where),
    sessions: await db.session.count(where),
    passwordResets: await db.passwordResetToken.count(where),
    connections: await db.integrationConnection.count(where),
    providerEvents: await db.providerEvent.count(where),
    brainThreads: await db.brainThread.count(where),
    mail: await db.mailOutbox.count(where),
    syncLinks: await db.syncedRecord.count(where),
  };
  const recordLines = Object.values(sections).reduce((sum, n) => sum + n, 0);
  return { sections, recordLines, totalLines: recordLines + EXPORT_STRUCTURE_LINES };
}

export type ExportResult = { lines: number; records: number; bytes: number };

/**
 * Writes the user's export through `write`, one chunk (a batch of whole lines) at a time, awaiting
 * each write before reading on — a slow writer slows the export instead of filling memory.
 */
export async function exportWorkspace(
  db: Queryable,
  userId: string,
  write: (chunk: string) => Promise<void> | void,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const result: ExportResult = { lines: 0, records: 0, bytes: 0 };
  for await (const chunk of exportChunks(db, userId, options)) {
    result.lines += countLines(chunk);
    result.bytes += Buffer.byteLength(chunk);
    await write(chunk);
  }
  result.records = result.lines - EXPORT_STRUCTURE_LINES;
  return result;
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines += 1;
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The document, section by section
// ---------------------------------------------------------------------------------------------

const iso = (value: Date) => value.toISOString();
const isoOrNull = (value: Date | null) => (value ? value.toISOString() : null);
/** A `date` column (midnight UTC) as YYYY-MM-DD. */
const calendarDay = (value: Date | null) => (value ? value.toISOString().slice(0, 10) : null);
const fileId = (prefix: string, id: string) => `${prefix}${id}`;
const ref = (prefix: string, id: string | null) => (id ? `${prefix}${id}` : null);

/** What the brain calls each kind of record it cites → that section's id prefix. */
const recordTypePrefixes: Record<string, string> = {
  account: idPrefixes.accounts,
  prospect: idPrefixes.prospects,
  opportunity: idPrefixes.opportunities,
  conversation: idPrefixes.conversations,
  message: idPrefixes.messages,
  meeting: idPrefixes.meetings,
  note: idPrefixes.notes,
  activity: idPrefixes.activities,
};
const THREAD_PREFIX = "thr_";
const citedId = (recordType: string, id: string) => {
  const prefix = recordTypePrefixes[recordType];
  return prefix ? fileId(prefix, id) : id;
};

/** The export as text chunks, each a batch of whole lines; nothing is read before it is asked for. */
export async function* exportChunks(
  db: Queryable,
  userId: string,
  options: ExportOptions = {},
): AsyncGenerator<string, void, undefined> {
  const now = options.now ?? new Date();
  const size = Math.max(1, Math.floor(options.batchSize ?? EXPORT_BATCH_SIZE));
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { name: true, email: true, emailVerifiedAt: true, createdAt: true, updatedAt: true },
  });
  const header = {
    format: WORKSPACE_FORMAT,
    version: WORKSPACE_VERSION,
    exportedAt: iso(now),
    referenceDate: iso(now),
    owner: { name: user.name, email: user.email },
  };
  const headerJson = JSON.stringify(header);
  yield `${headerJson.slice(0, -1)},\n`;

  yield* list("accounts", accounts(db, userId, size));
  yield* list("prospects", prospects(db, userId, size));
  yield* list("opportunities", opportunities(db, userId, size));
  yield* list("conversations", conversations(db, userId, size));
  yield* list("meetings", meetings(db, userId, size));
  yield* list("notes", notes(db, userId, size));
  yield* list("activities", activities(db, userId, size));
  yield object("profile", await profile(db, userId, size, user));
  yield* list("sessions", sessions(db, userId, size));
  yield* list("passwordResets", passwordResets(db, userId, size));
  yield* list("connections", connections(db, userId, size));
  yield* list("providerEvents", providerEvents(db, userId, size));
  yield* list("brainThreads", brainThreads(db, userId, size));
  yield* list("mail", mail(db, userId, size));
  yield* list("syncLinks", syncLinks(db, userId, size));
  yield object("billing", await billing(db, userId));
  yield object("deletion", await deletion(db, userId), { last: true });
  yield "}\n";
}

function object(name: string, value: unknown, options: { last?: boolean } = {}): string {
  return `${JSON.stringify(name)}:${JSON.stringify(value)}${options.last ? "" : ","}\n`;
}

/** `"name":[`, one line per record (commas between), `],` — a chunk per batch. */
async function* list(name: ExportListSection, batches: AsyncIterable<unknown[]>): AsyncGenerator<string> {
  yield `${JSON.stringify(name)}:[\n`;
  // The last record takes no comma, and whether a record is the last is known only when the next
  // batch comes back empty: each record's line is held until the next one arrives.
  let held: string | null = null;
  for await (const records of batches) {
    let chunk = "";
    for (const record of records) {
      if (held !== null) chunk += `${held},\n`;
      held = JSON.stringify(record);
    }
    if (chunk) yield chunk;
  }
  yield `${held === null ? "" : `${held}\n`}],\n`;
}

type Page = { id?: { gt: string } };

/** Keyset pages by id: `fetch(page, take)` must filter by `page` and order by id ascending. */
async function* keyset<T extends { id: string }>(
  size: number,
  fetch: (page: Page, take: number) => Promise<T[]>,
): AsyncGenerator<T[]> {
  let after: string | null = null;
  for (;;) {
    const rows = await fetch(after === null ? {} : { id: { gt: after } }, size);
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** Every row `fetch` pages through — for small sets (a user's sign-in methods), and batches' children. */
async function collect<T extends { id: string }>(
  size: number,
  fetch: (page: Page, take: number) => Promise<T[]>,
): Promise<T[]> {
  const all: T[] = [];
  for await (const rows of keyset(size, fetch)) all.push(...rows);
  return all;
}

/** All child rows of one batch of parents, grouped by parent — still fetched a page at a time. */
async function childrenOf<T extends { id: string }>(
  size: number,
  fetch: (page: Page, take: number) => Promise<T[]>,
  parentOf: (row: T) => string,
): Promise<Map<string, T[]>> {
  const byParent = new Map<string, T[]>();
  for (const row of await collect(size, fetch)) {
    const key = parentOf(row);
    const siblings = byParent.get(key);
    if (siblings) siblings.push(row);
    else byParent.set(key, [row]);
  }
  return byParent;
}

const byTimeThenId =
  <T extends { id: string }>(time: (row: T) => Date) =>
  (a: T, b: T) =>
    time(a).getTime() - time(b).getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const commonSelect = { id: true, createdAt: true, updatedAt: true, source: true, externalId: true } as const;
type CommonRow = { id: string; createdAt: Date; updatedAt: Date; source: string; externalId: string | null };
const common = (prefix: string, row: CommonRow) => ({
  id: fileId(prefix, row.id),
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
  source: row.source,
  externalId: row.externalId,
});

async function* accounts(db: Queryable, userId: string, size: number) {
  const select = {
    ...commonSelect,
    name: true,
    domain: true,
    industry: true,
    employeeCount: true,
    hqCity: true,
    tier: true,
    description: true,
    ownerNotes: true,
  } satisfies Prisma.AccountSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.account.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    yield rows.map((a) => ({
      ...common(idPrefixes.accounts, a),
      name: a.name,
      domain: a.domain,
      industry: a.industry,
      employeeCount: a.employeeCount,
      hqCity: a.hqCity,
      tier: a.tier,
      description: a.description,
      ownerNotes: a.ownerNotes,
    }));
  }
}

async function* prospects(db: Queryable, userId: string, size: number) {
  const select = {
    ...commonSelect,
    accountId: true,
    firstName: true,
    lastName: true,
    title: true,
    email: true,
    phone: true,
    linkedinUrl: true,
    role: true,
    status: true,
  } satisfies Prisma.ProspectSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.prospect.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    const ids = rows.map((p) => p.id);
    const sequences = await childrenOf(
      size,
      (page, take) =>
        db.sequenceEnrollment.findMany({
          where: { userId, prospectId: { in: ids }, ...page },
          orderBy: { id: "asc" },
          take,
          select: {
            id: true,
            prospectId: true,
            sequenceName: true,
            step: true,
            totalSteps: true,
            state: true,
            stateChangedAt: true,
            source: true,
            externalId: true,
            createdAt: true,
            updatedAt: true,
          },
        }),
      (enrollment) => enrollment.prospectId,
    );
    yield rows.map((p) => ({
      ...common(idPrefixes.prospects, p),
      accountId: ref(idPrefixes.accounts, p.accountId),
      firstName: p.firstName,
      lastName: p.lastName,
      title: p.title,
      email: p.email,
      phone: p.phone,
      linkedinUrl: p.linkedinUrl,
      role: p.role,
      status: p.status,
      // Export only (readers ignore it): the sequences an engagement tool has the person in.
      sequences: (sequences.get(p.id) ?? []).map((e) => ({
        sequenceName: e.sequenceName,
        step: e.step,
        totalSteps: e.totalSteps,
        state: e.state,
        stateChangedAt: isoOrNull(e.stateChangedAt),
        source: e.source,
        externalId: e.externalId,
        createdAt: iso(e.createdAt),
        updatedAt: iso(e.updatedAt),
      })),
    }));
  }
}

async function* opportunities(db: Queryable, userId: string, size: number) {
  const select = {
    ...commonSelect,
    accountId: true,
    name: true,
    stage: true,
    amount: true,
    currency: true,
    closeDate: true,
    probability: true,
    nextStep: true,
    lossReason: true,
    crmStage: true,
    crmStageUnmapped: true,
  } satisfies Prisma.OpportunitySelect;
  for await (const rows of keyset(size, (page, take) =>
    db.opportunity.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    const ids = rows.map((o) => o.id);
    const history = await childrenOf(
      size,
      (page, take) =>
        db.opportunityStageChange.findMany({
          where: { userId, opportunityId: { in: ids }, ...page },
          orderBy: { id: "asc" },
          take,
          select: {
            id: true,
            opportunityId: true,
            stage: true,
            at: true,
            crmStage: true,
            source: true,
            externalId: true,
          },
        }),
      (change) => change.opportunityId,
    );
    const contacts = await childrenOf(
      size,
      (page, take) =>
        db.opportunityContact.findMany({
          where: { userId, opportunityId: { in: ids }, ...page },
          orderBy: { id: "asc" },
          take,
          select: {
            id: true,
            opportunityId: true,
            prospectId: true,
            role: true,
            isPrimary: true,
            source: true,
            externalId: true,
            createdAt: true,
            updatedAt: true,
          },
        }),
      (contact) => contact.opportunityId,
    );
    yield rows.map((o) => ({
      ...common(idPrefixes.opportunities, o),
      accountId: ref(idPrefixes.accounts, o.accountId),
      name: o.name,
      stage: o.stage,
      // Minor units fit a JSON number exactly up to 2^53 (90 trillion dollars).
      amount: o.amount === null ? null : Number(o.amount),
      currency: o.currency,
      closeDate: calendarDay(o.closeDate),
      probability: o.probability,
      nextStep: o.nextStep,
      lossReason: o.lossReason,
      // Export only (readers ignore them): the stage as the CRM names it, and whether it maps onto ours.
      crmStage: o.crmStage,
      crmStageUnmapped: o.crmStageUnmapped,
      stageHistory: (history.get(o.id) ?? []).sort(byTimeThenId((c) => c.at)).map((c) => ({
        stage: c.stage,
        at: iso(c.at),
        crmStage: c.crmStage,
        source: c.source,
        externalId: c.externalId,
      })),
      // Export only: the people on the deal, with their role.
      contacts: (contacts.get(o.id) ?? []).map((c) => ({
        prospectId: fileId(idPrefixes.prospects, c.prospectId),
        role: c.role,
        isPrimary: c.isPrimary,
        source: c.source,
        externalId: c.externalId,
        createdAt: iso(c.createdAt),
        updatedAt: iso(c.updatedAt),
      })),
    }));
  }
}

/** A participant or attendee: a person of the file by id, or a bare email address. */
function personRef(row: { prospectId: string | null; email: string | null }): string[] {
  if (row.prospectId) return [fileId(idPrefixes.prospects, row.prospectId)];
  return row.email ? [row.email] : [];
}

async function* conversations(db: Queryable, userId: string, size: number) {
  const select = {
    ...commonSelect,
    accountId: true,
    opportunityId: true,
    channel: true,
    subject: true,
  } satisfies Prisma.ConversationSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.conversation.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    const ids = rows.map((c) => c.id);
    const participants = await childrenOf(
      size,
      (page, take) =>
        db.conversationParticipant.findMany({
          where: { userId, conversationId: { in: ids }, ...page },
          orderBy: { id: "asc" },
          take,
          select: { id: true, conversationId: true, prospectId: true, email: true },
        }),
      (p) => p.conversationId,
    );
    const messages = await childrenOf(
      size,
      (page, take) =>
        db.message.findMany({
          where: { userId, conversationId: { in: ids }, ...page },
          orderBy: { id: "asc" },
          take,
          select: {
            id: true,
            conversationId: true,
            fromEmail: true,
            toEmails: true,
            sentAt: true,
            body: true,
            quotedText: true,
            attachmentNames: true,
            rfcMessageId: true,
            source: true,
            externalId: true,
            createdAt: true,
            updatedAt: true,
          },
        }),
      (m) => m.conversationId,
    );
    yield rows.map((c) => ({
      ...common(idPrefixes.conversations, c),
      accountId: ref(idPrefixes.accounts, c.accountId),
      opportunityId: ref(idPrefixes.opportunities, c.opportunityId),
      channel: c.channel,
      subject: c.subject,
      participants: (participants.get(c.id) ?? []).flatMap(personRef),
      messages: (messages.get(c.id) ?? []).sort(byTimeThenId((m) => m.sentAt)).map((m) => ({
        id: fileId(idPrefixes.messages, m.id),
        from: m.fromEmail,
        to: m.toEmails,
        sentAt: iso(m.sentAt),
        body: m.body,
        quotedText: m.quotedText,
        attachmentNames: m.attachmentNames,
        rfcMessageId: m.rfcMessageId,
        source: m.source,
        externalId: m.externalId,
        createdAt: iso(m.createdAt),
        updatedAt: iso(m.updatedAt),
      })),
    }));
  }
}

async function* meetings(db: Queryable, userId: string, size: number) {
  const select = {
    ...commonSelect,
    accountId: true,
    opportunityId: true,
    title: true,
    startsAt: true,
    endsAt: true,
    location: true,
    cancelledAt: true,
  } satisfies Prisma.MeetingSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.meeting.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    const ids = rows.map((m) => m.id);
    const attendees = await childrenOf(
      size,
      (page, take) =>
        db.meetingAttendee.findMany({
          where: { userId, meetingId: { in: ids }, ...page },
          orderBy: { id: "asc" },
          take,
          select: { id: true, meetingId: true, prospectId: true, email: true },
        }),
      (a) => a.meetingId,
    );
    const notesOf = await childrenOf(
      size,
      (page, take) =>
        db.note.findMany({
          where: { userId, meetingId: { in: ids }, ...page },
          orderBy: { id: "asc" },
          take,
          select: { id: true, meetingId: true },
        }),
      (n) => n.meetingId!,
    );
    yield rows.map((m) => {
      const note = notesOf.get(m.id)?.[0];
      return {
        ...common(idPrefixes.meetings, m),
        accountId: ref(idPrefixes.accounts, m.accountId),
        opportunityId: ref(idPrefixes.opportunities, m.opportunityId),
        title: m.title,
        startsAt: iso(m.startsAt),
        endsAt: iso(m.endsAt),
        location: m.location,
        cancelledAt: m.cancelledAt ? iso(m.cancelledAt) : null,
        attendees: (attendees.get(m.id) ?? []).flatMap(personRef),
        notesId: note ? fileId(idPrefixes.notes, note.id) : null,
      };
    });
  }
}

async function* notes(db: Queryable, userId: string, size: number) {
  const select = {
    ...commonSelect,
    meetingId: true,
    accountId: true,
    opportunityId: true,
    prospectId: true,
    body: true,
  } satisfies Prisma.NoteSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.note.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    yield rows.map((n) => ({
      ...common(idPrefixes.notes, n),
      meetingId: ref(idPrefixes.meetings, n.meetingId),
      accountId: ref(idPrefixes.accounts, n.accountId),
      opportunityId: ref(idPrefixes.opportunities, n.opportunityId),
      prospectId: ref(idPrefixes.prospects, n.prospectId),
      body: n.body,
    }));
  }
}

async function* activities(db: Queryable, userId: string, size: number) {
  const select = {
    ...commonSelect,
    type: true,
    at: true,
    accountId: true,
    prospectId: true,
    opportunityId: true,
    conversationId: true,
    meetingId: true,
    summary: true,
  } satisfies Prisma.ActivitySelect;
  for await (const rows of keyset(size, (page, take) =>
    db.activity.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    yield rows.map((a) => ({
      ...common(idPrefixes.activities, a),
      type: a.type,
      at: iso(a.at),
      accountId: ref(idPrefixes.accounts, a.accountId),
      prospectId: ref(idPrefixes.prospects, a.prospectId),
      opportunityId: ref(idPrefixes.opportunities, a.opportunityId),
      // Not (yet) read by the importer, but stored, so exported (P9).
      conversationId: ref(idPrefixes.conversations, a.conversationId),
      meetingId: ref(idPrefixes.meetings, a.meetingId),
      summary: a.summary,
    }));
  }
}

async function profile(
  db: Queryable,
  userId: string,
  size: number,
  user: { name: string; email: string; emailVerifiedAt: Date | null; createdAt: Date; updatedAt: Date },
) {
  // Whether a password is set, without reading the hash into this process.
  const hasPassword = (await db.user.count({ where: { id: userId, passwordHash: { not: null } } })) > 0;
  const identities = await collect(size, (page, take) =>
    db.oAuthIdentity.findMany({
      where: { userId, ...page },
      orderBy: { id: "asc" },
      take,
      select: {
        id: true,
        provider: true,
        providerAccountId: true,
        email: true,
        emailVerified: true,
        createdAt: true,
        lastSignInAt: true,
      },
    }),
  );
  const acknowledgements = await collect(size, (page, take) =>
    db.policyAcknowledgement.findMany({
      where: { userId, ...page },
      orderBy: { id: "asc" },
      take,
      select: { id: true, policyVersion: true, acknowledgedAt: true },
    }),
  );
  return {
    name: user.name,
    email: user.email,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
    emailVerifiedAt: isoOrNull(user.emailVerifiedAt),
    signInMethods: [
      ...(hasPassword ? [{ method: "password" }] : []),
      ...identities.sort(byTimeThenId((i) => i.createdAt)).map((i) => ({
        method: i.provider,
        email: i.email,
        emailVerified: i.emailVerified,
        // The OpenID `sub` the provider returned: the identity we key the user on (P1).
        providerAccountId: i.providerAccountId,
        connectedAt: iso(i.createdAt),
        lastSignInAt: iso(i.lastSignInAt),
      })),
    ],
    policyAcknowledgements: acknowledgements
      .sort(byTimeThenId((a) => a.acknowledgedAt))
      .map((a) => ({ policyVersion: a.policyVersion, acknowledgedAt: iso(a.acknowledgedAt) })),
  };
}

async function* sessions(db: Queryable, userId: string, size: number) {
  // The id is the public half of the cookie token and the hash stands for its secret half: neither
  // leaves this function, though the id is needed to page.
  const select = {
    id: true,
    userAgent: true,
    ip: true,
    createdAt: true,
    lastSeenAt: true,
    expiresAt: true,
  } satisfies Prisma.SessionSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.session.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    yield rows.map((s) => ({
      device: describeDevice(s.userAgent),
      userAgent: s.userAgent,
      ip: s.ip,
      createdAt: iso(s.createdAt),
      lastSeenAt: iso(s.lastSeenAt),
      expiresAt: iso(s.expiresAt),
    }));
  }
}

async function* passwordResets(db: Queryable, userId: string, size: number) {
  const select = {
    id: true,
    createdAt: true,
    requestedIp: true,
    expiresAt: true,
    usedAt: true,
  } satisfies Prisma.PasswordResetTokenSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.passwordResetToken.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    yield rows.map((r) => ({
      requestedAt: iso(r.createdAt),
      requestedIp: r.requestedIp,
      expiresAt: iso(r.expiresAt),
      usedAt: isoOrNull(r.usedAt),
    }));
  }
}

async function* connections(db: Queryable, userId: string, size: number) {
  const select = {
    id: true,
    provider: true,
    status: true,
    scopes: true,
    externalAccountId: true,
    externalAccountName: true,
    accessTokenExpiresAt: true,
    apiBaseUrl: true,
    authBaseUrl: true,
    cursor: true,
    lastSyncStartedAt: true,
    lastSyncFinishedAt: true,
    lastSyncItemCount: true,
    lastSyncDurationMs: true,
    lastSyncError: true,
    consecutiveFailures: true,
    nextSyncAt: true,
    stage: true,
    stageStartedAt: true,
    firstSyncCompletedAt: true,
    progressDone: true,
    progressTotal: true,
    lastRunStats: true,
    totalStats: true,
    lastErrorKind: true,
    lastErrorAt: true,
    syncRequestedAt: true,
    connectedAt: true,
    disconnectedAt: true,
    createdAt: true,
    updatedAt: true,
  } satisfies Prisma.IntegrationConnectionSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.integrationConnection.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    yield rows.map((c) => ({
      provider: c.provider,
      status: c.status,
      scopes: c.scopes,
      externalAccountId: c.externalAccountId,
      externalAccountName: c.externalAccountName,
      connectedAt: iso(c.connectedAt),
      disconnectedAt: isoOrNull(c.disconnectedAt),
      accessTokenExpiresAt: isoOrNull(c.accessTokenExpiresAt),
      apiBaseUrl: c.apiBaseUrl,
      authBaseUrl: c.authBaseUrl,
      lastSyncStartedAt: isoOrNull(c.lastSyncStartedAt),
      lastSyncFinishedAt: isoOrNull(c.lastSyncFinishedAt),
      lastSyncItemCount: c.lastSyncItemCount,
      lastSyncDurationMs: c.lastSyncDurationMs,
      lastSyncError: c.lastSyncError,
      consecutiveFailures: c.consecutiveFailures,
      nextSyncAt: isoOrNull(c.nextSyncAt),
      stage: c.stage,
      stageStartedAt: isoOrNull(c.stageStartedAt),
      firstSyncCompletedAt: isoOrNull(c.firstSyncCompletedAt),
      progressDone: c.progressDone,
      progressTotal: c.progressTotal,
      lastRunStats: c.lastRunStats,
      totalStats: c.totalStats,
      lastErrorKind: c.lastErrorKind,
      lastErrorAt: isoOrNull(c.lastErrorAt),
      syncRequestedAt: isoOrNull(c.syncRequestedAt),
      // The provider's sync position (a history id, a sync token): not a credential.
      cursor: c.cursor,
      createdAt: iso(c.createdAt),
      updatedAt: iso(c.updatedAt),
    }));
  }
}

async function* providerEvents(db: Queryable, userId: string, size: number) {
  const select = {
    id: true,
    provider: true,
    externalId: true,
    eventType: true,
    occurredAt: true,
    receivedAt: true,
    processedAt: true,
    payload: true,
  } satisfies Prisma.ProviderEventSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.providerEvent.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    yield rows.map((e) => ({
      provider: e.provider,
      externalId: e.externalId,
      eventType: e.eventType,
      occurredAt: isoOrNull(e.occurredAt),
      receivedAt: iso(e.receivedAt),
      processedAt: isoOrNull(e.processedAt),
      payload: e.payload,
    }));
  }
}

/** The stored context manifest with each record's id written as a file id, like citations. */
function manifestWithFileIds(manifest: Prisma.JsonValue): Prisma.JsonValue {
  if (!manifest || typeof manifest !== "object" || Array.isArray(manifest)) return manifest;
  const items = manifest.items;
  if (!Array.isArray(items)) return manifest;
  return {
    ...manifest,
    items: items.map((item) => {
      if (!item || typeof item !== "object" || Array.isArray(item)) return item;
      const { type, id } = item;
      return typeof type === "string" && typeof id === "string" ? { ...item, id: citedId(type, id) } : item;
    }),
  };
}

async function* brainThreads(db: Queryable, userId: string, size: number) {
  const select = {
    id: true,
    title: true,
    accountId: true,
    opportunityId: true,
    createdAt: true,
    updatedAt: true,
  } satisfies Prisma.BrainThreadSelect;
  const perBatch = Math.min(size, THREADS_PER_BATCH);
  for await (const rows of keyset(perBatch, (page, take) =>
    db.brainThread.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    const ids = rows.map((t) => t.id);
    const messages = await childrenOf(
      size,
      (page, take) =>
        db.brainMessage.findMany({
          where: { userId, threadId: { in: ids }, ...page },
          orderBy: { id: "asc" },
          take,
          select: {
            id: true,
            threadId: true,
            role: true,
            content: true,
            status: true,
            mode: true,
            model: true,
            errorMessage: true,
            inputTokens: true,
            outputTokens: true,
            contextManifest: true,
            createdAt: true,
            updatedAt: true,
          },
        }),
      (m) => m.threadId,
    );
    const citations = await childrenOf(
      size,
      (page, take) =>
        db.brainCitation.findMany({
          where: { userId, message: { threadId: { in: ids } }, ...page },
          orderBy: { id: "asc" },
          take,
          select: { id: true, messageId: true, recordType: true, recordId: true, label: true, ordinal: true },
        }),
      (c) => c.messageId,
    );
    yield rows.map((t) => ({
      id: fileId(THREAD_PREFIX, t.id),
      title: t.title,
      createdAt: iso(t.createdAt),
      updatedAt: iso(t.updatedAt),
      accountId: ref(idPrefixes.accounts, t.accountId),
      opportunityId: ref(idPrefixes.opportunities, t.opportunityId),
      messages: (messages.get(t.id) ?? []).sort(byTimeThenId((m) => m.createdAt)).map((m) => ({
        role: m.role,
        content: m.content,
        status: m.status,
        mode: m.mode,
        model: m.model,
        errorMessage: m.errorMessage,
        createdAt: iso(m.createdAt),
        updatedAt: iso(m.updatedAt),
        inputTokens: m.inputTokens,
        outputTokens: m.outputTokens,
        // In the order the answer first cited them (the stored ordinal).
        citations: (citations.get(m.id) ?? [])
          .sort((a, b) => a.ordinal - b.ordinal)
          .map((c) => ({ recordType: c.recordType, recordId: citedId(c.recordType, c.recordId), label: c.label })),
        contextManifest: m.contextManifest === null ? null : manifestWithFileIds(m.contextManifest),
      })),
    }));
  }
}

async function* mail(db: Queryable, userId: string, size: number) {
  // What was mailed and when — never the body: a password-reset mail carries a working link.
  const select = {
    id: true,
    kind: true,
    toEmail: true,
    subject: true,
    createdAt: true,
    sentAt: true,
  } satisfies Prisma.MailOutboxSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.mailOutbox.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    yield rows.map((m) => ({
      kind: m.kind,
      to: m.toEmail,
      subject: m.subject,
      createdAt: iso(m.createdAt),
      sentAt: isoOrNull(m.sentAt),
    }));
  }
}

/**
 * Which provider record each workspace record is linked to (Salesforce and Outreach ids): export
 * only. The provider's field values as last synced (`remote`) are left out: they are the sync's base
 * for merging, copies of values the records themselves hold.
 */
async function* syncLinks(db: Queryable, userId: string, size: number) {
  const select = {
    id: true,
    source: true,
    objectType: true,
    externalId: true,
    recordType: true,
    recordId: true,
    createdBySync: true,
    remoteModifiedAt: true,
    lastSeenAt: true,
    deletedAt: true,
    createdAt: true,
    updatedAt: true,
  } satisfies Prisma.SyncedRecordSelect;
  for await (const rows of keyset(size, (page, take) =>
    db.syncedRecord.findMany({ where: { userId, ...page }, orderBy: { id: "asc" }, take, select }),
  )) {
    yield rows.map((l) => ({
      source: l.source,
      objectType: l.objectType,
      externalId: l.externalId,
      recordType: l.recordType,
      recordId: l.recordId === null ? null : citedId(l.recordType, l.recordId),
      createdBySync: l.createdBySync,
      remoteModifiedAt: isoOrNull(l.remoteModifiedAt),
      lastSeenAt: isoOrNull(l.lastSeenAt),
      deletedAt: isoOrNull(l.deletedAt),
      createdAt: iso(l.createdAt),
      updatedAt: iso(l.updatedAt),
    }));
  }
}

/** The billing facts we keep (P6): Stripe's ids, the plan, its status and dates — never card data. */
async function billing(db: Queryable, userId: string) {
  const row = await db.billingAccount.findUnique({
    where: { userId },
    select: {
      stripeCustomerId: true,
      stripeSubscriptionId: true,
      subscriptionStatus: true,
      plan: true,
      priceId: true,
      interval: true,
      currentPeriodStart: true,
      currentPeriodEnd: true,
      trialEnd: true,
      cancelAtPeriodEnd: true,
      pastDueSince: true,
      trialReminderSentAt: true,
      createdAt: true,
      updatedAt: true,
    },
  });
  if (!row) return null;
  return {
    stripeCustomerId: row.stripeCustomerId,
    stripeSubscriptionId: row.stripeSubscriptionId,
    subscriptionStatus: row.subscriptionStatus,
    plan: row.plan,
    priceId: row.priceId,
    interval: row.interval,
    currentPeriodStart: isoOrNull(row.currentPeriodStart),
    currentPeriodEnd: isoOrNull(row.currentPeriodEnd),
    trialEnd: isoOrNull(row.trialEnd),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    pastDueSince: isoOrNull(row.pastDueSince),
    trialReminderSentAt: isoOrNull(row.trialReminderSentAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

async function deletion(db: Queryable, userId: string) {
  const row = await db.accountDeletionRequest.findUnique({
    where: { userId },
    select: { requestedAt: true, purgeAfter: true },
  });
  return row ? { requestedAt: iso(row.requestedAt), purgeAfter: iso(row.purgeAfter) } : null;
}

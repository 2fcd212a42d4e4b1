// Writes a validated workspace document into one user's workspace, all or nothing.
//
// Identity rules (docs/decisions/005-workspace-import-identity.md):
// - the file's ids are its own: every record gets a database id, and references are remapped;
// - a record with (source, externalId) is the same record as the user's existing one with that pair;
// - otherwise a record whose file id this user imported before is that same record;
// - a matched record is updated to the file's values (its children — stage history, participants,
//   attendees — are replaced; messages are matched the same way); anything else is created.
// So importing the same file twice changes nothing the second time and never duplicates.
import { createId } from "@paralleldrive/cuid2";
import type { Db } from "../../db/client";
import type { Prisma, RecordSource } from "../../db/generated/client";
import type { WorkspaceDocument } from "../workspace-format";
import { validateWorkspace, type ImportProblem } from "./validate";

type Tx = Prisma.TransactionClient;

export type SectionCounts = { created: number; updated: number };
export type ImportCounts = Record<
  "accounts" | "prospects" | "opportunities" | "conversations" | "messages" | "meetings" | "notes" | "activities",
  SectionCounts
>;

export type ImportOptions = {
  /** Shift every timestamp by (this moment − the file's referenceDate), so relative data stays
   *  relative ("upcoming" meetings stay upcoming). Ignored when the file has no referenceDate. */
  shiftReferenceDateTo?: Date;
};

export type ImportResult =
  { ok: true; counts: ImportCounts; shiftedByMs: number } | { ok: false; problems: ImportProblem[] };

/** Validates `value` as a whole, then imports it; writes nothing unless the whole file is valid. */
export async function importWorkspace(
  db: Db,
  userId: string,
  value: unknown,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const validation = validateWorkspace(value);
  if (!validation.ok) return validation;
  return importValidatedWorkspace(db, userId, validation.document, options);
}

export async function importValidatedWorkspace(
  db: Db,
  userId: string,
  document: WorkspaceDocument,
  options: ImportOptions = {},
): Promise<{ ok: true; counts: ImportCounts; shiftedByMs: number }> {
  const shiftedByMs =
    options.shiftReferenceDateTo && document.referenceDate
      ? options.shiftReferenceDateTo.getTime() - Date.parse(document.referenceDate)
      : 0;
  const counts = await db.$transaction((tx) => writeDocument(tx, userId, document, shiftedByMs), {
    // Large workspaces take a while; the default 5 s would abort them half-way (and roll back).
    timeout: 10 * 60_000,
    maxWait: 30_000,
  });
  return { ok: true, counts, shiftedByMs };
}

const DAY_MS = 86_400_000;
const CHUNK = 1_000;
const LOOKUP_CHUNK = 5_000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Keyed = { id: string; source: RecordSource; externalId?: string | null };
type ExistingRow = { id: string; source: RecordSource; externalId: string | null; importedId: string | null };
type ExistingWhere = { userId: string; OR: [{ importedId: { in: string[] } }, { externalId: { in: string[] } }] };

/** Maps each file record to the id of the user's existing record that it is, if any. */
function matchExisting(records: Keyed[], existing: ExistingRow[]): Map<string, string> {
  const byExternal = new Map<string, string>();
  const byImported = new Map<string, string>();
  for (const row of existing) {
    if (row.externalId) byExternal.set(`${row.source}\u0000${row.externalId}`, row.id);
    if (row.importedId) byImported.set(row.importedId, row.id);
  }
  const matches = new Map<string, string>();
  for (const record of records) {
    const match =
      (record.externalId ? byExternal.get(`${record.source}\u0000${record.externalId}`) : undefined) ??
      byImported.get(record.id);
    if (match) matches.set(record.id, match);
  }
  return matches;
}

/** Finds the user's records that the file's records may be, a chunk at a time (bind parameters are
 *  limited), and maps each file id to the matching database id. */
async function findMatches(
  userId: string,
  records: Keyed[],
  findMany: (args: { where: ExistingWhere; select: typeof existingSelect }) => Promise<ExistingRow[]>,
): Promise<Map<string, string>> {
  const existing: ExistingRow[] = [];
  for (const part of chunks(records, LOOKUP_CHUNK)) {
    const where: ExistingWhere = {
      userId,
      OR: [
        { importedId: { in: part.map((r) => r.id) } },
        { externalId: { in: part.flatMap((r) => (r.externalId ? [r.externalId] : [])) } },
      ],
    };
    existing.push(...(await findMany({ where, select: existingSelect })));
  }
  return matchExisting(records, existing);
}

const existingSelect = { id: true, source: true, externalId: true, importedId: true } as const;

async function writeDocument(tx: Tx, userId: string, doc: WorkspaceDocument, shiftMs: number): Promise<ImportCounts> {
  const time = (iso: string) => new Date(Date.parse(iso) + shiftMs);
  const day = (isoDate: string | null | undefined) =>
    isoDate ? new Date(Date.parse(`${isoDate}T00:00:00Z`) + Math.round(shiftMs / DAY_MS) * DAY_MS) : null;
  const externalId = (r: Keyed) => r.externalId ?? null;

  // file id → database id, for every record of the file.
  const ids = new Map<string, string>();
  const resolve = (fileId: string | null | undefined): string | null => (fileId ? (ids.get(fileId) ?? null) : null);
  const assign = (records: Keyed[], matches: Map<string, string>) => {
    for (const r of records) ids.set(r.id, matches.get(r.id) ?? createId());
  };

  async function upsertSection<Row extends { id: string }>(
    records: Keyed[],
    matches: Map<string, string>,
    toRow: (index: number) => Row,
    createMany: (rows: Row[]) => Promise<unknown>,
    update: (row: Row) => Promise<unknown>,
  ): Promise<SectionCounts> {
    const created: Row[] = [];
    let updated = 0;
    for (let i = 0; i < records.length; i += 1) {
      const row = toRow(i);
      if (matches.has(records[i]!.id)) {
        await update(row);
        updated += 1;
      } else created.push(row);
    }
    for (const part of chunks(created)) await createMany(part);
    return { created: created.length, updated };
  }

  const common = (r: Keyed & { createdAt: string; updatedAt: string }) => ({
    id: ids.get(r.id)!,
    userId,
    source: r.source,
    externalId: externalId(r),
    importedId: r.id,
    createdAt: time(r.createdAt),
    updatedAt: time(r.updatedAt),
  });

  // Accounts
  const accountMatches = await findMatches(userId, doc.accounts, (args) => tx.account.findMany(args));
  assign(doc.accounts, accountMatches);
  const accounts = await upsertSection(
    doc.accounts,
    accountMatches,
    (i): Prisma.AccountCreateManyInput & { id: string } => {
      const a = doc.accounts[i]!;
      return {
        ...common(a),
        name: a.name,
        domain: a.domain ?? null,
        industry: a.industry ?? null,
        employeeCount: a.employeeCount ?? null,
        hqCity: a.hqCity ?? null,
        tier: a.tier ?? null,
        description: a.description ?? null,
        ownerNotes: a.ownerNotes ?? null,
      };
    },
    (rows) => tx.account.createMany({ data: rows }),
    ({ id, ...data }) => tx.account.update({ where: { id }, data }),
  );

  // Prospects
  const prospectMatches = await findMatches(userId, doc.prospects, (args) => tx.prospect.findMany(args));
  assign(doc.prospects, prospectMatches);
  const prospects = await upsertSection(
    doc.prospects,
    prospectMatches,
    (i): Prisma.ProspectCreateManyInput & { id: string } => {
      const p = doc.prospects[i]!;
      return {
        ...common(p),
        accountId: resolve(p.accountId),
        firstName: p.firstName,
        lastName: p.lastName,
        title: p.title ?? null,
        email: p.email?.toLowerCase() ?? null,
        phone: p.phone ?? null,
        linkedinUrl: p.linkedinUrl ?? null,
        role: p.role ?? "other",
        status: p.status ?? "active",
      };
    },
    (rows) => tx.prospect.createMany({ data: rows }),
    ({ id, ...data }) => tx.prospect.update({ where: { id }, data }),
  );

  // Opportunities, with their stage history (replaced on update)
  const opportunityMatches = await findMatches(userId, doc.opportunities, (args) => tx.opportunity.findMany(args));
  assign(doc.opportunities, opportunityMatches);
  const opportunities = await upsertSection(
    doc.opportunities,
    opportunityMatches,
    (i): Prisma.OpportunityCreateManyInput & { id: string } => {
      const o = doc.opportunities[i]!;
      return {
        ...common(o),
        accountId: resolve(o.accountId),
        name: o.name,
        stage: o.stage,
        amount: o.amount === null || o.amount === undefined ? null : BigInt(o.amount),
        currency: o.currency ?? "USD",
        closeDate: day(o.closeDate),
        probability: o.probability ?? null,
        nextStep: o.nextStep ?? null,
        lossReason: o.lossReason ?? null,
      };
    },
    (rows) => tx.opportunity.createMany({ data: rows }),
    ({ id, ...data }) => tx.opportunity.update({ where: { id }, data }),
  );
  const matchedOpportunityIds = [...opportunityMatches.values()];
  if (matchedOpportunityIds.length > 0) {
    await tx.opportunityStageChange.deleteMany({ where: { userId, opportunityId: { in: matchedOpportunityIds } } });
  }
  const stageChanges: Prisma.OpportunityStageChangeCreateManyInput[] = doc.opportunities.flatMap((o) =>
    (o.stageHistory ?? []).map((change, j, history) => ({
      userId,
      opportunityId: ids.get(o.id)!,
      fromStage: j > 0 ? history[j - 1]!.stage : null,
      stage: change.stage,
      at: time(change.at),
    })),
  );
  for (const part of chunks(stageChanges)) await tx.opportunityStageChange.createMany({ data: part });

  // Meetings, with attendees (replaced on update)
  const meetingMatches = await findMatches(userId, doc.meetings, (args) => tx.meeting.findMany(args));
  assign(doc.meetings, meetingMatches);
  const meetings = await upsertSection(
    doc.meetings,
    meetingMatches,
    (i): Prisma.MeetingCreateManyInput & { id: string } => {
      const m = doc.meetings[i]!;
      return {
        ...common(m),
        accountId: resolve(m.accountId),
        opportunityId: resolve(m.opportunityId),
        title: m.title,
        startsAt: time(m.startsAt),
        endsAt: time(m.endsAt),
        location: m.location ?? null,
      };
    },
    (rows) => tx.meeting.createMany({ data: rows }),
    ({ id, ...data }) => tx.meeting.update({ where: { id }, data }),
  );
  const matchedMeetingIds = [...meetingMatches.values()];
  if (matchedMeetingIds.length > 0) {
    await tx.meetingAttendee.deleteMany({ where: { userId, meetingId: { in: matchedMeetingIds } } });
  }
  const attendees: Prisma.MeetingAttendeeCreateManyInput[] = doc.meetings.flatMap((m) =>
    (m.attendees ?? []).map((attendee) =>
      attendee.includes("@")
        ? { userId, meetingId: ids.get(m.id)!, email: attendee.toLowerCase() }
        : { userId, meetingId: ids.get(m.id)!, prospectId: ids.get(attendee)! },
    ),
  );
  for (const part of chunks(attendees)) await tx.meetingAttendee.createMany({ data: part });

  // Notes (a meeting's notes are linked from the note's meetingId, or the meeting's notesId)
  const meetingOfNote = new Map<string, string>();
  for (const m of doc.meetings) if (m.notesId) meetingOfNote.set(m.notesId, m.id);
  const meetingByFileId = new Map(doc.meetings.map((m) => [m.id, m]));
  const noteMatches = await findMatches(userId, doc.notes, (args) => tx.note.findMany(args));
  assign(doc.notes, noteMatches);
  const notes = await upsertSection(
    doc.notes,
    noteMatches,
    (i): Prisma.NoteCreateManyInput & { id: string } => {
      const n = doc.notes[i]!;
      const meetingFileId = n.meetingId ?? meetingOfNote.get(n.id) ?? null;
      const meeting = meetingFileId ? meetingByFileId.get(meetingFileId) : undefined;
      return {
        ...common(n),
        meetingId: resolve(meetingFileId),
        accountId: resolve(n.accountId ?? meeting?.accountId),
        opportunityId: resolve(n.opportunityId ?? meeting?.opportunityId),
        prospectId: resolve(n.prospectId),
        body: n.body,
      };
    },
    (rows) => tx.note.createMany({ data: rows }),
    ({ id, ...data }) => tx.note.update({ where: { id }, data }),
  );

  // Conversations, with participants (replaced on update) and messages (matched like records)
  const conversationMatches = await findMatches(userId, doc.conversations, (args) => tx.conversation.findMany(args));
  assign(doc.conversations, conversationMatches);
  const conversations = await upsertSection(
    doc.conversations,
    conversationMatches,
    (i): Prisma.ConversationCreateManyInput & { id: string } => {
      const c = doc.conversations[i]!;
      const lastSent = c.messages.reduce<number | null>((max, m) => Math.max(max ?? 0, Date.parse(m.sentAt)), null);
      return {
        ...common(c),
        accountId: resolve(c.accountId),
        opportunityId: resolve(c.opportunityId),
        channel: c.channel,
        subject: c.subject,
        lastMessageAt: lastSent === null ? null : new Date(lastSent + shiftMs),
      };
    },
    (rows) => tx.conversation.createMany({ data: rows }),
    ({ id, ...data }) => tx.conversation.update({ where: { id }, data }),
  );
  const matchedConversationIds = [...conversationMatches.values()];
  if (matchedConversationIds.length > 0) {
    await tx.conversationParticipant.deleteMany({ where: { userId, conversationId: { in: matchedConversationIds } } });
  }
  const participants: Prisma.ConversationParticipantCreateManyInput[] = doc.conversations.flatMap((c) =>
    (c.participants ?? []).map((participant) =>
      participant.includes("@")
        ? { userId, conversationId: ids.get(c.id)!, email: participant.toLowerCase() }
        : { userId, conversationId: ids.get(c.id)!, prospectId: ids.get(participant)! },
    ),
  );
  for (const part of chunks(participants)) await tx.conversationParticipant.createMany({ data: part });

  const fileMessages = doc.conversations.flatMap((c) =>
    c.messages.map((m) => ({ ...m, source: c.source, conversationId: c.id, createdAt: m.sentAt, updatedAt: m.sentAt })),
  );
  const messageMatches = await findMatches(userId, fileMessages, (args) => tx.message.findMany(args));
  assign(fileMessages, messageMatches);
  const messages = await upsertSection(
    fileMessages,
    messageMatches,
    (i): Prisma.MessageCreateManyInput & { id: string } => {
      const m = fileMessages[i]!;
      const { updatedAt: _updatedAt, ...rest } = common(m);
      return {
        ...rest,
        conversationId: ids.get(m.conversationId)!,
        fromEmail: m.from.toLowerCase(),
        toEmails: m.to.map((address) => address.toLowerCase()),
        sentAt: time(m.sentAt),
        body: m.body,
      };
    },
    (rows) => tx.message.createMany({ data: rows }),
    ({ id, ...data }) => tx.message.update({ where: { id }, data }),
  );

  // Activities
  const activityMatches = await findMatches(userId, doc.activities, (args) => tx.activity.findMany(args));
  assign(doc.activities, activityMatches);
  const activities = await upsertSection(
    doc.activities,
    activityMatches,
    (i): Prisma.ActivityCreateManyInput & { id: string } => {
      const a = doc.activities[i]!;
      return {
        ...common(a),
        type: a.type,
        at: time(a.at),
        accountId: resolve(a.accountId),
        prospectId: resolve(a.prospectId),
        opportunityId: resolve(a.opportunityId),
        conversationId: resolve(a.conversationId),
        meetingId: resolve(a.meetingId),
        summary: a.summary,
      };
    },
    (rows) => tx.activity.createMany({ data: rows }),
    ({ id, ...data }) => tx.activity.update({ where: { id }, data }),
  );

  return { accounts, prospects, opportunities, conversations, messages, meetings, notes, activities };
}

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
import { jsonPath, type WorkspaceDocument } from "../workspace-format";
import { checkShiftedDates, validateWorkspace, type ImportProblem } from "./validate";

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

/** Problems found against the user's existing records, inside the transaction: it rolls back. */
class ImportConflict extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super("The workspace file conflicts with existing records.");
  }
}

/** Which record and constraint a unique violation (P2002) names, if the error is one. */
function uniqueViolation(error: unknown): { model: string; fields: string } | null {
  const known = error as { code?: unknown; meta?: { modelName?: unknown; target?: unknown } };
  if (known?.code !== "P2002") return null;
  const target = known.meta?.target;
  return {
    model: typeof known.meta?.modelName === "string" ? known.meta.modelName : "record",
    fields: Array.isArray(target) ? target.join(", ") : typeof target === "string" ? target : "a unique key",
  };
}

export async function importValidatedWorkspace(
  db: Db,
  userId: string,
  document: WorkspaceDocument,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const shiftedByMs =
    options.shiftReferenceDateTo && document.referenceDate
      ? options.shiftReferenceDateTo.getTime() - Date.parse(document.referenceDate)
      : 0;
  const shiftProblems = checkShiftedDates(document, shiftedByMs);
  if (shiftProblems.length > 0) return { ok: false, problems: shiftProblems };
  try {
    const counts = await db.$transaction((tx) => writeDocument(tx, userId, document, shiftedByMs), {
      // Large workspaces take a while; the default 5 s would abort them half-way (and roll back).
      timeout: 10 * 60_000,
      maxWait: 30_000,
    });
    return { ok: true, counts, shiftedByMs };
  } catch (error) {
    if (error instanceof ImportConflict) return { ok: false, problems: error.problems };
    // The checks before writing should leave none; if one slips through, the transaction has
    // rolled back and the user still gets words, not a 500.
    const violation = uniqueViolation(error);
    if (violation)
      return {
        ok: false,
        problems: [
          {
            path: "$",
            message: `a ${violation.model} in the file is the same as one already in your workspace (same ${violation.fields}); nothing was imported`,
          },
        ],
      };
    throw error;
  }
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

type Section = "accounts" | "prospects" | "opportunities" | "meetings" | "notes" | "conversations" | "activities";
type SectionMatches = { matches: Map<string, string>; existing: ExistingRow[] };

/** Finds the user's records that the file's records may be, a chunk at a time (bind parameters are
 *  limited), and maps each file id to the matching database id. */
async function findMatches(
  userId: string,
  records: Keyed[],
  findMany: (args: { where: ExistingWhere; select: typeof existingSelect }) => Promise<ExistingRow[]>,
): Promise<SectionMatches> {
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
  return { matches: matchExisting(records, existing), existing };
}

const singular: Record<Section | "messages", string> = {
  accounts: "account",
  prospects: "person",
  opportunities: "deal",
  conversations: "conversation",
  messages: "message",
  meetings: "meeting",
  notes: "note",
  activities: "activity",
};

/**
 * Matches that cannot all be written: two records of the file that are one existing record (one by
 * its externalId, the other by the file id an earlier import recorded), or a record matched by its
 * externalId while another existing record carries its file id from an earlier import (both would
 * then hold that id, which the database refuses). `paths` gives each file record's JSON path.
 */
function matchConflicts(
  section: Section | "messages",
  records: (Keyed & { path: (string | number)[] })[],
  { matches, existing }: SectionMatches,
  labels: Map<string, string>,
): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const name = singular[section];
  const label = (id: string) => (labels.get(id) ? `your ${name} “${labels.get(id)}”` : `one of your ${name}s`);
  const byImported = new Map(existing.flatMap((row) => (row.importedId ? [[row.importedId, row.id] as const] : [])));
  const claimedBy = new Map<string, (string | number)[]>();
  for (const record of records) {
    const target = matches.get(record.id);
    if (!target) continue;
    const first = claimedBy.get(target);
    if (first) {
      problems.push({
        path: jsonPath(record.path),
        message: `is the same record as ${jsonPath(first)}: both are ${label(target)} (one by its externalId, the other by its id from an earlier import); keep one of them`,
      });
      continue;
    }
    claimedBy.set(target, record.path);
    const holder = byImported.get(record.id);
    if (holder && holder !== target) {
      problems.push({
        path: jsonPath([...record.path, "externalId"]),
        message: `matches ${label(target)}, but ${label(holder)} was imported from this same id ("${record.id}") before; give this record a new id, or change its externalId`,
      });
    }
  }
  return problems;
}

const existingSelect = { id: true, source: true, externalId: true, importedId: true } as const;

/** The user-facing names of some existing records, for messages about them. */
async function labelsOf(tx: Tx, section: Section | "messages", ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const where = { id: { in: ids } };
  const rows: { id: string; label: string }[] =
    section === "accounts"
      ? (await tx.account.findMany({ where, select: { id: true, name: true } })).map((r) => ({
          id: r.id,
          label: r.name,
        }))
      : section === "prospects"
        ? (await tx.prospect.findMany({ where, select: { id: true, firstName: true, lastName: true } })).map((r) => ({
            id: r.id,
            label: `${r.firstName} ${r.lastName}`.trim(),
          }))
        : section === "opportunities"
          ? (await tx.opportunity.findMany({ where, select: { id: true, name: true } })).map((r) => ({
              id: r.id,
              label: r.name,
            }))
          : section === "meetings"
            ? (await tx.meeting.findMany({ where, select: { id: true, title: true } })).map((r) => ({
                id: r.id,
                label: r.title,
              }))
            : section === "conversations"
              ? (await tx.conversation.findMany({ where, select: { id: true, subject: true } })).map((r) => ({
                  id: r.id,
                  label: r.subject,
                }))
              : section === "messages"
                ? (await tx.message.findMany({ where, select: { id: true, fromEmail: true, sentAt: true } })).map(
                    (r) => ({ id: r.id, label: `from ${r.fromEmail}, ${r.sentAt.toISOString().slice(0, 10)}` }),
                  )
                : section === "notes"
                  ? (await tx.note.findMany({ where, select: { id: true, body: true } })).map((r) => ({
                      id: r.id,
                      label: snippet(r.body),
                    }))
                  : (await tx.activity.findMany({ where, select: { id: true, summary: true } })).map((r) => ({
                      id: r.id,
                      label: snippet(r.summary),
                    }));
  return new Map(rows.map((r) => [r.id, r.label]));
}

/** The start of a long text, cut between code points (never inside a surrogate pair). */
function snippet(text: string, length = 40): string {
  const points = Array.from(text.replace(/\s+/g, " ").trim());
  return points.length > length ? `${points.slice(0, length).join("")}…` : points.join("");
}

/**
 * What the file would break in the user's existing workspace (unique keys), as problems with JSON
 * paths, found before writing: matches two file records share or that collide on an earlier
 * import's id, and a note for a meeting that already has other notes (a meeting has one).
 */
async function findConflicts(
  tx: Tx,
  userId: string,
  doc: WorkspaceDocument,
  fileMessages: (Keyed & { path: (string | number)[] })[],
  found: Record<Section | "messages", SectionMatches>,
): Promise<ImportProblem[]> {
  const sections: [Section | "messages", (Keyed & { path: (string | number)[] })[]][] = [
    ["accounts", doc.accounts.map((r, i) => ({ ...r, path: ["accounts", i] }))],
    ["prospects", doc.prospects.map((r, i) => ({ ...r, path: ["prospects", i] }))],
    ["opportunities", doc.opportunities.map((r, i) => ({ ...r, path: ["opportunities", i] }))],
    ["meetings", doc.meetings.map((r, i) => ({ ...r, path: ["meetings", i] }))],
    ["notes", doc.notes.map((r, i) => ({ ...r, path: ["notes", i] }))],
    ["conversations", doc.conversations.map((r, i) => ({ ...r, path: ["conversations", i] }))],
    ["messages", fileMessages],
    ["activities", doc.activities.map((r, i) => ({ ...r, path: ["activities", i] }))],
  ];
  const problems: ImportProblem[] = [];
  for (const [section, records] of sections) {
    const unnamed = matchConflicts(section, records, found[section], new Map());
    if (unnamed.length === 0) continue;
    // Rare: only now are the records' names worth a query.
    const labels = await labelsOf(
      tx,
      section,
      found[section].existing.map((row) => row.id),
    );
    problems.push(...matchConflicts(section, records, found[section], labels));
  }

  // A meeting has at most one note (notes.meetingId is unique): a note of the file for an existing
  // meeting must be that meeting's note, or the meeting must have none yet.
  const meetingOfNote = new Map<string, string>();
  for (const m of doc.meetings) if (m.notesId) meetingOfNote.set(m.notesId, m.id);
  const noteTargets = new Set(found.notes.matches.values());
  const wanted = doc.notes.flatMap((n, i) => {
    const meetingFileId = n.meetingId ?? meetingOfNote.get(n.id);
    const meetingId = meetingFileId ? found.meetings.matches.get(meetingFileId) : undefined;
    return meetingFileId && meetingId ? [{ note: n, index: i, meetingFileId, meetingId }] : [];
  });
  if (wanted.length > 0) {
    const existingNotes = await tx.note.findMany({
      where: { userId, meetingId: { in: wanted.map((w) => w.meetingId) } },
      select: { id: true, meetingId: true },
    });
    const noteOfMeeting = new Map(existingNotes.map((n) => [n.meetingId!, n.id]));
    const clashes = wanted.filter(({ note, meetingId }) => {
      const existing = noteOfMeeting.get(meetingId);
      return existing !== undefined && existing !== found.notes.matches.get(note.id) && !noteTargets.has(existing);
    });
    if (clashes.length > 0) {
      const titles = await labelsOf(
        tx,
        "meetings",
        clashes.map((c) => c.meetingId),
      );
      for (const { note, index, meetingFileId, meetingId } of clashes) {
        const title = titles.get(meetingId);
        problems.push({
          path: jsonPath(note.meetingId ? ["notes", index, "meetingId"] : ["notes", index]),
          message: `meeting "${meetingFileId}"${title ? ` (your meeting “${title}”)` : ""} already has notes in your workspace, and a meeting has one; add this text to those notes, or remove this note from the file`,
        });
      }
    }
  }
  return problems;
}

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

  // Every file record's existing match, found before anything is written (a section's matches do
  // not depend on another's writes), so conflicts are refused while the workspace is untouched.
  const fileMessages = doc.conversations.flatMap((c, i) =>
    c.messages.map((m, j) => ({
      ...m,
      source: c.source,
      conversationId: c.id,
      createdAt: m.sentAt,
      updatedAt: m.updatedAt ?? m.sentAt,
      path: ["conversations", i, "messages", j],
    })),
  );
  const found = {
    accounts: await findMatches(userId, doc.accounts, (args) => tx.account.findMany(args)),
    prospects: await findMatches(userId, doc.prospects, (args) => tx.prospect.findMany(args)),
    opportunities: await findMatches(userId, doc.opportunities, (args) => tx.opportunity.findMany(args)),
    meetings: await findMatches(userId, doc.meetings, (args) => tx.meeting.findMany(args)),
    notes: await findMatches(userId, doc.notes, (args) => tx.note.findMany(args)),
    conversations: await findMatches(userId, doc.conversations, (args) => tx.conversation.findMany(args)),
    messages: await findMatches(userId, fileMessages, (args) => tx.message.findMany(args)),
    activities: await findMatches(userId, doc.activities, (args) => tx.activity.findMany(args)),
  };
  const conflicts = await findConflicts(tx, userId, doc, fileMessages, found);
  if (conflicts.length > 0) throw new ImportConflict(conflicts);

  // Accounts
  const accountMatches = found.accounts.matches;
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
  const prospectMatches = found.prospects.matches;
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
  const opportunityMatches = found.opportunities.matches;
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
        crmStage: o.crmStage ?? null,
        crmStageUnmapped: o.crmStageUnmapped ?? false,
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
      crmStage: change.crmStage ?? null,
      source: change.source ?? "manual",
      externalId: change.source && change.source !== "manual" ? (change.externalId ?? null) : null,
    })),
  );
  for (const part of chunks(stageChanges)) await tx.opportunityStageChange.createMany({ data: part });

  // Meetings, with attendees (replaced on update)
  const meetingMatches = found.meetings.matches;
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
        cancelledAt: m.cancelledAt ? time(m.cancelledAt) : null,
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
  const noteMatches = found.notes.matches;
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
  const conversationMatches = found.conversations.matches;
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

  const messageMatches = found.messages.matches;
  assign(fileMessages, messageMatches);
  const messages = await upsertSection(
    fileMessages,
    messageMatches,
    (i): Prisma.MessageCreateManyInput & { id: string } => {
      const m = fileMessages[i]!;
      return {
        ...common(m),
        conversationId: ids.get(m.conversationId)!,
        fromEmail: m.from.toLowerCase(),
        toEmails: m.to.map((address) => address.toLowerCase()),
        sentAt: time(m.sentAt),
        body: m.body,
        quotedText: m.quotedText ?? null,
        attachmentNames: m.attachmentNames ?? [],
        rfcMessageId: m.rfcMessageId ?? null,
      };
    },
    (rows) => tx.message.createMany({ data: rows }),
    ({ id, ...data }) => tx.message.update({ where: { id }, data }),
  );

  // Activities
  const activityMatches = found.activities.matches;
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

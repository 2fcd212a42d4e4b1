// Validates a whole workspace document before anything is written: the shape (zod), then the
// references between records. Every problem is reported at once, each with its JSON path, so a user
// can fix a file in one pass.
import { DATE_RANGE, isInDateRange, nulPaths } from "../../crm/limits";
import { idPrefixes, jsonPath, workspaceDocumentSchema, type WorkspaceDocument } from "../workspace-format";

export type ImportProblem = { path: string; message: string };

export type ValidationResult = { ok: true; document: WorkspaceDocument } | { ok: false; problems: ImportProblem[] };

/** The most problems reported for one file; past this the rest is summarised in one line. */
export const MAX_REPORTED_PROBLEMS = 500;

/** Parses JSON text (an uploaded file) and validates it. */
export function parseWorkspaceJson(text: string): ValidationResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unreadable";
    return { ok: false, problems: [{ path: "$", message: `is not valid JSON: ${reason}` }] };
  }
  return validateWorkspace(value);
}

export function validateWorkspace(value: unknown): ValidationResult {
  // PostgreSQL text cannot hold U+0000: every string of the file (and every key) is checked.
  const nul = nulPaths(value, MAX_REPORTED_PROBLEMS + 1).map((path) => ({
    path: jsonPath(path),
    message: "contains the NUL character (\\u0000), which cannot be stored; remove it",
  }));
  const parsed = workspaceDocumentSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: capped([
        ...nul,
        ...parsed.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message })),
      ]),
    };
  }
  const problems = [...nul, ...checkReferences(parsed.data)];
  return problems.length > 0 ? { ok: false, problems: capped(problems) } : { ok: true, document: parsed.data };
}

const DAY_MS = 86_400_000;

/**
 * Where shifting the file's dates by `shiftMs` (an import's "make the reference date today") would
 * move a date out of the range the product stores. The file's own dates were checked by the schema;
 * a shift of centuries (a referenceDate in 1900) could still push them out.
 */
export function checkShiftedDates(doc: WorkspaceDocument, shiftMs: number): ImportProblem[] {
  if (shiftMs === 0) return [];
  const problems: ImportProblem[] = [];
  const dayShiftMs = Math.round(shiftMs / DAY_MS) * DAY_MS;
  const check = (iso: string | null | undefined, path: (string | number)[], calendarDay = false) => {
    if (!iso) return;
    const moved = calendarDay ? Date.parse(`${iso}T00:00:00Z`) + dayShiftMs : Date.parse(iso) + shiftMs;
    if (isInDateRange(moved)) return;
    const to = Number.isFinite(moved) && Math.abs(moved) <= 8.64e15 ? new Date(moved).toISOString().slice(0, 10) : "?";
    problems.push({
      path: jsonPath(path),
      message: `would move to ${to} when shifted to today, outside ${DATE_RANGE.firstYear}–${DATE_RANGE.lastYear}; import without shifting, or fix referenceDate`,
    });
  };
  const records = (section: keyof typeof kindNames, list: { createdAt: string; updatedAt: string }[]) =>
    list.forEach((r, i) => {
      check(r.createdAt, [section, i, "createdAt"]);
      check(r.updatedAt, [section, i, "updatedAt"]);
    });
  records("accounts", doc.accounts);
  records("prospects", doc.prospects);
  records("opportunities", doc.opportunities);
  doc.opportunities.forEach((o, i) => {
    check(o.closeDate, ["opportunities", i, "closeDate"], true);
    o.stageHistory?.forEach((change, j) => check(change.at, ["opportunities", i, "stageHistory", j, "at"]));
  });
  records("conversations", doc.conversations);
  doc.conversations.forEach((c, i) =>
    c.messages.forEach((m, j) => check(m.sentAt, ["conversations", i, "messages", j, "sentAt"])),
  );
  records("meetings", doc.meetings);
  doc.meetings.forEach((m, i) => {
    check(m.startsAt, ["meetings", i, "startsAt"]);
    check(m.endsAt, ["meetings", i, "endsAt"]);
  });
  records("notes", doc.notes);
  records("activities", doc.activities);
  doc.activities.forEach((a, i) => check(a.at, ["activities", i, "at"]));
  return capped(problems);
}

function capped(problems: ImportProblem[]): ImportProblem[] {
  if (problems.length <= MAX_REPORTED_PROBLEMS) return problems;
  return [
    ...problems.slice(0, MAX_REPORTED_PROBLEMS),
    { path: "$", message: `and ${problems.length - MAX_REPORTED_PROBLEMS} more problems` },
  ];
}

const kindNames = {
  accounts: "account",
  prospects: "prospect",
  opportunities: "opportunity",
  conversations: "conversation",
  messages: "message",
  meetings: "meeting",
  notes: "note",
  activities: "activity",
} as const;
type Kind = keyof typeof kindNames;

function checkReferences(doc: WorkspaceDocument): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path: jsonPath(path), message });

  // Ids are unique across the whole file (each is also type-prefixed, which zod checked).
  const seenIds = new Map<string, string>();
  const ids: Record<Kind, Set<string>> = {
    accounts: new Set(),
    prospects: new Set(),
    opportunities: new Set(),
    conversations: new Set(),
    messages: new Set(),
    meetings: new Set(),
    notes: new Set(),
    activities: new Set(),
  };
  const claimId = (kind: Kind, id: string, path: (string | number)[]) => {
    const first = seenIds.get(id);
    if (first) add([...path, "id"], `duplicates the id of ${first}`);
    else seenIds.set(id, jsonPath(path));
    ids[kind].add(id);
  };
  doc.accounts.forEach((r, i) => claimId("accounts", r.id, ["accounts", i]));
  doc.prospects.forEach((r, i) => claimId("prospects", r.id, ["prospects", i]));
  doc.opportunities.forEach((r, i) => claimId("opportunities", r.id, ["opportunities", i]));
  doc.conversations.forEach((r, i) => {
    claimId("conversations", r.id, ["conversations", i]);
    r.messages.forEach((m, j) => claimId("messages", m.id, ["conversations", i, "messages", j]));
  });
  doc.meetings.forEach((r, i) => claimId("meetings", r.id, ["meetings", i]));
  doc.notes.forEach((r, i) => claimId("notes", r.id, ["notes", i]));
  doc.activities.forEach((r, i) => claimId("activities", r.id, ["activities", i]));

  const ref = (kind: Kind, value: string | null | undefined, path: (string | number)[]) => {
    if (value === null || value === undefined) return;
    if (!value.startsWith(idPrefixes[kind])) {
      const name = kindNames[kind];
      add(
        path,
        `must refer to ${/^[aeiou]/.test(name) ? "an" : "a"} ${name} (an id starting with "${idPrefixes[kind]}"), got "${value}"`,
      );
    } else if (!ids[kind].has(value)) {
      add(path, `refers to ${kindNames[kind]} "${value}", which is not in the file`);
    }
  };

  // (source, externalId) identifies a provider record: two records of a section may not share it.
  type External = { source: string; externalId?: string | null; path: (string | number)[] };
  const checkExternalIdsAt = (records: External[]) => {
    const seen = new Map<string, string>();
    for (const r of records) {
      if (!r.externalId) continue;
      const key = `${r.source}\u0000${r.externalId}`;
      const first = seen.get(key);
      if (first !== undefined) add([...r.path, "externalId"], `duplicates (source, externalId) of ${first}`);
      else seen.set(key, jsonPath(r.path));
    }
  };
  const checkExternalIds = (section: string, records: { source: string; externalId?: string | null }[]) =>
    checkExternalIdsAt(records.map((r, i) => ({ ...r, path: [section, i] })));

  const notesById = new Map(doc.notes.map((n) => [n.id, n]));
  const meetingById = new Map(doc.meetings.map((m) => [m.id, m]));

  doc.prospects.forEach((p, i) => ref("accounts", p.accountId, ["prospects", i, "accountId"]));
  doc.opportunities.forEach((o, i) => {
    ref("accounts", o.accountId, ["opportunities", i, "accountId"]);
    o.stageHistory?.forEach((change, j) => {
      const previous = o.stageHistory?.[j - 1];
      if (previous && Date.parse(change.at) < Date.parse(previous.at)) {
        add(["opportunities", i, "stageHistory", j, "at"], "must not be earlier than the entry before it");
      }
    });
  });
  doc.conversations.forEach((c, i) => {
    ref("accounts", c.accountId, ["conversations", i, "accountId"]);
    ref("opportunities", c.opportunityId, ["conversations", i, "opportunityId"]);
    c.participants?.forEach((participant, j) => {
      // A participant is a prospect of the file or a plain email address.
      if (participant.includes("@")) return;
      ref("prospects", participant, ["conversations", i, "participants", j]);
    });
  });
  doc.meetings.forEach((m, i) => {
    ref("accounts", m.accountId, ["meetings", i, "accountId"]);
    ref("opportunities", m.opportunityId, ["meetings", i, "opportunityId"]);
    m.attendees?.forEach((attendee, j) => {
      if (attendee.includes("@")) return;
      ref("prospects", attendee, ["meetings", i, "attendees", j]);
    });
    if (m.notesId) {
      ref("notes", m.notesId, ["meetings", i, "notesId"]);
      const note = notesById.get(m.notesId);
      if (note && note.meetingId && note.meetingId !== m.id) {
        add(["meetings", i, "notesId"], `refers to note "${m.notesId}", which belongs to meeting "${note.meetingId}"`);
      }
    }
  });
  const meetingOfNote = new Map<string, number>();
  doc.notes.forEach((n, i) => {
    ref("meetings", n.meetingId, ["notes", i, "meetingId"]);
    ref("accounts", n.accountId, ["notes", i, "accountId"]);
    ref("opportunities", n.opportunityId, ["notes", i, "opportunityId"]);
    ref("prospects", n.prospectId, ["notes", i, "prospectId"]);
    if (!n.meetingId && !n.accountId && !n.opportunityId && !n.prospectId) {
      add(["notes", i], "must belong to a meeting, an account, an opportunity or a prospect");
    }
    if (n.meetingId) {
      const first = meetingOfNote.get(n.meetingId);
      if (first !== undefined)
        add(["notes", i, "meetingId"], `meeting "${n.meetingId}" already has notes ($.notes[${first}])`);
      else meetingOfNote.set(n.meetingId, i);
      const meeting = meetingById.get(n.meetingId);
      if (meeting?.notesId && meeting.notesId !== n.id) {
        add(["notes", i, "meetingId"], `meeting "${n.meetingId}" names "${meeting.notesId}" as its notes`);
      }
    }
  });
  doc.activities.forEach((a, i) => {
    ref("accounts", a.accountId, ["activities", i, "accountId"]);
    ref("prospects", a.prospectId, ["activities", i, "prospectId"]);
    ref("opportunities", a.opportunityId, ["activities", i, "opportunityId"]);
    ref("conversations", a.conversationId, ["activities", i, "conversationId"]);
    ref("meetings", a.meetingId, ["activities", i, "meetingId"]);
  });

  // A conversation or meeting may name an account other than its deal's: the product allows it (a
  // deal can move to another account), so a file exported from it must import.

  checkExternalIds("accounts", doc.accounts);
  checkExternalIds("prospects", doc.prospects);
  checkExternalIds("opportunities", doc.opportunities);
  checkExternalIds("conversations", doc.conversations);
  // A message's source is its conversation's, and the database keeps the pair unique among all of
  // the user's messages, not per conversation.
  checkExternalIdsAt(
    doc.conversations.flatMap((c, i) =>
      c.messages.map((m, j) => ({
        source: c.source,
        externalId: m.externalId,
        path: ["conversations", i, "messages", j],
      })),
    ),
  );
  checkExternalIds("meetings", doc.meetings);
  checkExternalIds("notes", doc.notes);
  checkExternalIds("activities", doc.activities);

  return problems;
}

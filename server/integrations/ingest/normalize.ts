// Every change is checked and cleaned before anything is written: a provider's answer is a trust
// boundary even after the provider module parsed it. What cannot be made valid is skipped with a
// reason; text that is merely too long is cut to what the product stores (server/crm/limits.ts), so
// a huge message is kept, not lost.
import { z } from "zod";
import { isInDateRange, maxLengths } from "../../crm/limits";
import { MAX_ATTACHMENT_NAME, MAX_ATTACHMENTS } from "../../data-rights/workspace-format";
import { truncateText } from "../../utils/text";
import type { SkipReason, SyncChange, SyncedEmail, SyncedMeeting, SyncedPerson } from "../types";
import { normalizeAddress } from "./people";

/** Most recipients (to + cc) or attendees we keep for one item; past that, the rest are dropped. */
export const MAX_PEOPLE_PER_ITEM = 200;

const person = z.object({ email: z.string(), name: z.string().nullable() });
const validDate = z.date().refine((d) => !Number.isNaN(d.getTime()));
const emailShape = z.object({
  kind: z.literal("email"),
  externalId: z.string(),
  threadId: z.string(),
  rfcMessageId: z.string().nullable(),
  subject: z.string(),
  from: person,
  to: z.array(person),
  cc: z.array(person),
  sentAt: z.instanceof(Date),
  body: z.string(),
  quotedText: z.string().nullable(),
  attachmentNames: z.array(z.string()),
});
const meetingShape = z.object({
  kind: z.literal("meeting"),
  externalId: z.string(),
  title: z.string(),
  startsAt: z.instanceof(Date),
  endsAt: z.instanceof(Date),
  location: z.string().nullable(),
  organizer: person.nullable(),
  attendees: z.array(person),
  cancelled: z.boolean(),
});
const idOnly = z.object({ kind: z.enum(["email_removed", "meeting_cancelled"]), externalId: z.string() });

/** A person as stored: a valid lower-case address and a cleaned name. */
export type Person = SyncedPerson;

export type CleanEmail = {
  kind: "email";
  externalId: string;
  threadId: string;
  rfcMessageId: string | null;
  subject: string;
  from: Person;
  /** to + cc, de-duplicated, in order. */
  recipients: Person[];
  sentAt: Date;
  body: string;
  quotedText: string | null;
  attachmentNames: string[];
};

export type CleanMeeting = {
  kind: "meeting";
  externalId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  /** Organizer first (when there is one), then the attendees; de-duplicated. */
  people: Person[];
  cancelled: boolean;
};

export type CleanChange =
  | CleanEmail
  | CleanMeeting
  | { kind: "email_removed"; externalId: string }
  | { kind: "meeting_cancelled"; externalId: string };

export type Cleaned = { ok: true; change: CleanChange } | { ok: false; externalId: string; reason: SkipReason };

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** PostgreSQL text cannot hold U+0000; a lone surrogate would be stored as U+FFFD anyway. */
function storable(text: string): string {
  return text.replaceAll("\u0000", "").replace(LONE_SURROGATE, "\ufffd");
}

/** Text cut to `max` (with an ellipsis), made storable first. */
function clip(text: string, max: number): string {
  return truncateText(storable(text), max);
}

function cleanName(name: string | null): string | null {
  if (name === null) return null;
  const cleaned = truncateText(storable(name).replace(/\s+/g, " ").trim(), 200, "");
  return cleaned || null;
}

function cleanPeople(people: readonly { email: string; name: string | null }[]): Person[] {
  const seen = new Set<string>();
  const out: Person[] = [];
  for (const p of people) {
    const email = normalizeAddress(storable(p.email));
    if (!email || seen.has(email)) continue;
    seen.add(email);
    out.push({ email, name: cleanName(p.name) });
    if (out.length >= MAX_PEOPLE_PER_ITEM) break;
  }
  return out;
}

function cleanId(raw: string): string | null {
  const id = raw.trim();
  return id.length > 0 && id.length <= maxLengths.externalId && !id.includes("\u0000") ? id : null;
}

/** The Message-ID as stored: no angle brackets, no whitespace; null when absent or unusable. */
function cleanRfcMessageId(raw: string | null): string | null {
  if (raw === null) return null;
  const id = raw.trim().replace(/^<|>$/g, "").trim();
  return id.length > 0 && id.length <= maxLengths.externalId && !/\s/.test(id) && !id.includes("\u0000") ? id : null;
}

/** A reply's "Re:"/"Fwd:" prefixes, however many and in the common languages' spellings. */
const REPLY_PREFIX = /^\s*((re|fwd?|aw|wg|sv|vs|tr|rv|antw)\s*(\[\d+\])?\s*:\s*)+/i;

/** The thread's subject from one of its messages: what the first message said, without "Re:". */
export function threadSubject(subject: string): string {
  const bare = subject.replace(REPLY_PREFIX, "").trim();
  return bare || subject.trim() || "(no subject)";
}

function idOf(change: unknown): string {
  if (change && typeof change === "object" && "externalId" in change && typeof change.externalId === "string")
    return truncateText(change.externalId, maxLengths.externalId, "");
  return "";
}

export function cleanChange(change: SyncChange): Cleaned {
  const kind = (change as { kind?: unknown }).kind;
  if (kind === "email") return cleanEmail(change as SyncedEmail);
  if (kind === "meeting") return cleanMeeting(change as SyncedMeeting);
  const parsed = idOnly.safeParse(change);
  if (!parsed.success) return { ok: false, externalId: idOf(change), reason: "malformed" };
  const externalId = cleanId(parsed.data.externalId);
  if (!externalId) return { ok: false, externalId: idOf(change), reason: "malformed" };
  return { ok: true, change: { kind: parsed.data.kind, externalId } };
}

function cleanEmail(raw: SyncedEmail): Cleaned {
  const parsed = emailShape.safeParse(raw);
  if (!parsed.success) return { ok: false, externalId: idOf(raw), reason: "malformed" };
  const email = parsed.data;
  const externalId = cleanId(email.externalId);
  const threadId = cleanId(email.threadId);
  if (!externalId || !threadId) return { ok: false, externalId: idOf(raw), reason: "malformed" };
  if (!validDate.safeParse(email.sentAt).success) return { ok: false, externalId, reason: "missing_field" };
  if (!isInDateRange(email.sentAt)) return { ok: false, externalId, reason: "malformed" };
  const [from] = cleanPeople([email.from]);
  if (!from) return { ok: false, externalId, reason: "missing_field" };
  const recipients = cleanPeople([...email.to, ...email.cc]).filter((p) => p.email !== from.email);
  const quoted = email.quotedText === null ? null : clip(email.quotedText, maxLengths.messageBody);
  return {
    ok: true,
    change: {
      kind: "email",
      externalId,
      threadId,
      rfcMessageId: cleanRfcMessageId(email.rfcMessageId),
      subject: clip(email.subject.replace(/\s+/g, " ").trim(), maxLengths.subject),
      from,
      recipients,
      sentAt: email.sentAt,
      body: clip(email.body, maxLengths.messageBody),
      quotedText: quoted && quoted.trim() ? quoted : null,
      attachmentNames: email.attachmentNames
        .map((name) => clip(name.replace(/\s+/g, " ").trim(), MAX_ATTACHMENT_NAME))
        .filter(Boolean)
        .slice(0, MAX_ATTACHMENTS),
    },
  };
}

function cleanMeeting(raw: SyncedMeeting): Cleaned {
  const parsed = meetingShape.safeParse(raw);
  if (!parsed.success) return { ok: false, externalId: idOf(raw), reason: "malformed" };
  const meeting = parsed.data;
  const externalId = cleanId(meeting.externalId);
  if (!externalId) return { ok: false, externalId: idOf(raw), reason: "malformed" };
  if (!validDate.safeParse(meeting.startsAt).success || !validDate.safeParse(meeting.endsAt).success)
    return { ok: false, externalId, reason: "missing_field" };
  if (!isInDateRange(meeting.startsAt) || !isInDateRange(meeting.endsAt) || meeting.endsAt < meeting.startsAt)
    return { ok: false, externalId, reason: "malformed" };
  const title = clip(meeting.title.replace(/\s+/g, " ").trim(), maxLengths.meetingTitle);
  const location = meeting.location === null ? null : clip(meeting.location.trim(), maxLengths.location);
  return {
    ok: true,
    change: {
      kind: "meeting",
      externalId,
      title: title || "(no title)",
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      location: location || null,
      people: cleanPeople([...(meeting.organizer ? [meeting.organizer] : []), ...meeting.attendees]),
      cancelled: meeting.cancelled,
    },
  };
}

// The workspace JSON format, version 1 (docs/workspace-format.md): one document holds a seller's
// whole workspace. Export writes it, import and the demo seed read it. This module is the one place
// that knows its shape; readers ignore unknown fields (zod strips them) and keep going.
import { z } from "zod";
import { DATE_RANGE, EMPLOYEE_COUNT_MAX, isOutOfDateRange, maxLengths } from "../crm/limits";

export const WORKSPACE_FORMAT = "salesascode.workspace";
export const WORKSPACE_VERSION = 1;

export const recordSources = ["manual", "gmail", "gcal", "salesforce", "outreach"] as const;
export const prospectRoles = ["champion", "economic_buyer", "technical_evaluator", "blocker", "user", "other"] as const;
export const opportunityStages = [
  "prospecting",
  "discovery",
  "demo",
  "evaluation",
  "proposal",
  "negotiation",
  "closed_won",
  "closed_lost",
] as const;
export const conversationChannels = ["email", "call", "linkedin"] as const;
export const activityTypes = [
  "email_sent",
  "email_received",
  "meeting_held",
  "call_logged",
  "stage_changed",
  "sequence_step",
  "task_completed",
  "note_added",
] as const;

/** The id prefix each section's records carry. */
export const idPrefixes = {
  accounts: "acc_",
  prospects: "pro_",
  opportunities: "opp_",
  conversations: "cnv_",
  messages: "msg_",
  meetings: "mtg_",
  notes: "note_",
  activities: "act_",
} as const;

// Limits are the API's (server/crm/inputs.ts), so whatever the product stores exports and imports
// again, and a file cannot hold what the database would refuse (a year past 9999, a 20 MB name).
const inDateRange = `must be between ${DATE_RANGE.firstYear} and ${DATE_RANGE.lastYear}`;
const timestamp = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-16T09:00:00Z" })
  .refine((value) => !isOutOfDateRange(Date.parse(value)), inDateRange);
const calendarDate = z.iso
  .date({ message: "must be an ISO 8601 date, e.g. 2026-12-31" })
  .refine((value) => !isOutOfDateRange(Date.parse(`${value}T00:00:00Z`)), inDateRange);
const atMost = (max: number) => `must be at most ${max.toLocaleString("en-US")} characters`;
/** Text of at most `max` characters. */
const text = (max: number) => z.string().max(max, atMost(max));
/** Optional text: absent, null, or a string of at most `max` characters. */
const optionalText = (max: number) => text(max).nullish();
/** Required text: trimmed, not empty. */
const requiredText = (max: number) => z.string().trim().min(1, "is required").max(max, atMost(max));
/** Optional reference to another record of the file (checked by the importer). */
const optionalRef = z.string().min(1).max(maxLengths.fileId, atMost(maxLengths.fileId)).nullish();
/** An email address, or a prospect id of the file (participants, attendees). */
const personRef = z.string().min(1).max(maxLengths.email, atMost(maxLengths.email));

function fileId(prefix: string) {
  return z
    .string()
    .min(prefix.length + 1, `must be an id starting with "${prefix}"`)
    .max(maxLengths.fileId, atMost(maxLengths.fileId))
    .startsWith(prefix, `must be an id starting with "${prefix}"`);
}

const common = {
  createdAt: timestamp,
  updatedAt: timestamp,
  source: z.enum(recordSources),
  externalId: optionalText(maxLengths.externalId),
};

export const accountSchema = z.object({
  id: fileId(idPrefixes.accounts),
  ...common,
  name: requiredText(maxLengths.accountName),
  domain: optionalText(maxLengths.domain),
  industry: optionalText(maxLengths.industry),
  employeeCount: z
    .number()
    .int()
    .nonnegative()
    .max(EMPLOYEE_COUNT_MAX, `must be at most ${EMPLOYEE_COUNT_MAX.toLocaleString("en-US")}`)
    .nullish(),
  hqCity: optionalText(maxLengths.city),
  tier: optionalText(maxLengths.tier),
  description: optionalText(maxLengths.accountDescription),
  ownerNotes: optionalText(maxLengths.ownerNotes),
});

export const prospectSchema = z.object({
  id: fileId(idPrefixes.prospects),
  ...common,
  accountId: optionalRef,
  firstName: requiredText(maxLengths.firstName),
  lastName: text(maxLengths.lastName),
  title: optionalText(maxLengths.jobTitle),
  email: optionalText(maxLengths.email),
  phone: optionalText(maxLengths.phone),
  linkedinUrl: optionalText(maxLengths.url),
  role: z.enum(prospectRoles).nullish(),
  status: optionalText(maxLengths.prospectStatus),
});

/** The longest CRM stage label kept (Salesforce's picklist values are at most 255 characters). */
export const MAX_CRM_STAGE = 255;

export const stageChangeSchema = z.object({
  stage: z.enum(opportunityStages),
  at: timestamp,
  /** The stage as the seller's CRM named it, and the CRM's entry it came from (a synced deal's history). */
  crmStage: optionalText(MAX_CRM_STAGE),
  source: z.enum(recordSources).nullish(),
  externalId: optionalText(maxLengths.externalId),
});

export const opportunitySchema = z.object({
  id: fileId(idPrefixes.opportunities),
  ...common,
  accountId: optionalRef,
  name: requiredText(maxLengths.dealName),
  stage: z.enum(opportunityStages),
  amount: z
    .number()
    .int("must be an integer number of minor units (cents)")
    .nonnegative()
    // Past 2^53 a JSON number is no longer the number written.
    .max(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER}`)
    .nullish(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 4217 currency code such as USD")
    .nullish(),
  closeDate: calendarDate.nullish(),
  probability: z.number().int().min(0).max(100).nullish(),
  nextStep: optionalText(maxLengths.nextStep),
  lossReason: optionalText(maxLengths.lossReason),
  /** The stage as the seller's CRM names it, and whether it maps onto none of ours (a synced deal). */
  crmStage: optionalText(MAX_CRM_STAGE),
  crmStageUnmapped: z.boolean().nullish(),
  stageHistory: z.array(stageChangeSchema).nullish(),
});

/** Most attachment names a message keeps, and the longest name (their content is never stored). */
export const MAX_ATTACHMENTS = 100;
export const MAX_ATTACHMENT_NAME = 255;

export const messageSchema = z.object({
  id: fileId(idPrefixes.messages),
  from: z.string().min(1, "is required").max(maxLengths.email, atMost(maxLengths.email)),
  to: z.array(text(maxLengths.email)),
  sentAt: timestamp,
  body: text(maxLengths.messageBody),
  externalId: optionalText(maxLengths.externalId),
  /** The quoted history trimmed from `body` (synced mail), kept for display. */
  quotedText: optionalText(maxLengths.messageBody),
  /** Attachments by file name only. */
  attachmentNames: z
    .array(text(MAX_ATTACHMENT_NAME))
    .max(MAX_ATTACHMENTS, `must list at most ${MAX_ATTACHMENTS} attachments`)
    .nullish(),
  /** RFC 5322 Message-ID without angle brackets: the same email seen twice is one message. */
  rfcMessageId: optionalText(maxLengths.externalId),
  updatedAt: timestamp.nullish(),
});

export const conversationSchema = z.object({
  id: fileId(idPrefixes.conversations),
  ...common,
  accountId: optionalRef,
  opportunityId: optionalRef,
  channel: z.enum(conversationChannels),
  subject: text(maxLengths.subject),
  /** Prospect ids (`pro_…`) and plain email addresses (the owner's). */
  participants: z.array(personRef).nullish(),
  messages: z.array(messageSchema),
});

export const meetingSchema = z
  .object({
    id: fileId(idPrefixes.meetings),
    ...common,
    accountId: optionalRef,
    opportunityId: optionalRef,
    title: requiredText(maxLengths.meetingTitle),
    startsAt: timestamp,
    endsAt: timestamp,
    attendees: z.array(personRef).nullish(),
    location: optionalText(maxLengths.location),
    notesId: optionalRef,
    /** When the calendar cancelled it; absent or null for a meeting that is on. */
    cancelledAt: timestamp.nullish(),
  })
  .refine((m) => Date.parse(m.endsAt) >= Date.parse(m.startsAt), {
    message: "must not end before it starts",
    path: ["endsAt"],
  });

export const noteSchema = z.object({
  id: fileId(idPrefixes.notes),
  ...common,
  meetingId: optionalRef,
  accountId: optionalRef,
  opportunityId: optionalRef,
  prospectId: optionalRef,
  body: text(maxLengths.noteBody),
});

export const activitySchema = z.object({
  id: fileId(idPrefixes.activities),
  ...common,
  type: z.enum(activityTypes),
  at: timestamp,
  accountId: optionalRef,
  prospectId: optionalRef,
  opportunityId: optionalRef,
  /** Optional extensions of this format: the conversation or meeting the entry is about. */
  conversationId: optionalRef,
  meetingId: optionalRef,
  summary: text(maxLengths.activitySummary),
});

export const workspaceDocumentSchema = z.object({
  format: z.literal(WORKSPACE_FORMAT, { message: `must be "${WORKSPACE_FORMAT}"` }),
  version: z.literal(WORKSPACE_VERSION, {
    message: `must be ${WORKSPACE_VERSION}: this reader knows version ${WORKSPACE_VERSION} only`,
  }),
  exportedAt: timestamp.nullish(),
  referenceDate: timestamp.nullish(),
  owner: z.object({ name: optionalText(maxLengths.accountName), email: optionalText(maxLengths.email) }).nullish(),
  accounts: z.array(accountSchema).default([]),
  prospects: z.array(prospectSchema).default([]),
  opportunities: z.array(opportunitySchema).default([]),
  conversations: z.array(conversationSchema).default([]),
  meetings: z.array(meetingSchema).default([]),
  notes: z.array(noteSchema).default([]),
  activities: z.array(activitySchema).default([]),
});

/** A document as a reader sees it after validation. */
export type WorkspaceDocument = z.output<typeof workspaceDocumentSchema>;
/** A document as a writer may produce it (optional fields may be left out). */
export type WorkspaceDocumentInput = z.input<typeof workspaceDocumentSchema>;
export type WorkspaceAccount = WorkspaceDocument["accounts"][number];
export type WorkspaceProspect = WorkspaceDocument["prospects"][number];
export type WorkspaceOpportunity = WorkspaceDocument["opportunities"][number];
export type WorkspaceConversation = WorkspaceDocument["conversations"][number];
export type WorkspaceMessage = WorkspaceConversation["messages"][number];
export type WorkspaceMeeting = WorkspaceDocument["meetings"][number];
export type WorkspaceNote = WorkspaceDocument["notes"][number];
export type WorkspaceActivity = WorkspaceDocument["activities"][number];

/** `["opportunities", 12, "stage"]` → `$.opportunities[12].stage` */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][\w$]*$/.test(name) ? `${acc}.${name}` : `${acc}[${JSON.stringify(name)}]`;
  }, "$");
}

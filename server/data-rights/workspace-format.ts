// The workspace JSON format, version 1 (docs/workspace-format.md): one document holds a seller's
// whole workspace. Export writes it, import and the demo seed read it. This module is the one place
// that knows its shape; readers ignore unknown fields (zod strips them) and keep going.
import { z } from "zod";

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

const timestamp = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-16T09:00:00Z" });
const calendarDate = z.iso.date({ message: "must be an ISO 8601 date, e.g. 2026-12-31" });
/** Optional text: absent, null, or a string. */
const optionalText = z.string().nullish();
/** Optional reference to another record of the file (checked by the importer). */
const optionalRef = z.string().min(1).nullish();

function fileId(prefix: string) {
  return z
    .string()
    .min(prefix.length + 1, `must be an id starting with "${prefix}"`)
    .startsWith(prefix, `must be an id starting with "${prefix}"`);
}

const common = {
  createdAt: timestamp,
  updatedAt: timestamp,
  source: z.enum(recordSources),
  externalId: optionalText,
};

export const accountSchema = z.object({
  id: fileId(idPrefixes.accounts),
  ...common,
  name: z.string().trim().min(1, "is required"),
  domain: optionalText,
  industry: optionalText,
  employeeCount: z.number().int().nonnegative().nullish(),
  hqCity: optionalText,
  tier: optionalText,
  description: optionalText,
  ownerNotes: optionalText,
});

export const prospectSchema = z.object({
  id: fileId(idPrefixes.prospects),
  ...common,
  accountId: optionalRef,
  firstName: z.string().trim().min(1, "is required"),
  lastName: z.string(),
  title: optionalText,
  email: optionalText,
  phone: optionalText,
  linkedinUrl: optionalText,
  role: z.enum(prospectRoles).nullish(),
  status: optionalText,
});

export const stageChangeSchema = z.object({
  stage: z.enum(opportunityStages),
  at: timestamp,
});

export const opportunitySchema = z.object({
  id: fileId(idPrefixes.opportunities),
  ...common,
  accountId: optionalRef,
  name: z.string().trim().min(1, "is required"),
  stage: z.enum(opportunityStages),
  amount: z.number().int("must be an integer number of minor units (cents)").nonnegative().nullish(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 4217 currency code such as USD")
    .nullish(),
  closeDate: calendarDate.nullish(),
  probability: z.number().int().min(0).max(100).nullish(),
  nextStep: optionalText,
  lossReason: optionalText,
  stageHistory: z.array(stageChangeSchema).nullish(),
});

export const messageSchema = z.object({
  id: fileId(idPrefixes.messages),
  from: z.string().min(1, "is required"),
  to: z.array(z.string()),
  sentAt: timestamp,
  body: z.string(),
  externalId: optionalText,
});

export const conversationSchema = z.object({
  id: fileId(idPrefixes.conversations),
  ...common,
  accountId: optionalRef,
  opportunityId: optionalRef,
  channel: z.enum(conversationChannels),
  subject: z.string(),
  /** Prospect ids (`pro_…`) and plain email addresses (the owner's). */
  participants: z.array(z.string().min(1)).nullish(),
  messages: z.array(messageSchema),
});

export const meetingSchema = z
  .object({
    id: fileId(idPrefixes.meetings),
    ...common,
    accountId: optionalRef,
    opportunityId: optionalRef,
    title: z.string().trim().min(1, "is required"),
    startsAt: timestamp,
    endsAt: timestamp,
    attendees: z.array(z.string().min(1)).nullish(),
    location: optionalText,
    notesId: optionalRef,
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
  body: z.string(),
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
  summary: z.string(),
});

export const workspaceDocumentSchema = z.object({
  format: z.literal(WORKSPACE_FORMAT, { message: `must be "${WORKSPACE_FORMAT}"` }),
  version: z.literal(WORKSPACE_VERSION, {
    message: `must be ${WORKSPACE_VERSION}: this reader knows version ${WORKSPACE_VERSION} only`,
  }),
  exportedAt: timestamp.nullish(),
  referenceDate: timestamp.nullish(),
  owner: z.object({ name: optionalText, email: optionalText }).nullish(),
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

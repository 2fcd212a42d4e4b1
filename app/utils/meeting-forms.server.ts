// Reading the meeting and conversation forms into the API's inputs. As with deals, text that cannot
// become the API's types is a field error here, and the procedure's own schema is consulted too so
// the form shows all of its problems at once.
import { z } from "zod";
import { createConversationInput } from "../../server/crm/conversations";
import { createMeetingInput } from "../../server/crm/meetings";
import { firstErrors } from "../components/forms";
import { isChannel, parseUtcDateTime, textFields } from "./deal-forms.server";

export const MEETING_FIELDS = ["title", "startsAt", "endsAt", "location", "accountId", "opportunityId"] as const;

type MeetingInput = z.input<typeof createMeetingInput>;

function ids(form: FormData, name: string): string[] {
  return [...new Set(form.getAll(name).filter((v): v is string => typeof v === "string" && v !== ""))];
}

export function readMeetingForm(form: FormData): {
  fields: Record<string, string>;
  attendeeIds: string[];
  input: MeetingInput;
  fieldErrors: Record<string, string>;
} {
  const fields = textFields(form, MEETING_FIELDS);
  const attendeeIds = ids(form, "attendeeIds");
  const fieldErrors: Record<string, string> = {};
  const startsAt = parseUtcDateTime(fields.startsAt!, "Choose when it starts.");
  const endsAt = parseUtcDateTime(fields.endsAt!, "Choose when it ends.");
  if (!startsAt.ok) fieldErrors.startsAt = startsAt.message;
  if (!endsAt.ok) fieldErrors.endsAt = endsAt.message;
  // Stand-ins for unreadable dates keep the schema from repeating those errors (or inventing an order one).
  const epoch = new Date(0);
  const input: MeetingInput = {
    title: fields.title!,
    startsAt: startsAt.ok ? startsAt.value : epoch,
    endsAt: endsAt.ok ? endsAt.value : startsAt.ok ? startsAt.value : epoch,
    location: fields.location!,
    accountId: fields.accountId!,
    opportunityId: fields.opportunityId!,
    attendeeIds,
  };
  const checked = createMeetingInput.safeParse(input);
  const schemaErrors = checked.success ? {} : firstErrors(z.flattenError(checked.error).fieldErrors);
  return { fields, attendeeIds, input, fieldErrors: { ...schemaErrors, ...fieldErrors } };
}

export const CONVERSATION_FIELDS = ["channel", "subject", "accountId", "opportunityId", "body"] as const;

type ConversationInput = z.input<typeof createConversationInput>;

export function readConversationForm(form: FormData): {
  fields: Record<string, string>;
  prospectIds: string[];
  input: ConversationInput;
  fieldErrors: Record<string, string>;
} {
  const fields = textFields(form, CONVERSATION_FIELDS);
  const prospectIds = ids(form, "prospectIds");
  const fieldErrors: Record<string, string> = {};
  const channel = fields.channel!;
  if (!isChannel(channel)) fieldErrors.channel = "Choose email, call or LinkedIn.";
  const input: ConversationInput = {
    channel: isChannel(channel) ? channel : "email",
    subject: fields.subject!,
    accountId: fields.accountId!,
    opportunityId: fields.opportunityId!,
    prospectIds,
    body: fields.body!,
  };
  const checked = createConversationInput.safeParse(input);
  const schemaErrors = checked.success ? {} : firstErrors(z.flattenError(checked.error).fieldErrors);
  return { fields, prospectIds, input, fieldErrors: { ...schemaErrors, ...fieldErrors } };
}

// Reading the meeting and conversation forms into the API's inputs. As with deals, text that cannot
// become the API's types is a field error here, and the procedure's own schema is consulted too so
// the form shows all of its problems at once.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createConversationInput } from "../../server/crm/conversations";
import { createMeetingInput } from "../../server/crm/meetings";
import { firstErrors } from "../components/forms";
import { isChannel, parseUtcDateTime, textFields } from "./deal-forms.server";
import type { serverCaller } from "./trpc.server";

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

type Api = Awaited<ReturnType<typeof serverCaller>>;

/** The deals a form's select offers: the first 100 by name, plus `include` (the current one). */
export async function dealChoices(
  api: Api,
  include?: string | null,
): Promise<{ id: string; name: string; accountId: string | null; accountName: string | null }[]> {
  const page = await api.opportunities.list({ limit: 100, sort: "name", state: "all" });
  const deals = page.items.map((d) => ({
    id: d.id,
    name: d.name,
    accountId: d.account?.id ?? null,
    accountName: d.account?.name ?? null,
  }));
  if (include && !deals.some((d) => d.id === include)) {
    const extra = await api.opportunities.get({ id: include }).catch((error: unknown) => {
      // Not the user's deal (or not an id at all): simply not offered.
      if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return null;
      throw error;
    });
    if (extra)
      deals.push({
        id: extra.id,
        name: extra.name,
        accountId: extra.account?.id ?? null,
        accountName: extra.account?.name ?? null,
      });
  }
  return deals;
}

/** The people a form offers as checkboxes: the first 100 by name, plus those already chosen. */
export async function peopleChoices(
  api: Api,
  chosen: { id: string; firstName: string; lastName: string; account?: { name: string } | null }[] = [],
): Promise<{ id: string; name: string; accountName: string | null }[]> {
  const page = await api.prospects.list({ limit: 100, sort: "name" });
  const people = page.items.map((p) => ({
    id: p.id,
    name: `${p.firstName} ${p.lastName}`.trim(),
    accountName: p.account?.name ?? null,
  }));
  for (const person of chosen) {
    if (!people.some((p) => p.id === person.id))
      people.push({
        id: person.id,
        name: `${person.firstName} ${person.lastName}`.trim(),
        accountName: person.account?.name ?? null,
      });
  }
  return people;
}

/** The account of a deal named in a link (?opportunityId=), to preselect it too; null when not the user's. */
export async function dealAccount(api: Api, opportunityId: string | null): Promise<string | null> {
  if (!opportunityId) return null;
  const deal = await api.opportunities.get({ id: opportunityId }).catch((error: unknown) => {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return null;
    throw error;
  });
  return deal?.account?.id ?? null;
}

// One reader per form that creates or edits a record, all of one shape (a FormReading): the typed
// texts, converted to the API's types, then judged by the procedure's own schema through checkForm.
// Only the rules a form alone has live here; names, choices, lengths and formats are the schema's to
// say, in its words. Each form sends its whole record, so the create schemas judge the edit forms too
// (the update schemas have the same fields, optional).
import { redirect } from "@remix-run/node";
import { createAccountInput } from "../../server/crm/accounts";
import { createConversationInput } from "../../server/crm/conversations";
import { createMeetingInput } from "../../server/crm/meetings";
import { createNoteInput } from "../../server/crm/notes";
import { createOpportunityInput } from "../../server/crm/opportunities";
import { createProspectInput } from "../../server/crm/prospects";
import { accountTiers } from "./account-labels";
import { notFound } from "./api-errors.server";
import { parseMoney, parseUtcDateTime, parseWholeNumber } from "./form-text";
import {
  checkForm,
  formErrorsFrom,
  FormConversion,
  formIds,
  formText,
  formTexts,
  invalidForm,
  mutateOrAnswer,
  type FormErrors,
} from "./forms.server";
import { withToast } from "./toasts";
import type { ServerApi } from "./trpc.server";

const ACCOUNT_FIELDS = [
  "name",
  "domain",
  "industry",
  "employeeCount",
  "hqCity",
  "tier",
  "description",
  "ownerNotes",
] as const;

/**
 * The account form. A tier must be one the form offers, or the one the account already has
 * (`currentTier`, imported from another CRM); any other caller of the API may use its own words.
 */
export function readAccountForm(form: FormData, options: { currentTier?: string | null } = {}) {
  const fields = formTexts(form, ACCOUNT_FIELDS);
  const conversion = new FormConversion();
  const employeeCount = conversion.value(
    "employeeCount",
    parseWholeNumber(fields.employeeCount, { message: "Use a whole number, like 250." }),
    null,
  );
  const tier = fields.tier.trim();
  if (tier && !(accountTiers as readonly string[]).includes(tier) && tier !== options.currentTier)
    conversion.refuse("tier", "Choose one of the tiers.");
  return checkForm(createAccountInput, fields, { ...fields, employeeCount, tier }, conversion.errors);
}

const PERSON_FIELDS = [
  "firstName",
  "lastName",
  "title",
  "email",
  "phone",
  "linkedinUrl",
  "accountId",
  "role",
  "status",
] as const;

/**
 * The person form. The status the person already has (`keepStatus`) is left out of the update, so one
 * imported from another CRM, which the select offers only while it is theirs, saves unchanged.
 */
export function readPersonForm(form: FormData, options: { keepStatus?: string } = {}) {
  const fields = formTexts(form, PERSON_FIELDS);
  const status = options.keepStatus !== undefined && fields.status === options.keepStatus ? undefined : fields.status;
  return checkForm(createProspectInput, fields, { ...fields, status });
}

const DEAL_FIELDS = [
  "name",
  "accountId",
  "stage",
  "amount",
  "currency",
  "closeDate",
  "probability",
  "nextStep",
  "lossReason",
] as const;

/** The deal form: amounts typed in major units become exact cents; a percentage may keep its "%". */
export function readDealForm(form: FormData) {
  const fields = formTexts(form, DEAL_FIELDS);
  const conversion = new FormConversion();
  const amount = conversion.value("amount", parseMoney(fields.amount), null);
  const probability = conversion.value(
    "probability",
    parseWholeNumber(fields.probability, { message: "Use a whole percentage from 0 to 100.", percent: true }),
    null,
  );
  const input = {
    ...fields,
    amount,
    probability,
    // An empty currency keeps what the deal has (or USD for a new one).
    currency: fields.currency.trim() === "" ? undefined : fields.currency,
    closeDate: fields.closeDate.trim() === "" ? null : fields.closeDate.trim(),
    // A loss reason means something only for a lost deal; any other stage clears it.
    lossReason: fields.stage === "closed_lost" ? fields.lossReason : null,
  };
  return checkForm(createOpportunityInput, fields, input, conversion.errors);
}

const MEETING_FIELDS = ["title", "startsAt", "endsAt", "location", "accountId", "opportunityId"] as const;

/** The meeting form: times typed as UTC (the labels say so), attendees as checkboxes. */
export function readMeetingForm(form: FormData) {
  const fields = { ...formTexts(form, MEETING_FIELDS), attendeeIds: formIds(form, "attendeeIds") };
  const conversion = new FormConversion();
  // Stand-ins for unreadable times keep the schema from repeating those errors (or inventing an order one).
  const startsAt = conversion.value(
    "startsAt",
    parseUtcDateTime(fields.startsAt, "Choose when it starts."),
    new Date(0),
  );
  const endsAt = conversion.value("endsAt", parseUtcDateTime(fields.endsAt, "Choose when it ends."), startsAt);
  return checkForm(createMeetingInput, fields, { ...fields, startsAt, endsAt }, conversion.errors);
}

const CONVERSATION_FIELDS = ["channel", "subject", "accountId", "opportunityId", "body"] as const;

/** The form that logs a conversation: every field is already the API's type. */
export function readConversationForm(form: FormData) {
  const fields = { ...formTexts(form, CONVERSATION_FIELDS), prospectIds: formIds(form, "prospectIds") };
  return checkForm(createConversationInput, fields, fields);
}

type NoteOwner = Partial<Record<"accountId" | "opportunityId" | "prospectId" | "meetingId", string | null>>;

/** A note's text, for the record it is written on (`owner`, which the page decides, never the form). */
export function readNoteForm(form: FormData, owner: NoteOwner) {
  const fields = formTexts(form, ["body"]);
  return checkForm(createNoteInput, fields, { ...fields, ...owner });
}

/**
 * The notes forms on an account's or a person's page (intents "add-note", and "delete" with a
 * noteId; the page's own "delete" has no noteId). Null when the form is neither.
 */
export async function answerNoteForm(
  form: FormData,
  api: ServerApi,
  owner: { accountId: string } | { prospectId: string },
  path: string,
) {
  const intent = formText(form, "intent");
  if (intent === "add-note") {
    const read = readNoteForm(form, owner);
    const refuse = (errors: FormErrors) => {
      // The account or person is refused: this page does not exist for the user.
      if (Object.keys(owner).some((key) => key in errors.fieldErrors)) throw notFound();
      return invalidForm({ ...errors, fields: read.fields });
    };
    if (!read.ok) return refuse(read);
    try {
      await api.notes.create(read.input);
    } catch (error) {
      return refuse(formErrorsFrom(error));
    }
    return redirect(withToast(path, "note-added"));
  }
  if (intent === "delete" && form.has("noteId")) {
    return mutateOrAnswer(() => api.notes.delete({ id: formText(form, "noteId") }), {
      fields: {},
      success: () => ({ path, toast: "note-deleted" }),
    });
  }
  return null;
}

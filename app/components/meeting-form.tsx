// The meeting form, for scheduling and editing. Times are typed as UTC (the labels say so) until
// users have a time-zone setting; attendees are checkboxes so the form works without JavaScript.
import { Form, Link } from "@remix-run/react";
import { FormMessage, SubmitButton, TextField } from "./forms";
import {
  AccountSelect,
  DealSelect,
  PeopleCheckboxes,
  type AccountChoice,
  type DealChoice,
  type PersonChoice,
} from "./record-pickers";

export type MeetingFormValues = Partial<
  Record<"title" | "startsAt" | "endsAt" | "location" | "accountId" | "opportunityId", string>
>;

export function MeetingForm({
  values,
  attendeeIds,
  fieldErrors = {},
  formError,
  accounts,
  deals,
  people,
  submitLabel,
  pendingText,
  cancelTo,
}: {
  values: MeetingFormValues;
  attendeeIds: readonly string[];
  fieldErrors?: Record<string, string> | undefined;
  formError?: string | undefined;
  accounts: AccountChoice[];
  deals: DealChoice[];
  people: PersonChoice[];
  submitLabel: string;
  pendingText: string;
  cancelTo: string;
}) {
  return (
    <Form method="post" noValidate className="space-y-5">
      {formError ? <FormMessage tone="error">{formError}</FormMessage> : null}
      <TextField
        label="Title"
        name="title"
        required
        maxLength={300}
        defaultValue={values.title}
        error={fieldErrors.title}
        placeholder="Discovery call with Acme"
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <TextField
          label="Starts (UTC)"
          name="startsAt"
          type="datetime-local"
          required
          defaultValue={values.startsAt}
          error={fieldErrors.startsAt}
        />
        <TextField
          label="Ends (UTC)"
          name="endsAt"
          type="datetime-local"
          required
          defaultValue={values.endsAt}
          error={fieldErrors.endsAt}
        />
      </div>
      <TextField
        label="Location"
        name="location"
        maxLength={500}
        defaultValue={values.location}
        error={fieldErrors.location}
        placeholder="A room, an address or a video link"
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <AccountSelect accounts={accounts} defaultValue={values.accountId} error={fieldErrors.accountId} />
        <DealSelect deals={deals} defaultValue={values.opportunityId} error={fieldErrors.opportunityId} />
      </div>
      <PeopleCheckboxes
        legend="Attendees"
        name="attendeeIds"
        people={people}
        checked={attendeeIds}
        error={fieldErrors.attendeeIds}
        purpose="to invite them"
      />
      <div className="flex items-center justify-end gap-3">
        <Link to={cancelTo} className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
          Cancel
        </Link>
        <SubmitButton pendingText={pendingText}>{submitLabel}</SubmitButton>
      </div>
    </Form>
  );
}

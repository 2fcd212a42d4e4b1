// The meeting form, for scheduling and editing. Times are typed as UTC (the labels say so) until
// users have a time-zone setting; attendees are checkboxes so the form works without JavaScript.
import { Form, Link } from "@remix-run/react";
import { CheckboxGroup, FormMessage, SelectField, SubmitButton, TextField } from "./forms";

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
  accounts: { id: string; name: string }[];
  deals: { id: string; name: string; accountName: string | null }[];
  people: { id: string; name: string; accountName: string | null }[];
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
        <SelectField
          label="Account"
          name="accountId"
          emptyLabel="No account"
          options={accounts.map((a) => ({ value: a.id, label: a.name }))}
          defaultValue={values.accountId ?? ""}
          error={fieldErrors.accountId}
        />
        <SelectField
          label="Deal"
          name="opportunityId"
          emptyLabel="No deal"
          options={deals.map((d) => ({ value: d.id, label: d.accountName ? `${d.name} (${d.accountName})` : d.name }))}
          defaultValue={values.opportunityId ?? ""}
          error={fieldErrors.opportunityId}
        />
      </div>
      <CheckboxGroup
        legend="Attendees"
        name="attendeeIds"
        options={people.map((p) => ({ value: p.id, label: p.name, detail: p.accountName }))}
        checked={attendeeIds}
        error={fieldErrors.attendeeIds}
        empty={
          <>
            No people yet.{" "}
            <Link to="/prospects/new" className="font-medium text-brand-600 hover:underline">
              Add a person
            </Link>{" "}
            to invite them.
          </>
        }
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

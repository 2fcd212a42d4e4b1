// The person form (new and edit): name, contact details, account, role and status.
import { Form } from "@remix-run/react";
import { roleOptions, statusLabel, statusOptions } from "../utils/person-labels";
import { FormMessage, SelectField, SubmitButton, TextField } from "./forms";
import { AccountSelect, type AccountChoice } from "./record-pickers";
import { ButtonLink } from "./ui";

export type PersonFormValues = {
  firstName: string;
  lastName: string;
  title: string;
  email: string;
  phone: string;
  linkedinUrl: string;
  accountId: string;
  role: string;
  status: string;
};

export const emptyPersonValues: PersonFormValues = {
  firstName: "",
  lastName: "",
  title: "",
  email: "",
  phone: "",
  linkedinUrl: "",
  accountId: "",
  role: "other",
  status: "active",
};

export function PersonForm({
  values,
  accounts,
  accountsCut,
  fieldErrors = {},
  formError,
  submitLabel,
  pendingText,
  cancelTo,
}: {
  values: PersonFormValues;
  accounts: AccountChoice[];
  /** More accounts exist than the select lists. */
  accountsCut: boolean;
  fieldErrors?: Record<string, string> | undefined;
  formError?: string | undefined;
  submitLabel: string;
  pendingText: string;
  cancelTo: string;
}) {
  // A status imported from another CRM stays selectable, so saving the form does not lose it.
  const statuses =
    values.status && !statusOptions.some((s) => s.value === values.status)
      ? [...statusOptions, { value: values.status, label: statusLabel(values.status) }]
      : statusOptions;
  return (
    <Form
      method="post"
      className="space-y-5 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200"
      noValidate
      data-testid="person-form"
    >
      {formError ? <FormMessage tone="error">{formError}</FormMessage> : null}
      <div className="grid gap-5 sm:grid-cols-2">
        <TextField
          label="First name"
          name="firstName"
          required
          maxLength={100}
          defaultValue={values.firstName}
          error={fieldErrors.firstName}
          autoComplete="off"
        />
        <TextField
          label="Last name"
          name="lastName"
          maxLength={100}
          defaultValue={values.lastName}
          error={fieldErrors.lastName}
          autoComplete="off"
        />
        <TextField
          label="Title"
          name="title"
          maxLength={200}
          defaultValue={values.title}
          error={fieldErrors.title}
          placeholder="VP Operations"
        />
        <AccountSelect
          accounts={accounts}
          defaultValue={values.accountId}
          error={fieldErrors.accountId}
          hint={accountsCut ? "Only the first 100 accounts by name are listed." : undefined}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          maxLength={254}
          defaultValue={values.email}
          error={fieldErrors.email}
          autoComplete="off"
        />
        <TextField
          label="Phone"
          name="phone"
          type="tel"
          maxLength={40}
          defaultValue={values.phone}
          error={fieldErrors.phone}
          autoComplete="off"
        />
        <TextField
          label="LinkedIn"
          name="linkedinUrl"
          type="url"
          maxLength={300}
          defaultValue={values.linkedinUrl}
          error={fieldErrors.linkedinUrl}
          placeholder="https://www.linkedin.com/in/…"
        />
        <SelectField
          label="Role"
          name="role"
          options={roleOptions}
          defaultValue={values.role}
          error={fieldErrors.role}
          hint="Their part in your deals."
        />
        <SelectField
          label="Status"
          name="status"
          options={statuses}
          defaultValue={values.status}
          error={fieldErrors.status}
        />
      </div>
      <div className="flex items-center justify-end gap-2">
        <ButtonLink to={cancelTo} variant="ghost">
          Cancel
        </ButtonLink>
        <SubmitButton pendingText={pendingText}>{submitLabel}</SubmitButton>
      </div>
    </Form>
  );
}

// The account form (new and edit).
import { Form } from "@remix-run/react";
import { tierOptions } from "../utils/account-labels";
import { FormMessage, SelectField, SubmitButton, TextAreaField, TextField } from "./forms";
import { ButtonLink } from "./ui";

export type AccountFormValues = {
  name: string;
  domain: string;
  industry: string;
  employeeCount: string;
  hqCity: string;
  tier: string;
  description: string;
  ownerNotes: string;
};

export const emptyAccountValues: AccountFormValues = {
  name: "",
  domain: "",
  industry: "",
  employeeCount: "",
  hqCity: "",
  tier: "",
  description: "",
  ownerNotes: "",
};

export function AccountForm({
  values,
  fieldErrors = {},
  formError,
  submitLabel,
  pendingText,
  cancelTo,
}: {
  values: AccountFormValues;
  fieldErrors?: Record<string, string> | undefined;
  formError?: string | undefined;
  submitLabel: string;
  pendingText: string;
  cancelTo: string;
}) {
  // A tier imported from another CRM stays selectable, so saving the form does not lose it.
  const tiers =
    values.tier && !tierOptions.some((t) => t.value === values.tier)
      ? [...tierOptions, { value: values.tier, label: values.tier }]
      : tierOptions;
  return (
    <Form
      method="post"
      className="space-y-5 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200"
      noValidate
      data-testid="account-form"
    >
      {formError ? <FormMessage tone="error">{formError}</FormMessage> : null}
      <TextField
        label="Name"
        name="name"
        required
        maxLength={200}
        defaultValue={values.name}
        error={fieldErrors.name}
        autoComplete="organization"
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <TextField
          label="Domain"
          name="domain"
          defaultValue={values.domain}
          error={fieldErrors.domain}
          placeholder="acme.com"
          maxLength={253}
        />
        <TextField
          label="Industry"
          name="industry"
          defaultValue={values.industry}
          error={fieldErrors.industry}
          maxLength={120}
        />
        <TextField
          label="Employee count"
          name="employeeCount"
          inputMode="numeric"
          defaultValue={values.employeeCount}
          error={fieldErrors.employeeCount}
          placeholder="1,200"
        />
        <TextField
          label="HQ city"
          name="hqCity"
          defaultValue={values.hqCity}
          error={fieldErrors.hqCity}
          placeholder="Denver, CO"
          maxLength={120}
        />
        <SelectField
          label="Tier"
          name="tier"
          options={tiers}
          emptyLabel="No tier"
          defaultValue={values.tier}
          error={fieldErrors.tier}
        />
      </div>
      <TextAreaField
        label="Description"
        name="description"
        defaultValue={values.description}
        error={fieldErrors.description}
        hint="What the company does, in a sentence or two."
      />
      <TextAreaField
        label="Owner notes"
        name="ownerNotes"
        defaultValue={values.ownerNotes}
        error={fieldErrors.ownerNotes}
        hint="Your own notes: history, politics, what to remember."
      />
      <div className="flex items-center justify-end gap-2">
        <ButtonLink to={cancelTo} variant="ghost">
          Cancel
        </ButtonLink>
        <SubmitButton pendingText={pendingText}>{submitLabel}</SubmitButton>
      </div>
    </Form>
  );
}

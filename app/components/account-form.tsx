// The account form (new and edit), and the select and multi-line fields the account and person
// forms share, styled and labelled like TextField.
import { Form } from "@remix-run/react";
import type { ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { tierOptions } from "../utils/account-labels";
import { FormMessage, SubmitButton, TextField } from "./forms";
import { ButtonLink } from "./ui";

const controlClass = (error: string | undefined) =>
  `block w-full rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600 ${error ? "border-red-500" : "border-slate-300"}`;

function FieldFrame({ id, label, error, hint, name, children }: { id: string; label: string; error?: string | undefined; hint?: ReactNode; name: string; children: ReactNode }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700" data-testid={`${name}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, error: string | undefined, hint: ReactNode) {
  return [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
}

export function SelectField({
  label,
  name,
  options,
  emptyLabel,
  error,
  hint,
  ...select
}: {
  label: string;
  name: string;
  options: { value: string; label: string }[];
  /** The label of a first, empty option ("No account"); omitted when a choice is required. */
  emptyLabel?: string;
  error?: string | undefined;
  hint?: ReactNode;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = select.id ?? `field-${name}`;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} name={name}>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} className={controlClass(error)} {...select}>
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function TextAreaField({
  label,
  name,
  error,
  hint,
  ...textarea
}: { label: string; name: string; error?: string | undefined; hint?: ReactNode } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = textarea.id ?? `field-${name}`;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} name={name}>
      <textarea id={id} name={name} rows={4} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} className={controlClass(error)} {...textarea} />
    </FieldFrame>
  );
}

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

export const emptyAccountValues: AccountFormValues = { name: "", domain: "", industry: "", employeeCount: "", hqCity: "", tier: "", description: "", ownerNotes: "" };

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
  const tiers = values.tier && !tierOptions.some((t) => t.value === values.tier) ? [...tierOptions, { value: values.tier, label: values.tier }] : tierOptions;
  return (
    <Form method="post" className="space-y-5 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" noValidate data-testid="account-form">
      {formError ? <FormMessage tone="error">{formError}</FormMessage> : null}
      <TextField label="Name" name="name" required maxLength={200} defaultValue={values.name} error={fieldErrors.name} autoComplete="organization" />
      <div className="grid gap-5 sm:grid-cols-2">
        <TextField label="Domain" name="domain" defaultValue={values.domain} error={fieldErrors.domain} placeholder="acme.com" maxLength={253} />
        <TextField label="Industry" name="industry" defaultValue={values.industry} error={fieldErrors.industry} maxLength={120} />
        <TextField
          label="Employee count"
          name="employeeCount"
          inputMode="numeric"
          defaultValue={values.employeeCount}
          error={fieldErrors.employeeCount}
          placeholder="1,200"
        />
        <TextField label="HQ city" name="hqCity" defaultValue={values.hqCity} error={fieldErrors.hqCity} placeholder="Denver, CO" maxLength={120} />
        <SelectField label="Tier" name="tier" options={tiers} emptyLabel="No tier" defaultValue={values.tier} error={fieldErrors.tier} />
      </div>
      <TextAreaField label="Description" name="description" defaultValue={values.description} error={fieldErrors.description} hint="What the company does, in a sentence or two." />
      <TextAreaField label="Owner notes" name="ownerNotes" defaultValue={values.ownerNotes} error={fieldErrors.ownerNotes} hint="Your own notes: history, politics, what to remember." />
      <div className="flex items-center justify-end gap-2">
        <ButtonLink to={cancelTo} variant="ghost">
          Cancel
        </ButtonLink>
        <SubmitButton pendingText={pendingText}>{submitLabel}</SubmitButton>
      </div>
    </Form>
  );
}

// Form pieces with labels tied to inputs, errors announced to screen readers, and a submit button
// that shows progress when JavaScript runs (and is a plain button when it does not).
import { useNavigation } from "@remix-run/react";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { Button } from "./ui";

const controlClass = (error: string | undefined) =>
  `block w-full rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600 ${error ? "border-red-500" : "border-slate-300"}`;

function describedBy(id: string, error: string | undefined, hint: ReactNode): string | undefined {
  return [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
}

/** A field's label, hint and error around its control, wired for screen readers. */
function FieldFrame({
  id,
  name,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  name: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
}) {
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

type FieldProps = { label: string; name: string; error?: string | undefined; hint?: ReactNode };

export function TextField({ label, name, error, hint, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = input.id ?? `field-${name}`;
  return (
    <FieldFrame id={id} name={name} label={label} error={error} hint={hint}>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={controlClass(error)}
        {...input}
      />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  name,
  error,
  hint,
  options,
  emptyLabel,
  ...select
}: FieldProps & {
  options: { value: string; label: string }[];
  /** The label of a first, empty option ("No account", "All tiers"); omitted when a choice is required. */
  emptyLabel?: string;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = select.id ?? `field-${name}`;
  return (
    <FieldFrame id={id} name={name} label={label} error={error} hint={hint}>
      <select
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={controlClass(error)}
        {...select}
      >
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

/** A multi-line field. Give `id` when one page shows several with the same name. */
export function TextAreaField({
  label,
  name,
  error,
  hint,
  ...textarea
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = textarea.id ?? `field-${name}`;
  return (
    <FieldFrame id={id} name={name} label={label} error={error} hint={hint}>
      <textarea
        id={id}
        name={name}
        rows={4}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={controlClass(error)}
        {...textarea}
      />
    </FieldFrame>
  );
}

/** Several choices under one name (the browser posts each checked value). */
export function CheckboxGroup({
  legend,
  name,
  options,
  checked,
  error,
  empty,
}: {
  legend: string;
  name: string;
  options: { value: string; label: string; detail?: string | null }[];
  checked: readonly string[];
  error?: string | undefined;
  /** What to say when there is nothing to choose from. */
  empty: ReactNode;
}) {
  const id = `field-${name}`;
  return (
    <fieldset className="space-y-1.5" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="block text-sm font-medium text-slate-800">{legend}</legend>
      {options.length === 0 ? (
        <p className="text-sm text-slate-500">{empty}</p>
      ) : (
        <div className="max-h-64 overflow-y-auto rounded-md border border-slate-300 bg-white p-2">
          {options.map((option) => (
            <label
              key={option.value}
              className="flex items-center gap-2 rounded px-2 py-1 text-sm text-slate-800 hover:bg-slate-50"
            >
              <input
                type="checkbox"
                name={name}
                value={option.value}
                defaultChecked={checked.includes(option.value)}
                className="h-4 w-4 rounded border-slate-300"
              />
              <span>{option.label}</span>
              {option.detail ? <span className="text-xs text-slate-500">{option.detail}</span> : null}
            </label>
          ))}
        </div>
      )}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700" data-testid={`${name}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

export function FormMessage({
  tone,
  children,
  testId,
}: {
  tone: "error" | "success" | "info";
  children: ReactNode;
  testId?: string;
}) {
  const styles = {
    error: "bg-red-50 text-red-800 ring-red-200",
    success: "bg-emerald-50 text-emerald-800 ring-emerald-200",
    info: "bg-brand-50 text-brand-700 ring-brand-100",
  }[tone];
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={`rounded-md px-3 py-2 text-sm ring-1 ${styles}`}
      data-testid={testId ?? `form-${tone}`}
    >
      {children}
    </div>
  );
}

/** A submit button that says it is working while its form submits. */
export function SubmitButton({
  children,
  pendingText,
  className = "",
  ...props
}: { children: ReactNode; pendingText: string; className?: string } & Parameters<typeof Button>[0]) {
  const navigation = useNavigation();
  const pending = navigation.state === "submitting" && navigation.formMethod?.toUpperCase() === "POST";
  return (
    <Button type="submit" disabled={pending} aria-disabled={pending} className={className} {...props}>
      {pending ? pendingText : children}
    </Button>
  );
}

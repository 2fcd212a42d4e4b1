// Form fields the deal, meeting and conversation forms need beyond TextField: a labelled select, a
// textarea, and a group of checkboxes — with the same label/error wiring as components/forms.tsx.
import type { ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

const control =
  "block w-full rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:outline-2 focus:outline-offset-0 focus:outline-brand-600";

function describedBy(id: string, error?: string, hint?: ReactNode) {
  return [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
}

function FieldFooter({ id, name, error, hint }: { id: string; name: string; error?: string | undefined; hint?: ReactNode }) {
  return (
    <>
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
    </>
  );
}

export function SelectField({
  label,
  name,
  error,
  hint,
  options,
  placeholder,
  ...select
}: {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: ReactNode;
  options: { value: string; label: string }[];
  /** An empty first option ("No account"), for optional references. */
  placeholder?: string;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = `field-${name}`;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={`${control} ${error ? "border-red-500" : "border-slate-300"}`}
        {...select}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldFooter id={id} name={name} error={error} hint={hint} />
    </div>
  );
}

export function TextAreaField({
  label,
  name,
  error,
  hint,
  idSuffix = "",
  ...textarea
}: { label: string; name: string; error?: string | undefined; hint?: ReactNode; idSuffix?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = `field-${name}${idSuffix}`;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={4}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={`${control} ${error ? "border-red-500" : "border-slate-300"}`}
        {...textarea}
      />
      <FieldFooter id={id} name={name} error={error} hint={hint} />
    </div>
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
            <label key={option.value} className="flex items-center gap-2 rounded px-2 py-1 text-sm text-slate-800 hover:bg-slate-50">
              <input type="checkbox" name={name} value={option.value} defaultChecked={checked.includes(option.value)} className="h-4 w-4 rounded border-slate-300" />
              <span>{option.label}</span>
              {option.detail ? <span className="text-xs text-slate-500">{option.detail}</span> : null}
            </label>
          ))}
        </div>
      )}
      <FieldFooter id={id} name={name} error={error} />
    </fieldset>
  );
}

// Small building blocks with consistent focus rings, contrast and sizes.
import { Link, type LinkProps } from "@remix-run/react";
import type { ButtonHTMLAttributes, ReactNode } from "react";

type Variant = "primary" | "secondary" | "ghost" | "danger";

const variants: Record<Variant, string> = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 shadow-sm",
  secondary: "bg-white text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 shadow-sm",
  ghost: "text-slate-700 hover:bg-slate-100",
  danger: "bg-red-600 text-white hover:bg-red-700 shadow-sm",
};

const base =
  "inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium transition-colors disabled:opacity-60 disabled:cursor-not-allowed";

export function Button({
  variant = "primary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return <button className={`${base} ${variants[variant]} ${className}`} {...props} />;
}

export function ButtonLink({ variant = "primary", className = "", ...props }: LinkProps & { variant?: Variant }) {
  return <Link className={`${base} ${variants[variant]} ${className}`} {...props} />;
}

/** The way back up, above a page's title: "← Accounts". */
export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-3 text-sm">
      <Link to={to} className="font-medium text-brand-600 hover:underline">
        ← {children}
      </Link>
    </nav>
  );
}

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
    </div>
  );
}

/** A list table's header row; a column given as `{ label, numeric: true }` is right-aligned, over its numbers. */
export function TableHead({ columns }: { columns: (string | { label: string; numeric: true } | null)[] }) {
  return (
    <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
      <tr>
        {columns.map((column) => {
          if (column === null) return null;
          const { label, numeric } = typeof column === "string" ? { label: column, numeric: false } : column;
          return (
            <th key={label} scope="col" className={numeric ? "px-4 py-3 text-right" : "px-4 py-3"}>
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      {children ? <div className="mt-2 text-sm text-slate-600">{children}</div> : null}
    </div>
  );
}

export function Card({
  title,
  actions,
  children,
  className = "",
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`rounded-lg bg-white shadow-sm ring-1 ring-slate-200 ${className}`}>
      {title || actions ? (
        <header className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-3">
          {title ? <h2 className="text-sm font-semibold text-slate-900">{title}</h2> : <span />}
          {actions ? <div className="flex items-center gap-2 text-sm">{actions}</div> : null}
        </header>
      ) : null}
      <div className="p-4">{children}</div>
    </section>
  );
}

const badgeTones = {
  slate: "bg-slate-100 text-slate-700 ring-slate-200",
  blue: "bg-brand-50 text-brand-700 ring-brand-100",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  red: "bg-red-50 text-red-700 ring-red-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
} as const;

export function Badge({ tone = "slate", children }: { tone?: keyof typeof badgeTones; children: ReactNode }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${badgeTones[tone]}`}
    >
      {children}
    </span>
  );
}

/** Tone of a deal stage badge: won green, lost red, late stages amber, early stages blue. */
export function stageTone(stage: string): keyof typeof badgeTones {
  if (stage === "closed_won") return "green";
  if (stage === "closed_lost") return "red";
  if (stage === "proposal" || stage === "negotiation") return "amber";
  return "blue";
}

/**
 * Delete with confirmation that works without JavaScript: the first click opens a <details>
 * holding the real (POST) form with its consequences spelled out.
 */
export function ConfirmDelete({
  label,
  consequences,
  action,
  fields = {},
}: {
  label: string;
  consequences: ReactNode;
  action?: string;
  fields?: Record<string, string>;
}) {
  return (
    <details className="group relative">
      <summary
        className="list-none cursor-pointer rounded-md px-3 py-2 text-sm font-medium text-red-700 hover:bg-red-50 [&::-webkit-details-marker]:hidden"
        data-testid="delete-open"
      >
        {label}
      </summary>
      <div
        className="absolute right-0 z-10 mt-2 w-72 rounded-lg bg-white p-4 text-sm shadow-lg ring-1 ring-slate-200"
        role="dialog"
        aria-label={label}
      >
        <p className="text-slate-700">{consequences}</p>
        <form method="post" action={action} className="mt-3 flex justify-end gap-2">
          <input type="hidden" name="intent" value="delete" />
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <button
            type="submit"
            className="rounded-md bg-red-600 px-3 py-1.5 font-medium text-white hover:bg-red-700"
            data-testid="delete-confirm"
          >
            Delete
          </button>
        </form>
      </div>
    </details>
  );
}

/** A segmented control of links (sort orders, tabs of a list): the current one is marked for screen readers too. */
export function LinkToggle<T extends string>({
  label,
  current,
  options,
}: {
  label: string;
  current: T;
  options: { value: T; label: string; to: string }[];
}) {
  return (
    <div className="flex items-center gap-1 rounded-lg bg-slate-100 p-1" role="group" aria-label={label}>
      {options.map((option) => (
        <Link
          key={option.value}
          to={option.to}
          aria-current={current === option.value ? "true" : undefined}
          className={`rounded-md px-2.5 py-1 text-sm ${current === option.value ? "bg-white font-medium text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:text-slate-900"}`}
        >
          {option.label}
        </Link>
      ))}
    </div>
  );
}

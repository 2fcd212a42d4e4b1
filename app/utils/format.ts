// Formatting that renders the same on the server and in the browser (no hydration mismatches):
// fixed locale, and dates in UTC until users have a time-zone setting.
const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });
const numberFormat = new Intl.NumberFormat("en-US");

export function formatDate(value: Date | string): string {
  return dateFormat.format(typeof value === "string" ? new Date(value) : value);
}

export function formatCount(value: number): string {
  return numberFormat.format(value);
}

/**
 * The label a map gives a value, only if the map itself has it: values such as a tier or a status
 * are free text from another CRM, and a plain `labels[value]` for "__proto__" or "constructor"
 * returns Object.prototype or a function — which broke every page that rendered it (issue #11).
 */
export function ownLabel(labels: Readonly<Record<string, string>>, value: string): string | undefined {
  return Object.hasOwn(labels, value) ? labels[value] : undefined;
}

const tierLabels: Record<string, string> = {
  strategic: "Strategic",
  enterprise: "Enterprise",
  mid_market: "Mid-market",
  smb: "SMB",
};

export function formatTier(tier: string | null): string {
  if (!tier) return "—";
  return ownLabel(tierLabels, tier) ?? tier.replace(/_/g, " ");
}

const dateTimeFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function formatDateTime(value: Date | string): string {
  return `${dateTimeFormat.format(typeof value === "string" ? new Date(value) : value)} UTC`;
}

/** Money from whole minor units: $24,000 (no cents when there are none). */
export function formatMoney(minorUnits: number | null | undefined, currency = "USD"): string {
  if (minorUnits === null || minorUnits === undefined) return "—";
  const major = minorUnits / 100;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    maximumFractionDigits: Number.isInteger(major) ? 0 : 2,
  }).format(major);
}

/** $1.2M, $240K: for charts and board totals. */
export function formatMoneyShort(minorUnits: number, currency = "USD"): string {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    notation: "compact",
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  }).format(minorUnits / 100);
}

/** "3 days ago", "in 2 hours": relative to `now` (pass the loader's time so server and browser agree). */
export function formatRelative(value: Date | string, now: Date | string): string {
  const diffMs = new Date(value).getTime() - new Date(now).getTime();
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 365 * 86_400_000],
    ["month", 30 * 86_400_000],
    ["week", 7 * 86_400_000],
    ["day", 86_400_000],
    ["hour", 3_600_000],
    ["minute", 60_000],
  ];
  const rtf = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });
  for (const [unit, ms] of units) {
    if (Math.abs(diffMs) >= ms) return rtf.format(Math.round(diffMs / ms), unit);
  }
  return "just now";
}

/** A person's name from its parts. */
export function personName(p: { firstName: string; lastName: string }): string {
  return `${p.firstName} ${p.lastName}`.trim();
}

/** A date for an <input type="date"> (YYYY-MM-DD, UTC). */
export function dateInputValue(value: Date | string | null | undefined): string {
  return value ? new Date(value).toISOString().slice(0, 10) : "";
}

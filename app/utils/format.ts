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

const tierLabels: Record<string, string> = { strategic: "Strategic", enterprise: "Enterprise", mid_market: "Mid-market", smb: "SMB" };

export function formatTier(tier: string | null): string {
  if (!tier) return "—";
  return tierLabels[tier] ?? tier.replace(/_/g, " ");
}

const dateTimeFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function formatDateTime(value: Date | string): string {
  return `${dateTimeFormat.format(typeof value === "string" ? new Date(value) : value)} UTC`;
}

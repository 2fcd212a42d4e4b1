// What the billing module tells the pages (Settings → Billing, banners). Live details (card, invoices,
// amounts) are read from Stripe when the page is shown and never stored (P6).
import type { Entitlement } from "./plan";

export type BillingInterval = "month" | "year";

export type Money = { amount: number; currency: string };

export type BillingOverview = {
  /** False when this instance has no billing: every feature is on and the page says so. */
  configured: boolean;
  entitlement: Entitlement;
  /** The stored subscription, or null without one. */
  subscription: {
    status: string;
    plan: "pro";
    interval: BillingInterval | null;
    currentPeriodEnd: Date | null;
    cancelAtPeriodEnd: boolean;
    trialEnd: Date | null;
    /** What the next renewal costs (from Stripe's price); null if Stripe could not be read. */
    renewal: Money | null;
  } | null;
  /** Whether there is a Stripe customer, so "Manage billing" can open the portal. */
  hasCustomer: boolean;
  /** The default card as Stripe reports it; null without one or when Stripe could not be read. */
  card: { brand: string; last4: string; expMonth: number; expYear: number } | null;
  /** Newest first, with Stripe's hosted links. */
  invoices: Array<{
    id: string;
    number: string | null;
    created: Date;
    total: Money;
    status: string | null;
    hostedInvoiceUrl: string | null;
    invoicePdf: string | null;
  }>;
  /** The Pro prices to upgrade to (amounts from Stripe; null if Stripe could not be read). */
  prices: Record<BillingInterval, Money | null>;
  /** Set when Stripe could not be reached for the live details: the page says so; the rest is stored. */
  stripeUnavailable: boolean;
  /** Brain answers written with the server's Claude key this calendar month (UTC). */
  brain: { used: number; allowance: number; resetsAt: Date; serverKey: boolean };
};

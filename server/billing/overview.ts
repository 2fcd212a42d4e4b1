// What Settings → Billing shows: the stored facts (P6) plus live details read from Stripe when the
// page is shown — the card as Stripe reports it, invoices with Stripe's hosted links, amounts — which
// are never stored (ADR 023). Stripe not answering never breaks the page: the stored facts show, with
// stripeUnavailable set.
import type Stripe from "stripe";
import type { Queryable } from "../db/client";
import { env } from "../env";
import { logger } from "../logger";
import { brainAllowanceOf } from "./gates";
import { entitlementOf } from "./plan";
import { isMissing, isStripeUnavailable, stripeClient } from "./stripe-client";
import type { BillingInterval, BillingOverview, Money } from "./types";

const INVOICES_SHOWN = 12;

function intervalOf(value: string | null): BillingInterval | null {
  return value === "month" || value === "year" ? value : null;
}

const moneyOfPrice = (price: Stripe.Price | null): Money | null =>
  price && typeof price.unit_amount === "number" ? { amount: price.unit_amount, currency: price.currency } : null;

type Card = BillingOverview["card"];

function cardOf(method: string | Stripe.PaymentMethod | null | undefined): Card | "unexpanded" | null {
  if (!method) return null;
  if (typeof method === "string") return "unexpanded";
  const card = method.card;
  return card ? { brand: card.brand, last4: card.last4, expMonth: card.exp_month, expYear: card.exp_year } : null;
}

type Live = Pick<BillingOverview, "card" | "invoices" | "prices"> & { renewal: Money | null };

async function readLive(
  stripe: Stripe,
  account: { customerId: string | null; subscriptionId: string | null; priceId: string | null },
): Promise<Live> {
  const { prices: configured } = env().stripe!;
  const retrievePrice = (id: string) =>
    stripe.prices.retrieve(id).catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    });
  const [month, year] = await Promise.all([retrievePrice(configured.month), retrievePrice(configured.year)]);
  const prices: Record<BillingInterval, Money | null> = { month: moneyOfPrice(month), year: moneyOfPrice(year) };
  if (!account.customerId) return { card: null, invoices: [], prices, renewal: null };

  const [subscription, customer, invoices] = await Promise.all([
    account.subscriptionId
      ? stripe.subscriptions
          .retrieve(account.subscriptionId, { expand: ["default_payment_method"] })
          .catch((error: unknown) => {
            if (isMissing(error)) return null;
            throw error;
          })
      : Promise.resolve(null),
    stripe.customers.retrieve(account.customerId, { expand: ["invoice_settings.default_payment_method"] }),
    stripe.invoices.list({ customer: account.customerId, limit: INVOICES_SHOWN }),
  ]);
  // The subscription's own card first, then the customer's default (Stripe's order of precedence).
  const customerMethod =
    "deleted" in customer && customer.deleted ? null : customer.invoice_settings?.default_payment_method;
  let card: Card | "unexpanded" | null = cardOf(subscription?.default_payment_method) ?? cardOf(customerMethod);
  if (card === "unexpanded") {
    const id = (subscription?.default_payment_method ?? customerMethod) as string;
    card = cardOf(await stripe.paymentMethods.retrieve(id));
    if (card === "unexpanded") card = null;
  }
  const item = subscription?.items?.data?.[0];
  const renewal = item?.price ? moneyOfPrice(item.price) : null;
  return {
    card,
    prices,
    renewal,
    invoices: invoices.data
      .map((invoice) => ({
        id: invoice.id ?? "",
        number: invoice.number ?? null,
        created: new Date(invoice.created * 1000),
        total: { amount: invoice.total, currency: invoice.currency },
        status: invoice.status ?? null,
        hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
        invoicePdf: invoice.invoice_pdf ?? null,
      }))
      .sort((a, b) => b.created.getTime() - a.created.getTime()),
  };
}

export async function billingOverview(db: Queryable, userId: string, now = new Date()): Promise<BillingOverview> {
  const [entitlement, account, brain] = await Promise.all([
    entitlementOf(db, userId, now),
    db.billingAccount.findUnique({ where: { userId } }),
    brainAllowanceOf(db, userId, now),
  ]);
  const configured = env().stripe !== null;
  const stored = account?.subscriptionStatus
    ? {
        status: account.subscriptionStatus,
        plan: "pro" as const,
        interval: intervalOf(account.interval),
        currentPeriodEnd: account.currentPeriodEnd,
        cancelAtPeriodEnd: account.cancelAtPeriodEnd,
        trialEnd: account.trialEnd,
      }
    : null;
  const overview: BillingOverview = {
    configured,
    entitlement,
    subscription: stored ? { ...stored, renewal: null } : null,
    hasCustomer: Boolean(account?.stripeCustomerId),
    card: null,
    invoices: [],
    prices: { month: null, year: null },
    stripeUnavailable: false,
    brain,
  };
  if (!configured) return overview;
  try {
    const live = await readLive(stripeClient(), {
      customerId: account?.stripeCustomerId ?? null,
      subscriptionId: account?.stripeSubscriptionId ?? null,
      priceId: account?.priceId ?? null,
    });
    return {
      ...overview,
      subscription: stored ? { ...stored, renewal: live.renewal } : null,
      card: live.card,
      invoices: live.invoices,
      prices: live.prices,
    };
  } catch (error) {
    // Whatever went wrong reading the live details, the page still shows what we store.
    const unavailable = isStripeUnavailable(error);
    logger()[unavailable ? "warn" : "error"](
      { err: error instanceof Error ? error.message : String(error) },
      "billing overview: Stripe's live details could not be read",
    );
    return { ...overview, stripeUnavailable: true };
  }
}

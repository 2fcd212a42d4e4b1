// What happens inside "Stripe" when a checkout completes, an invoice is charged, a plan changes, a
// subscription is cancelled or a card replaced: the operations the API, the hosted pages and the test
// clock share, each emitting the events Stripe would (delivery is the caller's: Events.flush()).
import { z } from "zod";
import type { FakeCard } from "./contract";
import { StripeApiError } from "./errors";
import { createInvoice } from "./invoices";
import {
  clone,
  fullAddress,
  type BillingAddress,
  firstItem,
  intervalOf,
  periodEnd,
  planOf,
  type CardBehaviour,
  type Json,
  type Store,
  type StripeObject,
} from "./store";
import type { Events } from "./webhooks";

const DAY = 86_400;
/** Smart retries, simplified: attempts again 3, 5 and 7 days after the first failure, then cancels. */
export const RETRY_DAYS = [3, 5, 7];

export type ParsedCard = { brand: string; last4: string; expMonth: number; expYear: number; behaviour: CardBehaviour };

const cardSchema = z.object({
  number: z
    .string()
    .transform((s) => s.replace(/[\s-]/g, ""))
    .pipe(z.string().regex(/^\d{12,19}$/, "Your card number is incomplete.")),
  expMonth: z
    .number()
    .int()
    .min(1, "Your card's expiration month is invalid.")
    .max(12, "Your card's expiration month is invalid."),
  expYear: z
    .number()
    .int()
    .min(2000, "Your card's expiration year is invalid.")
    .max(2100, "Your card's expiration year is invalid."),
  cvc: z.string().regex(/^\d{3,4}$/, "Your card's security code is incomplete."),
});

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function brandOf(number: string): string {
  if (number.startsWith("4")) return "visa";
  if (/^(5[1-5]|2[2-7])/.test(number)) return "mastercard";
  if (/^3[47]/.test(number)) return "amex";
  if (/^6(011|5)/.test(number)) return "discover";
  return "unknown";
}

/** Checks a card as Stripe's card element would, then as its test numbers behave: 402 for the
 *  declining ones, 400 (card_error, incorrect_number …) for a malformed one. */
export function parseCard(card: FakeCard, now: Date): ParsedCard {
  const parsed = cardSchema.safeParse(card);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0]);
    throw new StripeApiError(402, {
      type: "card_error",
      code:
        field === "number"
          ? "incorrect_number"
          : field === "cvc"
            ? "invalid_cvc"
            : "invalid_expiry_" + (field === "expMonth" ? "month" : "year"),
      message: issue.message,
      param: field === "number" ? "number" : field === "cvc" ? "cvc" : field === "expMonth" ? "exp_month" : "exp_year",
    });
  }
  const { number, expMonth, expYear } = parsed.data;
  if (!luhn(number))
    throw new StripeApiError(402, {
      type: "card_error",
      code: "incorrect_number",
      message: "Your card number is invalid.",
      param: "number",
    });
  if (expYear < now.getUTCFullYear() || (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1))
    throw new StripeApiError(402, {
      type: "card_error",
      code: "expired_card",
      message: "Your card has expired.",
      param: "exp_year",
    });
  if (number === "4000000000000002") throw StripeApiError.declined("generic_decline");
  if (number === "4000000000009995")
    throw StripeApiError.declined("insufficient_funds", "Your card has insufficient funds.");
  return {
    brand: brandOf(number),
    last4: number.slice(-4),
    expMonth,
    expYear,
    behaviour: number === "4000000000000341" ? "fails_charges" : "succeeds",
  };
}

export class Billing {
  constructor(
    readonly store: Store,
    readonly events: Events,
  ) {}

  /** The hosted checkout page's submit: customer, card, subscription, first invoice, session complete. */
  completeCheckout(
    sessionId: string,
    card: ParsedCard & { name: string | null },
    email: string | null,
    billingAddress: BillingAddress | null,
  ): string {
    const session = this.store.need(sessionId, "checkout.session", "checkout session");
    this.expireIfDue(session);
    if (session.status !== "open")
      throw StripeApiError.invalid(
        `This Checkout Session is no longer active (status: ${session.status as string}).`,
        undefined,
        "checkout_session_inactive",
      );
    const extra = this.store.sessionExtras.get(session.id)!;
    if (extra.collectAddress && !billingAddress) throw StripeApiError.missing("billing_details[address]");
    const address = extra.collectAddress && billingAddress ? fullAddress(billingAddress) : null;
    let customer = session.customer ? this.store.need(session.customer as string, "customer") : null;
    if (!customer) {
      const to = (session.customer_email as string | null) ?? email;
      if (!to) throw StripeApiError.missing("email");
      customer = this.store.customer({ email: to, name: card.name, metadata: {} });
      customer.address = address;
      this.events.emit("customer.created", customer);
    } else if (address && extra.saveAddress) {
      const existing = customer;
      this.events.update("customer.updated", existing, () => {
        existing.address = address;
      });
    }
    const pm = this.attachCard(customer, card);
    const price = this.store.need(extra.lineItems[0]!.price, "price");
    const subscription = this.store.subscription({
      customer: customer.id,
      price,
      trialEnd: extra.trialEnd,
      paymentMethod: pm.id,
      metadata: extra.subscriptionMetadata,
      automaticTax: Boolean((session.automatic_tax as Json).enabled),
    });
    this.events.emit("customer.subscription.created", subscription);
    const invoice = createInvoice(
      this.store,
      subscription,
      "subscription_create",
      extra.trialEnd ? 0 : (price.unit_amount as number),
    );
    this.events.emit("invoice.created", invoice);
    this.events.emit("invoice.finalized", invoice);
    // The first payment was taken by the form itself (a card that fails renewals still pays this).
    this.markPaid(invoice, pm.id);
    subscription.latest_invoice = invoice.id;
    const total = invoice.total as number;
    Object.assign(session, {
      customer: customer.id,
      customer_details: {
        address,
        email: customer.email,
        name: card.name,
        phone: null,
        tax_exempt: "none",
        tax_ids: [],
      },
      invoice: invoice.id,
      payment_status: total === 0 ? "no_payment_required" : "paid",
      status: "complete",
      subscription: subscription.id,
      url: null,
    });
    this.events.emit("checkout.session.completed", session);
    return String(session.success_url).replace("{CHECKOUT_SESSION_ID}", session.id);
  }

  expireIfDue(session: StripeObject): void {
    if (session.status === "open" && (session.expires_at as number) <= this.store.now()) {
      Object.assign(session, { status: "expired", url: null });
      this.events.emit("checkout.session.expired", session);
    }
  }

  /** A new card becomes the customer's default (and its subscriptions'). */
  attachCard(customer: StripeObject, card: ParsedCard & { name: string | null }): StripeObject {
    const pm = this.store.paymentMethod(card, customer, card.behaviour);
    this.events.emit("payment_method.attached", pm);
    this.events.update("customer.updated", customer, () => {
      customer.invoice_settings = { ...(customer.invoice_settings as Json), default_payment_method: pm.id };
    });
    return pm;
  }

  /** Portal "update card": the new card is the default for the customer and every live subscription. */
  replaceCard(customer: StripeObject, card: ParsedCard & { name: string | null }): StripeObject {
    const pm = this.attachCard(customer, card);
    for (const subscription of this.subscriptionsOf(customer.id))
      if (subscription.status !== "canceled")
        this.events.update("customer.subscription.updated", subscription, () => {
          subscription.default_payment_method = pm.id;
        });
    return pm;
  }

  subscriptionsOf(customerId: string): StripeObject[] {
    return this.store.all("subscription").filter((s) => s.customer === customerId);
  }

  private markPaid(invoice: StripeObject, paymentMethod: string | null): void {
    const now = this.store.now();
    Object.assign(invoice, {
      amount_paid: invoice.amount_due,
      amount_remaining: 0,
      attempt_count: (invoice.attempt_count as number) + 1,
      attempted: true,
      default_payment_method: paymentMethod,
      next_payment_attempt: null,
      status: "paid",
      status_transitions: { ...(invoice.status_transitions as Json), paid_at: now },
    });
    this.events.emit("invoice.paid", invoice);
    this.events.emit("invoice.payment_succeeded", invoice);
  }

  private paymentMethodFor(subscription: StripeObject): string | null {
    const customer = this.store.get(subscription.customer as string, "customer");
    return (
      (subscription.default_payment_method as string | null) ??
      ((customer?.invoice_settings as Json | undefined)?.default_payment_method as string | null) ??
      null
    );
  }

  /** Charges an open invoice with the subscription's card; true when paid. A failure schedules the
   *  next attempt (or none after the last) and emits invoice.payment_failed. */
  charge(invoice: StripeObject, subscription: StripeObject, firstFailureAt: number | null): boolean {
    const pm = this.paymentMethodFor(subscription);
    const behaviour = pm ? this.store.cardBehaviour.get(pm) : undefined;
    if ((invoice.amount_due as number) === 0 || behaviour === "succeeds") {
      this.markPaid(invoice, pm);
      return true;
    }
    const attempts = (invoice.attempt_count as number) + 1;
    const base = firstFailureAt ?? this.store.now();
    const nextDays = RETRY_DAYS[attempts - 1];
    Object.assign(invoice, {
      attempt_count: attempts,
      attempted: true,
      next_payment_attempt: nextDays === undefined ? null : base + nextDays * DAY,
      last_finalization_error: null,
    });
    this.events.emit("invoice.payment_failed", invoice);
    return false;
  }

  /** Plan switch (portal or API): the item's price changes; the period and its renewal date stay. */
  changePrice(subscription: StripeObject, price: StripeObject): void {
    if (price.id === (firstItem(subscription).price as Json).id) return;
    this.events.update("customer.subscription.updated", subscription, () => {
      const items = clone(subscription.items as Json);
      const item = (items.data as Json[])[0]!;
      item.price = clone(price);
      item.plan = planOf(price);
      if (intervalOf(price) === "year" && subscription.status === "active") {
        // Stripe bills an interval change at once and starts a new period from now.
        const now = this.store.now();
        item.current_period_start = now;
        item.current_period_end = periodEnd(now, "year");
        subscription.billing_cycle_anchor = now;
      }
      subscription.items = items;
    });
    if (intervalOf(price) === "year" && subscription.status === "active") {
      const invoice = createInvoice(this.store, subscription, "subscription_update", price.unit_amount as number);
      this.events.emit("invoice.created", invoice);
      this.events.emit("invoice.finalized", invoice);
      const paid = this.charge(invoice, subscription, null);
      this.events.update("customer.subscription.updated", subscription, () => {
        subscription.latest_invoice = invoice.id;
        if (!paid) subscription.status = "past_due";
      });
    }
  }

  setCancelAtPeriodEnd(subscription: StripeObject, cancel: boolean, reason = "cancellation_requested"): void {
    this.events.update("customer.subscription.updated", subscription, () => {
      subscription.cancel_at_period_end = cancel;
      subscription.cancel_at = cancel ? firstItem(subscription).current_period_end : null;
      subscription.canceled_at = cancel ? this.store.now() : null;
      subscription.cancellation_details = { comment: null, feedback: null, reason: cancel ? reason : null };
    });
  }

  /** Ends the subscription now (DELETE, the end of a period with cancel_at_period_end, failed retries). */
  cancelNow(subscription: StripeObject, reason: string): void {
    if (subscription.status === "canceled") return;
    const now = this.store.now();
    Object.assign(subscription, {
      status: "canceled",
      canceled_at: (subscription.canceled_at as number | null) ?? now,
      ended_at: now,
      cancel_at: subscription.cancel_at ?? null,
      cancellation_details: { comment: null, feedback: null, reason },
    });
    for (const invoice of this.store.all("invoice"))
      if (this.invoiceSubscription(invoice) === subscription.id && invoice.status === "open")
        invoice.next_payment_attempt = null;
    this.events.emit("customer.subscription.deleted", subscription);
  }

  invoiceSubscription(invoice: StripeObject): string | null {
    const parent = invoice.parent as Json | null;
    return ((parent?.subscription_details as Json | undefined)?.subscription as string | undefined) ?? null;
  }
}

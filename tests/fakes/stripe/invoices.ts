// Invoices as Stripe makes them for a subscription's period: finalized (open) with one line for the
// price, hosted_invoice_url and invoice_pdf on the fake's origin, the subscription at
// parent.subscription_details.subscription (where API 2026-11-18 puts it).
import { clone, firstItem, intervalOf, newId, type Json, type Store, type StripeObject } from "./store";

/** An invoice for the subscription's current period (finalized, open, not yet charged). */
export function createInvoice(
  store: Store,
  subscription: StripeObject,
  reason: "subscription_create" | "subscription_cycle" | "subscription_update",
  amount: number,
): StripeObject {
  const item = firstItem(subscription);
  const price = item.price as Json;
  const customer = store.get(subscription.customer as string, "customer");
  const id = newId("in");
  store.invoiceCount += 1;
  const number = `${(customer?.invoice_prefix as string | undefined) ?? "FAKE"}-${String(store.invoiceCount).padStart(4, "0")}`;
  const now = store.now();
  const period = { start: item.current_period_start as number, end: item.current_period_end as number };
  return store.put({
    id,
    object: "invoice",
    created: now,
    account_country: "US",
    account_name: "Sales-as-Code",
    amount_due: amount,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: amount,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { enabled: (subscription.automatic_tax as Json).enabled, liability: null, status: "complete" },
    billing_reason: reason,
    collection_method: "charge_automatically",
    currency: price.currency,
    customer: subscription.customer,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    default_payment_method: null,
    description: null,
    discounts: [],
    due_date: null,
    ending_balance: 0,
    hosted_invoice_url: `${store.baseUrl}/i/${id}`,
    invoice_pdf: `${store.baseUrl}/i/${id}/pdf`,
    last_finalization_error: null,
    lines: {
      object: "list",
      data: [
        {
          id: newId("il"),
          object: "line_item",
          amount,
          currency: price.currency,
          description: `1 × Sales-as-Code Pro (at $${((price.unit_amount as number) / 100).toFixed(2)} / ${intervalOf(price)})`,
          metadata: {},
          parent: {
            type: "subscription_item_details",
            subscription_item_details: {
              subscription: subscription.id,
              subscription_item: item.id,
              proration: false,
            },
          },
          period,
          pricing: {
            type: "price_details",
            price_details: { price: price.id, product: price.product },
            unit_amount_decimal: String(price.unit_amount),
          },
          quantity: 1,
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number,
    parent: {
      type: "subscription_details",
      quote_details: null,
      subscription_details: { metadata: clone(subscription.metadata), subscription: subscription.id },
    },
    period_end: period.end,
    period_start: period.start,
    starting_balance: 0,
    status: "open",
    status_transitions: { finalized_at: now, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: amount,
    total: amount,
    total_excluding_tax: amount,
    webhooks_delivered_at: now,
  });
}

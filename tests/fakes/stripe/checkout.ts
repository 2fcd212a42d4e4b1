// Checkout sessions: creation with Stripe's checks (one recurring price, customer or customer_email,
// trial_end at least two days ahead, absolute URLs) and their line items.
import { StripeApiError } from "./errors";
import type { Params } from "./form";
import { clone, newId, type Json, type Store, type StripeObject } from "./store";

/** What a session sells (line_items, expanded or listed). */
export function checkoutLineItems(store: Store, session: StripeObject): Json[] {
  const extra = store.sessionExtras.get(session.id)!;
  return extra.lineItems.map((line) => {
    const price = store.need(line.price, "price");
    const amount = (price.unit_amount as number) * line.quantity;
    return {
      id: newId("li"),
      object: "item",
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: "Sales-as-Code Pro",
      price: clone(price),
      quantity: line.quantity,
    };
  });
}

/** POST /v1/checkout/sessions (mode=subscription). */
export function createCheckoutSession(store: Store, p: Params, baseUrl: string): StripeObject {
  const mode = p.required("mode");
  if (mode !== "subscription")
    throw StripeApiError.invalid(
      "This fake Stripe only supports Checkout in subscription mode.",
      "mode",
      "parameter_invalid",
    );
  const successUrl = p.required("success_url");
  for (const [name, value] of [
    ["success_url", successUrl],
    ["cancel_url", p.string("cancel_url")],
  ] as const) {
    if (value !== undefined && !/^https?:\/\/[^\s]+$/.test(value))
      throw StripeApiError.invalid(`Not a valid URL`, name, "url_invalid");
  }
  const customerId = p.string("customer");
  const customerEmail = p.string("customer_email");
  if (customerId && customerEmail)
    throw StripeApiError.invalid("You may only specify one of these parameters: customer, customer_email.", "customer");
  if (customerId) store.need(customerId, "customer", "customer", "customer");
  const lines = p.array("line_items");
  if (lines.length === 0) throw StripeApiError.missing("line_items");
  if (lines.length > 1)
    throw StripeApiError.invalid("This fake Stripe supports one recurring line item per subscription.", "line_items");
  const lineItems = lines.map((line, i) => {
    const priceId = line.required("price");
    const price = store.need(priceId, "price", "price", `line_items[${i}][price]`);
    if (!price.active)
      throw StripeApiError.invalid(
        `The price specified is inactive. This field only accepts active prices.`,
        `line_items[${i}][price]`,
      );
    const quantity = line.integer("quantity") ?? 1;
    if (quantity !== 1)
      throw StripeApiError.invalid("Quantity must be 1 for this price.", `line_items[${i}][quantity]`);
    return { price: price.id, quantity };
  });
  const subscriptionData = p.object("subscription_data");
  const now = store.now();
  const trialDays = subscriptionData?.integer("trial_period_days");
  if (trialDays !== undefined && subscriptionData?.has("trial_end"))
    throw StripeApiError.invalid(
      "You may only specify one of these parameters: subscription_data[trial_end], subscription_data[trial_period_days].",
      "subscription_data[trial_end]",
    );
  if (trialDays !== undefined && trialDays < 1)
    throw StripeApiError.invalid("Trial period days must be at least 1.", "subscription_data[trial_period_days]");
  const trialEnd = subscriptionData?.integer("trial_end") ?? (trialDays ? now + trialDays * 86_400 : null);
  if (trialEnd !== null && trialEnd < now + 2 * 86_400)
    throw StripeApiError.invalid(
      "The `trial_end` date has to be at least 2 days in the future.",
      "subscription_data[trial_end]",
    );
  if (trialEnd !== null && trialEnd > now + 730 * 86_400)
    throw StripeApiError.invalid(
      "The `trial_end` date cannot be more than 730 days in the future.",
      "subscription_data[trial_end]",
    );
  const automaticTax = p.object("automatic_tax")?.boolean("enabled") ?? false;
  const customerUpdate = p.object("customer_update");
  if (customerUpdate && !customerId)
    throw StripeApiError.invalid("`customer_update` can only be used with `customer`.", "customer_update");
  const saveAddress = ["address", "shipping"].some((key) => {
    const value = customerUpdate?.string(key);
    if (value !== undefined && value !== "auto" && value !== "never")
      throw StripeApiError.invalid(
        `Invalid customer_update[${key}]: must be one of auto or never`,
        `customer_update[${key}]`,
      );
    return value === "auto";
  });
  if (automaticTax && customerId && !store.get(customerId, "customer")!.address && !saveAddress)
    throw StripeApiError.invalid(
      "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address to the Customer or set either `customer_update[address]` to 'auto' or `customer_update[shipping]` to 'auto' to save the address entered in Checkout to the Customer.",
      "automatic_tax[enabled]",
    );
  const id = newId("cs_test", 24);
  const price = store.need(lineItems[0]!.price, "price");
  const amount = trialEnd ? 0 : (price.unit_amount as number);
  const session = store.put({
    id,
    object: "checkout.session",
    created: now,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: {
      enabled: automaticTax,
      liability: automaticTax ? { type: "self" } : null,
      provider: automaticTax ? "stripe" : null,
      status: automaticTax ? "complete" : null,
    },
    billing_address_collection: null,
    cancel_url: p.string("cancel_url") ?? null,
    client_reference_id: p.nullableString("client_reference_id") ?? null,
    currency: price.currency,
    customer: customerId ?? null,
    customer_creation: customerId ? null : "always",
    customer_details: customerEmail
      ? { address: null, email: customerEmail, name: null, phone: null, tax_exempt: "none", tax_ids: null }
      : null,
    customer_email: customerEmail ?? null,
    expires_at: now + 24 * 3600,
    invoice: null,
    livemode: false,
    locale: p.string("locale") ?? null,
    metadata: p.metadata() ?? {},
    mode,
    payment_method_types: ["card"],
    payment_status: "unpaid",
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: successUrl,
    ui_mode: "hosted",
    url: `${baseUrl}/c/pay/${id}`,
  });
  store.sessionExtras.set(id, {
    lineItems,
    trialEnd,
    subscriptionMetadata: subscriptionData?.metadata() ?? {},
    collectAddress: automaticTax,
    saveAddress,
  });
  return session;
}

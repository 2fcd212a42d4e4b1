// The fake's objects, shaped as the `stripe` package's types say for what a billing module reads, and
// the clock they are stamped with. Objects are plain JSON kept in maps; each API answer and event
// payload is a deep copy (expanded as asked), so later changes never leak into an earlier answer.
import { randomBytes } from "node:crypto";
import { StripeApiError } from "./errors";

export type Json = Record<string, unknown>;
export type StripeObject = Json & { id: string; object: string; created: number };

export const API_VERSION = "2026-11-18.endive";
export const PRODUCT_ID = "prod_salesascode_pro";

/** What a card does when charged (the number itself is never stored: only brand and last 4). */
export type CardBehaviour = "succeeds" | "fails_charges";

export type LineItem = { price: string; quantity: number };

/** Internal state beside the public objects (not part of any answer). */
export type SessionExtra = {
  lineItems: LineItem[];
  trialEnd: number | null;
  subscriptionMetadata: Record<string, string>;
  /** automatic_tax: Checkout collects the billing address (country and postal code). */
  collectAddress: boolean;
  /** customer_update[address]=auto: the address collected is saved to an existing customer. */
  saveAddress: boolean;
};

/** A billing address as Checkout collects it for tax. */
export type BillingAddress = { country: string; postal_code: string };

export function fullAddress(address: BillingAddress): Json {
  return {
    city: null,
    country: address.country,
    line1: null,
    line2: null,
    postal_code: address.postal_code || null,
    state: null,
  };
}

export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString("base64url").replace(/[-_]/g, "x")}`;
}

export const clone = <T>(value: T): T => structuredClone(value);

const DAY = 86_400;

export class Store {
  private clockMs: number;
  readonly objects = new Map<string, StripeObject>();
  /** Insertion order per object type, for lists (newest first, as Stripe lists). */
  private readonly order = new Map<string, string[]>();
  readonly sessionExtras = new Map<string, SessionExtra>();
  readonly cardBehaviour = new Map<string, CardBehaviour>();
  /** Subscriptions whose trial_will_end has been sent (once per trial end). */
  readonly trialWillEndSent = new Map<string, number>();
  /** Invoices numbered so far (their numbers run on per account). */
  invoiceCount = 0;

  constructor(
    readonly baseUrl: string,
    now: Date,
    prices: { month: string; year: string },
  ) {
    this.clockMs = now.getTime();
    this.put({
      id: PRODUCT_ID,
      object: "product",
      created: this.now(),
      active: true,
      name: "Sales-as-Code Pro",
      description: "Connections and brain answers for one seller.",
      default_price: prices.month,
      images: [],
      livemode: false,
      marketing_features: [],
      metadata: {},
      package_dimensions: null,
      shippable: null,
      statement_descriptor: null,
      tax_code: null,
      type: "service",
      unit_label: null,
      updated: this.now(),
      url: null,
    });
    this.put(this.price(prices.month, 2900, "month"));
    this.put(this.price(prices.year, 29000, "year"));
  }

  /** The clock, in Stripe's unit (seconds). */
  now(): number {
    return Math.floor(this.clockMs / 1000);
  }
  nowDate(): Date {
    return new Date(this.clockMs);
  }
  setNow(seconds: number): void {
    this.clockMs = Math.max(this.clockMs, seconds * 1000);
  }
  advanceMs(ms: number): void {
    this.clockMs += ms;
  }

  put<T extends StripeObject>(object: T): T {
    if (!this.objects.has(object.id)) {
      const list = this.order.get(object.object) ?? [];
      list.push(object.id);
      this.order.set(object.object, list);
    }
    this.objects.set(object.id, object);
    return object;
  }

  get(id: string, kind: string): StripeObject | undefined {
    const object = this.objects.get(id);
    return object && object.object === kind ? object : undefined;
  }

  /** The object, or Stripe's 404 (or 400 naming `param` when the id came in a parameter). */
  need(id: string, kind: string, label = kind, param?: string): StripeObject {
    const object = this.get(id, kind);
    if (!object || object.deleted) throw StripeApiError.noSuch(label, id, param);
    return object;
  }

  /** Every object of a type, newest first. */
  all(kind: string): StripeObject[] {
    return (this.order.get(kind) ?? []).map((id) => this.objects.get(id)!).reverse();
  }

  private price(id: string, amount: number, interval: "month" | "year"): StripeObject {
    return {
      id,
      object: "price",
      created: this.now(),
      active: true,
      billing_scheme: "per_unit",
      currency: "usd",
      custom_unit_amount: null,
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: interval === "month" ? "Pro monthly" : "Pro yearly",
      product: PRODUCT_ID,
      recurring: { interval, interval_count: 1, meter: null, trial_period_days: null, usage_type: "licensed" },
      tax_behavior: "exclusive",
      tiers_mode: null,
      transform_quantity: null,
      type: "recurring",
      unit_amount: amount,
      unit_amount_decimal: String(amount),
    };
  }

  customer(input: { email: string | null; name: string | null; metadata: Record<string, string> }): StripeObject {
    return this.put({
      id: newId("cus", 7),
      object: "customer",
      created: this.now(),
      address: null,
      balance: 0,
      currency: null,
      default_source: null,
      delinquent: false,
      description: null,
      email: input.email,
      invoice_prefix: randomBytes(4).toString("hex").toUpperCase(),
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata: input.metadata,
      name: input.name,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: "none",
      test_clock: null,
    });
  }

  paymentMethod(
    card: { brand: string; last4: string; expMonth: number; expYear: number; name: string | null },
    customer: StripeObject,
    behaviour: CardBehaviour,
  ): StripeObject {
    const pm = this.put({
      id: newId("pm"),
      object: "payment_method",
      created: this.now(),
      allow_redisplay: "unspecified",
      billing_details: {
        address: null,
        email: (customer.email as string | null) ?? null,
        name: card.name,
        phone: null,
        tax_id: null,
      },
      card: {
        brand: card.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
        country: "US",
        display_brand: card.brand,
        exp_month: card.expMonth,
        exp_year: card.expYear,
        fingerprint: randomBytes(8).toString("base64url"),
        funding: "credit",
        last4: card.last4,
        networks: { available: [card.brand], preferred: null },
        wallet: null,
      },
      customer: customer.id,
      livemode: false,
      metadata: {},
      type: "card",
    });
    this.cardBehaviour.set(pm.id, behaviour);
    return pm;
  }

  /** A subscription on one price, its period starting now (a trial when trialEnd is given). */
  subscription(input: {
    customer: string;
    price: StripeObject;
    trialEnd: number | null;
    paymentMethod: string | null;
    metadata: Record<string, string>;
    automaticTax: boolean;
  }): StripeObject {
    const id = newId("sub");
    const start = this.now();
    const end = input.trialEnd ?? periodEnd(start, intervalOf(input.price));
    return this.put({
      id,
      object: "subscription",
      created: start,
      application: null,
      application_fee_percent: null,
      automatic_tax: {
        disabled_reason: null,
        enabled: input.automaticTax,
        liability: input.automaticTax ? { type: "self" } : null,
      },
      billing_cycle_anchor: end,
      billing_cycle_anchor_config: null,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      collection_method: "charge_automatically",
      currency: input.price.currency,
      customer: input.customer,
      days_until_due: null,
      default_payment_method: input.paymentMethod,
      default_source: null,
      description: null,
      discounts: [],
      ended_at: null,
      invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
      items: {
        object: "list",
        data: [this.subscriptionItem(id, input.price, start, end)],
        has_more: false,
        total_count: 1,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      latest_invoice: null,
      livemode: false,
      metadata: input.metadata,
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: {
        payment_method_options: null,
        payment_method_types: null,
        save_default_payment_method: "off",
      },
      pending_invoice_item_interval: null,
      pending_setup_intent: null,
      pending_update: null,
      schedule: null,
      start_date: start,
      status: input.trialEnd ? "trialing" : "active",
      test_clock: null,
      transfer_data: null,
      trial_end: input.trialEnd,
      trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
      trial_start: input.trialEnd ? start : null,
    });
  }

  subscriptionItem(subscription: string, price: StripeObject, start: number, end: number): Json {
    return {
      id: newId("si", 7),
      object: "subscription_item",
      created: this.now(),
      current_period_end: end,
      current_period_start: start,
      discounts: [],
      metadata: {},
      plan: planOf(price),
      price: clone(price),
      quantity: 1,
      subscription,
      tax_rates: [],
    };
  }
}

export function firstItem(subscription: StripeObject): Json {
  return ((subscription.items as Json).data as Json[])[0]!;
}

export function intervalOf(price: StripeObject | Json): "month" | "year" {
  return (price.recurring as Json).interval as "month" | "year";
}

/** One interval on (calendar months/years, clamped to the month's end as Stripe does). */
export function periodEnd(start: number, interval: "month" | "year"): number {
  const date = new Date(start * 1000);
  const day = date.getUTCDate();
  if (interval === "year") date.setUTCFullYear(date.getUTCFullYear() + 1, date.getUTCMonth(), 1);
  else date.setUTCMonth(date.getUTCMonth() + 1, 1);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return Math.floor(date.getTime() / 1000);
}

export function planOf(price: StripeObject | Json): Json {
  return {
    id: price.id,
    object: "plan",
    active: true,
    amount: price.unit_amount,
    amount_decimal: String(price.unit_amount),
    billing_scheme: "per_unit",
    created: price.created,
    currency: price.currency,
    interval: intervalOf(price),
    interval_count: 1,
    livemode: false,
    metadata: {},
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: "licensed",
  };
}

export { DAY };

// Stripe's API resources the billing module uses: customers, products/prices, checkout sessions,
// subscriptions, invoices, payment methods, billing portal sessions and events — with `expand[]`,
// list filters and cursor paging (`limit`, `starting_after`), newest first.
import type { Billing } from "./billing";
import { StripeApiError } from "./errors";
import { Params } from "./form";
import type { ApiAnswer, ApiRequest } from "./server";
import { checkoutLineItems, createCheckoutSession } from "./checkout";
import { clone, newId, type Json, type Store, type StripeObject } from "./store";

type Route = { method: string; pattern: RegExp; run: (p: Params, id: string[], request: ApiRequest) => unknown };

/** Which object type an id prefix names (for expanding ids into objects). */
const KIND_BY_PREFIX: Record<string, string> = {
  cus: "customer",
  sub: "subscription",
  in: "invoice",
  pm: "payment_method",
  price: "price",
  prod: "product",
  cs: "checkout.session",
};

export class StripeApi {
  private readonly routes: Route[] = [];

  constructor(
    private readonly billing: Billing,
    private readonly baseUrl: string,
  ) {
    const store = billing.store;
    const r = (method: string, path: string, run: Route["run"]) =>
      this.routes.push({ method, pattern: new RegExp(`^/v1/${path.replace(/:id/g, "([^/]+)")}$`), run });

    r("POST", "customers", (p) => this.createCustomer(p));
    r("GET", "customers", (p) =>
      this.list(
        p,
        "/v1/customers",
        store.all("customer").filter((c) => !c.deleted && (!p.has("email") || c.email === p.string("email"))),
      ),
    );
    r("GET", "customers/:id", (_p, [id]) => {
      const customer = store.get(id!, "customer");
      if (customer?.deleted) return { id: customer.id, object: "customer", deleted: true };
      return store.need(id!, "customer");
    });
    r("POST", "customers/:id", (p, [id]) => this.updateCustomer(p, store.need(id!, "customer")));
    // Deleting a customer cancels its subscriptions at once, as Stripe does.
    r("DELETE", "customers/:id", (_p, [id]) => {
      const customer = store.need(id!, "customer");
      for (const subscription of billing.subscriptionsOf(customer.id))
        billing.cancelNow(subscription, "cancellation_requested");
      customer.deleted = true;
      billing.events.emit("customer.deleted", customer);
      return { id: customer.id, object: "customer", deleted: true };
    });
    r("GET", "customers/:id/payment_methods", (p, [id]) =>
      this.list(p, `/v1/customers/${id}/payment_methods`, this.paymentMethodsOf(store.need(id!, "customer").id)),
    );

    r("GET", "products/:id", (_p, [id]) => store.need(id!, "product"));
    r("GET", "prices", (p) =>
      this.list(
        p,
        "/v1/prices",
        store
          .all("price")
          .filter(
            (x) =>
              (p.boolean("active") ?? x.active) === x.active &&
              (!p.has("product") || x.product === p.string("product")),
          ),
      ),
    );
    r("GET", "prices/:id", (_p, [id]) => store.need(id!, "price"));

    r("POST", "checkout/sessions", (p) => createCheckoutSession(this.store, p, this.baseUrl));
    r("GET", "checkout/sessions", (p) =>
      this.list(
        p,
        "/v1/checkout/sessions",
        store
          .all("checkout.session")
          .filter(
            (s) =>
              (!p.has("customer") || s.customer === p.string("customer")) &&
              (!p.has("subscription") || s.subscription === p.string("subscription")),
          ),
      ),
    );
    r("GET", "checkout/sessions/:id", (_p, [id]) => this.session(id!));
    r("GET", "checkout/sessions/:id/line_items", (p, [id]) =>
      this.list(p, `/v1/checkout/sessions/${id}/line_items`, checkoutLineItems(this.store, this.session(id!))),
    );
    r("POST", "checkout/sessions/:id/expire", (_p, [id]) => {
      const session = this.session(id!);
      if (session.status !== "open")
        throw StripeApiError.invalid(
          `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status as string}".`,
        );
      Object.assign(session, { status: "expired", url: null });
      billing.events.emit("checkout.session.expired", session);
      return session;
    });

    r("GET", "subscriptions", (p) => this.listSubscriptions(p));
    r("GET", "subscriptions/:id", (_p, [id]) => store.need(id!, "subscription"));
    r("POST", "subscriptions/:id", (p, [id]) => this.updateSubscription(p, store.need(id!, "subscription")));
    r("DELETE", "subscriptions/:id", (_p, [id]) => {
      const subscription = store.need(id!, "subscription");
      billing.cancelNow(subscription, "cancellation_requested");
      return subscription;
    });

    r("GET", "invoices", (p) =>
      this.list(
        p,
        "/v1/invoices",
        store
          .all("invoice")
          .filter(
            (i) =>
              (!p.has("customer") || i.customer === p.string("customer")) &&
              (!p.has("subscription") || billing.invoiceSubscription(i) === p.string("subscription")) &&
              (!p.has("status") || i.status === p.string("status")),
          ),
      ),
    );
    r("GET", "invoices/:id", (_p, [id]) => store.need(id!, "invoice"));

    r("GET", "payment_methods", (p) =>
      this.list(p, "/v1/payment_methods", this.paymentMethodsOf(p.required("customer"))),
    );
    r("GET", "payment_methods/:id", (_p, [id]) => store.need(id!, "payment_method", "PaymentMethod"));

    r("POST", "billing_portal/sessions", (p) => this.createPortalSession(p));

    r("GET", "events", (p) =>
      this.list(
        p,
        "/v1/events",
        store.all("event").filter((e) => {
          const type = p.string("type");
          const types = p.strings("types");
          if (type && !(type.endsWith("*") ? (e.type as string).startsWith(type.slice(0, -1)) : e.type === type))
            return false;
          return types.length === 0 || types.includes(e.type as string);
        }),
      ),
    );
    r("GET", "events/:id", (_p, [id]) => store.need(id!, "event"));
  }

  handle(request: ApiRequest): ApiAnswer {
    const route = this.routes.find(
      (candidate) => candidate.method === request.method && candidate.pattern.test(request.path),
    );
    if (!route) {
      throw new StripeApiError(404, {
        type: "invalid_request_error",
        message: `Unrecognized request URL (${request.method}: ${request.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      });
    }
    const ids = route.pattern.exec(request.path)!.slice(1).map(decodeURIComponent);
    const params = new Params(request.form);
    this.billing.events.request = request.method === "GET" ? { id: null, idempotency_key: null } : request.request;
    try {
      const result = route.run(params, ids, request) as Json;
      return { body: this.expand(clone(result), params.strings("expand")) };
    } finally {
      this.billing.events.request = { id: null, idempotency_key: null };
    }
  }

  private get store(): Store {
    return this.billing.store;
  }

  private session(id: string): StripeObject {
    const session = this.store.need(id, "checkout.session", "checkout.session");
    this.billing.expireIfDue(session);
    return session;
  }

  /** `expand[]=a.b`: the id at each path becomes its object (lists: `data.x` expands every item). */
  expand(object: Json, paths: string[]): Json {
    for (const path of paths) {
      if (path.split(".").length > 4)
        throw StripeApiError.invalid(`You cannot expand more than 4 levels of a property. Property: ${path}`, "expand");
      this.expandPath(object, path.split("."), path);
    }
    return object;
  }

  private expandPath(node: Json, parts: string[], full: string): void {
    const [head, ...rest] = parts;
    if (!head) return;
    if (head === "line_items" && node.object === "checkout.session") {
      const data = checkoutLineItems(this.store, node as StripeObject);
      node.line_items = {
        object: "list",
        data,
        has_more: false,
        url: `/v1/checkout/sessions/${node.id as string}/line_items`,
      };
      for (const item of data) this.expandPath(item, rest, full);
      return;
    }
    if (head === "data" && Array.isArray(node.data)) {
      for (const item of node.data as Json[]) this.expandPath(item, rest, full);
      return;
    }
    if (!(head in node)) throw StripeApiError.invalid(`This property cannot be expanded (${full}).`, "expand");
    let value = node[head];
    if (typeof value === "string") {
      const kind = KIND_BY_PREFIX[value.startsWith("cs_") ? "cs" : value.split("_")[0]!];
      const found = kind ? this.store.get(value, kind) : undefined;
      if (!found) throw StripeApiError.invalid(`This property cannot be expanded (${full}).`, "expand");
      value = clone(found);
      node[head] = value;
    }
    if (value && typeof value === "object" && rest.length) this.expandPath(value as Json, rest, full);
  }

  /** A Stripe list: `limit` (1–100, default 10) and `starting_after` / `ending_before` cursors. */
  private list(p: Params, url: string, items: StripeObject[] | Json[]): Json {
    const limit = p.integer("limit") ?? 10;
    if (limit < 1 || limit > 100)
      throw StripeApiError.invalid(
        "Invalid limit: must be an integer between 1 and 100",
        "limit",
        "parameter_invalid_integer",
      );
    let start = 0;
    const after = p.string("starting_after");
    if (after) {
      const index = items.findIndex((item) => item.id === after);
      if (index < 0) throw StripeApiError.noSuch("object", after, "starting_after");
      start = index + 1;
    }
    const page = items.slice(start, start + limit);
    return { object: "list", data: page, has_more: start + limit < items.length, url };
  }

  private paymentMethodsOf(customerId: string): StripeObject[] {
    return this.store.all("payment_method").filter((pm) => pm.customer === customerId);
  }

  private createCustomer(p: Params): StripeObject {
    const customer = this.store.customer({
      email: p.nullableString("email") ?? null,
      name: p.nullableString("name") ?? null,
      metadata: p.metadata() ?? {},
    });
    this.billing.events.emit("customer.created", customer);
    return customer;
  }

  private updateCustomer(p: Params, customer: StripeObject): StripeObject {
    const pm = p.object("invoice_settings")?.nullableString("default_payment_method");
    if (pm) {
      const found = this.store.need(pm, "payment_method", "PaymentMethod", "invoice_settings[default_payment_method]");
      if (found.customer !== customer.id)
        throw StripeApiError.invalid(
          `The customer does not have a payment method with the ID ${pm}. The payment method must be attached to the customer.`,
          "invoice_settings[default_payment_method]",
          "resource_missing",
        );
    }
    this.billing.events.update("customer.updated", customer, () => {
      if (p.has("email")) customer.email = p.nullableString("email") ?? null;
      if (p.has("name")) customer.name = p.nullableString("name") ?? null;
      const metadata = p.metadata("metadata", customer.metadata as Record<string, string>);
      if (metadata) customer.metadata = metadata;
      if (pm !== undefined)
        customer.invoice_settings = { ...(customer.invoice_settings as Json), default_payment_method: pm };
    });
    return customer;
  }

  private listSubscriptions(p: Params): Json {
    const status = p.string("status");
    const price = p.string("price");
    const items = this.store.all("subscription").filter((s) => {
      if (p.has("customer") && s.customer !== p.string("customer")) return false;
      if (price && ((s.items as Json).data as Json[]).every((i) => (i.price as Json).id !== price)) return false;
      if (status === "all") return true;
      if (status === "ended") return s.status === "canceled";
      return status ? s.status === status : s.status !== "canceled";
    });
    return this.list(p, "/v1/subscriptions", items);
  }

  private updateSubscription(p: Params, subscription: StripeObject): StripeObject {
    const items = p.array("items");
    const cancel = p.boolean("cancel_at_period_end");
    const proration = p.string("proration_behavior");
    if (proration && !["create_prorations", "none", "always_invoice"].includes(proration))
      throw StripeApiError.invalid(
        `Invalid proration_behavior: must be one of create_prorations, none, or always_invoice`,
        "proration_behavior",
        "parameter_invalid_string",
      );
    if (subscription.status === "canceled" && (items.length || cancel !== undefined))
      throw StripeApiError.invalid("A canceled subscription can only update its cancellation_details and metadata.");
    const pm = p.nullableString("default_payment_method");
    if (pm) {
      const found = this.store.need(pm, "payment_method", "PaymentMethod", "default_payment_method");
      if (found.customer !== subscription.customer)
        throw StripeApiError.invalid(
          `The customer does not have a payment method with the ID ${pm}.`,
          "default_payment_method",
          "resource_missing",
        );
    }
    const prices = items.map((item, i) => {
      const itemId = item.string("id");
      const current = ((subscription.items as Json).data as Json[])[0]!;
      if (itemId && itemId !== current.id) throw StripeApiError.noSuch("subscription item", itemId, `items[${i}][id]`);
      const priceId = item.required("price");
      return this.store.need(priceId, "price", "price", `items[${i}][price]`);
    });
    if (prices.length > 1)
      throw StripeApiError.invalid("This fake Stripe supports one item per subscription.", "items");
    if (prices[0]) this.billing.changePrice(subscription, prices[0]);
    if (cancel !== undefined) this.billing.setCancelAtPeriodEnd(subscription, cancel);
    const metadata = p.metadata("metadata", subscription.metadata as Record<string, string>);
    if (metadata || pm !== undefined)
      this.billing.events.update("customer.subscription.updated", subscription, () => {
        if (metadata) subscription.metadata = metadata;
        if (pm !== undefined) subscription.default_payment_method = pm;
      });
    return subscription;
  }

  private createPortalSession(p: Params): StripeObject {
    const customerId = p.required("customer");
    const customer = this.store.need(customerId, "customer", "customer", "customer");
    const returnUrl = p.string("return_url") ?? null;
    if (returnUrl !== null && !/^https?:\/\/[^\s]+$/.test(returnUrl))
      throw StripeApiError.invalid("Not a valid URL", "return_url", "url_invalid");
    const configuration = p.string("configuration") ?? "bpc_fake_default";
    const id = newId("bps", 14);
    return this.store.put({
      id,
      object: "billing_portal.session",
      created: this.store.now(),
      configuration,
      customer: customer.id,
      flow: null,
      livemode: false,
      locale: null,
      on_behalf_of: null,
      return_url: returnUrl,
      url: `${this.baseUrl}/p/session/${id}`,
    });
  }
}

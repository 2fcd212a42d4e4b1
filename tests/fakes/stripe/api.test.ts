// The fake Stripe through the official `stripe` client: auth, errors, customers, prices, checkout →
// subscription + paid invoice + events, idempotency keys, injected failures and webhook signatures.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeForm } from "./form";
import { startFakeStripe, type StartedFakeStripe } from "./index";
import { clientFor, createCheckout, startWebhookReceiver } from "./test-helpers";

let fake: StartedFakeStripe;
let stripe: Stripe;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  hook = await startWebhookReceiver();
  fake = await startFakeStripe({ webhookUrl: hook.url, prices: { month: "price_m", year: "price_y" } });
  stripe = clientFor(fake);
});
afterAll(async () => {
  await fake.close();
  await hook.close();
});

describe("form decoding", () => {
  it("turns bracketed keys into nested objects and arrays", () => {
    expect(
      decodeForm(
        "line_items[0][price]=p&line_items[0][quantity]=1&expand[]=a&expand[]=b&metadata[k]=v&flag=true&x[1]=s",
      ),
    ).toEqual({
      line_items: [{ price: "p", quantity: "1" }],
      expand: ["a", "b"],
      metadata: { k: "v" },
      flag: "true",
      x: ["s"],
    });
  });
});

describe("auth and errors", () => {
  it("answers Stripe's 401 to a wrong key, a missing key, and accepts Basic with the key", async () => {
    await expect(clientFor(fake, { key: "sk_test_wrong" }).customers.list()).rejects.toMatchObject({
      type: "StripeAuthenticationError",
      statusCode: 401,
    });
    const missing = await fetch(`${fake.url}/v1/customers`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { type: string; message: string } }).error).toMatchObject({
      type: "invalid_request_error",
      message: expect.stringContaining("You did not provide an API key") as string,
    });
    const basic = await fetch(`${fake.url}/v1/prices`, {
      headers: { Authorization: `Basic ${Buffer.from(`${fake.secretKey}:`).toString("base64")}` },
    });
    expect(basic.status).toBe(200);
  });

  it("answers 404 resource_missing for an unknown object and 400 for bad parameters", async () => {
    await expect(stripe.customers.retrieve("cus_nope")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
      code: "resource_missing",
      message: expect.stringContaining("No such customer: 'cus_nope'") as string,
    });
    await expect(createCheckout(stripe, "price_unknown")).rejects.toMatchObject({
      statusCode: 400,
      code: "resource_missing",
      param: "line_items[0][price]",
    });
    await expect(
      stripe.checkout.sessions.create({ mode: "subscription", success_url: "http://a.test/" }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: "parameter_missing",
      param: "line_items",
    });
    await expect(stripe.billingPortal.sessions.create({ customer: "cus_missing" })).rejects.toMatchObject({
      statusCode: 400,
      code: "resource_missing",
      param: "customer",
    });
  });
});

describe("customers and prices", () => {
  it("creates, retrieves, updates and lists customers by email", async () => {
    const created = await stripe.customers.create({ email: "lee@example.com", metadata: { userId: "u1" } });
    expect(created).toMatchObject({ object: "customer", email: "lee@example.com", metadata: { userId: "u1" } });
    const updated = await stripe.customers.update(created.id, { name: "Lee", metadata: { plan: "pro" } });
    expect(updated).toMatchObject({ name: "Lee", metadata: { userId: "u1", plan: "pro" } });
    const listed = await stripe.customers.list({ email: "lee@example.com" });
    expect(listed.data.map((c) => c.id)).toEqual([created.id]);
    expect((await stripe.customers.retrieve(created.id)).id).toBe(created.id);
  });

  it("serves the seeded Pro prices, with the product expanded", async () => {
    const month = await stripe.prices.retrieve("price_m", { expand: ["product"] });
    expect(month).toMatchObject({ unit_amount: 2900, currency: "usd", recurring: { interval: "month" } });
    expect((month.product as Stripe.Product).name).toBe("Sales-as-Code Pro");
    const list = await stripe.prices.list();
    expect(list.data.map((p) => [p.id, p.unit_amount])).toEqual(
      expect.arrayContaining([
        ["price_m", 2900],
        ["price_y", 29000],
      ]),
    );
  });
});

describe("checkout", () => {
  it("a completed checkout makes a subscription with a paid invoice, a default card and signed events", async () => {
    const session = await createCheckout(stripe, "price_m", { subscription_data: { metadata: { userId: "user_1" } } });
    expect(session).toMatchObject({ status: "open", mode: "subscription", client_reference_id: "user_1" });
    expect(session.url).toBe(`${fake.url}/c/pay/${session.id}`);
    const { redirectTo } = await fake.completeCheckout(session.id);
    expect(redirectTo).toBe(`http://app.test/settings/billing?session=${session.id}`);

    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription", "line_items"] });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    const subscription = done.subscription as Stripe.Subscription;
    expect(subscription).toMatchObject({
      status: "active",
      customer: done.customer,
      cancel_at_period_end: false,
      metadata: { userId: "user_1" },
    });
    expect(done.line_items?.data[0]?.price?.id).toBe("price_m");
    const item = subscription.items.data[0]!;
    expect(item.price).toMatchObject({
      id: "price_m",
      unit_amount: 2900,
      currency: "usd",
      recurring: { interval: "month" },
    });
    expect(item.current_period_end - item.current_period_start).toBeGreaterThanOrEqual(28 * 86_400);

    const invoices = await stripe.invoices.list({ customer: done.customer as string });
    expect(invoices.data).toHaveLength(1);
    const invoice = invoices.data[0]!;
    expect(invoice).toMatchObject({ status: "paid", total: 2900, amount_paid: 2900, currency: "usd" });
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(invoice.hosted_invoice_url).toMatch(new RegExp(`^${fake.url}/`));
    expect(subscription.latest_invoice).toBe(invoice.id);

    const pm = await stripe.paymentMethods.retrieve(subscription.default_payment_method as string);
    expect(pm).toMatchObject({ type: "card", card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2034 } });
    const customer = (await stripe.customers.retrieve(done.customer as string)) as Stripe.Customer;
    expect(customer.invoice_settings.default_payment_method).toBe(pm.id);
    expect(customer.email).toBe("sam@example.com");

    for (const type of ["customer.subscription.created", "invoice.paid", "checkout.session.completed"])
      expect(hook.types()).toContain(type);
    // Every delivery verifies with the package's own check, and fails with another secret.
    for (const r of hook.received) {
      const event = stripe.webhooks.constructEvent(r.payload, r.signature, fake.webhookSecret);
      expect(event.id).toBe(r.id);
      expect(() => stripe.webhooks.constructEvent(r.payload, r.signature, "whsec_other")).toThrow(
        Stripe.errors.StripeSignatureVerificationError,
      );
    }
    const completed = fake.events().find((e) => e.type === "checkout.session.completed")!;
    const event = await stripe.events.retrieve(completed.id);
    expect(event).toMatchObject({ object: "event", livemode: false, api_version: "2026-11-18.endive" });
    expect((event.data.object as Stripe.Checkout.Session).subscription).toBe(subscription.id);
  });

  it("a trial checkout is trialing until trial_end with a $0 invoice", async () => {
    const trialEnd = Math.floor(fake.now().getTime() / 1000) + 10 * 86_400;
    const session = await createCheckout(stripe, "price_y", { subscription_data: { trial_end: trialEnd } });
    await fake.completeCheckout(session.id);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done.payment_status).toBe("no_payment_required");
    const subscription = await stripe.subscriptions.retrieve(done.subscription as string);
    expect(subscription).toMatchObject({ status: "trialing", trial_end: trialEnd });
    expect(subscription.items.data[0]!.current_period_end).toBe(trialEnd);
    const listed = await stripe.subscriptions.list({ customer: done.customer as string, status: "all" });
    expect(listed.data.map((s) => s.id)).toEqual([subscription.id]);
  });

  it("a declined card leaves the session open; a completed session cannot complete again", async () => {
    const session = await createCheckout(stripe, "price_m");
    await expect(
      fake.completeCheckout(session.id, { number: "4000000000000002", expMonth: 1, expYear: 2040, cvc: "123" }),
    ).rejects.toMatchObject({ status: 402, body: { code: "card_declined" } });
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    await fake.completeCheckout(session.id);
    await expect(fake.completeCheckout(session.id)).rejects.toMatchObject({ status: 400 });
  });
});

describe("idempotency and failures", () => {
  it("replays the first answer for the same key and parameters, 400 for different parameters", async () => {
    const first = await stripe.customers.create({ email: "idem@example.com" }, { idempotencyKey: "key-1" });
    const again = await fetch(`${fake.url}/v1/customers`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${fake.secretKey}`,
        "Idempotency-Key": "key-1",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "email=idem%40example.com",
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as { id: string }).id).toBe(first.id);
    expect((await stripe.customers.list({ email: "idem@example.com" })).data).toHaveLength(1);
    await expect(
      stripe.customers.create({ email: "other@example.com" }, { idempotencyKey: "key-1" }),
    ).rejects.toMatchObject({
      type: "StripeIdempotencyError",
      statusCode: 400,
    });
    const logged = fake.requests().filter((r) => r.idempotencyKey === "key-1");
    expect(logged.map((r) => r.body)).toEqual([
      { email: "idem@example.com" },
      { email: "idem@example.com" },
      { email: "other@example.com" },
    ]);
  });

  it("failNext answers 429, 500 and 402 in Stripe's shape, then recovers", async () => {
    fake.failNext({ status: 429, path: "/v1/customers" });
    await expect(stripe.customers.list()).rejects.toMatchObject({
      type: "StripeRateLimitError",
      statusCode: 429,
      code: "rate_limit",
    });
    fake.failNext({ status: 500, count: 2 });
    await expect(stripe.prices.list()).rejects.toMatchObject({ type: "StripeAPIError", statusCode: 500 });
    await expect(stripe.prices.list()).rejects.toMatchObject({ statusCode: 500 });
    fake.failNext({ status: 402 });
    await expect(stripe.prices.list()).rejects.toMatchObject({ type: "StripeCardError", code: "card_declined" });
    expect((await stripe.prices.list()).data.length).toBeGreaterThan(0);
    // The client's own retries (same idempotency key) get through after one 429.
    fake.failNext({ status: 429, path: "/v1/customers" });
    const retried = await clientFor(fake, { maxNetworkRetries: 2 }).customers.create({ email: "retry@example.com" });
    expect(retried.email).toBe("retry@example.com");
  });

  it("deliver() re-sends events on demand, signed with the given secret or timestamp", async () => {
    const [first] = fake.events();
    const answers = await fake.deliver([first!.id, first!.id], { signatureSecret: "whsec_wrong" });
    expect(answers.map((a) => a.id)).toEqual([first!.id, first!.id]);
    const last = hook.received.at(-1)!;
    expect(() => stripe.webhooks.constructEvent(last.payload, last.signature, fake.webhookSecret)).toThrow();
    const old = Math.floor(fake.now().getTime() / 1000) - 3600;
    await fake.deliver([first!.id], { timestamp: old });
    const stale = hook.received.at(-1)!;
    expect(stale.signature.startsWith(`t=${old},`)).toBe(true);
    expect(() => stripe.webhooks.constructEvent(stale.payload, stale.signature, fake.webhookSecret, 300)).toThrow(
      /Timestamp/,
    );
  });
});

describe("deleting a customer", () => {
  it("cancels its subscriptions and answers the deleted stub", async () => {
    const session = await createCheckout(stripe, "price_m", { subscription_data: { trial_period_days: 14 } });
    await fake.completeCheckout(session.id);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    const subscription = await stripe.subscriptions.retrieve(done.subscription as string);
    expect(subscription.status).toBe("trialing");
    expect(subscription.trial_end).toBe(subscription.created + 14 * 86_400);
    const deleted = await stripe.customers.del(done.customer as string);
    expect(deleted).toMatchObject({ id: done.customer, deleted: true });
    expect(await stripe.customers.retrieve(done.customer as string)).toMatchObject({ deleted: true });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("canceled");
    await fake.settled();
    expect(hook.types()).toEqual(expect.arrayContaining(["customer.subscription.deleted", "customer.deleted"]));
    expect(fake.deliveries().every((d) => d.status === 200)).toBe(true);
  });
});

describe("automatic tax", () => {
  it("needs an address on an existing customer, or customer_update[address]=auto to save the one collected", async () => {
    const customer = await stripe.customers.create({ email: "tax@example.com" });
    const base = { customer_email: undefined, customer: customer.id };
    await expect(createCheckout(stripe, "price_m", base)).rejects.toMatchObject({
      statusCode: 400,
      param: "automatic_tax[enabled]",
      message: expect.stringContaining("requires a valid address on the Customer") as string,
    });
    const session = await createCheckout(stripe, "price_m", { ...base, customer_update: { address: "auto" } });
    await fake.completeCheckout(session.id, undefined, { country: "DE", postal_code: "10115" });
    const saved = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(saved.address).toMatchObject({ country: "DE", postal_code: "10115" });
    // Reusing the customer now works without customer_update.
    expect((await createCheckout(stripe, "price_y", base)).status).toBe("open");
  });
});

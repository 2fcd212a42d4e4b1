// The fake's test clock through the official client: trial end and renewals paid, a card that fails
// renewals going past_due → retried → canceled, a card replaced in time making the retry succeed, and
// cancel_at_period_end ending the subscription at the period's end — each with the events Stripe sends.
import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeStripe, type StartedFakeStripe } from "./index";
import { clientFor, createCheckout, startWebhookReceiver } from "./test-helpers";

const FAILS_RENEWALS = { number: "4000000000000341", expMonth: 12, expYear: 2034, cvc: "123" };
const DAY = 86_400;

let fake: StartedFakeStripe;
let stripe: Stripe;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeEach(async () => {
  hook = await startWebhookReceiver();
  fake = await startFakeStripe({ webhookUrl: hook.url, now: new Date("2027-01-15T12:00:00Z") });
  stripe = clientFor(fake);
});
afterEach(async () => {
  await fake.close();
  await hook.close();
});

async function subscribe(card = undefined as typeof FAILS_RENEWALS | undefined, trialDays?: number) {
  const now = Math.floor(fake.now().getTime() / 1000);
  const session = await createCheckout(
    stripe,
    fake.prices.month,
    trialDays ? { subscription_data: { trial_end: now + trialDays * DAY } } : {},
  );
  await fake.completeCheckout(session.id, card);
  const done = await stripe.checkout.sessions.retrieve(session.id);
  hook.received.length = 0;
  return stripe.subscriptions.retrieve(done.subscription as string);
}

const period = (s: Stripe.Subscription) => s.items.data[0]!;

describe("the test clock", () => {
  it("ends a trial with trial_will_end three days before, then a paid renewal", async () => {
    const sub = await subscribe(undefined, 14);
    expect(sub.status).toBe("trialing");
    await fake.advance({ days: 10 });
    expect(hook.types()).toEqual([]);
    await fake.advance({ days: 1, hours: 1 });
    expect(hook.types()).toEqual(["customer.subscription.trial_will_end"]);
    await fake.advance({ days: 3 });
    const after = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(after.status).toBe("active");
    expect(period(after).current_period_start).toBe(sub.trial_end);
    const invoice = after.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 2900, billing_reason: "subscription_cycle" });
    expect(hook.types()).toContain("invoice.paid");
    const updated = hook.received.filter((r) => r.type === "customer.subscription.updated");
    const first = stripe.webhooks.constructEvent(updated[0]!.payload, updated[0]!.signature, fake.webhookSecret);
    expect(first.data.previous_attributes).toMatchObject({ status: "trialing" });
  });

  it("renews a monthly subscription each month with a paid invoice", async () => {
    const sub = await subscribe();
    const end = period(sub).current_period_end;
    await fake.advance({ days: 31 });
    const after = await stripe.subscriptions.retrieve(sub.id);
    expect(after.status).toBe("active");
    expect(period(after).current_period_start).toBe(end);
    expect(period(after).current_period_end).toBeGreaterThan(end + 27 * DAY);
    const invoices = await stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => [i.status, i.amount_paid])).toEqual([
      ["paid", 2900],
      ["paid", 2900],
    ]);
    expect(hook.types()).toEqual(expect.arrayContaining(["invoice.paid", "customer.subscription.updated"]));
  });

  it("a card that fails renewals: past_due, retried after 3, 5 and 7 days, then canceled", async () => {
    const sub = await subscribe(FAILS_RENEWALS);
    expect(sub.status).toBe("active");
    const end = period(sub).current_period_end;
    await fake.advance({ seconds: end - Math.floor(fake.now().getTime() / 1000) + 60 });
    let after = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(after.status).toBe("past_due");
    const invoice = after.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "open", attempt_count: 1, next_payment_attempt: end + 3 * DAY });
    expect(hook.types()).toEqual(expect.arrayContaining(["invoice.payment_failed", "customer.subscription.updated"]));
    await fake.advance({ days: 5 });
    expect((await stripe.invoices.retrieve(invoice.id)).attempt_count).toBe(3);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("past_due");
    await fake.advance({ days: 2 });
    after = await stripe.subscriptions.retrieve(sub.id);
    expect(after).toMatchObject({ status: "canceled", cancellation_details: { reason: "payment_failed" } });
    expect(hook.types().filter((t) => t === "invoice.payment_failed")).toHaveLength(4);
    expect(hook.types().at(-1)).toBe("customer.subscription.deleted");
    expect((await stripe.subscriptions.list({ customer: after.customer as string })).data).toEqual([]);
    expect((await stripe.subscriptions.list({ customer: after.customer as string, status: "all" })).data).toHaveLength(
      1,
    );
  });

  it("a card replaced before the next retry makes it succeed (back to active)", async () => {
    const sub = await subscribe(FAILS_RENEWALS);
    await fake.advance({ days: 32 });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("past_due");
    const portal = await stripe.billingPortal.sessions.create({
      customer: sub.customer as string,
      return_url: "http://app.test/b",
    });
    const form = new URLSearchParams({ name: "Sam", number: "4242 4242 4242 4242", expiry: "12 / 34", cvc: "123" });
    const answer = await fetch(`${portal.url}/card`, { method: "POST", body: form, redirect: "manual" });
    expect(answer.status).toBe(303);
    await fake.advance({ days: 3 });
    const after = await stripe.subscriptions.retrieve(sub.id, { expand: ["default_payment_method", "latest_invoice"] });
    expect(after.status).toBe("active");
    expect((after.default_payment_method as Stripe.PaymentMethod).card?.last4).toBe("4242");
    expect((after.latest_invoice as Stripe.Invoice).status).toBe("paid");
  });

  it("cancel_at_period_end ends the subscription at the period's end with a deleted event", async () => {
    const sub = await subscribe();
    const updated = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(updated).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      cancel_at: period(sub).current_period_end,
    });
    await fake.settled();
    const event = hook.received.find((r) => r.type === "customer.subscription.updated")!;
    const parsed = stripe.webhooks.constructEvent(event.payload, event.signature, fake.webhookSecret);
    expect(parsed.data.previous_attributes).toMatchObject({ cancel_at_period_end: false });
    expect(parsed.request?.idempotency_key).toBeTruthy();
    await fake.advance({ days: 20 });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
    await fake.advance({ days: 12 });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("canceled");
    expect(hook.types().at(-1)).toBe("customer.subscription.deleted");
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1);
  });

  it("switches plans and cancels at once through the API", async () => {
    const sub = await subscribe();
    const item = period(sub);
    const switched = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: fake.prices.year }],
      proration_behavior: "none",
    });
    expect(period(switched).price).toMatchObject({
      id: fake.prices.year,
      unit_amount: 29000,
      recurring: { interval: "year" },
    });
    await expect(stripe.subscriptions.update(sub.id, { items: [{ price: "price_nope" }] })).rejects.toMatchObject({
      statusCode: 400,
      param: "items[0][price]",
    });
    const canceled = await stripe.subscriptions.cancel(sub.id);
    expect(canceled.status).toBe("canceled");
    await fake.settled();
    expect(hook.types().at(-1)).toBe("customer.subscription.deleted");
  });
});

// Stripe's webhooks through the real app (POST /webhooks/stripe over HTTP), delivered and re-read
// by a fake Stripe on loopback with the official client: signatures, duplicates, order, strangers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, createCheckout, startWebhookReceiver } from "../../tests/fakes/stripe/test-helpers";
import { signPayload } from "../../tests/fakes/stripe";
import { createUser } from "../../tests/helpers/users";
import { getDb, type Db } from "../db/client";
import { startCheckout } from "./checkout";
import { entitlementOf } from "./plan";
import { applySubscription, readSubscription } from "./sync";
import { sessionIdOf, TEST_CARD, useFakeStripe, withoutBilling } from "./test-fixture";

const fixture = useFakeStripe();
let db: Db;
/** A webhook endpoint that takes events and does nothing: events sent there are "missed" by us. */
let sink: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  db = await getDb();
  sink = await startWebhookReceiver();
});
afterAll(async () => {
  await sink.close();
});

async function subscribedUser() {
  const user = await createUser(db);
  const { url } = await startCheckout(db, user, { interval: "month" });
  await fixture.fake.completeCheckout(sessionIdOf(url), TEST_CARD);
  const account = await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } });
  return { user, subscriptionId: account.stripeSubscriptionId! };
}

/** Runs `change` with events going to the sink, and returns the events it caused (undelivered to us). */
async function eventsMissedDuring(change: () => Promise<unknown>) {
  const before = new Set(fixture.fake.events().map((event) => event.id));
  fixture.fake.setWebhookUrl(sink.url);
  try {
    await change();
    await fixture.fake.settled();
  } finally {
    fixture.fake.setWebhookUrl(fixture.webhookUrl);
  }
  return fixture.fake.events().filter((event) => !before.has(event.id));
}

async function post(body: string, headers: Record<string, string>) {
  const response = await fetch(fixture.webhookUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
  return { status: response.status, body: await response.text() };
}

describe("Stripe webhooks", () => {
  it("a checkout completed on Stripe's page makes the account Pro through the webhooks", async () => {
    const { user, subscriptionId } = await subscribedUser();
    const account = await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } });
    expect(account).toMatchObject({ subscriptionStatus: "trialing", plan: "pro", interval: "month" });
    expect(account.stripeSyncedAt).not.toBeNull();
    expect(fixture.fake.state.subscription(subscriptionId)?.metadata).toEqual({ userId: user.id });
    expect((await entitlementOf(db, user.id)).source).toBe("subscription");
    const ours = fixture.fake.deliveries().filter((d) => d.status !== 200);
    expect(ours).toEqual([]);
  });

  it("refuses a bad signature with 400 and changes nothing", async () => {
    const { user, subscriptionId } = await subscribedUser();
    const stripe = clientFor(fixture.fake);
    const missed = await eventsMissedDuring(() =>
      stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true }),
    );
    const updated = missed.find((event) => event.type === "customer.subscription.updated")!;
    const [forged] = await fixture.fake.deliver([updated.id], { signatureSecret: "whsec_not_the_real_secret" });
    expect(forged).toMatchObject({ status: 400 });
    expect(forged!.body).toMatch(/signature/i);
    expect(await db.processedWebhookEvent.findUnique({ where: { id: updated.id } })).toBeNull();
    expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).cancelAtPeriodEnd).toBe(false);
    // Unsigned, or not even JSON: the same short 400.
    expect((await post("{}", {})).status).toBe(400);
    expect((await post("not json", { "Stripe-Signature": "t=1,v1=00" })).status).toBe(400);

    const [genuine] = await fixture.fake.deliver([updated.id]);
    expect(genuine).toMatchObject({ status: 200, body: "ok" });
    expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).cancelAtPeriodEnd).toBe(true);
  });

  it("refuses a stale timestamp (a replay older than 5 minutes) with 400", async () => {
    const { user, subscriptionId } = await subscribedUser();
    const missed = await eventsMissedDuring(() =>
      clientFor(fixture.fake).subscriptions.update(subscriptionId, { cancel_at_period_end: true }),
    );
    const updated = missed.find((event) => event.type === "customer.subscription.updated")!;
    const stale = Math.floor(Date.now() / 1000) - 301;
    const [replayed] = await fixture.fake.deliver([updated.id], { timestamp: stale });
    expect(replayed).toMatchObject({ status: 400 });
    expect(await db.processedWebhookEvent.findUnique({ where: { id: updated.id } })).toBeNull();
    expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).cancelAtPeriodEnd).toBe(false);
  });

  it("handles a duplicate once: one effect, one mail", async () => {
    const { user, subscriptionId } = await subscribedUser();
    const missed = await eventsMissedDuring(() => clientFor(fixture.fake).subscriptions.cancel(subscriptionId));
    const deleted = missed.find((event) => event.type === "customer.subscription.deleted")!;
    const answers = await fixture.fake.deliver([deleted.id, deleted.id, deleted.id]);
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, "ok"],
      [200, "duplicate"],
      [200, "duplicate"],
    ]);
    // Two at the same moment: still one.
    const concurrent = await Promise.all([fixture.fake.deliver([deleted.id]), fixture.fake.deliver([deleted.id])]);
    expect(concurrent.flat().map((a) => a.status)).toEqual([200, 200]);
    const mails = await db.mailOutbox.findMany({ where: { userId: user.id, kind: "subscription_cancelled" } });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.textBody).toContain("/settings/billing");
    expect(await db.processedWebhookEvent.count({ where: { id: deleted.id } })).toBe(1);
    expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).subscriptionStatus).toBe(
      "canceled",
    );
  });

  it("Stripe not answering the re-read: 503 (Stripe retries), nothing recorded; the retry lands", async () => {
    const { user, subscriptionId } = await subscribedUser();
    const missed = await eventsMissedDuring(() =>
      clientFor(fixture.fake).subscriptions.update(subscriptionId, { cancel_at_period_end: true }),
    );
    const updated = missed.find((event) => event.type === "customer.subscription.updated")!;
    // The re-read and the client's two retries all fail.
    fixture.fake.failNext({ status: 500, count: 3, path: "/v1/subscriptions" });
    const [first] = await fixture.fake.deliver([updated.id]);
    expect(first).toMatchObject({ status: 503 });
    expect(await db.processedWebhookEvent.findUnique({ where: { id: updated.id } })).toBeNull();
    expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).cancelAtPeriodEnd).toBe(false);
    const [retried] = await fixture.fake.deliver([updated.id]);
    expect(retried).toMatchObject({ status: 200, body: "ok" });
    expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).cancelAtPeriodEnd).toBe(true);
  });

  // (From here on the fake's clock is weeks ahead of ours: no test after this one starts a checkout
  // that carries our trial, which Stripe would refuse as ending in its past.)
  it("out of order: every event re-reads Stripe, so the final state is Stripe's latest", async () => {
    const { user, subscriptionId } = await subscribedUser();
    const stripe = clientFor(fixture.fake);
    const missed = await eventsMissedDuring(async () => {
      await fixture.fake.advance({ days: 15 }); // the trial ends: invoice paid, active
      await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    });
    expect(missed.map((e) => e.type)).toContain("invoice.paid");
    // Newest first: a handler trusting the payload would end on the oldest state (trialing).
    const answers = await fixture.fake.deliver(missed.map((e) => e.id).reverse());
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const account = await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } });
    expect(account).toMatchObject({ subscriptionStatus: "active", cancelAtPeriodEnd: true });
    expect(account.currentPeriodEnd!.getTime()).toBe(
      (fixture.fake.state.subscription(subscriptionId)!.items as { data: Array<{ current_period_end: number }> })
        .data[0]!.current_period_end * 1000,
    );

    // And a read older than the stored one is never written over it.
    const read = await readSubscription(clientFor(fixture.fake), subscriptionId);
    if ("missing" in read) throw new Error("subscription missing");
    const older = new Date(account.stripeSyncedAt!.getTime() - 1000);
    const result = await db.$transaction((tx) =>
      applySubscription(tx, user.id, { ...read.facts, status: "trialing" }, older),
    );
    expect(result.written).toBe(false);
    expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).subscriptionStatus).toBe(
      "active",
    );
  });

  it("answers 200 'ignored' to an event type it does not handle", async () => {
    const payload = JSON.stringify({
      id: "evt_unhandled_type_1",
      object: "event",
      type: "customer.tax_id.created",
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: "txi_1", object: "tax_id" } },
    });
    const signature = signPayload(payload, fixture.fake.webhookSecret, Math.floor(Date.now() / 1000));
    expect(await post(payload, { "Stripe-Signature": signature })).toEqual({ status: 200, body: "ignored" });
    // Real ones from the fake too (customer.created, invoice.finalized …).
    // (Deliveries to the sink answered with its JSON; ours are plain text.)
    const others = fixture.fake.deliveries().filter((d) => {
      if (d.body.startsWith("{")) return false;
      const type = fixture.fake.events().find((e) => e.id === d.id)?.type;
      return type === "invoice.finalized" || type === "payment_method.attached";
    });
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((d) => d.status === 200 && d.body === "ignored")).toBe(true);
  });

  it("ignores (200) a subscription of a customer it does not know, and stores nothing", async () => {
    const accountsBefore = await db.billingAccount.count();
    const stripe = clientFor(fixture.fake);
    const session = await createCheckout(stripe, fixture.fake.prices.month);
    await fixture.fake.completeCheckout(session.id, TEST_CARD);
    const subscriptionId = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    const theirs = fixture.fake
      .events()
      .filter((e) => e.data.object.id === subscriptionId || e.type === "checkout.session.completed")
      .map((e) => e.id);
    const answered = fixture.fake.deliveries().filter((d) => theirs.includes(d.id));
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((d) => d.status === 200)).toBe(true);
    expect(answered.some((d) => d.body === "ignored: unknown customer")).toBe(true);
    expect(await db.billingAccount.count()).toBe(accountsBefore);
    expect(await db.billingAccount.findFirst({ where: { stripeSubscriptionId: subscriptionId } })).toBeNull();
  });

  it("GET is 405; with billing off the endpoint is 404", async () => {
    const get = await fetch(fixture.webhookUrl);
    expect(get.status).toBe(405);
    await withoutBilling(async () => {
      const payload = JSON.stringify({ id: "evt_x", type: "invoice.paid" });
      const signature = signPayload(payload, fixture.fake.webhookSecret, Math.floor(Date.now() / 1000));
      expect((await post(payload, { "Stripe-Signature": signature })).status).toBe(404);
    });
  });
});

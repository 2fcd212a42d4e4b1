// An account's whole billing life against the fake Stripe, its clock driven forward and its webhooks
// delivered to the real app: trial → paid → past due → grace → free → upgrade again; the reconcile
// healing a missed webhook; what the Billing page shows; deletion (P11), export (P10) and what we
// keep (P6).
import { beforeAll, describe, expect, it } from "vitest";
import { clientFor, startWebhookReceiver } from "../../tests/fakes/stripe/test-helpers";
import { createUser } from "../../tests/helpers/users";
import { purgeAccount, requestAccountDeletion } from "../data-rights/delete-account";
import { exportWorkspace } from "../data-rights/export/export-workspace";
import { getDb, type Db } from "../db/client";
import { resetEnvCache } from "../env";
import { jobHandlers } from "../jobs/handlers";
import { QUEUES } from "../jobs/jobs";
import { billing } from ".";
import { startCheckout } from "./checkout";
import { billingOverview } from "./overview";
import { entitlementOf } from "./plan";
import { billingSweep } from "./sweep";
import { sessionIdOf, TEST_CARD, useFakeStripe } from "./test-fixture";

const fixture = useFakeStripe();
let db: Db;
beforeAll(async () => {
  db = await getDb();
});

const DAY_MS = 86_400_000;
/** Attaches, then fails every charge (Stripe's 4000 0000 0000 0341). */
const FAILING_CARD = { number: "4000000000000341", expMonth: 12, expYear: 2034, cvc: "123" };

async function subscribe(user: { id: string; email: string; name: string }, card = TEST_CARD, now = new Date()) {
  const { url } = await startCheckout(db, user, { interval: "month" }, now);
  await fixture.fake.completeCheckout(sessionIdOf(url), card);
  await fixture.fake.settled();
  return db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } });
}

const mailsOf = (userId: string, kind: "payment_failed" | "subscription_cancelled" | "trial_ending") =>
  db.mailOutbox.count({ where: { userId, kind } });

describe("billing life cycle", () => {
  it("the reconcile sweep heals a missed webhook", async () => {
    const user = await createUser(db);
    const account = await subscribe(user);
    const sink = await startWebhookReceiver();
    fixture.fake.setWebhookUrl(sink.url); // our endpoint was down: the events went nowhere useful
    try {
      await clientFor(fixture.fake).subscriptions.update(account.stripeSubscriptionId!, { cancel_at_period_end: true });
      await fixture.fake.settled();
    } finally {
      fixture.fake.setWebhookUrl(fixture.webhookUrl);
      await sink.close();
    }
    expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).cancelAtPeriodEnd).toBe(false);
    const result = await billingSweep(db);
    expect(result.failed).toBe(0);
    expect(result.reconciled).toBeGreaterThanOrEqual(1);
    expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).cancelAtPeriodEnd).toBe(true);
  });

  it("the sweep sends the no-card trial's reminder once, 3 days before its end", async () => {
    const user = await createUser(db);
    await db.user.update({ where: { id: user.id }, data: { createdAt: new Date(Date.now() - 12 * DAY_MS) } });
    const fresh = await createUser(db); // 14 days left: not yet
    await jobHandlers(db)[QUEUES.billingSweep]({}); // the 15-minute job
    await billingSweep(db);
    expect(await mailsOf(user.id, "trial_ending")).toBe(1);
    expect(await mailsOf(fresh.id, "trial_ending")).toBe(0);
    const mail = await db.mailOutbox.findFirstOrThrow({ where: { userId: user.id, kind: "trial_ending" } });
    expect(mail.textBody).toContain("/settings/billing");
  });

  it("the Billing page's overview: stored facts, the card and invoices as Stripe reports them", async () => {
    const user = await createUser(db);
    await subscribe(user);
    const overview = await billingOverview(db, user.id);
    expect(overview).toMatchObject({
      configured: true,
      hasCustomer: true,
      stripeUnavailable: false,
      card: { brand: "visa", last4: "4242" },
      subscription: { status: "trialing", interval: "month", renewal: { amount: expect.any(Number) } },
      prices: { month: { amount: expect.any(Number) }, year: { amount: expect.any(Number) } },
      brain: { used: 0 },
    });
    expect(overview.invoices.length).toBeGreaterThan(0);
    expect(overview.invoices[0]!.hostedInvoiceUrl).toContain(fixture.fake.url);

    // Stripe not answering: the stored facts still show, and the page says so.
    fixture.fake.failNext({ status: 503, count: 30 });
    const degraded = await billingOverview(db, user.id);
    expect(degraded).toMatchObject({ stripeUnavailable: true, card: null, subscription: { status: "trialing" } });
    // Drain what is left of the injected failures so later tests see a healthy Stripe.
    for (let i = 0; i < 30; i += 1)
      if (
        await clientFor(fixture.fake)
          .prices.retrieve(fixture.fake.prices.month)
          .then(
            () => true,
            () => false,
          )
      )
        break;
  });

  it("P6: the billing row holds Stripe's ids, status, plan and dates — no card data", async () => {
    const user = await createUser(db);
    await subscribe(user);
    const row = (await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })) as Record<string, unknown>;
    const text = JSON.stringify(row);
    expect(text).not.toMatch(/4242|last4|brand|exp_?month|exp_?year|cvc|card|pm_/i);
    const columns = (
      await db.$queryRawUnsafe<Array<{ column_name: string }>>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'billing_accounts'",
      )
    ).map((c) => c.column_name);
    for (const column of columns) expect(column).not.toMatch(/card|last4|brand|exp|cvc|pan/i);
  });

  it("P10: the export has the plan and status, and no card data", async () => {
    const user = await createUser(db);
    const account = await subscribe(user);
    const chunks: string[] = [];
    await exportWorkspace(db, user.id, (chunk) => void chunks.push(chunk));
    const doc = JSON.parse(chunks.join("")) as { billing: Record<string, unknown> };
    expect(doc.billing).toMatchObject({
      stripeCustomerId: account.stripeCustomerId,
      subscriptionStatus: "trialing",
      plan: "pro",
      interval: "month",
      cancelAtPeriodEnd: false,
      pastDueSince: null,
      trialEnd: account.trialEnd!.toISOString(),
    });
    expect(JSON.stringify(doc.billing)).not.toMatch(/4242|last4|brand|cvc|pm_/i);
  });

  it("P11: deleting the account cancels the subscription at Stripe, immediately", async () => {
    const user = await createUser(db);
    const account = await subscribe(user);
    await requestAccountDeletion(db, user.id);
    expect(await purgeAccount(db, user.id)).toEqual({ status: "purged" });
    expect(fixture.fake.state.subscription(account.stripeSubscriptionId!)).toMatchObject({ status: "canceled" });
    const cancel = fixture.fake
      .requests()
      .find((r) => r.method === "DELETE" && r.path === `/v1/subscriptions/${account.stripeSubscriptionId}`);
    // (Stripe honours idempotency keys on POST only — a DELETE is idempotent by definition — so the
    // fake records none for it; ours carries one anyway.)
    expect(cancel).toBeDefined();
    expect(await db.user.findUnique({ where: { id: user.id } })).toBeNull();
  });

  it("P11: an already-cancelled subscription is fine; Stripe down makes the purge retry", async () => {
    const user = await createUser(db);
    const account = await subscribe(user);
    await clientFor(fixture.fake).subscriptions.cancel(account.stripeSubscriptionId!);
    await db.billingAccount.update({ where: { userId: user.id }, data: { subscriptionStatus: "active" } });
    await expect(billing.cancelSubscriptionsOf(db, user.id)).resolves.toBeDefined();
    // One Stripe no longer has at all: fine too.
    await db.billingAccount.update({
      where: { userId: user.id },
      data: { stripeSubscriptionId: "sub_gone_from_stripe" },
    });
    expect(await billing.cancelSubscriptionsOf(db, user.id)).toEqual({ cancelled: 0 });

    const other = await createUser(db);
    await subscribe(other);
    await requestAccountDeletion(db, other.id);
    fixture.fake.failNext({ status: 500, count: 3 });
    await expect(purgeAccount(db, other.id)).rejects.toThrow(/Stripe is not answering/);
    expect(await db.user.findUnique({ where: { id: other.id } })).not.toBeNull();
    expect(await purgeAccount(db, other.id)).toEqual({ status: "purged" });
  });
  // Last: it moves the fake's clock weeks ahead of ours (a checkout carrying our trial would then be
  // refused by Stripe as a trial ending in the past).
  it("trial → paid → past due → grace → free → upgrade again", async () => {
    const savedGrace = process.env.BILLING_GRACE_DAYS;
    // Grace shorter than Stripe's retries (3, 5, 7 days) so the account is seen on Free while
    // Stripe still calls it past_due.
    process.env.BILLING_GRACE_DAYS = "4";
    resetEnvCache();
    try {
      const user = await createUser(db);
      const fake = fixture.fake;
      expect((await entitlementOf(db, user.id, fake.now())).source).toBe("trial");

      const subscribed = await subscribe(user, FAILING_CARD);
      expect(subscribed.subscriptionStatus).toBe("trialing");
      expect((await entitlementOf(db, user.id, fake.now())).source).toBe("subscription");

      // The trial ends and the first charge fails: past due, one mail, Pro kept for the grace period.
      await fake.advance({ days: 15 });
      const pastDue = await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } });
      expect(pastDue.subscriptionStatus).toBe("past_due");
      expect(pastDue.pastDueSince!.getTime()).toBe(subscribed.trialEnd!.getTime());
      const grace = await entitlementOf(db, user.id, fake.now());
      expect(grace).toMatchObject({ plan: "pro", source: "grace" });
      expect(grace.graceEndsAt!.getTime()).toBe(pastDue.pastDueSince!.getTime() + 4 * DAY_MS);
      expect(await mailsOf(user.id, "payment_failed")).toBe(1);
      const mail = await db.mailOutbox.findFirstOrThrow({ where: { userId: user.id, kind: "payment_failed" } });
      expect(mail.textBody).toContain("/settings/billing");

      // Stripe's retry on day 3 fails too: still past due (same start), no second mail; the 4 days of
      // grace are over half a day later, before the retry of day 5.
      await fake.advance({ days: 3, hours: 12 });
      const later = await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } });
      expect(later).toMatchObject({ subscriptionStatus: "past_due", pastDueSince: pastDue.pastDueSince });
      expect(await mailsOf(user.id, "payment_failed")).toBe(1);
      expect(await entitlementOf(db, user.id, fake.now())).toMatchObject({ plan: "free", source: "free" });

      // The last retry fails: Stripe cancels; we say so once.
      await fake.advance({ days: 3 });
      expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).subscriptionStatus).toBe(
        "canceled",
      );
      expect(await mailsOf(user.id, "subscription_cancelled")).toBe(1);
      expect((await entitlementOf(db, user.id, fake.now())).plan).toBe("free");

      // Our clock catches up with Stripe's (the account is weeks old now), and a paused connection waits.
      await db.user.update({ where: { id: user.id }, data: { createdAt: new Date(Date.now() - 30 * DAY_MS) } });
      expect((await entitlementOf(db, user.id)).plan).toBe("free");
      const paused = await db.integrationConnection.create({
        data: { userId: user.id, provider: "gmail", scopes: [], nextSyncAt: new Date(Date.now() + 365 * DAY_MS) },
      });

      // Upgrade again: the same customer, a new subscription, Pro back, the connection resumes.
      const again = await subscribe(await db.user.findUniqueOrThrow({ where: { id: user.id } }), TEST_CARD);
      expect(again.stripeCustomerId).toBe(subscribed.stripeCustomerId);
      expect(again.stripeSubscriptionId).not.toBe(subscribed.stripeSubscriptionId);
      expect(again.subscriptionStatus).toBe("active");
      expect(again.pastDueSince).toBeNull();
      expect(await entitlementOf(db, user.id, fake.now())).toMatchObject({ plan: "pro", source: "subscription" });
      const resumed = await db.integrationConnection.findUniqueOrThrow({ where: { id: paused.id } });
      expect(resumed.nextSyncAt!.getTime()).toBeLessThanOrEqual(Date.now());
    } finally {
      process.env.BILLING_GRACE_DAYS = savedGrace;
      if (savedGrace === undefined) delete process.env.BILLING_GRACE_DAYS;
      resetEnvCache();
    }
  });
});

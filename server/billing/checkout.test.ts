// Checkout, its return and the portal against a fake Stripe on loopback (official client), through
// the tRPC procedures the Billing page calls.
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { callerFor, createUser, signIn } from "../../tests/helpers/users";
import { getDb, type Db } from "../db/client";
import { resetEnvCache } from "../env";
import { ConflictError, FieldError } from "../errors";
import { startCheckout } from "./checkout";
import { sessionIdOf, TEST_CARD, useFakeStripe, withoutBilling } from "./test-fixture";

const fixture = useFakeStripe();
let db: Db;
beforeAll(async () => {
  db = await getDb();
});

async function signedInCaller() {
  const user = await createUser(db);
  const { auth } = await signIn(db, user.id);
  return { user, caller: await callerFor(auth) };
}

const posts = () => fixture.fake.requests().filter((r) => r.method === "POST" || r.method === "DELETE");

describe("checkout", () => {
  it("creates the customer once and reuses it; every POST carries an idempotency key", async () => {
    const { user, caller } = await signedInCaller();
    const before = fixture.fake.requests().length;
    const first = await caller.billing.checkout({ interval: "month" });
    expect(first.url).toContain(`${fixture.fake.url}/c/pay/cs_`);
    const account = await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } });
    expect(account.stripeCustomerId).toMatch(/^cus_/);
    const customer = fixture.fake.state.customer(account.stripeCustomerId!)!;
    expect(customer).toMatchObject({ email: user.email, name: user.name, metadata: { userId: user.id } });

    // A second attempt (the first abandoned): same customer, no new one.
    const second = await caller.billing.checkout({ interval: "year" });
    expect(second.url).not.toBe(first.url);
    const mine = fixture.fake.requests().slice(before);
    expect(mine.filter((r) => r.method === "POST" && r.path === "/v1/customers")).toHaveLength(1);
    const sessions = mine.filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");
    expect(sessions).toHaveLength(2);
    const body = sessions[0]!.body as Record<string, unknown> & {
      subscription_data: { metadata: Record<string, string>; trial_end?: string };
    };
    expect(body).toMatchObject({
      mode: "subscription",
      customer: account.stripeCustomerId,
      client_reference_id: user.id,
      automatic_tax: { enabled: "true" },
      customer_update: { address: "auto" },
      line_items: [{ price: fixture.fake.prices.month, quantity: "1" }],
    });
    expect(body.success_url).toMatch(/\/settings\/billing\?checkout=success&session_id=\{CHECKOUT_SESSION_ID\}$/);
    expect(body.cancel_url).toMatch(/\/settings\/billing\?checkout=cancelled$/);
    expect(body.subscription_data.metadata).toEqual({ userId: user.id });
    // A new account has 14 days of trial left: the subscription's first charge waits for its end.
    const trialEnd = Math.floor((user.createdAt.getTime() + 14 * 86_400_000) / 1000);
    expect(Number(body.subscription_data.trial_end)).toBe(trialEnd);

    for (const request of posts()) expect(request.idempotencyKey, `${request.method} ${request.path}`).toBeTruthy();
  });

  it("a double submit opens the same Checkout (same key), not two", async () => {
    const { caller } = await signedInCaller();
    const [a, b] = [
      await caller.billing.checkout({ interval: "month" }),
      await caller.billing.checkout({ interval: "month" }),
    ];
    expect(a.url).toBe(b.url);
  });

  it("does not carry a trial with less than 2 days left", async () => {
    const user = await createUser(db);
    const old = await db.user.update({
      where: { id: user.id },
      data: { createdAt: new Date(Date.now() - 13 * 86_400_000) },
    });
    const before = fixture.fake.requests().length;
    await startCheckout(db, old, { interval: "month" });
    const session = fixture.fake
      .requests()
      .slice(before)
      .find((r) => r.path === "/v1/checkout/sessions")!;
    expect((session.body.subscription_data as Record<string, unknown>).trial_end).toBeUndefined();
  });

  it("refuses a second subscription with 409 and sends the user to Manage billing", async () => {
    const { user, caller } = await signedInCaller();
    const { url } = await caller.billing.checkout({ interval: "month" });
    await fixture.fake.completeCheckout(sessionIdOf(url), TEST_CARD);
    expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).subscriptionStatus).toBe(
      "trialing",
    );
    const refused = await caller.billing.checkout({ interval: "year" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCError);
    expect(refused).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("Manage billing") });
  });

  it("an unknown price id is a clear error and stores nothing", async () => {
    const user = await createUser(db);
    const saved = process.env.STRIPE_PRICE_PRO_YEARLY;
    process.env.STRIPE_PRICE_PRO_YEARLY = "price_that_stripe_never_heard_of";
    resetEnvCache();
    try {
      const error = await startCheckout(db, user, { interval: "year" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FieldError);
      expect((error as FieldError).message).toMatch(/yearly plan cannot be bought right now/);
      expect(await db.billingAccount.findUnique({ where: { userId: user.id } })).toBeNull();
    } finally {
      process.env.STRIPE_PRICE_PRO_YEARLY = saved;
      resetEnvCache();
    }
  });

  it("is refused when billing is not configured", async () => {
    const { user, caller } = await signedInCaller();
    await withoutBilling(async () => {
      await expect(caller.billing.checkout({ interval: "month" })).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringContaining("no billing"),
      });
      await expect(caller.billing.portal()).rejects.toMatchObject({ code: "CONFLICT" });
      const overview = await caller.billing.overview();
      expect(overview).toMatchObject({ configured: false, entitlement: { plan: "pro", source: "unbilled" } });
    });
    expect(await db.billingAccount.findUnique({ where: { userId: user.id } })).toBeNull();
  });

  it("rejects an interval that is not month or year (400)", async () => {
    const { caller } = await signedInCaller();
    await expect(caller.billing.checkout({ interval: "week" as "month" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("Stripe not answering is a 503 saying to try again, not a 500", async () => {
    const { caller } = await signedInCaller();
    // The first try and the client's two retries all fail.
    fixture.fake.failNext({ status: 500, count: 3 });
    await expect(caller.billing.checkout({ interval: "month" })).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      message: expect.stringContaining("Stripe is not answering"),
    });
    // The next attempt goes through.
    await expect(caller.billing.checkout({ interval: "month" })).resolves.toMatchObject({ url: expect.any(String) });
  });
});

describe("checkout return", () => {
  it("stores the subscription at once on the success redirect", async () => {
    const { user, caller } = await signedInCaller();
    const { url } = await caller.billing.checkout({ interval: "year" });
    fixture.fake.setWebhookUrl(null); // the webhook has not arrived yet
    try {
      await fixture.fake.completeCheckout(sessionIdOf(url), TEST_CARD);
      expect((await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } })).subscriptionStatus).toBeNull();
      const result = await caller.billing.checkoutReturn({ sessionId: sessionIdOf(url) });
      expect(result).toEqual({ status: "synced", subscriptionStatus: "trialing" });
      const account = await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } });
      expect(account).toMatchObject({ subscriptionStatus: "trialing", interval: "year", plan: "pro" });
    } finally {
      fixture.fake.setWebhookUrl(fixture.webhookUrl);
      await fixture.fake.settled();
    }
  });

  it("ignores another user's session or an unknown one, with a clear message", async () => {
    const owner = await signedInCaller();
    const { url } = await owner.caller.billing.checkout({ interval: "month" });
    await fixture.fake.completeCheckout(sessionIdOf(url), TEST_CARD);
    const other = await signedInCaller();
    const foreign = await other.caller.billing.checkoutReturn({ sessionId: sessionIdOf(url) });
    expect(foreign).toMatchObject({ status: "ignored", message: expect.stringContaining("not one of yours") });
    expect(await db.billingAccount.findUnique({ where: { userId: other.user.id } })).toBeNull();
    const unknown = await other.caller.billing.checkoutReturn({ sessionId: "cs_test_doesnotexist" });
    expect(unknown.status).toBe("ignored");
    await expect(other.caller.billing.checkoutReturn({ sessionId: "../etc" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("portal", () => {
  it("without a customer: a clear answer, nothing created", async () => {
    const { caller } = await signedInCaller();
    const before = fixture.fake.requests().length;
    await expect(caller.billing.portal()).rejects.toMatchObject({
      code: "CONFLICT",
      message: "You have no billing account yet: choose a plan first.",
    });
    expect(fixture.fake.requests().length).toBe(before);
    expect(new ConflictError("x")).toBeInstanceOf(Error);
  });

  it("opens Stripe's portal for the customer, returning to the Billing page", async () => {
    const { user, caller } = await signedInCaller();
    await caller.billing.checkout({ interval: "month" });
    const { url } = await caller.billing.portal();
    expect(url).toContain(`${fixture.fake.url}/p/session/`);
    const request = fixture.fake.requests().findLast((r) => r.path === "/v1/billing_portal/sessions")!;
    const account = await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } });
    expect(request.body).toMatchObject({ customer: account.stripeCustomerId });
    expect(String(request.body.return_url)).toMatch(/\/settings\/billing$/);
    expect(request.idempotencyKey).toBeTruthy();
  });
});

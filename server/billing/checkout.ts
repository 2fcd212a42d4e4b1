// Upgrading (Stripe Checkout, hosted by Stripe: the card never reaches us, P6), coming back from it,
// and Manage billing (Stripe's Customer Portal).
import { z } from "zod";
import type { Db } from "../db/client";
import { env } from "../env";
import { ConflictError, FieldError } from "../errors";
import { logger } from "../logger";
import { entitlementOf, isFinalSubscriptionStatus } from "./plan";
import {
  BillingNotConfiguredError,
  callStripe,
  idempotencyKey,
  isMissing,
  paramsHash,
  stripeClient,
} from "./stripe-client";
import { applySubscription, readSubscription } from "./sync";

const DAY_MS = 86_400_000;
/** Stripe Checkout takes a trial_end at least 48 hours ahead; a shorter rest of our trial is not carried over. */
const MIN_CARRIED_TRIAL_MS = 2 * DAY_MS;
/** Double submits inside this window get the same Checkout Session (see startCheckout). */
const CHECKOUT_KEY_WINDOW_MS = 10 * 60_000;
const PORTAL_KEY_WINDOW_MS = 60_000;

export const checkoutInput = z.object({ interval: z.enum(["month", "year"]) });
export const checkoutReturnInput = z.object({
  sessionId: z
    .string()
    .trim()
    .regex(/^cs_[A-Za-z0-9_]{1,250}$/, "That is not a Stripe Checkout session id."),
});

export const ALREADY_SUBSCRIBED =
  "You already have a subscription. To change its plan or cancel it, use Manage billing.";
export const NO_CUSTOMER = "You have no billing account yet: choose a plan first.";

const billingPageUrl = () => `${env().APP_URL}/settings/billing`;

function configured() {
  const config = env().stripe;
  if (!config) throw new BillingNotConfiguredError();
  return config;
}

/**
 * Starts a Checkout Session for Pro and returns Stripe's hosted page. Refused when billing is off or
 * the user already has a subscription that is not over (they manage it in the portal instead).
 */
export async function startCheckout(
  db: Db,
  user: { id: string; email: string; name: string },
  input: z.input<typeof checkoutInput>,
  now = new Date(),
): Promise<{ url: string }> {
  const { interval } = checkoutInput.parse(input);
  const config = configured();
  const stripe = stripeClient();
  const account = await db.billingAccount.findUnique({ where: { userId: user.id } });
  if (account?.subscriptionStatus && !isFinalSubscriptionStatus(account.subscriptionStatus))
    throw new ConflictError(ALREADY_SUBSCRIBED);

  // The price first, before anything is created or stored: a price id Stripe does not know (or has
  // archived) is a configuration mistake that must leave no customer behind.
  const priceId = config.prices[interval];
  const price = await callStripe("retrieve price", () => stripe.prices.retrieve(priceId)).catch((error: unknown) => {
    if (isMissing(error) || error instanceof ConflictError) return null;
    throw error;
  });
  if (!price || !price.active) {
    logger().error({ priceId, interval }, "the configured Pro price is not known to Stripe (or archived)");
    throw new FieldError(
      "interval",
      `The ${interval === "month" ? "monthly" : "yearly"} plan cannot be bought right now: Stripe does not know its price. Nothing was charged; try the other plan or come back later.`,
    );
  }

  const customerId = account?.stripeCustomerId ?? (await createCustomer(db, user));

  const trialEndsAt = (await entitlementOf(db, user.id, now)).trialEndsAt;
  const carryTrial = trialEndsAt.getTime() - now.getTime() >= MIN_CARRIED_TRIAL_MS;
  const params = {
    mode: "subscription" as const,
    customer: customerId,
    client_reference_id: user.id,
    line_items: [{ price: priceId, quantity: 1 }],
    automatic_tax: { enabled: true },
    customer_update: { address: "auto" as const },
    success_url: `${billingPageUrl()}?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${billingPageUrl()}?checkout=cancelled`,
    subscription_data: {
      metadata: { userId: user.id },
      // Nobody pays for days they already had free: the subscription's first charge waits for the
      // end of the no-card trial.
      ...(carryTrial ? { trial_end: Math.floor(trialEndsAt.getTime() / 1000) } : {}),
    },
  };
  // Same user, same parameters, same 10-minute window → the same session: a double click or a
  // resubmitted form opens one Checkout, not two. A later attempt (the first one abandoned) gets a
  // new session; the parameters' hash keeps Stripe from refusing a key reused with other parameters.
  const key = idempotencyKey(
    "checkout",
    user.id,
    interval,
    Math.floor(now.getTime() / CHECKOUT_KEY_WINDOW_MS),
    paramsHash(params),
  );
  const session = await callStripe("create checkout session", () =>
    stripe.checkout.sessions.create(params, { idempotencyKey: key }),
  );
  if (!session.url) throw new Error("Stripe created a Checkout Session without a URL");
  logger().info({ sessionId: session.id, interval, carryTrial }, "checkout started");
  return { url: session.url };
}

/** The user's Stripe customer, created once (and stored before it is used, so it is reused). */
async function createCustomer(db: Db, user: { id: string; email: string; name: string }): Promise<string> {
  const stripe = stripeClient();
  const params = { email: user.email, name: user.name, metadata: { userId: user.id } };
  // One customer per user: the key is the user and what the customer is created with, so a retry
  // after a lost answer (or a crash before we stored the id) gets the same customer back.
  const key = idempotencyKey("customer", user.id, paramsHash(params));
  const customer = await callStripe("create customer", () => stripe.customers.create(params, { idempotencyKey: key }));
  // Two checkouts at once both get the same customer (same key); whichever stores it first, one id.
  await db.billingAccount.upsert({
    where: { userId: user.id },
    create: { userId: user.id, stripeCustomerId: customer.id },
    update: {},
  });
  await db.billingAccount.updateMany({
    where: { userId: user.id, stripeCustomerId: null },
    data: { stripeCustomerId: customer.id },
  });
  const stored = await db.billingAccount.findUniqueOrThrow({ where: { userId: user.id } });
  return stored.stripeCustomerId ?? customer.id;
}

export type CheckoutReturn =
  | { status: "synced"; subscriptionStatus: string }
  | { status: "pending"; message: string }
  | { status: "ignored"; message: string };

/**
 * The success redirect: reads the session, and if it is this user's and complete, stores its
 * subscription now, so the page shows Pro without waiting for the webhook.
 */
export async function completeCheckoutReturn(
  db: Db,
  userId: string,
  input: z.input<typeof checkoutReturnInput>,
  now = new Date(),
): Promise<CheckoutReturn> {
  const { sessionId } = checkoutReturnInput.parse(input);
  configured();
  const stripe = stripeClient();
  const ignored: CheckoutReturn = {
    status: "ignored",
    message: "That checkout is not one of yours, so nothing changed. Your plan is shown below.",
  };
  const session = await callStripe("retrieve checkout session", () =>
    stripe.checkout.sessions.retrieve(sessionId),
  ).catch((error: unknown) => {
    if (isMissing(error)) return null;
    throw error;
  });
  if (!session || session.client_reference_id !== userId) return ignored;
  const subscriptionId =
    typeof session.subscription === "string" ? session.subscription : (session.subscription?.id ?? null);
  if (session.status !== "complete" || !subscriptionId)
    return {
      status: "pending",
      message: "Stripe has not finished your checkout yet. This page updates once it has.",
    };
  const read = await readSubscription(stripe, subscriptionId);
  if ("missing" in read) return ignored;
  const result = await db.$transaction(async (tx) => {
    // The customer checkout used is this user's from now on (it normally is already stored).
    const customerId = read.facts.customerId;
    const account = await tx.billingAccount.findUnique({ where: { userId } });
    if (!account) await tx.billingAccount.create({ data: { userId, stripeCustomerId: customerId } });
    return applySubscription(tx, userId, read.facts, read.readAt, now);
  });
  logger().info({ sessionId, written: result.written }, "checkout return synced");
  return { status: "synced", subscriptionStatus: read.facts.status };
}

/** Manage billing: a Customer Portal session for the user's Stripe customer. */
export async function openPortal(db: Db, userId: string, now = new Date()): Promise<{ url: string }> {
  const config = configured();
  const account = await db.billingAccount.findUnique({ where: { userId }, select: { stripeCustomerId: true } });
  if (!account?.stripeCustomerId) throw new ConflictError(NO_CUSTOMER);
  const stripe = stripeClient();
  const params = {
    customer: account.stripeCustomerId,
    return_url: billingPageUrl(),
    ...(config.portalConfiguration ? { configuration: config.portalConfiguration } : {}),
  };
  // Portal sessions are short-lived: a double click within the minute opens the same one, a later
  // visit a new one.
  const key = idempotencyKey("portal", userId, Math.floor(now.getTime() / PORTAL_KEY_WINDOW_MS), paramsHash(params));
  const session = await callStripe("create portal session", () =>
    stripe.billingPortal.sessions.create(params, { idempotencyKey: key }),
  ).catch((error: unknown) => {
    // The stored customer was deleted at Stripe (test mode data wiped): say what to do.
    if (error instanceof ConflictError && /customer/i.test(error.message))
      throw new ConflictError("Stripe no longer knows your billing account. Choose a plan to start a new one.");
    throw error;
  });
  return { url: session.url };
}

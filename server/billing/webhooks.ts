// Stripe's webhooks (POST /webhooks/stripe). Nothing in an event is trusted but its id and what it
// points at: the signature is checked on the raw body (5 minutes' tolerance), the subscription is
// re-read from Stripe before anything is written, and the event id is stored in the same transaction
// as its effect, so a duplicate (Stripe delivers at least once) changes nothing and mails nobody.
import Stripe from "stripe";
import { z } from "zod";
import type { Db, Queryable } from "../db/client";
import { retryOnWriteConflict } from "../db/write-conflict";
import { env } from "../env";
import { logger } from "../logger";
import { queueMail } from "../mail/outbox";
import { paymentFailedMail, subscriptionCancelledMail, trialEndingMail } from "../mail/templates";
import { entitlementOf } from "./plan";
import { stripeClient } from "./stripe-client";
import { applySubscription, markSubscriptionGone, readSubscription, userForSubscription } from "./sync";

/** Stripe's default tolerance: a signature older than this is a replay. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export const HANDLED_EVENT_TYPES = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.trial_will_end",
  "invoice.paid",
  "invoice.payment_failed",
] as const;
type HandledType = (typeof HANDLED_EVENT_TYPES)[number];

export type WebhookAnswer = { status: number; body: string };

const idRef = z.union([z.string(), z.object({ id: z.string() }).transform((o) => o.id)]).nullish();

/** The few fields we read of an event, whatever else Stripe sends with it. */
const eventShape = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const checkoutSessionShape = z.object({
  mode: z.string().nullish(),
  client_reference_id: z.string().nullish(),
  customer: idRef,
  subscription: idRef,
});
const subscriptionShape = z.object({
  id: z.string(),
  customer: idRef,
  metadata: z.record(z.string(), z.string()).nullish(),
});
const invoiceShape = z.object({
  customer: idRef,
  attempt_count: z.number().nullish(),
  // In this API version an invoice names its subscription under parent.subscription_details; older
  // payloads (and some fakes) carry it at the top level.
  parent: z.object({ subscription_details: z.object({ subscription: idRef }).nullish() }).nullish(),
  subscription: idRef,
});

type Target = {
  subscriptionId: string | null;
  customerId: string | null;
  metadataUserId: string | null;
  clientReferenceId: string | null;
  /** invoice.payment_failed: which attempt failed (the mail goes out on the first). */
  attemptCount: number | null;
};

function targetOf(type: HandledType, object: Record<string, unknown>): Target | null {
  const empty = { metadataUserId: null, clientReferenceId: null, attemptCount: null };
  if (type === "checkout.session.completed") {
    const session = checkoutSessionShape.safeParse(object);
    if (!session.success || session.data.mode !== "subscription") return null;
    return {
      ...empty,
      subscriptionId: session.data.subscription ?? null,
      customerId: session.data.customer ?? null,
      clientReferenceId: session.data.client_reference_id ?? null,
    };
  }
  if (type.startsWith("customer.subscription.")) {
    const subscription = subscriptionShape.safeParse(object);
    if (!subscription.success) return null;
    return {
      ...empty,
      subscriptionId: subscription.data.id,
      customerId: subscription.data.customer ?? null,
      metadataUserId: subscription.data.metadata?.userId ?? null,
    };
  }
  const invoice = invoiceShape.safeParse(object);
  if (!invoice.success) return null;
  return {
    ...empty,
    subscriptionId: invoice.data.parent?.subscription_details?.subscription ?? invoice.data.subscription ?? null,
    customerId: invoice.data.customer ?? null,
    attemptCount: invoice.data.attempt_count ?? null,
  };
}

const isHandled = (type: string): type is HandledType => (HANDLED_EVENT_TYPES as readonly string[]).includes(type);

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "P2002";
}

/** Verifies and handles one delivery. Never throws for the sender's mistakes; Stripe retries a 5xx. */
export async function handleStripeWebhook(
  db: Db,
  rawBody: string,
  signature: string | null,
  now = new Date(),
): Promise<WebhookAnswer> {
  const config = env().stripe;
  if (!config) return { status: 404, body: "Billing is not set up here." };
  if (!signature) return { status: 400, body: "Missing Stripe-Signature header." };
  let verified: Stripe.Event;
  try {
    verified = Stripe.webhooks.constructEvent(rawBody, signature, config.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    logger().warn({ err: error instanceof Error ? error.message : String(error) }, "Stripe webhook refused");
    return { status: 400, body: "Invalid signature, or a timestamp outside the tolerance." };
  }
  const parsed = eventShape.safeParse(verified);
  if (!parsed.success) return { status: 400, body: "Not a Stripe event." };
  const event = parsed.data;
  const log = { eventId: event.id, type: event.type };
  const type = event.type;
  if (!isHandled(type)) return { status: 200, body: "ignored" };
  if (await db.processedWebhookEvent.findUnique({ where: { id: event.id }, select: { id: true } })) {
    return { status: 200, body: "duplicate" };
  }
  const target = targetOf(type, event.data.object);
  if (!target?.subscriptionId) {
    await recordOnly(db, event);
    logger().info(log, "Stripe event without a subscription of ours: ignored");
    return { status: 200, body: "ignored" };
  }
  // The event says what changed; Stripe says what is true now. Read outside the transaction (a
  // network call), write inside it.
  const read = await readSubscription(stripeClient(), target.subscriptionId);
  const customerId = "facts" in read ? read.facts.customerId : target.customerId;
  const userId = await userForSubscription(db, {
    customerId,
    metadataUserId: "facts" in read ? read.facts.metadataUserId : target.metadataUserId,
    clientReferenceId: target.clientReferenceId,
  });
  if (!userId) {
    await recordOnly(db, event);
    logger().warn(log, "Stripe event for a customer we do not know: ignored");
    return { status: 200, body: "ignored: unknown customer" };
  }
  try {
    // A deadlock with another writer of the same user (an account purge) is run again: the
    // transaction holds every effect, so repeating it is safe.
    await retryOnWriteConflict(() =>
      db.$transaction(async (tx) => {
        await tx.processedWebhookEvent.create({ data: { id: event.id, provider: "stripe", type: event.type } });
        const written =
          "missing" in read
            ? await markSubscriptionGone(tx, userId, target.subscriptionId!, read.readAt)
            : (await applySubscription(tx, userId, read.facts, read.readAt, now)).written;
        const trialEnd = "facts" in read ? read.facts.trialEnd : null;
        await mailFor(tx, type, userId, { ...target, written, trialEnd }, now);
      }),
    );
  } catch (error) {
    // The same event handled at this very moment by another delivery: it did the work.
    if (isUniqueViolation(error)) return { status: 200, body: "duplicate" };
    throw error;
  }
  logger().info(log, "Stripe event handled");
  return { status: 200, body: "ok" };
}

async function recordOnly(db: Db, event: { id: string; type: string }) {
  await db.processedWebhookEvent.createMany({
    data: [{ id: event.id, provider: "stripe", type: event.type }],
    skipDuplicates: true,
  });
}

/** The transactional mail an event causes (P8), queued with the event's record. */
async function mailFor(
  tx: Queryable,
  type: HandledType,
  userId: string,
  target: Target & { written: boolean; trialEnd: Date | null },
  now: Date,
): Promise<void> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, name: true } });
  if (!user) return;
  const appUrl = env().APP_URL;
  const to = { to: user.email, userId };
  if (type === "invoice.payment_failed" && (target.attemptCount ?? 1) <= 1) {
    // Once per invoice: Stripe's retries fail again (attempt 2, 3…) without a new mail each time.
    const { graceEndsAt } = await entitlementOf(tx, userId, now);
    await queueMail(tx, { ...paymentFailedMail({ name: user.name, appUrl, graceEndsAt }), ...to });
  } else if (type === "customer.subscription.trial_will_end" && target.trialEnd) {
    const mail = trialEndingMail({ name: user.name, appUrl, endsAt: target.trialEnd, subscribed: true });
    await queueMail(tx, { ...mail, ...to });
  } else if (type === "customer.subscription.deleted" && target.written) {
    // Not for an old subscription whose end arrives after the user subscribed again (not written).
    await queueMail(tx, { ...subscriptionCancelledMail({ name: user.name, appUrl }), ...to });
  }
}

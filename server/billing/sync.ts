// Writing a subscription as Stripe reports it into BillingAccount. Every writer (webhooks, the
// checkout return, the reconcile sweep) re-reads the subscription from Stripe first and writes here,
// conditionally: only a read newer than the stored one (stripeSyncedAt) is written, so events handled
// out of order, or a slow request racing a fast one, never roll the state back (ADR 023).
import type Stripe from "stripe";
import type { Queryable } from "../db/client";
import { logger } from "../logger";
import { resumePausedConnections } from "./gates";
import { entitlementFrom, isFinalSubscriptionStatus } from "./plan";
import { callStripe, isMissing } from "./stripe-client";
import type { BillingInterval } from "./types";

/** What we keep of a subscription (P6: status, plan, period dates; never a card). */
export type SubscriptionFacts = {
  subscriptionId: string;
  customerId: string;
  status: string;
  priceId: string | null;
  interval: BillingInterval | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  trialEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /** metadata.userId, which checkout puts on every subscription it creates. */
  metadataUserId: string | null;
};

const fromUnix = (seconds: number | null | undefined): Date | null =>
  typeof seconds === "number" ? new Date(seconds * 1000) : null;

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value == null ? null : typeof value === "string" ? value : value.id;

/** The facts of a subscription object (in this API version the period dates live on its items). */
export function subscriptionFacts(subscription: Stripe.Subscription): SubscriptionFacts {
  const item = subscription.items?.data?.[0];
  const interval: string | undefined = item?.price?.recurring?.interval;
  return {
    subscriptionId: subscription.id,
    customerId: idOf(subscription.customer) ?? "",
    status: subscription.status,
    priceId: item?.price?.id ?? null,
    interval: interval === "month" ? "month" : interval === "year" ? "year" : null,
    currentPeriodStart: fromUnix(item?.current_period_start),
    currentPeriodEnd: fromUnix(item?.current_period_end),
    trialEnd: fromUnix(subscription.trial_end),
    // The portal's "cancel at period end" sets cancel_at in recent API versions; either means it ends.
    cancelAtPeriodEnd: subscription.cancel_at_period_end || subscription.cancel_at != null,
    metadataUserId: subscription.metadata?.userId ?? null,
  };
}

/** A fresh read of the subscription, with the moment the read began (the write's ordering key). */
export type SubscriptionRead = { facts: SubscriptionFacts; readAt: Date } | { missing: true; readAt: Date };

export async function readSubscription(stripe: Stripe, subscriptionId: string): Promise<SubscriptionRead> {
  // Taken before the request: whatever Stripe answers is at least as new as this moment.
  const readAt = new Date();
  try {
    const subscription = await callStripe("retrieve subscription", () => stripe.subscriptions.retrieve(subscriptionId));
    return { facts: subscriptionFacts(subscription), readAt };
  } catch (error) {
    if (isMissing(error)) return { missing: true, readAt };
    throw error;
  }
}

/** The user a subscription belongs to: our stored customer first, then the ids checkout set. */
export async function userForSubscription(
  db: Queryable,
  input: { customerId: string | null; metadataUserId?: string | null; clientReferenceId?: string | null },
): Promise<string | null> {
  if (input.customerId) {
    const account = await db.billingAccount.findUnique({
      where: { stripeCustomerId: input.customerId },
      select: { userId: true },
    });
    if (account) return account.userId;
  }
  for (const candidate of [input.clientReferenceId, input.metadataUserId]) {
    if (!candidate) continue;
    const user = await db.user.findUnique({ where: { id: candidate }, select: { id: true } });
    if (user) return user.id;
  }
  return null;
}

export type ApplyResult = {
  /** False when a newer read was already stored (or an older subscription lost to a live one). */
  written: boolean;
  /** The account went from Free to Pro with this write (paused connections were resumed). */
  becamePro: boolean;
  previousStatus: string | null;
};

/**
 * Stores a fresh read of the user's subscription, if it is newer than what is stored. Run it inside
 * the transaction that records the cause (the webhook event), so both happen or neither.
 */
export async function applySubscription(
  tx: Queryable,
  userId: string,
  facts: SubscriptionFacts,
  readAt: Date,
  now = new Date(),
): Promise<ApplyResult> {
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { createdAt: true, billing: true },
  });
  if (!user) return { written: false, becamePro: false, previousStatus: null };
  const stored = user.billing;
  const previousStatus = stored?.subscriptionStatus ?? null;
  // A different subscription replaces the stored one unless the stored one is live and this one is
  // over (a late event about a cancelled subscription after the user subscribed again).
  if (
    stored?.stripeSubscriptionId &&
    stored.stripeSubscriptionId !== facts.subscriptionId &&
    !isFinalSubscriptionStatus(stored.subscriptionStatus) &&
    isFinalSubscriptionStatus(facts.status)
  ) {
    logger().info(
      { subscriptionId: facts.subscriptionId },
      "an ended subscription's state ignored: a newer one is live",
    );
    return { written: false, becamePro: false, previousStatus };
  }
  const pastDueSince =
    facts.status === "past_due"
      ? stored?.subscriptionStatus === "past_due" && stored.pastDueSince
        ? stored.pastDueSince
        : // Stripe turns a subscription past_due when the renewal that opened this period fails;
          // that moment, on Stripe's clock, starts the grace period.
          (facts.currentPeriodStart ?? readAt)
      : null;
  const data = {
    stripeSubscriptionId: facts.subscriptionId,
    subscriptionStatus: facts.status,
    plan: "pro",
    priceId: facts.priceId,
    interval: facts.interval,
    currentPeriodStart: facts.currentPeriodStart,
    currentPeriodEnd: facts.currentPeriodEnd,
    trialEnd: facts.trialEnd,
    cancelAtPeriodEnd: facts.cancelAtPeriodEnd,
    pastDueSince,
    stripeSyncedAt: readAt,
  };
  let written: boolean;
  if (!stored) {
    await tx.billingAccount.create({ data: { userId, stripeCustomerId: facts.customerId || null, ...data } });
    written = true;
  } else {
    // The conditional write: only a read newer than the stored one lands.
    const { count } = await tx.billingAccount.updateMany({
      where: { userId, OR: [{ stripeSyncedAt: null }, { stripeSyncedAt: { lt: readAt } }] },
      data: { ...data, ...(stored.stripeCustomerId ? {} : { stripeCustomerId: facts.customerId || null }) },
    });
    written = count === 1;
  }
  if (!written) return { written, becamePro: false, previousStatus };
  const before = entitlementFrom({ userCreatedAt: user.createdAt, billing: stored }, now);
  const after = entitlementFrom(
    { userCreatedAt: user.createdAt, billing: { subscriptionStatus: facts.status, pastDueSince } },
    now,
  );
  const becamePro = before.plan === "free" && after.plan === "pro";
  if (becamePro) await resumePausedConnections(tx, userId, now);
  return { written, becamePro, previousStatus };
}

/** A subscription Stripe no longer has (deleted in test mode, another account's): recorded as over. */
export async function markSubscriptionGone(tx: Queryable, userId: string, subscriptionId: string, readAt: Date) {
  const { count } = await tx.billingAccount.updateMany({
    where: {
      userId,
      stripeSubscriptionId: subscriptionId,
      OR: [{ stripeSyncedAt: null }, { stripeSyncedAt: { lt: readAt } }],
    },
    data: { subscriptionStatus: "canceled", pastDueSince: null, cancelAtPeriodEnd: false, stripeSyncedAt: readAt },
  });
  return count === 1;
}

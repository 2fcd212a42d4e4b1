// The billing module's interface to the rest of the product (the account purge, P6, P11).
import { env } from "../env";
import type { Queryable } from "../db/client";
import { logger } from "../logger";
import { isFinalSubscriptionStatus } from "./plan";
import { callStripe, idempotencyKey, isMissing, stripeClient } from "./stripe-client";

export const billing = {
  /**
   * Cancels the user's Stripe subscription immediately, before their data is purged (P11: Stripe's own
   * history of it is all that remains, at Stripe). A subscription Stripe already ended or no longer
   * has is fine; Stripe not answering throws, so the purge job retries later.
   */
  async cancelSubscriptionsOf(db: Queryable, userId: string): Promise<{ cancelled: number }> {
    const account = await db.billingAccount.findUnique({
      where: { userId },
      select: { stripeSubscriptionId: true, subscriptionStatus: true },
    });
    const subscriptionId = account?.stripeSubscriptionId;
    if (!subscriptionId) return { cancelled: 0 };
    if (isFinalSubscriptionStatus(account.subscriptionStatus)) return { cancelled: 0 };
    if (!env().stripe) {
      // A subscription with no Stripe to cancel it at: a person must look before the data goes.
      throw new Error("A Stripe subscription exists but billing is not configured, so it cannot be cancelled.");
    }
    const stripe = stripeClient();
    try {
      // Cancelling is one act per subscription: the key is the subscription, so a retried purge
      // replays the first answer instead of cancelling twice.
      await callStripe("cancel subscription", () =>
        stripe.subscriptions.cancel(subscriptionId, {}, { idempotencyKey: idempotencyKey("cancel", subscriptionId) }),
      );
    } catch (error) {
      if (isMissing(error)) return { cancelled: 0 };
      // Already cancelled at Stripe (e.g. by the portal): Stripe refuses a second cancel.
      let current: { status: string } | null;
      try {
        current = await callStripe("retrieve subscription", () => stripe.subscriptions.retrieve(subscriptionId));
      } catch (readError) {
        if (!isMissing(readError)) throw readError;
        current = null;
      }
      if (!current || isFinalSubscriptionStatus(current.status)) return { cancelled: 0 };
      throw error;
    }
    logger().info({ subscriptionId }, "subscription cancelled for an account deletion");
    return { cancelled: 1 };
  },
};

export { billingOverview } from "./overview";
export { completeCheckoutReturn, openPortal, startCheckout } from "./checkout";
export { billingSweep } from "./sweep";
export { handleStripeWebhook } from "./webhooks";

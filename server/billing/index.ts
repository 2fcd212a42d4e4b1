// The billing module's interface to the rest of the product. Billing (Stripe) is not built yet:
// there are no subscriptions to cancel, so this does nothing — honestly, and in one place, so the
// account purge already calls it and keeps working when billing arrives (P6, P11).
import type { Queryable } from "../db/client";

export const billing = {
  /** Cancels the user's Stripe subscription, if any, before their data is purged. */
  async cancelSubscriptionsOf(db: Queryable, userId: string): Promise<{ cancelled: number }> {
    const account = await db.billingAccount.findUnique({ where: { userId }, select: { stripeSubscriptionId: true } });
    if (account?.stripeSubscriptionId) {
      // A billing row can only exist once Stripe is wired in; refuse rather than pretend.
      throw new Error("Billing is not implemented yet, so a Stripe subscription cannot be cancelled.");
    }
    return { cancelled: 0 };
  },
};

// Putting a test user on a plan the way the product stores it (server/billing/plan.ts decides): an
// account older than its no-card trial with no subscription is on Free; a subscription's status
// (and, for past_due, since when) is what the billing module writes from Stripe.
import type { Db } from "../../server/db/client";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Ends the no-card trial: the account was created `days` ago (longer than any trial here). */
export async function endTrial(db: Db, userId: string, days = 30): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { createdAt: new Date(Date.now() - days * DAY_MS) } });
}

/** Stores a subscription in `status` (past_due with `pastDueDays` ago as its start). */
export async function setSubscription(
  db: Db,
  userId: string,
  status: string,
  options: { pastDueDays?: number } = {},
): Promise<void> {
  const pastDueSince = status === "past_due" ? new Date(Date.now() - (options.pastDueDays ?? 1) * DAY_MS) : null;
  const data = {
    subscriptionStatus: status,
    plan: "pro",
    interval: "month",
    stripeCustomerId: `cus_test_${userId}`,
    stripeSubscriptionId: `sub_test_${userId}`,
    pastDueSince,
  };
  await db.billingAccount.upsert({ where: { userId }, create: { userId, ...data }, update: data });
}

/** On Free: trial over, and a subscription that was cancelled (or none, with `cancelled` false). */
export async function makeFree(db: Db, userId: string, options: { cancelled?: boolean } = {}): Promise<void> {
  await endTrial(db, userId);
  if (options.cancelled ?? true) await setSubscription(db, userId, "canceled");
}

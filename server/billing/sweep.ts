// The billing sweep (job billing.sweep, every 15 minutes): re-reads every subscription that is not
// over, so a webhook Stripe never delivered (or we refused while down) still lands; and mails the
// "trial ends soon" note for the no-card trial, once per account, 3 days before it ends.
import type { Db } from "../db/client";
import { env } from "../env";
import { logger } from "../logger";
import { queueMail } from "../mail/outbox";
import { trialEndingMail } from "../mail/templates";
import { FINAL_SUBSCRIPTION_STATUSES } from "./plan";
import { stripeClient } from "./stripe-client";
import { applySubscription, markSubscriptionGone, readSubscription } from "./sync";

const DAY_MS = 86_400_000;
/** The no-card trial's reminder goes out this long before its end. */
export const TRIAL_REMINDER_BEFORE_MS = 3 * DAY_MS;
const BATCH = 200;

export type SweepResult = { reconciled: number; changed: number; failed: number; trialReminders: number };

/** Re-reads each live subscription from Stripe and stores it with the usual conditional write. */
export async function reconcileSubscriptions(db: Db, now = new Date()): Promise<Omit<SweepResult, "trialReminders">> {
  const result = { reconciled: 0, changed: 0, failed: 0 };
  if (!env().stripe) return result;
  const stripe = stripeClient();
  let cursor: string | undefined;
  for (;;) {
    const accounts = await db.billingAccount.findMany({
      where: {
        stripeSubscriptionId: { not: null },
        OR: [{ subscriptionStatus: null }, { subscriptionStatus: { notIn: [...FINAL_SUBSCRIPTION_STATUSES] } }],
        ...(cursor ? { id: { gt: cursor } } : {}),
      },
      select: { id: true, userId: true, stripeSubscriptionId: true, subscriptionStatus: true },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    for (const account of accounts) {
      try {
        const read = await readSubscription(stripe, account.stripeSubscriptionId!);
        const written = await db.$transaction(async (tx) =>
          "missing" in read
            ? markSubscriptionGone(tx, account.userId, account.stripeSubscriptionId!, read.readAt)
            : (await applySubscription(tx, account.userId, read.facts, read.readAt, now)).written,
        );
        result.reconciled += 1;
        const status = "missing" in read ? "canceled" : read.facts.status;
        if (written && status !== account.subscriptionStatus) result.changed += 1;
      } catch (error) {
        result.failed += 1;
        logger().warn(
          { billingAccountId: account.id, err: error instanceof Error ? error.message : String(error) },
          "billing reconcile: a subscription could not be re-read; the next sweep retries",
        );
      }
    }
    if (accounts.length < BATCH) break;
    cursor = accounts[accounts.length - 1]!.id;
  }
  return result;
}

/**
 * Accounts on the no-card trial (no subscription that is live) whose trial ends within 3 days get one
 * reminder; trialReminderSentAt is set in the same transaction as the queued mail.
 */
export async function sendTrialReminders(db: Db, now = new Date()): Promise<number> {
  if (!env().stripe) return 0;
  const trialMs = env().billing.trialDays * DAY_MS;
  if (trialMs === 0) return 0;
  // Trial end = createdAt + trialDays: ends within (now, now + 3 days] ⇔ createdAt in this window.
  const createdAfter = new Date(now.getTime() - trialMs);
  const createdUpTo = new Date(now.getTime() + TRIAL_REMINDER_BEFORE_MS - trialMs);
  const users = await db.user.findMany({
    where: {
      createdAt: { gt: createdAfter, lte: createdUpTo },
      deletionRequest: { is: null },
      OR: [
        { billing: { is: null } },
        {
          billing: {
            trialReminderSentAt: null,
            OR: [{ subscriptionStatus: null }, { subscriptionStatus: { in: [...FINAL_SUBSCRIPTION_STATUSES] } }],
          },
        },
      ],
    },
    select: { id: true, email: true, name: true, createdAt: true },
    take: 500,
  });
  let sent = 0;
  for (const user of users) {
    const endsAt = new Date(user.createdAt.getTime() + trialMs);
    const queued = await db.$transaction(async (tx) => {
      // Claim the reminder first (a concurrent sweep claims nothing twice).
      await tx.billingAccount.upsert({ where: { userId: user.id }, create: { userId: user.id }, update: {} });
      const { count } = await tx.billingAccount.updateMany({
        where: { userId: user.id, trialReminderSentAt: null },
        data: { trialReminderSentAt: now },
      });
      if (count === 0) return false;
      const mail = trialEndingMail({ name: user.name, appUrl: env().APP_URL, endsAt, subscribed: false });
      await queueMail(tx, { ...mail, to: user.email, userId: user.id });
      return true;
    });
    if (queued) sent += 1;
  }
  return sent;
}

export async function billingSweep(db: Db, now = new Date()): Promise<SweepResult> {
  const reconciled = await reconcileSubscriptions(db, now);
  const trialReminders = await sendTrialReminders(db, now);
  return { ...reconciled, trialReminders };
}

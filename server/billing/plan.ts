// What an account's plan unlocks, decided in one place from what we store (P6: Stripe's status, the
// plan and the period dates) and the account's age (the no-card trial). Every gate — procedures,
// jobs, the poll scheduler, the brain — asks here; the pages only show what this says.
import type { Queryable } from "../db/client";
import { env } from "../env";
import { PlanRequiredError } from "../errors";

export type PlanName = "free" | "pro";

/** Why the account has the plan it has. */
export type PlanSource =
  /** This instance has no billing configured: everything is on for everyone. */
  | "unbilled"
  /** The no-card trial every new account starts with. */
  | "trial"
  /** A Stripe subscription that is active or trialing. */
  | "subscription"
  /** A past-due subscription inside its grace period. */
  | "grace"
  /** None of the above: Free. */
  | "free";

export type Entitlement = {
  plan: PlanName;
  source: PlanSource;
  /** The no-card trial's end (whether or not it has passed). */
  trialEndsAt: Date;
  /** For a past-due subscription: when Pro stops unless the payment goes through. */
  graceEndsAt: Date | null;
  /** Stripe's status as last stored, or null without a subscription. */
  subscriptionStatus: string | null;
};

export type PlanConfig = { billingConfigured: boolean; trialDays: number; graceDays: number };

/** The billing facts the decision needs (a BillingAccount row's fields, or null without one). */
export type BillingFacts = {
  subscriptionStatus: string | null;
  pastDueSince: Date | null;
} | null;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Statuses that give Pro outright. */
const PAYING = new Set(["active", "trialing"]);

/** Statuses a subscription never leaves: the periodic reconcile stops re-reading them. */
export const FINAL_SUBSCRIPTION_STATUSES: readonly string[] = ["canceled", "incomplete_expired"];

/** A subscription status that gives Pro outright (active, or Stripe's own trial). */
export function isPayingStatus(status: string | null | undefined): boolean {
  return status != null && PAYING.has(status);
}

/** A subscription that is over for good (a new checkout may start another one). */
export function isFinalSubscriptionStatus(status: string | null | undefined): boolean {
  return status != null && FINAL_SUBSCRIPTION_STATUSES.includes(status);
}

export function planConfig(): PlanConfig {
  const config = env();
  return {
    billingConfigured: config.stripe !== null,
    trialDays: config.billing.trialDays,
    graceDays: config.billing.graceDays,
  };
}

/** The decision itself, pure: a test can walk an account through trial → paid → past due → free. */
export function entitlementFrom(
  input: { userCreatedAt: Date; billing: BillingFacts },
  now: Date,
  config: PlanConfig = planConfig(),
): Entitlement {
  const trialEndsAt = new Date(input.userCreatedAt.getTime() + config.trialDays * DAY_MS);
  const status = input.billing?.subscriptionStatus ?? null;
  const pastDueSince = input.billing?.pastDueSince ?? null;
  const graceEndsAt =
    status === "past_due" ? new Date((pastDueSince ?? now).getTime() + config.graceDays * DAY_MS) : null;
  const base = { trialEndsAt, graceEndsAt, subscriptionStatus: status };
  if (!config.billingConfigured) return { ...base, plan: "pro", source: "unbilled" };
  if (isPayingStatus(status)) return { ...base, plan: "pro", source: "subscription" };
  if (graceEndsAt && now < graceEndsAt) return { ...base, plan: "pro", source: "grace" };
  if (now < trialEndsAt) return { ...base, plan: "pro", source: "trial" };
  return { ...base, plan: "free", source: "free" };
}

/** The user's entitlement now (two indexed reads). A user that does not exist has Free. */
export async function entitlementOf(db: Queryable, userId: string, now = new Date()): Promise<Entitlement> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { createdAt: true, billing: { select: { subscriptionStatus: true, pastDueSince: true } } },
  });
  if (!user)
    return entitlementFrom({ userCreatedAt: new Date(0), billing: null }, now, { ...planConfig(), trialDays: 0 });
  return entitlementFrom({ userCreatedAt: user.createdAt, billing: user.billing }, now);
}

export async function hasPro(db: Queryable, userId: string, now = new Date()): Promise<boolean> {
  return (await entitlementOf(db, userId, now)).plan === "pro";
}

/** Throws PlanRequiredError (a 402 through tRPC) unless the user has Pro. `feature` is a noun phrase. */
export async function requirePro(db: Queryable, userId: string, feature: string, now = new Date()): Promise<void> {
  if (!(await hasPro(db, userId, now))) throw new PlanRequiredError(feature);
}

/** Of these users, the ones with Pro now (for the poll scheduler: one query for the batch). */
export async function usersWithPro(db: Queryable, userIds: readonly string[], now = new Date()): Promise<Set<string>> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return new Set();
  const users = await db.user.findMany({
    where: { id: { in: unique } },
    select: { id: true, createdAt: true, billing: { select: { subscriptionStatus: true, pastDueSince: true } } },
  });
  const config = planConfig();
  return new Set(
    users
      .filter(
        (user) => entitlementFrom({ userCreatedAt: user.createdAt, billing: user.billing }, now, config).plan === "pro",
      )
      .map((user) => user.id),
  );
}

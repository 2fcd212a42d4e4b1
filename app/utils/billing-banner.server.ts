// The billing notice every signed-in page shows when the plan is about to change: a trial that ends
// within three days, or a failed payment inside its grace period. One indexed read (entitlementOf),
// only for signed-in users; the pages render it with BillingBanner.
import { entitlementOf } from "../../server/billing/plan";
import { getDb } from "../../server/db/client";
import type { BillingBannerData } from "../components/billing-banner";

const TRIAL_WARNING_MS = 3 * 24 * 60 * 60 * 1000;

export async function billingBanner(userId: string, now = new Date()): Promise<BillingBannerData> {
  const entitlement = await entitlementOf(await getDb(), userId, now);
  if (entitlement.source === "grace" && entitlement.graceEndsAt)
    return { kind: "past_due", endsAt: entitlement.graceEndsAt };
  if (entitlement.source === "trial" && entitlement.trialEndsAt.getTime() - now.getTime() <= TRIAL_WARNING_MS)
    return { kind: "trial_ending", endsAt: entitlement.trialEndsAt };
  return null;
}

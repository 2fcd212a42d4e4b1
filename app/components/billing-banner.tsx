// The signed-in app's billing notice (root loader's billingBanner): the trial ends soon, or a payment
// failed and Pro stops at the end of the grace period. Both link to Settings → Billing, where the
// plan is chosen or the card updated on Stripe's page.
import { Link, useLocation } from "@remix-run/react";
import { formatDate } from "../utils/format";

export type BillingBannerData = { kind: "trial_ending"; endsAt: Date } | { kind: "past_due"; endsAt: Date } | null;

export function BillingBanner({ banner }: { banner: BillingBannerData }) {
  const location = useLocation();
  if (!banner) return null;
  const onBilling = location.pathname === "/settings/billing";
  const pastDue = banner.kind === "past_due";
  return (
    <div
      className={`border-b ${pastDue ? "border-red-200 bg-red-50 text-red-900" : "border-brand-100 bg-brand-50 text-brand-700"}`}
      role="region"
      aria-label="Billing"
      data-testid={`billing-banner-${banner.kind}`}
    >
      <p className="mx-auto max-w-6xl px-4 py-2.5 text-sm">
        {pastDue
          ? `Your payment failed. Pro stops on ${formatDate(banner.endsAt)} unless you update your card`
          : `Your Pro trial ends on ${formatDate(banner.endsAt)}`}
        {onBilling ? (
          "."
        ) : (
          <>
            {" — "}
            <Link to="/settings/billing" className="font-medium underline">
              {pastDue ? "Manage billing" : "Choose a plan"}
            </Link>
          </>
        )}
      </p>
    </div>
  );
}

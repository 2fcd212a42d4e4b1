// Settings → Billing's doors to the billing API: reading the overview (and the return from Stripe
// Checkout), and the two buttons that send the seller to Stripe's own pages. The card is typed only
// there (P6); these forms carry an intent and an interval, nothing else.
import { data, redirect } from "@remix-run/node";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { formText } from "../utils/forms.server";
import { withToast } from "../utils/toasts";
import type { ServerApi } from "../utils/trpc.server";
import { isPayingStatus } from "../../server/billing/plan";

export const BILLING_PATH = "/settings/billing";

/** Subscription statuses that mean the checkout gave Pro. */

const intervalSchema = z.enum(["month", "year"]);

const billingForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("checkout"), interval: intervalSchema }),
  z.object({ intent: z.literal("portal") }),
]);

/** The refusals a person can act on: shown on the page with their status; nothing was changed. */
const USER_FACING = new Set<TRPCError["code"]>([
  "BAD_REQUEST",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "PAYMENT_REQUIRED",
  "NOT_FOUND",
  "BAD_GATEWAY",
  "SERVICE_UNAVAILABLE",
  "GATEWAY_TIMEOUT",
]);

export type BillingAnswer = { formError: string; intent: string };

/** A refusal from the billing API as the page shows it, or null for our own faults (rethrown: a 500 page). */
export function billingRefusal(error: unknown, intent: string) {
  if (!(error instanceof TRPCError) || !USER_FACING.has(error.code)) return null;
  return data<BillingAnswer>({ formError: error.message, intent }, { status: getHTTPStatusCodeFromError(error) });
}

/** Upgrade → Stripe Checkout; Manage billing → Stripe's portal. Both are 303s to Stripe's URL. */
export async function billingAction(api: ServerApi, form: FormData) {
  const parsed = billingForm.safeParse({ intent: formText(form, "intent"), interval: formText(form, "interval") });
  if (!parsed.success)
    return data<BillingAnswer>(
      { formError: "Choose monthly or yearly billing.", intent: formText(form, "intent") },
      { status: 400 },
    );
  const choice = parsed.data;
  try {
    const { url } =
      choice.intent === "checkout"
        ? await api.billing.checkout({ interval: choice.interval })
        : await api.billing.portal();
    return redirect(url, 303);
  } catch (error) {
    const refusal = billingRefusal(error, choice.intent);
    if (refusal) return refusal;
    throw error;
  }
}

/**
 * Back from Stripe Checkout: `?checkout=success&session_id=…` is confirmed with Stripe (the webhook
 * may not have arrived yet), `?checkout=cancelled` only said so. Either way the page is shown again
 * at its clean address with a one-time notice, so a reload does not repeat it. Null: nothing to do.
 */
export async function checkoutReturn(api: ServerApi, url: URL): Promise<Response | null> {
  const outcome = url.searchParams.get("checkout");
  if (outcome === "cancelled") return redirect(withToast(BILLING_PATH, "checkout-cancelled"));
  if (outcome !== "success") return null;
  const sessionId = z.string().min(1).max(255).safeParse(url.searchParams.get("session_id"));
  if (!sessionId.success) return redirect(withToast(BILLING_PATH, "checkout-unconfirmed"));
  try {
    const result = await api.billing.checkoutReturn({ sessionId: sessionId.data });
    const toast =
      result.status === "ignored"
        ? "checkout-not-yours"
        : result.status === "synced" && isPayingStatus(result.subscriptionStatus)
          ? "billing-upgraded"
          : "checkout-unconfirmed";
    return redirect(withToast(BILLING_PATH, toast));
  } catch (error) {
    if (billingRefusal(error, "checkout")) return redirect(withToast(BILLING_PATH, "checkout-unconfirmed"));
    throw error;
  }
}

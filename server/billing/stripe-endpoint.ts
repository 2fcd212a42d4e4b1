// Where this process reaches Stripe: STRIPE_API_BASE_URL when set (a fake in tests), the demo's fake
// once server/index.ts has started it (its port is only known then), otherwise Stripe itself (null).
import { env } from "../env";
import { singleton } from "../utils/singleton";

const started = singleton<{ url: string | null }>("stripe-endpoint", () => ({ url: null }));

/** Called by the process that started the demo's fake Stripe, with its origin; null when it stops. */
export function setStartedFakeStripeUrl(url: string | null): void {
  started.url = url;
}

/** The API origin to use, or null for Stripe's own (https://api.stripe.com). */
export function stripeApiBaseUrl(): string | null {
  const stripe = env().stripe;
  if (!stripe) return null;
  return stripe.apiBaseUrl ?? (stripe.kind === "fake" ? started.url : null);
}

/** Stripe's real hosted pages: Checkout, and the Customer Portal. */
const STRIPE_HOSTED_ORIGINS = ["https://checkout.stripe.com", "https://billing.stripe.com"];

/**
 * Where Settings → Billing's forms send the browser (Checkout, the portal): the fake's origin, which
 * serves its own hosted pages, or Stripe's. None without billing. For the CSP's form-action.
 */
export function stripeHostedOrigins(): string[] {
  if (!env().stripe) return [];
  const base = stripeApiBaseUrl();
  return base ? [new URL(base).origin] : STRIPE_HOSTED_ORIGINS;
}

// Points this process's configuration (server/env.ts) at a fake Stripe on loopback (tests/fakes/stripe),
// so the billing module's official client talks to it; the undo puts the variables back as they were.
import { resetEnvCache } from "../../server/env";
import type { StartedFakeStripe } from "../fakes/stripe";

export const STRIPE_ENV = [
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "STRIPE_PRICE_PRO_MONTHLY",
  "STRIPE_PRICE_PRO_YEARLY",
  "STRIPE_API_BASE_URL",
  "FAKE_STRIPE",
] as const;

type StripeEnv = Partial<Record<(typeof STRIPE_ENV)[number], string>>;

/** Sets the variables (undefined deletes one), re-reads the configuration, and returns the undo. */
export function setStripeEnv(values: StripeEnv): () => void {
  const saved = Object.fromEntries(STRIPE_ENV.map((name) => [name, process.env[name]])) as StripeEnv;
  const apply = (next: StripeEnv) => {
    for (const name of STRIPE_ENV) {
      const value = next[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnvCache();
  };
  apply(values);
  return () => apply(saved);
}

/** The variables that configure billing against this fake: its key, signing secret, prices and address. */
export function stripeEnvOf(fake: StartedFakeStripe): StripeEnv {
  return {
    STRIPE_SECRET_KEY: fake.secretKey,
    STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
    STRIPE_PRICE_PRO_MONTHLY: fake.prices.month,
    STRIPE_PRICE_PRO_YEARLY: fake.prices.year,
    STRIPE_API_BASE_URL: fake.url,
  };
}

/** Billing configured against this fake; returns the undo. */
export function pointStripeAt(fake: StartedFakeStripe): () => void {
  return setStripeEnv(stripeEnvOf(fake));
}

/** No billing at all (no key, no fake): every feature is on for everyone. */
export function withoutStripe(): () => void {
  return setStripeEnv({ FAKE_STRIPE: "false" });
}

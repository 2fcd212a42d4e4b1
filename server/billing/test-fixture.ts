// For billing's tests (not a test itself): a fake Stripe on loopback, this process's configuration
// pointed at it, and the real app serving POST /webhooks/stripe, which the fake delivers to.
import { afterAll, beforeAll } from "vitest";
import { startRemixTestServer } from "../../tests/helpers/remix-server";
import { startFakeStripe, TEST_CARD, type StartedFakeStripe } from "../../tests/fakes/stripe";
import { resetEnvCache } from "../env";

export const STRIPE_ENV = [
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "STRIPE_PRICE_PRO_MONTHLY",
  "STRIPE_PRICE_PRO_YEARLY",
  "STRIPE_API_BASE_URL",
  "FAKE_STRIPE",
] as const;

export type BillingFixture = { fake: StartedFakeStripe; app: { url: string }; webhookUrl: string };

/** Starts the fake and the app for the file, sets STRIPE_* to them, and undoes it all afterwards. */
export function useFakeStripe(): BillingFixture {
  const fixture = {} as BillingFixture;
  const saved = Object.fromEntries(STRIPE_ENV.map((name) => [name, process.env[name]]));
  let closeApp = async () => {};
  beforeAll(async () => {
    const fake = await startFakeStripe();
    process.env.STRIPE_SECRET_KEY = fake.secretKey;
    process.env.STRIPE_WEBHOOK_SECRET = fake.webhookSecret;
    process.env.STRIPE_PRICE_PRO_MONTHLY = fake.prices.month;
    process.env.STRIPE_PRICE_PRO_YEARLY = fake.prices.year;
    process.env.STRIPE_API_BASE_URL = fake.url;
    resetEnvCache();
    const app = await startRemixTestServer({ routes: { "webhooks/stripe": "webhooks.stripe.ts" } });
    closeApp = app.close;
    fixture.fake = fake;
    fixture.app = app;
    fixture.webhookUrl = `${app.url}/webhooks/stripe`;
    fake.setWebhookUrl(fixture.webhookUrl);
  });
  afterAll(async () => {
    await closeApp();
    await fixture.fake?.close();
    for (const name of STRIPE_ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    resetEnvCache();
  });
  return fixture;
}

/** Runs with billing switched off (no key, no fake), then restores the fixture's configuration. */
export async function withoutBilling<T>(run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(STRIPE_ENV.map((name) => [name, process.env[name]]));
  for (const name of STRIPE_ENV) delete process.env[name];
  process.env.FAKE_STRIPE = "false";
  resetEnvCache();
  try {
    return await run();
  } finally {
    for (const name of STRIPE_ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    resetEnvCache();
  }
}

/** The id Stripe put in the success URL's session_id. */
export function sessionIdOf(checkoutUrl: string): string {
  const id = new URL(checkoutUrl).pathname.split("/").find((part) => part.startsWith("cs_"));
  if (!id) throw new Error(`no session id in ${checkoutUrl}`);
  return id;
}

export { TEST_CARD };

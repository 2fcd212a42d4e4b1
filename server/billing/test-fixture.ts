// For billing's tests (not a test itself): a fake Stripe on loopback, this process's configuration
// pointed at it, and the real app serving POST /webhooks/stripe, which the fake delivers to.
import { afterAll, beforeAll } from "vitest";
import { startRemixTestServer } from "../../tests/helpers/remix-server";
import { startFakeStripe, TEST_CARD, type StartedFakeStripe } from "../../tests/fakes/stripe";
import { pointStripeAt, withoutStripe } from "../../tests/helpers/stripe";

export type BillingFixture = { fake: StartedFakeStripe; app: { url: string }; webhookUrl: string };

/** Starts the fake and the app for the file, sets STRIPE_* to them, and undoes it all afterwards. */
export function useFakeStripe(): BillingFixture {
  const fixture = {} as BillingFixture;
  let restoreEnv = () => {};
  let closeApp = async () => {};
  beforeAll(async () => {
    const fake = await startFakeStripe();
    restoreEnv = pointStripeAt(fake);
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
    restoreEnv();
  });
  return fixture;
}

/** Runs with billing switched off (no key, no fake), then restores the fixture's configuration. */
export async function withoutBilling<T>(run: () => Promise<T>): Promise<T> {
  const restore = withoutStripe();
  try {
    return await run();
  } finally {
    restore();
  }
}

/** The id Stripe put in the success URL's session_id. */
export function sessionIdOf(checkoutUrl: string): string {
  const id = new URL(checkoutUrl).pathname.split("/").find((part) => part.startsWith("cs_"));
  if (!id) throw new Error(`no session id in ${checkoutUrl}`);
  return id;
}

export { TEST_CARD };

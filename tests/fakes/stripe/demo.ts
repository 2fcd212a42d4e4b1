// The demo's fake Stripe (FAKE_STRIPE, on by default in DEMO_MODE without a Stripe key): started by
// server/index.ts on HOST:FAKE_STRIPE_PORT — its own origin, so the hosted card form is never served
// by the app (P6) — with the demo's key, signing secret and Pro prices, delivering events to the
// app's /webhooks/stripe. Its clock follows the real one (checked every minute), so a trial's
// reminder and a renewal happen in a long-running demo as they would with Stripe.
import { env, FAKE_STRIPE_DEMO } from "../../../server/env";
import { startFakeStripe, type StartedFakeStripe } from "./index";

const CLOCK_SYNC_MS = 60_000;

export type DemoFakeStripe = StartedFakeStripe & { stop(): Promise<void> };

export async function startDemoFakeStripe(): Promise<DemoFakeStripe> {
  const config = env();
  if (config.stripe?.kind !== "fake") throw new Error("The demo's fake Stripe runs only with FAKE_STRIPE on");
  const fake = await startFakeStripe({
    host: config.HOST,
    port: config.stripe.port ?? 0,
    secretKey: FAKE_STRIPE_DEMO.secretKey,
    webhookSecret: FAKE_STRIPE_DEMO.webhookSecret,
    prices: { month: FAKE_STRIPE_DEMO.prices.month, year: FAKE_STRIPE_DEMO.prices.year },
    webhookUrl: `${config.APP_URL}/webhooks/stripe`,
  });
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => {
        const behind = Math.floor((Date.now() - fake.now().getTime()) / 1000);
        return behind > 0 ? fake.advance({ seconds: behind }) : undefined;
      })
      .catch(() => undefined);
  }, CLOCK_SYNC_MS);
  timer.unref();
  return {
    ...fake,
    async stop() {
      clearInterval(timer);
      await running;
      await fake.close();
    },
  };
}

/** The start-up line for the person who ran `npm start`. */
export function demoFakeStripeHint(url: string): string {
  return `  Billing: a fake Stripe runs at ${url} (test mode) — upgrade with the card 4242 4242 4242 4242, any future expiry and CVC.`;
}

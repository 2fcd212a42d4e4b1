// A stateful fake of Stripe on its own loopback port, for tests, the benchmark and the demo: the
// official `stripe` client talks to it unchanged (`new Stripe(key, { host, port, protocol: "http" })`),
// and it serves the hosted checkout, portal and invoice pages itself, so a card form is never on our
// origin (P6). See ./contract.ts for the control surface.
import { Billing, parseCard } from "./billing";
import { Clock } from "./cycle";
import { StripeApi } from "./api";
import type { FakeCard, FakeStripe, FakeStripeOptions } from "./contract";
import { HostedPages } from "./pages";
import { FakeStripeServer } from "./server";
import { Store } from "./store";
import { Events } from "./webhooks";

export type { FakeCard, FakeStripe, FakeStripeOptions } from "./contract";
export { signPayload } from "./webhooks";

export const DEFAULT_FAKE_STRIPE = {
  secretKey: "sk_test_fake_stripe_key_0000000000",
  webhookSecret: "whsec_fake_stripe_signing_secret",
  prices: { month: "price_fake_pro_monthly", year: "price_fake_pro_yearly" },
} as const;

/** The card the hosted page succeeds with (Stripe's 4242 test card). */
export const TEST_CARD: FakeCard = { number: "4242424242424242", expMonth: 12, expYear: 2034, cvc: "123" };

/** The billing address completeCheckout() gives when Checkout collects one (automatic tax). */
export const TEST_ADDRESS = { country: "US", postal_code: "94103" };

/** What startFakeStripe resolves with (the contract; the name kept for the tests that import it). */
export type StartedFakeStripe = FakeStripe;

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<StartedFakeStripe> {
  const secretKey = options.secretKey ?? DEFAULT_FAKE_STRIPE.secretKey;
  let webhookSecret = options.webhookSecret ?? DEFAULT_FAKE_STRIPE.webhookSecret;
  const prices = options.prices ?? { ...DEFAULT_FAKE_STRIPE.prices };
  const host = options.host ?? "127.0.0.1";

  // The objects carry URLs on the fake's origin, known once it listens: the server is built with
  // handlers that reach the rest through these late-bound references.
  let api: StripeApi | null = null;
  let pages: HostedPages | null = null;
  let events: Events | null = null;
  const server = new FakeStripeServer(
    secretKey,
    (request) => api!.handle(request),
    (request) => pages!.handle(request),
    () => void events!.flush(),
  );
  const url = await server.listen(options.port ?? 0, host);
  const store = new Store(url, options.now ?? new Date(), prices);
  events = new Events(store, () => webhookSecret, options.webhookUrl ?? null);
  const billing = new Billing(store, events);
  const clock = new Clock(billing);
  api = new StripeApi(billing, url);
  pages = new HostedPages(billing, url);
  const ev = events;

  return {
    url,
    secretKey,
    get webhookSecret() {
      return webhookSecret;
    },
    set webhookSecret(secret: string) {
      webhookSecret = secret;
    },
    prices,
    setWebhookUrl(next) {
      ev.webhookUrl = next;
    },
    now: () => store.nowDate(),
    async advance(by) {
      const seconds = (by.days ?? 0) * 86_400 + (by.hours ?? 0) * 3600 + (by.seconds ?? 0);
      clock.advance(seconds);
      await ev.flush();
    },
    async completeCheckout(sessionId, card = TEST_CARD, address = TEST_ADDRESS) {
      const parsed = parseCard(card, store.nowDate());
      const redirectTo = billing.completeCheckout(sessionId, { ...parsed, name: null }, null, address);
      await ev.flush();
      return { redirectTo };
    },
    events: () =>
      store
        .all("event")
        .reverse()
        .map((e) => structuredClone(e) as unknown as ReturnType<FakeStripe["events"]>[number]),
    deliver: (ids, deliverOptions) => ev.deliver(ids, deliverOptions),
    failNext: (failure) => server.failNext(failure),
    requests: () => structuredClone(server.log),
    // The live objects: a test may change them (e.g. status: "past_due") without walking the clock.
    state: {
      subscription: (id) => store.get(id, "subscription"),
      customer: (id) => store.get(id, "customer"),
    },
    deliveries: () => structuredClone(ev.deliveries),
    async settled() {
      await ev.flush();
    },
    close: () => server.close(),
  };
}

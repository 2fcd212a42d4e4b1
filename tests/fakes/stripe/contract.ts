// The fake Stripe's control surface: what tests, the demo and the benchmark may ask of it besides
// Stripe's own API. (Written first so the billing module, its tests and the pages could be built
// beside the fake; ./index.ts implements it.)

export type FakeCard = {
  /** The full test number as typed on the hosted page: 4242424242424242 succeeds, 4000000000000002
   *  is declined (402 card_declined), 4000000000000341 attaches but fails its first renewal. */
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
};

export type FakeStripeOptions = {
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  host?: string;
  /** Default: a fixed sk_test_… key; requests without it (Bearer or Basic) get Stripe's 401. */
  secretKey?: string;
  /** Default: a fixed whsec_…; events are signed with it like Stripe's (Stripe-Signature t=…,v1=…). */
  webhookSecret?: string;
  /** The prices the fake seeds (ids chosen by the caller so they can match configuration). */
  prices?: { month: string; year: string };
  /** Where signed events are POSTed as they happen; null keeps them undelivered until deliver(). */
  webhookUrl?: string | null;
  /** The clock's start (default: the real now). */
  now?: Date;
};

export type FakeStripe = {
  /** The API origin (http://127.0.0.1:port), which also serves the hosted checkout and portal pages. */
  url: string;
  secretKey: string;
  webhookSecret: string;
  prices: { month: string; year: string };
  setWebhookUrl(url: string | null): void;
  /** The test clock: Stripe's idea of now (every object's timestamps, and signatures' t=). */
  now(): Date;
  /** Moves the clock forward and runs what falls due on the way, in order: trial ends, renewals
   *  (an invoice paid, or failed with the card that fails renewals: past_due, then unpaid/canceled
   *  after Stripe's retries), cancellations at period end. Emits and (if a URL is set) delivers events. */
  advance(by: { days?: number; hours?: number; seconds?: number }): Promise<void>;
  /** What the hosted checkout page does when its form is submitted with this card (for tests that do
   *  not drive a browser). Returns where the page would redirect (success_url, with the session id).
   *  With automatic_tax the page also collects a billing address (default: US 94103). */
  completeCheckout(
    sessionId: string,
    card?: FakeCard,
    address?: { country: string; postal_code: string },
  ): Promise<{ redirectTo: string }>;
  /** Every event created so far, oldest first (as Stripe's /v1/events would list them). */
  events(): Array<{ id: string; type: string; created: number; data: { object: { id: string } } }>;
  /** Delivers (again) these events, in the order given, each signed now; resolves with our answers. */
  deliver(
    eventIds: string[],
    options?: { signatureSecret?: string; timestamp?: number },
  ): Promise<Array<{ id: string; status: number; body: string }>>;
  /** Every webhook delivery made so far (event id, our status and body), in order. */
  deliveries(): Array<{ id: string; status: number; body: string }>;
  /** Resolves once every event created so far has been delivered: events caused by an API request
   *  are delivered just after its answer (as Stripe does, asynchronously); await this before asserting. */
  settled(): Promise<void>;
  /** The next N API requests (optionally only to paths starting with `path`) fail with this status and
   *  Stripe's error body (429 rate_limit, 500 api_error, 402 card_error …). */
  failNext(options: { status: number; count?: number; path?: string }): void;
  /** Every API request received (method, path, idempotency key, form body as parsed), for assertions. */
  requests(): Array<{ method: string; path: string; idempotencyKey: string | null; body: Record<string, unknown> }>;
  /** Direct state changes a test needs: e.g. mark a subscription past_due without walking the clock. */
  state: {
    subscription(id: string): Record<string, unknown> | undefined;
    customer(id: string): Record<string, unknown> | undefined;
  };
  close(): Promise<void>;
};

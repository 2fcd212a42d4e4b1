// Shared by the fake's tests: the official client pointed at a started fake, and a webhook endpoint
// that records what it receives (answering with a chosen status).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import type { FakeStripe } from "./contract";

export function clientFor(fake: FakeStripe, options: { key?: string; maxNetworkRetries?: number } = {}): Stripe {
  const url = new URL(fake.url);
  return new Stripe(options.key ?? fake.secretKey, {
    host: url.hostname,
    port: Number(url.port),
    protocol: "http",
    maxNetworkRetries: options.maxNetworkRetries ?? 0,
    telemetry: false,
  });
}

export type Received = { signature: string; payload: string; type: string; id: string };

export async function startWebhookReceiver(status = 200) {
  const received: Received[] = [];
  let answer = status;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const payload = Buffer.concat(chunks).toString("utf8");
      const event = JSON.parse(payload) as { id: string; type: string };
      received.push({ signature: String(req.headers["stripe-signature"]), payload, type: event.type, id: event.id });
      res.writeHead(answer, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ received: answer < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`,
    received,
    types: () => received.map((r) => r.type),
    answerWith: (next: number) => {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A checkout for a new customer on a price; returns the session. */
export function createCheckout(
  stripe: Stripe,
  price: string,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price, quantity: 1 }],
    customer_email: "sam@example.com",
    client_reference_id: "user_1",
    success_url: "http://app.test/settings/billing?session={CHECKOUT_SESSION_ID}",
    cancel_url: "http://app.test/settings/billing",
    automatic_tax: { enabled: true },
    ...extra,
  });
}

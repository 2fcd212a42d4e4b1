// The webhook route's server side: verify and handle (server/billing/webhooks.ts), then start
// delivering any mail the event queued (P8).
import { handleStripeWebhook } from "../../server/billing/webhooks";
import { getDb } from "../../server/db/client";
import { logger } from "../../server/logger";
import { kickMailDelivery } from "../../server/mail/outbox";

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });

export async function stripeWebhookResponse(request: Request): Promise<Response> {
  if (request.method !== "POST") return text(405, "This address takes Stripe's webhook POSTs only.", { Allow: "POST" });
  const raw = await request.text();
  const db = await getDb();
  try {
    const answer = await handleStripeWebhook(db, raw, request.headers.get("stripe-signature"));
    if (answer.body === "ok") kickMailDelivery(db);
    return text(answer.status, answer.body);
  } catch (error) {
    // Our side failed (Stripe unreachable for the re-read, the database): Stripe retries a 5xx later.
    logger().error({ err: error instanceof Error ? error.message : String(error) }, "Stripe webhook failed");
    return text(503, "Not handled now; retry later.");
  }
}

// POST /webhooks/stripe: Stripe's signed events (a resource route, no page). The signature is
// checked on the raw body, so the body is read as text here and handed on untouched.
import type { ActionFunctionArgs } from "@remix-run/node";
import { stripeWebhookResponse } from "./webhooks.stripe.server";

export function loader() {
  return new Response("This address takes Stripe's webhook POSTs only.", {
    status: 405,
    headers: { Allow: "POST", "Content-Type": "text/plain; charset=utf-8" },
  });
}

export async function action({ request }: ActionFunctionArgs) {
  return stripeWebhookResponse(request);
}

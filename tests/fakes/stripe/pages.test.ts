// The hosted pages through plain HTTP, as a browser without JavaScript uses them: checkout's form
// (declined, malformed, paid → 303 to success_url), the portal's plan switch, cancel / don't cancel,
// card update and invoice links, the hosted invoice and its PDF — and the demo's start-up.
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env, FAKE_STRIPE_DEMO, resetEnvCache } from "../../../server/env";
import { startDemoFakeStripe } from "./demo";
import { startFakeStripe, type StartedFakeStripe } from "./index";
import { clientFor, createCheckout, startWebhookReceiver } from "./test-helpers";

let fake: StartedFakeStripe;
let stripe: Stripe;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  hook = await startWebhookReceiver();
  fake = await startFakeStripe({ webhookUrl: hook.url });
  stripe = clientFor(fake);
});
afterAll(async () => {
  await fake.close();
  await hook.close();
});

const post = (url: string, fields: Record<string, string>) =>
  fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
const CARD = { name: "Sam Rivera", number: "4242 4242 4242 4242", expiry: "12 / 34", cvc: "123" };
const ADDRESS = { country: "GB", postal_code: "ec1a 1bb" };

describe("hosted checkout", () => {
  it("shows the product, price and card fields, labelled as the fake's test mode", async () => {
    const session = await createCheckout(stripe, fake.prices.month, { customer_email: undefined });
    const response = await fetch(session.url!);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Test mode — fake Stripe");
    expect(html).toContain('name="viewport"');
    expect(html).toContain("Sales-as-Code Pro");
    expect(html).toContain("$29.00");
    for (const autocomplete of ["cc-number", "cc-exp", "cc-csc", "cc-name", "postal-code"])
      expect(html).toContain(`autocomplete="${autocomplete}"`);
    expect(html).toContain(`action="${fake.url}/c/pay/${session.id}"`);
    expect(html).toContain('href="http://app.test/settings/billing">← Back');
    expect(html).not.toContain("<script");
  });

  it("re-shows the form for a declined or malformed card, then pays and redirects to success_url", async () => {
    const session = await createCheckout(stripe, fake.prices.year, { customer_email: undefined });
    const declined = await post(session.url!, {
      ...CARD,
      ...ADDRESS,
      email: "new@example.com",
      number: "4000 0000 0000 0002",
    });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain("Your card was declined.");
    const malformed = await post(session.url!, { ...CARD, email: "new@example.com", expiry: "13" });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain("Enter the card&#39;s expiry as MM / YY.");
    const badPostcode = await post(session.url!, {
      ...CARD,
      email: "new@example.com",
      country: "GB",
      postal_code: "#!",
    });
    expect(await badPostcode.text()).toContain("Enter a valid postal code.");
    const noCountry = await post(session.url!, { ...CARD, email: "new@example.com", country: "XX" });
    expect(await noCountry.text()).toContain("Choose your country.");
    const noEmail = await post(session.url!, { ...CARD, ...ADDRESS, email: "not-an-email" });
    expect(await noEmail.text()).toContain("Enter a valid email address.");
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    const paid = await post(session.url!, { ...CARD, ...ADDRESS, email: "new@example.com" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`http://app.test/settings/billing?session=${session.id}`);
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["subscription.default_payment_method"],
    });
    const subscription = done.subscription as Stripe.Subscription;
    expect(subscription.items.data[0]!.price.id).toBe(fake.prices.year);
    expect((subscription.default_payment_method as Stripe.PaymentMethod).billing_details.name).toBe("Sam Rivera");
    expect(hook.types()).toContain("checkout.session.completed");
    expect(done.customer_details?.address).toMatchObject({ country: "GB", postal_code: "EC1A 1BB" });
    // No card number is kept anywhere the API shows.
    expect(JSON.stringify(fake.requests())).not.toContain("4242424242424242");
    const again = await fetch(session.url!);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain("already complete");
  });
});

describe("hosted checkout's address", () => {
  it("takes the country alone (the postal code is optional), as a journey typing only the card submits", async () => {
    const session = await createCheckout(stripe, fake.prices.month);
    const paid = await post(session.url!, { ...CARD, country: "US" });
    expect(paid.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done.customer_details?.address).toMatchObject({ country: "US", postal_code: null });
  });
});

describe("hosted portal and invoices", () => {
  it("switches plans, cancels and un-cancels, updates the card and links the invoices", async () => {
    const session = await createCheckout(stripe, fake.prices.month);
    await fake.completeCheckout(session.id);
    const customer = (await stripe.checkout.sessions.retrieve(session.id)).customer as string;
    const portal = await stripe.billingPortal.sessions.create({
      customer,
      return_url: "http://app.test/settings/billing",
    });
    expect(portal.url.startsWith(`${fake.url}/p/session/`)).toBe(true);

    let html = await (await fetch(portal.url)).text();
    expect(html).toContain("Return to Sales-as-Code");
    expect(html).toContain("VISA •••• 4242");
    expect(html).toContain("Switch to yearly");
    const [invoice] = (await stripe.invoices.list({ customer })).data;
    expect(html).toContain(`href="${invoice!.hosted_invoice_url}"`);

    const before = hook.received.length;
    const switched = await post(`${portal.url}/plan`, { price: fake.prices.year });
    expect(switched.status).toBe(303);
    const subscriptionId = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    expect((await stripe.subscriptions.retrieve(subscriptionId)).items.data[0]!.price.id).toBe(fake.prices.year);
    expect(hook.types().slice(before)).toContain("customer.subscription.updated");

    expect((await post(`${portal.url}/cancel`, {})).status).toBe(303);
    expect((await stripe.subscriptions.retrieve(subscriptionId)).cancel_at_period_end).toBe(true);
    html = await (await fetch(portal.url)).text();
    expect(html).toContain("Don't cancel");
    await post(`${portal.url}/renew`, {});
    expect((await stripe.subscriptions.retrieve(subscriptionId)).cancel_at_period_end).toBe(false);

    const cardPage = await fetch(`${portal.url}/card`);
    expect(await cardPage.text()).toContain('autocomplete="cc-number"');
    const declined = await post(`${portal.url}/card`, { ...CARD, number: "4000000000000002" });
    expect(await declined.text()).toContain("Your card was declined.");
    await post(`${portal.url}/card`, { ...CARD, number: "5555 5555 5555 4444" });
    const sub = await stripe.subscriptions.retrieve(subscriptionId, { expand: ["default_payment_method"] });
    expect((sub.default_payment_method as Stripe.PaymentMethod).card).toMatchObject({
      brand: "mastercard",
      last4: "4444",
    });

    const receipt = await fetch(invoice!.hosted_invoice_url!);
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toContain("$29.00");
    const pdf = await fetch(invoice!.invoice_pdf!);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect((await pdf.text()).startsWith("%PDF-1.4")).toBe(true);
  });
});

describe("the demo's fake", () => {
  it("starts with the demo's key and prices on FAKE_STRIPE_PORT; a busy port fails to start", async () => {
    const saved = process.env.FAKE_STRIPE_PORT;
    process.env.FAKE_STRIPE_PORT = "0";
    resetEnvCache();
    try {
      expect(env().stripe?.kind).toBe("fake");
      const demo = await startDemoFakeStripe();
      try {
        expect(demo.secretKey).toBe(FAKE_STRIPE_DEMO.secretKey);
        const price = await clientFor(demo).prices.retrieve(FAKE_STRIPE_DEMO.prices.month);
        expect(price.unit_amount).toBe(2900);
        process.env.FAKE_STRIPE_PORT = new URL(demo.url).port;
        resetEnvCache();
        await expect(startDemoFakeStripe()).rejects.toThrow(/EADDRINUSE/);
      } finally {
        await demo.stop();
      }
    } finally {
      if (saved === undefined) delete process.env.FAKE_STRIPE_PORT;
      else process.env.FAKE_STRIPE_PORT = saved;
      resetEnvCache();
    }
  });
});

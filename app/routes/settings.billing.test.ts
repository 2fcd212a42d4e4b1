// Settings → Billing's loader and action against a fake Stripe on loopback (the official client in
// the billing module talks to it): the overview the page shows, the two buttons' redirects to
// Stripe's pages, the return from Checkout, and the refusals shown on the page with nothing changed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeStripe, type StartedFakeStripe } from "../../tests/fakes/stripe";
import { get, post, seller, thrownBy, type Answer } from "../../tests/helpers/routes";
import { pointStripeAt, setStripeEnv, stripeEnvOf } from "../../tests/helpers/stripe";
import { loadContext } from "../../tests/helpers/users";
import { action, loader } from "./settings.billing";

const PAGE = "/settings/billing";
let stripe: StartedFakeStripe;
let restoreEnv = () => {};

beforeAll(async () => {
  stripe = await startFakeStripe();
  restoreEnv = pointStripeAt(stripe);
});

afterAll(async () => {
  restoreEnv();
  await stripe.close();
});

function load(context: ReturnType<typeof loadContext>, path = PAGE) {
  return loader({ request: get(path), context, params: {} });
}

async function submit(context: ReturnType<typeof loadContext>, fields: Record<string, string>) {
  return action({ request: post(PAGE, fields), context, params: {} });
}

/** The redirect an action answered with (Response), or fails with what it answered instead. */
function redirectOf(answer: unknown): { status: number; location: string } {
  expect(answer).toBeInstanceOf(Response);
  const response = answer as Response;
  return { status: response.status, location: response.headers.get("location") ?? "" };
}

/** The Checkout Session's id in the hosted page's URL (…/c/pay/cs_…). */
const sessionOf = (checkoutUrl: string) => new URL(checkoutUrl).pathname.split("/").pop()!;

describe("/settings/billing loader", () => {
  it("is for signed-in users: a visitor is sent to sign in and back", async () => {
    const thrown = await thrownBy(() => loader({ request: get(PAGE), context: loadContext(), params: {} }));
    expect(thrown.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fbilling");
  });

  it("a new account: Pro on the trial, no subscription or card, both prices read from Stripe", async () => {
    const { context } = await seller();
    const { overview, notice } = await load(context);
    expect(overview).toMatchObject({
      configured: true,
      entitlement: { plan: "pro", source: "trial" },
      subscription: null,
      hasCustomer: false,
      card: null,
      invoices: [],
      stripeUnavailable: false,
    });
    expect(overview.prices.month?.amount).toBeGreaterThan(0);
    expect(overview.prices.year?.amount).toBeGreaterThan(overview.prices.month!.amount);
    expect(overview.brain.allowance).toBeGreaterThan(0);
    expect(notice).toBeNull();
  });

  it("the return from Checkout: confirmed with Stripe, then the clean page with a one-time notice", async () => {
    const { context } = await seller();
    const { location } = redirectOf(await submit(context, { intent: "checkout", interval: "month" }));
    const { redirectTo } = await stripe.completeCheckout(sessionOf(location));
    const back = new URL(redirectTo);
    expect(back.pathname).toBe(PAGE);

    const thrown = await thrownBy(() => loader({ request: get(`${PAGE}${back.search}`), context, params: {} }));
    expect(thrown.headers.get("location")).toBe(`${PAGE}?toast=billing-upgraded`);
    const { overview, notice } = await load(context, `${PAGE}?toast=billing-upgraded`);
    expect(notice).toBe("billing-upgraded");
    expect(overview.subscription).toMatchObject({ interval: "month", cancelAtPeriodEnd: false });
    expect(["active", "trialing"]).toContain(overview.subscription?.status);
    expect(overview.card).toMatchObject({ brand: "visa", last4: "4242" });
    expect(overview.hasCustomer).toBe(true);

    // Someone else's session id, or a cancelled checkout: nothing changes, the page says so.
    const other = await seller();
    const notYours = await thrownBy(() =>
      loader({ request: get(`${PAGE}${back.search}`), context: other.context, params: {} }),
    );
    expect(notYours.headers.get("location")).toBe(`${PAGE}?toast=checkout-not-yours`);
    expect((await load(other.context)).overview.subscription).toBeNull();
    const cancelled = await thrownBy(() =>
      loader({ request: get(`${PAGE}?checkout=cancelled`), context: other.context, params: {} }),
    );
    expect(cancelled.headers.get("location")).toBe(`${PAGE}?toast=checkout-cancelled`);
  });
});

describe("/settings/billing with Stripe unreachable", () => {
  it("still shows the stored plan, and says Stripe cannot be reached (not an error page)", async () => {
    const { context } = await seller();
    const restore = setStripeEnv({ ...stripeEnvOf(stripe), STRIPE_API_BASE_URL: "http://127.0.0.1:9" }); // nothing listens on the discard port
    try {
      const { overview } = await load(context);
      expect(overview.stripeUnavailable).toBe(true);
      expect(overview.entitlement).toMatchObject({ plan: "pro", source: "trial" });
      expect(overview.prices).toEqual({ month: null, year: null });
    } finally {
      restore();
    }
  });
});

describe("/settings/billing action", () => {
  it("Upgrade redirects (303) to Stripe's hosted Checkout for that price; Manage billing to the portal", async () => {
    const { context } = await seller();
    const monthly = redirectOf(await submit(context, { intent: "checkout", interval: "year" }));
    expect(monthly.status).toBe(303);
    expect(monthly.location.startsWith(`${stripe.url}/`)).toBe(true);
    const created = stripe.requests().filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");
    expect(JSON.stringify(created.at(-1)?.body)).toContain(stripe.prices.year);

    const portal = redirectOf(await submit(context, { intent: "portal" }));
    expect(portal.status).toBe(303);
    expect(portal.location.startsWith(`${stripe.url}/`)).toBe(true);
  });

  it("refusals come back to the page with their status, and change nothing", async () => {
    const { context } = await seller();
    // No customer yet: no portal to open.
    const noCustomer = (await submit(context, { intent: "portal" })) as unknown as Answer<{ formError: string }>;
    expect(noCustomer.init?.status).toBeGreaterThanOrEqual(400);
    expect(noCustomer.init?.status).toBeLessThan(500);
    expect(noCustomer.data.formError).toMatch(/\w/);

    // Not an interval we sell, or a hand-made intent: 400, nothing sent to Stripe.
    const before = stripe.requests().length;
    const weekly = (await submit(context, { intent: "checkout", interval: "week" })) as unknown as Answer<{
      formError: string;
    }>;
    expect(weekly.init?.status).toBe(400);
    expect(weekly.data.formError).toBe("Choose monthly or yearly billing.");
    expect(((await submit(context, { intent: "refund" })) as unknown as Answer).init?.status).toBe(400);
    expect(stripe.requests().length).toBe(before);

    // Already subscribed: 409, no second checkout.
    const { location } = redirectOf(await submit(context, { intent: "checkout", interval: "month" }));
    const sessionId = sessionOf(location);
    await stripe.completeCheckout(sessionId);
    await thrownBy(() =>
      loader({ request: get(`${PAGE}?checkout=success&session_id=${sessionId}`), context, params: {} }),
    );
    const again = (await submit(context, { intent: "checkout", interval: "year" })) as unknown as Answer<{
      formError: string;
    }>;
    expect(again.init?.status).toBe(409);
    expect(again.data.formError).toContain("already have a subscription");

    // Stripe not answering: 503 on the page (not the database's error page), nothing changed.
    const fresh = await seller();
    stripe.failNext({ status: 500, count: 10 });
    const down = (await submit(fresh.context, { intent: "checkout", interval: "month" })) as unknown as Answer<{
      formError: string;
    }>;
    expect(down.init?.status).toBe(503);
    expect(down.data.formError).toContain("Stripe");
    expect((await load(fresh.context)).overview.hasCustomer).toBe(false);
  });
});

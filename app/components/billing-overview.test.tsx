// The Billing page's pieces rendered from hand-built overviews (the shapes server/billing/types.ts
// promises), one per plan state: each must say what the plan is and why, offer the right buttons as
// plain forms, and never render a card field (P6).
import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import type { Entitlement } from "../../server/billing/plan";
import type { BillingOverview } from "../../server/billing/types";
import { BillingBanner, type BillingBannerData } from "./billing-banner";
import { BrainPlanNote, PausedByPlanNote } from "./billing-notes";
import {
  BillingActions,
  BrainAllowance,
  CardOnFile,
  daysLeft,
  formatPrice,
  InvoiceList,
  PlanCard,
  PlanComparison,
} from "./billing-overview";

const NOW = new Date("2026-12-07T12:00:00Z");
const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000);
const usd = (amount: number) => ({ amount, currency: "usd" });

function entitlement(overrides: Partial<Entitlement>): Entitlement {
  return {
    plan: "pro",
    source: "trial",
    trialEndsAt: day(5),
    graceEndsAt: null,
    subscriptionStatus: null,
    ...overrides,
  };
}

function overview(overrides: Partial<BillingOverview> = {}): BillingOverview {
  return {
    configured: true,
    entitlement: entitlement({}),
    subscription: null,
    hasCustomer: false,
    card: null,
    invoices: [],
    prices: { month: usd(2900), year: usd(29000) },
    stripeUnavailable: false,
    brain: { used: 12, allowance: 500, resetsAt: new Date("2027-01-01T00:00:00Z"), serverKey: true },
    ...overrides,
  };
}

const subscription = (overrides: Partial<NonNullable<BillingOverview["subscription"]>> = {}) => ({
  status: "active",
  plan: "pro" as const,
  interval: "month" as const,
  currentPeriodEnd: day(30),
  cancelAtPeriodEnd: false,
  trialEnd: null,
  renewal: usd(2900),
  ...overrides,
});

/** Server-rendered HTML inside a router (the forms need one), as a browser without JavaScript gets it. */
async function html(node: ReactNode): Promise<string> {
  const handler = createStaticHandler([{ id: "page", path: "/", Component: () => node }]);
  const routed = await handler.query(new Request("http://localhost/"));
  if (routed instanceof Response) throw new Error(`answered ${routed.status}`);
  const router = createStaticRouter(handler.dataRoutes, routed);
  return renderToStaticMarkup(<StaticRouterProvider router={router} context={routed} hydrate={false} />);
}

const text = (markup: string) =>
  markup
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

async function page(data: BillingOverview): Promise<string> {
  return html(
    <>
      <PlanCard overview={data} now={NOW} />
      <BillingActions overview={data} />
      <CardOnFile overview={data} />
      <InvoiceList overview={data} />
      <BrainAllowance overview={data} />
      <PlanComparison overview={data} />
    </>,
  );
}

describe("the plan, and why", () => {
  it("trial: ends on its date with the days left, and offers both prices from Stripe; no portal without a customer", async () => {
    const out = await page(overview());
    expect(text(out)).toContain("Pro trial: ends on Dec 12, 2026 (5 days left)");
    expect(text(out)).toContain("Upgrade — monthly $29");
    expect(text(out)).toContain("Upgrade — yearly $290");
    expect(out).not.toContain("manage-billing");
    expect(text(out)).toContain("Card on file None");
    expect(text(out)).toContain("No invoices yet");
    // Plain forms: they post an intent (and an interval) to this page's action, nothing else.
    expect(out.match(/<form method="post"/g)).toHaveLength(2);
    expect(out).toContain('name="interval" value="year"');
  });

  it("subscription: status, billing period, next renewal and amount; the card and invoices as Stripe reports them", async () => {
    const out = await page(
      overview({
        entitlement: entitlement({ source: "subscription", subscriptionStatus: "active" }),
        subscription: subscription({ interval: "year", renewal: usd(29000) }),
        hasCustomer: true,
        card: { brand: "visa", last4: "4242", expMonth: 4, expYear: 2031 },
        invoices: [
          {
            id: "in_1",
            number: "ABC-0001",
            created: day(-1),
            total: usd(29000),
            status: "paid",
            hostedInvoiceUrl: "https://invoice.stripe.com/i/in_1",
            invoicePdf: null,
          },
        ],
      }),
    );
    const words = text(out);
    expect(words).toContain("Subscription Active");
    expect(words).toContain("Billed Yearly");
    expect(words).toContain("Next renewal Jan 6, 2027 · $290");
    expect(words).toContain("Visa •••• 4242, expires 04/2031");
    expect(words).toMatch(/Dec 6, 2026 ABC-0001 \$290 Paid View on Stripe/);
    expect(out).toContain('href="https://invoice.stripe.com/i/in_1"');
    expect(out).toContain('data-testid="manage-billing"');
    expect(out).not.toContain("upgrade-month");
  });

  it("cancel at period end: says when it cancels, and no renewal amount", async () => {
    const words = text(
      await page(
        overview({
          entitlement: entitlement({ source: "subscription", subscriptionStatus: "active" }),
          subscription: subscription({ cancelAtPeriodEnd: true }),
          hasCustomer: true,
        }),
      ),
    );
    expect(words).toContain("Your subscription cancels on Jan 6, 2027");
    expect(words).toContain("Cancels on Jan 6, 2027");
    expect(words).not.toContain("Jan 6, 2027 · $29");
  });

  it("past due in grace: payment failed, Pro until the grace end, update the card", async () => {
    const words = text(
      await page(
        overview({
          entitlement: entitlement({ source: "grace", graceEndsAt: day(6), subscriptionStatus: "past_due" }),
          subscription: subscription({ status: "past_due" }),
          hasCustomer: true,
        }),
      ),
    );
    expect(words).toContain("Your last payment failed. You keep Pro until Dec 13, 2026 — update your card");
    expect(words).toContain("Past due");
    expect(words).toContain("Manage billing");
  });

  it("free after the trial or a cancelled subscription: says which, and offers the upgrade", async () => {
    const afterTrial = text(
      await page(
        overview({
          entitlement: entitlement({ plan: "free", source: "free", trialEndsAt: day(-2) }),
          brain: { used: 0, allowance: 500, resetsAt: new Date("2027-01-01T00:00:00Z"), serverKey: false },
        }),
      ),
    );
    expect(afterTrial).toContain("Free: your Pro trial ended on Dec 5, 2026");
    expect(afterTrial).toContain("Upgrade — monthly $29");
    expect(afterTrial).toContain("On Free, answers are retrieval-only");
    expect(afterTrial).not.toContain("written answers used");
    const cancelled = text(
      await page(
        overview({
          entitlement: entitlement({ plan: "free", source: "free", subscriptionStatus: "canceled" }),
          subscription: subscription({ status: "canceled" }),
          hasCustomer: true,
        }),
      ),
    );
    expect(cancelled).toContain("Free: your subscription has ended");
    expect(cancelled).toContain("Upgrade — yearly $290");
    expect(cancelled).not.toContain("Next renewal");
  });

  it("an instance without billing says every feature is on and offers nothing to buy", async () => {
    const words = text(
      await page(
        overview({
          configured: false,
          entitlement: entitlement({ source: "unbilled" }),
          prices: { month: null, year: null },
        }),
      ),
    );
    expect(words).toContain("This instance has no billing: every feature is on");
    expect(words).not.toContain("Upgrade");
  });

  it("Stripe unreachable: the stored plan shows; card and invoices say they cannot be read, buttons carry no price", async () => {
    const words = text(
      await page(
        overview({
          entitlement: entitlement({ plan: "free", source: "free", trialEndsAt: day(-2) }),
          hasCustomer: true,
          stripeUnavailable: true,
          prices: { month: null, year: null },
        }),
      ),
    );
    expect(words).toContain("Card on file Not available right now");
    expect(words).toContain("Invoices cannot be read from Stripe right now");
    expect(words).toContain("Upgrade — monthly ");
    expect(words).not.toContain("$29");
  });

  it("P6: no state renders a card field", async () => {
    for (const data of [
      overview(),
      overview({ entitlement: entitlement({ plan: "free", source: "free" }), hasCustomer: true }),
      overview({
        subscription: subscription(),
        hasCustomer: true,
        card: { brand: "visa", last4: "4242", expMonth: 1, expYear: 2030 },
      }),
    ]) {
      const out = await page(data);
      expect(out).not.toMatch(/autocomplete="cc-/);
      expect(out).not.toMatch(/<input[^>]*(name|id)="[^"]*(card|cvc|cvv|exp)/i);
      expect(out.match(/<input [^>]*>/g)?.every((input) => input.includes('type="hidden"'))).toBe(true);
    }
  });
});

describe("the brain allowance", () => {
  const brain = (used: number, serverKey: boolean) => ({
    used,
    allowance: 500,
    resetsAt: new Date("2027-01-01T00:00:00Z"),
    serverKey,
  });
  it("Pro: the meter with its reset; used up says so; no server key says so instead of a meter", async () => {
    const meter = text(await html(<BrainAllowance overview={overview({ brain: brain(12, true) })} />));
    expect(meter).toContain("12 of 500 written answers used; resets on Jan 1, 2027.");
    const usedUp = text(await html(<BrainAllowance overview={overview({ brain: brain(500, false) })} />));
    expect(usedUp).toContain("500 of 500 written answers used");
    expect(usedUp).toContain("This month’s allowance is used up");
    const noKey = text(await html(<BrainAllowance overview={overview({ brain: brain(0, false) })} />));
    expect(noKey).toContain("This server has no Claude key");
    expect(noKey).not.toContain("written answers used");
  });
});

describe("helpers", () => {
  it("prices keep cents only when there are some; days left round up and never go negative", () => {
    expect(formatPrice(usd(2900))).toBe("$29");
    expect(formatPrice(usd(2950))).toBe("$29.50");
    expect(formatPrice({ amount: 1900, currency: "eur" })).toBe("€19");
    expect(formatPrice(null)).toBeNull();
    expect(daysLeft(new Date(NOW.getTime() + 2 * 3_600_000), NOW)).toBe(1);
    expect(daysLeft(day(-3), NOW)).toBe(0);
  });
});

describe("the signed-in banner", () => {
  const banner = (data: BillingBannerData) => html(<BillingBanner banner={data} />);
  it("trial ending and past due each say when and link to Billing; none says nothing", async () => {
    const trial = text(await banner({ kind: "trial_ending", endsAt: day(2) }));
    expect(trial).toContain("Your Pro trial ends on Dec 9, 2026 — Choose a plan");
    const pastDue = await banner({ kind: "past_due", endsAt: day(4) });
    expect(text(pastDue)).toContain(
      "Your payment failed. Pro stops on Dec 11, 2026 unless you update your card — Manage billing",
    );
    expect(pastDue).toContain('href="/settings/billing"');
    expect(await banner(null)).toBe("");
  });
});

describe("plan notes on the Pro pages", () => {
  it("the brain on Free or with the allowance used up says retrieval-only and links to API and Billing", async () => {
    const free = await html(<BrainPlanNote reason="free" />);
    expect(text(free)).toContain("On the Free plan, answers are retrieval-only");
    expect(free).toContain('href="/settings/billing"');
    expect(free).toContain('href="/settings/api"');
    expect(text(await html(<BrainPlanNote reason="allowance_used" />))).toContain(
      "This month’s written answers are used up",
    );
    expect(await html(<BrainPlanNote reason={null} />)).toBe("");
    expect(text(await html(<PausedByPlanNote providerId="gmail" />))).toContain("Paused — syncing is part of Pro");
  });
});

// Billing in the browser, against the built app and a fake Stripe on its own loopback port (the
// official `stripe` client in the app talks to it; its hosted checkout and portal pages are its own,
// like Stripe's): upgrading from the trial with a test card, the card and invoice as Stripe reports
// them, cancelling at period end in the portal, a declined card, a user on Free, the upgrade form
// without JavaScript, and P6 — no card number, expiry or CVC ever reaches our origin, and our pages
// have no card fields.
// With E2E_SCREENSHOTS=<dir>, the journey also saves desktop and phone screenshots of Billing.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeStripe, type StartedFakeStripe } from "../fakes/stripe";
import { collectPageErrors, launchBrowser, newContext, startApp, waitForRemixIdle, type RunningApp } from "./harness";

const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? "";
/** The browser's clock is not UTC, as a seller's would not be. */
const TIMEZONE = "America/Los_Angeles";
const CARD = { number: "4242 4242 4242 4242", expiry: "12 / 34", cvc: "987" };
const DECLINED = "4000 0000 0000 0002";

/** The app on trial (14 days), the same app with no trial (a new account is on Free), and one fake Stripe. */
const journey = {} as { stripe: StartedFakeStripe; app: RunningApp; freeApp: RunningApp; browser: Browser };

function stripeEnv(stripe: StartedFakeStripe): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    STRIPE_PRICE_PRO_MONTHLY: stripe.prices.month,
    STRIPE_PRICE_PRO_YEARLY: stripe.prices.year,
    STRIPE_API_BASE_URL: stripe.url,
  };
}

beforeAll(async () => {
  journey.stripe = await startFakeStripe();
  // One after the other: two apps migrating and seeding at once crowd a 2-core machine.
  journey.app = await startApp({ env: stripeEnv(journey.stripe) });
  journey.freeApp = await startApp({ env: { ...stripeEnv(journey.stripe), BILLING_TRIAL_DAYS: "0" } });
  journey.browser = await launchBrowser();
  journey.stripe.setWebhookUrl(`${journey.app.url}/webhooks/stripe`);
});

afterAll(async () => {
  await journey.browser?.close();
  await Promise.all([journey.app?.stop(), journey.freeApp?.stop()]);
  await journey.stripe?.close();
});

let people = 0;
/** A new account (the sign-up form); it starts on the app's trial. */
async function signUp(page: Page, appUrl: string, name: string): Promise<string> {
  people += 1;
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${people}@billing.example`;
  await page.goto(`${appUrl}/signup`);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill("a billing journey password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${appUrl}/dashboard`);
  return email;
}

async function openBilling(page: Page, appUrl: string) {
  await page.goto(`${appUrl}/settings/billing`);
  await waitForRemixIdle(page);
}

/**
 * Page errors, and every answer of ours that is not a success. (The fake's pages have no favicon, a
 * 404 the browser logs; only our origin's statuses are judged.)
 */
function watchErrors(page: Page, appUrl: string): string[] {
  const errors = collectPageErrors(page, { expectedStatuses: [404] });
  page.on("response", (response) => {
    if (response.url().startsWith(appUrl) && response.status() >= 400)
      errors.push(`${response.status()} ${response.url()}`);
  });
  return errors;
}

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? "").trim();

/** On the fake's hosted checkout page: the card typed where Stripe's page asks for it, then Pay. */
async function payOnStripe(page: Page, card: { number: string; expiry: string; cvc: string }) {
  await page.getByLabel("Name on card").fill("Card Holder");
  await page.getByLabel("Card number").fill(card.number);
  await page.getByLabel("Expiry").fill(card.expiry);
  await page.getByLabel("CVC").fill(card.cvc);
  await page.getByRole("button", { name: /^(Pay|Subscribe|Start trial)/ }).click();
}

async function upgradeMonthly(page: Page, appUrl: string) {
  await openBilling(page, appUrl);
  await page.getByTestId("upgrade-month").click();
  await page.waitForURL((url) => url.href.startsWith(journey.stripe.url));
}

async function screenshot(context: BrowserContext, url: string, name: string) {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [device, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(url);
    await waitForRemixIdle(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, `billing-${name}-${device}.png`), fullPage: true });
    await page.close();
  }
}

/** Card inputs by what browsers and people call them: none may exist on our pages (P6). */
const CARD_FIELDS =
  'input[autocomplete^="cc-"], input[name*="card" i], input[id*="card" i], input[name*="cvc" i], input[id*="cvc" i], input[name*="cvv" i], input[name*="expir" i]';

describe("billing journeys", () => {
  it("upgrades from the trial through Stripe Checkout, shows Pro with the card and invoice, and cancels at period end in the portal", async () => {
    const { app } = journey;
    const { context, requests } = await newContext(journey.browser, { timezoneId: TIMEZONE });
    const page = await context.newPage();
    const errors = watchErrors(page, app.url);
    await signUp(page, app.url, "Tara Trial");
    await openBilling(page, app.url);
    expect(await text(page, "billing-plan")).toContain("Pro");
    expect(await text(page, "billing-plan-reason")).toMatch(/Pro trial: ends on .+ \(14 days left\)/);
    expect(await text(page, "billing-card")).toBe("None");
    expect(await page.getByTestId("upgrade-month").textContent()).toMatch(/Upgrade — monthly \$\d+/);
    expect(await page.getByTestId("manage-billing").count()).toBe(0);
    await screenshot(context, `${app.url}/settings/billing`, "trial");

    await upgradeMonthly(page, app.url);
    await payOnStripe(page, CARD);
    await page.waitForURL(`${app.url}/settings/billing?toast=billing-upgraded`);
    expect(await text(page, "billing-notice")).toContain("You’re on Pro");
    // Subscribing during the no-card trial keeps its end: Stripe bills when the trial would have ended.
    expect(await text(page, "billing-status")).toMatch(/^(Active|Trialing)$/);
    expect(await text(page, "billing-card")).toMatch(/^Visa •••• 4242, expires 12\/2034$/);
    const invoice = page.getByTestId("invoice-link").first();
    expect(await invoice.getAttribute("href")).toMatch(new RegExp(`^${journey.stripe.url}/`));
    expect(await text(page, "billing-renewal")).toMatch(/\$\d+/);
    // A reload shows the page, not the notice again.
    await page.reload();
    await waitForRemixIdle(page);
    expect(page.url()).toBe(`${app.url}/settings/billing`);
    expect(await page.getByTestId("billing-notice").count()).toBe(0);
    await screenshot(context, `${app.url}/settings/billing`, "pro");

    // Stripe's portal: cancel at period end, then back to Billing.
    await page.getByTestId("manage-billing").click();
    await page.waitForURL((url) => url.href.startsWith(journey.stripe.url));
    await page.getByRole("button", { name: "Cancel plan" }).click();
    await page.getByRole("button", { name: "Don't cancel" }).waitFor();
    await page.getByRole("link", { name: /Return to Sales-as-Code/ }).click();
    await page.waitForURL(`${app.url}/settings/billing`);
    await expect
      .poll(
        async () => {
          await page.reload();
          return text(page, "billing-plan-reason");
        },
        { timeout: 15_000 },
      )
      .toMatch(/cancels on /);
    expect(await text(page, "billing-renewal")).not.toMatch(/\$/);

    expect(errors).toEqual([]);
    const origins = new Set(requests.map((url) => new URL(url).origin));
    expect([...origins].sort()).toEqual([new URL(app.url).origin, new URL(journey.stripe.url).origin].sort());
    await context.close();
  });

  it("P6: no card number, expiry or CVC reaches our origin during checkout, and our pages have no card fields", async () => {
    const { app } = journey;
    const origin = new URL(app.url).origin;
    const context = await journey.browser.newContext({ timezoneId: TIMEZONE });
    const toUs: { url: string; body: string }[] = [];
    context.on("request", (request) => {
      if (new URL(request.url()).origin === origin) toUs.push({ url: request.url(), body: request.postData() ?? "" });
    });
    const page = await context.newPage();
    await signUp(page, app.url, "Pat Private");

    // Our pages: no card inputs anywhere.
    for (const url of [
      "/settings/billing",
      "/settings/profile",
      "/settings/password",
      "/settings/data",
      "/settings/connections",
      "/settings/api",
      "/dashboard",
      "/brain",
    ]) {
      await page.goto(`${app.url}${url}`);
      await waitForRemixIdle(page);
      expect(await page.locator(CARD_FIELDS).count(), `card fields on ${url}`).toBe(0);
    }

    toUs.length = 0;
    await upgradeMonthly(page, app.url);
    // The card form is Stripe's (its origin), and has what Stripe asks for.
    expect(await page.getByLabel("Card number").count()).toBe(1);
    await payOnStripe(page, CARD);
    await page.waitForURL(`${app.url}/settings/billing?toast=billing-upgraded`);
    await waitForRemixIdle(page);
    expect(await page.locator(CARD_FIELDS).count()).toBe(0);

    // Every request to us during checkout, URL and body: none carries the card.
    expect(toUs.length).toBeGreaterThan(1);
    const digits = CARD.number.replace(/\s/g, "");
    const forbidden = [
      digits,
      CARD.number,
      CARD.number.replace(/ /g, "+"),
      "4242%204242",
      CARD.expiry,
      "12/34",
      "12%2F34",
    ];
    for (const { url, body } of toUs) {
      const decoded = decodeURIComponent(`${url} ${body}`.replace(/\+/g, " "));
      for (const value of forbidden)
        expect(`${url} ${body} ${decoded}`, `${url} carries ${value}`).not.toContain(value);
      expect(decoded.replace(/\D/g, " ")).not.toMatch(/\b4242 ?4242 ?4242 ?4242\b/);
      // The CVC as any parameter's value, in the query or a form body.
      const values = [...new URL(url).searchParams.values()];
      if (body && !body.startsWith("{")) values.push(...new URLSearchParams(body).values());
      expect(values).not.toContain(CARD.cvc);
      expect(`${url} ${body}`.toLowerCase()).not.toMatch(/\b(card_?number|cvc|cvv|exp_month|exp_year)\b/);
    }
    await context.close();
  });

  it("a declined card stays on Stripe's page with the decline, and nothing changes on ours", async () => {
    const { app } = journey;
    const { context } = await newContext(journey.browser, { timezoneId: TIMEZONE });
    const page = await context.newPage();
    await signUp(page, app.url, "Dana Declined");
    await upgradeMonthly(page, app.url);
    const checkoutUrl = page.url();
    await payOnStripe(page, { ...CARD, number: DECLINED });
    await expect.poll(() => page.getByText(/declined/i).count()).toBeGreaterThan(0);
    expect(page.url().startsWith(journey.stripe.url)).toBe(true);
    expect(new URL(page.url()).pathname).toBe(new URL(checkoutUrl).pathname);

    await openBilling(page, app.url);
    expect(await text(page, "billing-plan-reason")).toMatch(/Pro trial/);
    expect(await text(page, "billing-card")).toBe("None");
    expect(await page.getByTestId("billing-subscription").count()).toBe(0);
    expect(await page.getByTestId("upgrade-month").count()).toBe(1);
    await context.close();
  });

  it("a user past the trial is on Free: Billing says so, Connect leads to Billing, and the upgrade works without JavaScript", async () => {
    const { freeApp } = journey;
    const { context } = await newContext(journey.browser, { timezoneId: TIMEZONE });
    const page = await context.newPage();
    const errors = watchErrors(page, freeApp.url);
    await signUp(page, freeApp.url, "Frankie Free");
    await openBilling(page, freeApp.url);
    expect(await text(page, "billing-plan")).toBe("Free");
    expect(await text(page, "billing-plan-reason")).toMatch(/Free: your Pro trial ended on/);
    await screenshot(context, `${freeApp.url}/settings/billing`, "free");

    await page.goto(`${freeApp.url}/settings/connections`);
    const connect = page.getByTestId("connect-needs-pro-salesforce");
    expect(await connect.textContent()).toContain("part of Pro");
    await connect.click();
    await page.waitForURL(`${freeApp.url}/settings/billing`);
    expect(errors).toEqual([]);

    // The same upgrade with JavaScript off: a plain form post, answered with a redirect to Stripe.
    const cookies = await context.cookies();
    const noScript = await journey.browser.newContext({ javaScriptEnabled: false, timezoneId: TIMEZONE });
    await noScript.addCookies(cookies);
    const plain = await noScript.newPage();
    await plain.goto(`${freeApp.url}/settings/billing`);
    await plain.getByTestId("upgrade-year").click();
    await plain.waitForURL((url) => url.href.startsWith(journey.stripe.url));
    expect(await plain.getByLabel("Card number").count()).toBe(1);
    await noScript.close();
    await context.close();
  });
  // Last: it moves the fake Stripe's clock, which every subscription above shares.
  it("a renewal that fails: past due, the banner on every page and the page say when Pro stops", async () => {
    const { app, stripe } = journey;
    const { context } = await newContext(journey.browser, { timezoneId: TIMEZONE });
    const page = await context.newPage();
    const errors = watchErrors(page, app.url);
    await signUp(page, app.url, "Pax Pastdue");
    await upgradeMonthly(page, app.url);
    await payOnStripe(page, { ...CARD, number: "4000 0000 0000 0341" });
    await page.waitForURL(`${app.url}/settings/billing?toast=billing-upgraded`);
    // Stripe's clock past the trial's end: the first renewal fails and the subscription turns past_due.
    await stripe.advance({ days: 15 });
    await stripe.settled();
    await expect
      .poll(
        async () => {
          await openBilling(page, app.url);
          return text(page, "billing-status");
        },
        { timeout: 20_000 },
      )
      .toBe("Past due");
    expect(await text(page, "billing-plan-reason")).toMatch(
      /Your last payment failed\. You keep Pro until .+ — update your card/,
    );
    await page.goto(`${app.url}/dashboard`);
    expect(await text(page, "billing-banner-past_due")).toMatch(
      /^Your payment failed\. Pro stops on .+ unless you update your card — Manage billing$/,
    );
    await screenshot(context, `${app.url}/settings/billing`, "past-due");
    expect(errors).toEqual([]);
    await context.close();
  });
});

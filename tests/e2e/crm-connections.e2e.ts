// Connecting Salesforce and Outreach on a fresh machine, the way a newcomer would: the built-in fakes
// (FAKE_SALESFORCE / FAKE_OUTREACH, on by default for the demo) ask for consent on their own pages,
// issue the grants and serve the demo org and the demo Outreach instance on this same origin; the
// app's own job worker syncs them into the embedded database. The synced data then shows on the deal
// and person pages: a deal in a stage of the org's own (unmapped, shown as Salesforce names it), its
// people with their roles, and a person's place in an Outreach sequence.
// With E2E_SCREENSHOTS=<dir>, the journey also saves desktop and phone screenshots of those pages.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { collectPageErrors, newContext, tryTheDemo, useAppAndBrowser, waitForRemixIdle } from "./harness";

const journey = useAppAndBrowser();

/** A first sync of the demo org takes seconds; this is the most a journey waits for one. */
const SYNC_TIMEOUT_MS = 90_000;
const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? "";
/** The browser's clock is not UTC, so dates on the pages show in the seller's own zone. */
const TIMEZONE = "America/Los_Angeles";

async function statusOf(page: Page, tool: string): Promise<string> {
  const badge = page.getByTestId(`status-${tool}`);
  return (await badge.count()) > 0 ? ((await badge.textContent()) ?? "") : "";
}

/** The "In total" column of a counts row ("Fetched", "Created", "Skipped"…), as a number. */
async function totalCount(page: Page, tool: string, row: string): Promise<number> {
  const cells = page.getByTestId(`counts-${tool}`).getByRole("row", { name: row });
  const text = (await cells.getByRole("cell").last().textContent()) ?? "";
  return Number(text.replace(/,/g, ""));
}

/** "Connect <tool>" → the fake's consent page → choose the demo seller → back on Connections. */
async function connect(page: Page, appUrl: string, tool: "salesforce" | "outreach", fakeBase: string) {
  await page.getByTestId(`connect-${tool}`).click();
  await page.waitForURL((url) => url.href.startsWith(`${appUrl}${fakeBase}`));
  expect(await page.title()).toContain("Allow access");
  await page.locator('[data-email="alex@northbeam.example"]').click();
  await page.waitForURL(`${appUrl}/settings/connections?connected=${tool}`);
  expect(await page.getByTestId("connect-success").textContent()).toContain("connected — first sync started");
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
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${device}.png`), fullPage: true });
    await page.close();
  }
}

describe("connecting Salesforce and Outreach on a fresh machine", () => {
  it("connects both through the fakes' consent pages, syncs, shows the merged deal and person, and disconnects keeping them", async () => {
    const { context, requests } = await newContext(journey.browser, { timezoneId: TIMEZONE });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const appUrl = journey.app.url;
    await tryTheDemo(page, appUrl);
    await page.goto(`${appUrl}/settings/connections`);
    // The four tools, each with exactly what it may read (P3).
    for (const tool of ["gmail", "gcal", "salesforce", "outreach"])
      expect(await page.getByTestId(`connection-${tool}`).count()).toBe(1);
    expect(await page.getByTestId("scopes-salesforce").textContent()).toBe("api, refresh_token");

    await connect(page, appUrl, "salesforce", "/dev/fake-salesforce/services/oauth2/authorize");
    await expect.poll(() => statusOf(page, "salesforce"), { timeout: SYNC_TIMEOUT_MS, interval: 500 }).toBe("Active");
    await waitForRemixIdle(page);
    expect(await page.getByTestId("last-success-salesforce").textContent()).not.toBe("Not yet");
    expect(await totalCount(page, "salesforce", "Fetched")).toBeGreaterThan(50);
    expect(await totalCount(page, "salesforce", "Created")).toBeGreaterThan(0);

    await connect(page, appUrl, "outreach", "/dev/fake-outreach/oauth/authorize");
    await expect.poll(() => statusOf(page, "outreach"), { timeout: SYNC_TIMEOUT_MS, interval: 500 }).toBe("Active");
    await waitForRemixIdle(page);
    expect(await totalCount(page, "outreach", "Fetched")).toBeGreaterThan(20);
    await screenshot(context, `${appUrl}/settings/connections`, "connections");

    // The deal in the org's custom stage: shown as Salesforce names it, not guessed; its people.
    await page.goto(`${appUrl}/opportunities`);
    const dealLink = page.getByRole("link", { name: /Data contract renewal/ }).first();
    await dealLink.waitFor();
    const dealPath = (await dealLink.getAttribute("href")) ?? "";
    expect(dealPath).toMatch(/^\/opportunities\/[\w-]+$/);
    await page.goto(`${appUrl}${dealPath}`);
    await page.getByTestId("crm-stage-unmapped").first().waitFor();
    expect(await page.getByTestId("crm-stage-unmapped").first().textContent()).toBe("Legal Review (Custom)");
    const contacts = page.getByTestId("deal-contact");
    expect(await contacts.count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId("deal-contact-role").allTextContents()).toContain("Decision Maker");
    await screenshot(context, `${appUrl}${dealPath}`, "deal");

    // Its primary contact is one of the demo's own people (linked by email, not duplicated), and in an
    // Outreach sequence.
    const primary = contacts.filter({ has: page.getByTestId("deal-contact-primary") }).first();
    const person = primary.getByTestId("deal-contact-name");
    const personName = ((await person.textContent()) ?? "").trim();
    const personPath = (await person.getAttribute("href")) ?? "";
    await person.click();
    await page.waitForURL(`${appUrl}${personPath}`);
    const enrollment = page.getByTestId("sequence-enrollment").first();
    await enrollment.waitFor();
    expect(await enrollment.textContent()).toMatch(/In .+, step \d+ of \d+/);
    await screenshot(context, `${appUrl}${personPath}`, "person");
    await page.goto(`${appUrl}/search?q=${encodeURIComponent(personName)}`);
    await page.getByTestId("search-results").waitFor();
    const people = await page.getByTestId("search-result").filter({ hasText: personName }).allTextContents();
    expect(people.filter((text) => /person|prospect/i.test(text)).length).toBeLessThanOrEqual(1);

    // Disconnect (P12): reading stops, the tokens go, and what was synced stays.
    await page.goto(`${appUrl}/settings/connections`);
    for (const tool of ["salesforce", "outreach"]) {
      await waitForRemixIdle(page);
      await page.getByTestId(`disconnect-${tool}`).click();
      await expect.poll(() => page.getByTestId("disconnect-success").textContent()).toMatch(/^Disconnected /);
      await expect.poll(() => statusOf(page, tool)).toBe("Disconnected");
    }
    await page.goto(`${appUrl}${dealPath}`);
    expect(await page.getByTestId("crm-stage-unmapped").first().textContent()).toBe("Legal Review (Custom)");

    expect(errors).toEqual([]);
    // The sync's calls to the fakes are the server's own; the browser stayed on this origin.
    expect(requests.filter((url) => !url.startsWith(appUrl))).toEqual([]);
    await context.close();
  });

  it("works with JavaScript disabled: connect Salesforce, reload until Active, and the deal shows", async () => {
    const { context } = await newContext(journey.browser, { javaScriptEnabled: false, timezoneId: TIMEZONE });
    const page = await context.newPage();
    const appUrl = journey.app.url;
    // A newcomer who signs in with Google gets an empty workspace of their own: everything is new.
    await page.goto(`${appUrl}/login`);
    await page.getByTestId("continue-with-google").click();
    await page.waitForURL(/\/dev\/fake-google\/authorize\?/);
    await page.locator('[data-email="sam.rivera@newcomer.example"]').click();
    await page.waitForURL(`${appUrl}/dashboard`);
    await page.goto(`${appUrl}/settings/connections`);
    await connect(page, appUrl, "salesforce", "/dev/fake-salesforce/services/oauth2/authorize");
    await expect
      .poll(
        async () => {
          await page.reload();
          return statusOf(page, "salesforce");
        },
        { timeout: SYNC_TIMEOUT_MS, interval: 250 },
      )
      .toBe("Active");
    expect(await totalCount(page, "salesforce", "Created")).toBeGreaterThan(0);
    await page.goto(`${appUrl}/opportunities`);
    await page
      .getByRole("link", { name: /Data contract renewal/ })
      .first()
      .click();
    await page.getByTestId("crm-stage-unmapped").first().waitFor();
    await context.close();
  });
});

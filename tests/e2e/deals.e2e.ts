import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { collectPageErrors, newContext, useAppAndBrowser } from "./harness";

const journey = useAppAndBrowser();

async function signUp(page: Page, user: { name: string; email: string; password: string }) {
  await page.goto(`${journey.app.url}/signup`);
  await page.getByLabel("Your name").fill(user.name);
  await page.getByLabel("Work email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  // Wherever sign-up lands today; the journey goes on from explicit addresses.
  await page.waitForURL((url) => !url.pathname.startsWith("/signup"));
}

function freshUser() {
  const suffix = randomBytes(4).toString("hex");
  return { name: `Dana ${suffix}`, email: `dana-${suffix}@deals.example`, password: "a long enough password", suffix };
}

/** Creates an account through /accounts/new and waits for its page. */
async function createAccount(page: Page, name: string) {
  await page.goto(`${journey.app.url}/accounts/new`);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((url) => /^\/accounts\/[^/]+$/.test(url.pathname) && url.pathname !== "/accounts/new");
}

/** Creates a deal for that account through /opportunities/new and waits for the deal's page. */
async function createDeal(page: Page, deal: { name: string; accountName: string }) {
  await page.goto(`${journey.app.url}/opportunities/new`);
  await page.getByLabel("Name", { exact: true }).fill(deal.name);
  await page.getByLabel("Account", { exact: true }).selectOption({ label: deal.accountName });
  await page.getByLabel("Amount", { exact: true }).fill("12,500.50");
  await page.getByLabel("Close date", { exact: true }).fill("2030-06-30");
  await page.getByRole("button", { name: "Create deal" }).click();
  await page.waitForURL(
    (url) => /^\/opportunities\/[^/]+$/.test(url.pathname) && url.pathname !== "/opportunities/new",
  );
  // With JavaScript the URL changes as the new page renders: wait for its content, not the old page's.
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(deal.name);
  expect(await page.getByTestId("deal-amount").textContent()).toBe("$12,500.50");
  expect(await page.getByTestId("deal-stage").textContent()).toBe("Prospecting");
}

const card = (page: Page, stage: string, dealName: string) =>
  page.getByTestId(`board-column-${stage}`).getByTestId("deal-card").filter({ hasText: dealName });

describe("deals on the pipeline board", () => {
  it("with JavaScript: drags a deal to Discovery, moves it to Proposal with its select, and shows the stage history", async () => {
    const { context, requests } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const user = freshUser();
    const accountName = `Northwind Freight ${user.suffix}`;
    const dealName = `Northwind – Fleet tracking ${user.suffix}`;
    await signUp(page, user);
    await createAccount(page, accountName);
    await createDeal(page, { name: dealName, accountName });

    await page.goto(`${journey.app.url}/opportunities`);
    const prospecting = card(page, "prospecting", dealName);
    expect(await prospecting.count()).toBe(1);
    // Cards become draggable once the page has hydrated.
    await expect.poll(() => prospecting.getAttribute("draggable")).toBe("true");
    // With JavaScript the select moves by itself: no "Move" buttons.
    expect(await page.getByTestId("deal-move").count()).toBe(0);

    const dragged = page.waitForResponse((response) => response.url().includes("/api/trpc/opportunities.moveStage"));
    // Grab the card by its padding, not by its link or select.
    await prospecting.dragTo(page.getByTestId("board-column-discovery"), { sourcePosition: { x: 8, y: 8 } });
    expect((await dragged).status()).toBe(200);
    await expect.poll(() => card(page, "discovery", dealName).count()).toBe(1);
    expect(await card(page, "prospecting", dealName).count()).toBe(0);
    expect(page.url()).toBe(`${journey.app.url}/opportunities`);

    // It stayed there: the server has it in Discovery.
    await page.reload();
    const discovery = card(page, "discovery", dealName);
    expect(await discovery.count()).toBe(1);
    expect(await page.getByTestId("board-column-discovery").getByTestId("column-count").textContent()).toBe("1");
    expect(await page.getByTestId("board-column-prospecting").getByTestId("column-count").textContent()).toBe("0");

    // The keyboard alternative: the card's stage select, through the typed client, without a page load.
    await expect.poll(() => discovery.getAttribute("draggable")).toBe("true");
    const selected = page.waitForResponse((response) => response.url().includes("/api/trpc/opportunities.moveStage"));
    await discovery.getByLabel(`Stage of ${dealName}`).selectOption("proposal");
    expect((await selected).status()).toBe(200);
    await expect.poll(() => card(page, "proposal", dealName).count()).toBe(1);
    // Revalidated: the counts come from the server again.
    await expect
      .poll(() => page.getByTestId("board-column-proposal").getByTestId("column-count").textContent())
      .toBe("1");
    await expect
      .poll(() => page.getByTestId("board-column-discovery").getByTestId("column-count").textContent())
      .toBe("0");
    expect(await page.getByTestId("move-error").count()).toBe(0);

    await card(page, "proposal", dealName).getByRole("link", { name: dealName }).click();
    await page.waitForURL(
      (url) => /^\/opportunities\/[^/]+$/.test(url.pathname) && url.pathname !== "/opportunities/new",
    );
    await expect.poll(() => page.getByTestId("deal-stage").textContent()).toBe("Proposal");
    const history = page.getByTestId("stage-history-entry");
    await expect.poll(() => history.count()).toBe(3);
    expect(await history.nth(0).textContent()).toContain("Prospecting");
    expect(await history.nth(1).textContent()).toContain("Discovery");
    expect(await history.nth(2).textContent()).toContain("Proposal");
    expect(
      await page.getByTestId("timeline-item").filter({ hasText: "Stage changed from discovery to proposal" }).count(),
    ).toBe(1);

    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(journey.app.url))).toEqual([]);
    await context.close();
  });

  it("without JavaScript: moves a deal across two stages with the select and the Move button", async () => {
    const { context } = await newContext(journey.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    const user = freshUser();
    const accountName = `Contoso Labs ${user.suffix}`;
    const dealName = `Contoso – Pilot ${user.suffix}`;
    await signUp(page, user);
    await createAccount(page, accountName);
    await createDeal(page, { name: dealName, accountName });

    await page.goto(`${journey.app.url}/opportunities`);
    const prospecting = card(page, "prospecting", dealName);
    await prospecting.getByLabel(`Stage of ${dealName}`).selectOption("discovery");
    await prospecting.getByRole("button", { name: "Move" }).click();
    await page.waitForURL(/\/opportunities\?toast=deal-moved/);
    expect(await page.getByTestId("toast").textContent()).toBe("Deal moved.");
    expect(await card(page, "discovery", dealName).count()).toBe(1);
    expect(await card(page, "prospecting", dealName).count()).toBe(0);

    await page.goto(`${journey.app.url}/opportunities`);
    const discovery = card(page, "discovery", dealName);
    await discovery.getByLabel(`Stage of ${dealName}`).selectOption("evaluation");
    await discovery.getByRole("button", { name: "Move" }).click();
    await page.waitForURL(/\/opportunities\?toast=deal-moved/);
    expect(await card(page, "evaluation", dealName).count()).toBe(1);
    expect(await page.getByTestId("board-column-evaluation").getByTestId("column-count").textContent()).toBe("1");

    await card(page, "evaluation", dealName).getByRole("link", { name: dealName }).click();
    await page.waitForURL(
      (url) => /^\/opportunities\/[^/]+$/.test(url.pathname) && url.pathname !== "/opportunities/new",
    );
    expect(await page.getByTestId("deal-stage").textContent()).toBe("Evaluation");
    const history = page.getByTestId("stage-history-entry");
    expect(await history.count()).toBe(3);
    expect(await history.nth(2).textContent()).toContain("Evaluation");
    await context.close();
  });
});

import { describe, expect, it } from "vitest";
import { collectPageErrors, newContext, useAppAndBrowser } from "./harness";

// `npm run dev`: Express with Vite as middleware. Guards the development loop itself — pages
// render, hydrate without errors (one copy of React), and the typed client works.
const journey = useAppAndBrowser({ dev: true });

describe("npm run dev", () => {
  it("serves pages that hydrate cleanly and load more accounts through /api/trpc", async () => {
    const { context } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(journey.app.url);
    await page.getByTestId("try-demo").click();
    await page.waitForURL(`${journey.app.url}/dashboard`);
    await page.goto(`${journey.app.url}/accounts`);
    await page.waitForLoadState("networkidle");
    const rows = page.getByTestId("account-row");
    expect(await rows.count()).toBe(25);
    await page.getByTestId("load-more").click();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(25);
    expect(page.url()).toBe(`${journey.app.url}/accounts`);
    expect(errors).toEqual([]);
    await context.close();
  });
});

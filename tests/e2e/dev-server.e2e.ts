import { describe, expect, it } from "vitest";
import { collectPageErrors, newContext, tryTheDemo, useAppAndBrowser } from "./harness";

// `npm run dev`: Express with Vite as middleware. Guards the development loop itself — pages
// render, hydrate without errors (one copy of React), and the typed client works.
const journey = useAppAndBrowser({ dev: true });

describe("npm run dev", () => {
  it("serves pages that hydrate cleanly and load more accounts through /api/trpc", async () => {
    const { context } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await tryTheDemo(page, journey.app.url);
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

  it("renders a brain answer, whose Markdown renderer is a browser dependency too", async () => {
    const { context } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await tryTheDemo(page, journey.app.url);
    await page.goto(`${journey.app.url}/brain`);
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
    await page.getByTestId("brain-input").fill("Who is the champion at Kestrel Aerospace?");
    await page.getByTestId("brain-input").press("Enter");
    const answer = page.getByTestId("brain-answer").last();
    // A browser dependency missing from optimizeDeps shows as a page error, not as an answer; the
    // poll reports the errors then instead of timing out on the answer.
    await expect
      .poll(async () => (errors.length > 0 ? errors : await answer.getAttribute("data-stored-status")), {
        timeout: 30_000,
      })
      .toBe("complete");
    expect(await answer.getByTestId("citation-chip").count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

import { describe, expect, it } from "vitest";
import { collectPageErrors, newContext, useAppAndBrowser } from "./harness";

const journey = useAppAndBrowser();

describe("a newcomer on a fresh machine", () => {
  it("sees the home page, tries the demo, and pages through accounts with the typed client", async () => {
    const { context, requests } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);

    await page.goto(journey.app.url);
    await expect.poll(() => page.title()).toContain("Sales-as-Code");
    const tryDemo = page.getByTestId("try-demo");
    expect(await tryDemo.textContent()).toBe("Try the demo");

    await tryDemo.click();
    // A seller lands on the dashboard, then opens Accounts from the main navigation.
    await page.waitForURL(`${journey.app.url}/dashboard`);
    expect(await page.getByTestId("signed-in-as").textContent()).toContain("alex@northbeam.example");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Accounts", exact: true }).click();
    await page.waitForURL(`${journey.app.url}/accounts`);
    const rows = page.getByTestId("account-row");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(25);

    // "Load more" goes through the typed tRPC client (/api/trpc), appending in place.
    const apiCall = page.waitForResponse((response) => response.url().includes("/api/trpc/accounts.list"));
    await page.getByTestId("load-more").click();
    expect((await apiCall).status()).toBe(200);
    await expect.poll(() => rows.count()).toBeGreaterThan(25);
    expect(page.url()).toBe(`${journey.app.url}/accounts`);

    expect(errors).toEqual([]);
    // Everything the page loaded came from our own origin.
    expect(requests.filter((url) => !url.startsWith(journey.app.url))).toEqual([]);
    await context.close();
  });

  it("works with JavaScript disabled: the demo form posts, and Load more is a link to the next page", async () => {
    const { context } = await newContext(journey.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(journey.app.url);
    await page.getByTestId("try-demo").click();
    await page.waitForURL(`${journey.app.url}/dashboard`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Accounts", exact: true }).click();
    await page.waitForURL(`${journey.app.url}/accounts`);
    expect(await page.getByTestId("account-row").count()).toBe(25);
    const firstOnPageOne = await page.getByTestId("account-row").first().textContent();

    await page.getByTestId("load-more").click();
    await page.waitForURL(/\/accounts\?cursor=/);
    const rows = await page.getByTestId("account-row").count();
    expect(rows).toBeGreaterThan(0);
    expect(await page.getByTestId("account-row").first().textContent()).not.toBe(firstOnPageOne);

    // Sign out is a POST form too.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${journey.app.url}/`);
    expect(await page.getByTestId("try-demo").count()).toBe(1);
    await context.close();
  });
});

// Journeys through the workspace as a whole: the dashboard, search (palette, header form, results
// page — with and without JavaScript) and importing a workspace file at Settings → Data.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { generateDemoWorkspace } from "../../prisma/seed/demo-workspace";
import { projectRoot } from "../../server/utils/project-root";
import { collectPageErrors, newContext, tryTheDemo, useAppAndBrowser, waitForRemixIdle } from "./harness";

const journey = useAppAndBrowser();

/** An account of the demo workspace (prisma/seed/demo-workspace.ts) with a name no other record has. */
const DEMO_ACCOUNT = "Kestrel Aerospace";

// The import uploads the shared fixture when it is there, else a document generated here.
const FIXTURE = path.resolve(projectRoot(), "../shared/fixtures/demo-workspace.json");
const useFixture = existsSync(FIXTURE);
let tempDir: string | null = null;
function workspaceFile(): string {
  if (useFixture) return FIXTURE;
  tempDir ??= mkdtempSync(path.join(tmpdir(), "sac-e2e-workspace-"));
  const file = path.join(tempDir, "demo-workspace.json");
  if (!existsSync(file)) writeFileSync(file, JSON.stringify(generateDemoWorkspace()));
  return file;
}
afterAll(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

async function mainNav(page: Page, name: string, pathname: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();
  await page.waitForURL(`${journey.app.url}${pathname}`);
  await waitForRemixIdle(page);
}

/** Waits until the page's main heading shows `text` (a client-side navigation renders after the URL changes). */
async function expectHeading(page: Page, text: string): Promise<void> {
  await page.getByRole("heading", { level: 1 }).filter({ hasText: text }).first().waitFor();
}

describe("the workspace at a glance, and finding anything in it", () => {
  it("shows the demo's dashboard, and finds an account with the palette, the header form and the results page", async () => {
    const { context, requests } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await tryTheDemo(page, journey.app.url);

    // Dashboard: the pipeline chart with a bar per open stage, and deals that need attention.
    await mainNav(page, "Dashboard", "/dashboard");
    // The URL changes before the new page renders: wait for the chart itself.
    await page.getByTestId("pipeline-chart").waitFor();
    expect(await page.getByTestId("pipeline-bar").count()).toBe(6);
    expect(await page.getByTestId("pipeline-bar").first().getAttribute("aria-label")).toMatch(
      /^Prospecting: \d+ deals?, /,
    );
    expect(await page.getByTestId("attention-deal").count()).toBeGreaterThan(0);
    expect(Number(await page.getByTestId("attention-total").textContent())).toBeGreaterThan(0);
    expect(await page.getByTestId("attention-deal").first().textContent()).toMatch(
      /Past close date|No activity for \d+ days?/,
    );

    // The header button opens the palette (it appears once JavaScript runs); Escape closes it and
    // gives the focus back to the button.
    const opener = page.getByTestId("open-search-palette");
    await opener.waitFor();
    await opener.click();
    await page.getByTestId("search-palette").waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("palette-input");
    await page.keyboard.press("Escape");
    await page.getByTestId("search-palette").waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("open-search-palette");

    // Control+K from anywhere; type; arrow to the account; Enter opens it.
    await page.keyboard.press("Control+K");
    const palette = page.getByTestId("search-palette");
    await palette.waitFor();
    expect(await palette.getAttribute("role")).toBe("dialog");
    expect(await palette.getAttribute("aria-modal")).toBe("true");
    const apiCall = page.waitForResponse((response) => response.url().includes("/api/trpc/search.query"));
    await palette.getByTestId("palette-input").fill(DEMO_ACCOUNT);
    expect((await apiCall).status()).toBe(200);
    const accountOption = palette.locator('[data-testid="palette-result"][data-type="account"]').first();
    await accountOption.waitFor();
    expect(await accountOption.textContent()).toContain(DEMO_ACCOUNT);
    await expect.poll(() => palette.getByTestId("palette-status").textContent()).toMatch(/^\d+ results?$/);
    const types = await palette
      .getByTestId("palette-result")
      .evaluateAll((options) => options.map((o) => o.getAttribute("data-type")));
    const index = types.indexOf("account");
    for (let i = 0; i < index; i += 1) await page.keyboard.press("ArrowDown");
    expect(await accountOption.getAttribute("aria-selected")).toBe("true");
    const href = (await accountOption.getAttribute("data-href"))!;
    expect(href).toMatch(/^\/accounts\/[^/]+$/);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${journey.app.url}${href}`);
    await expectHeading(page, DEMO_ACCOUNT);
    expect(await page.getByTestId("search-palette").count()).toBe(0);

    // The header's search form goes to the results page; a result opens its record.
    await page.getByTestId("header-search-input").fill("kestrel");
    await page.getByTestId("header-search-input").press("Enter");
    await page.waitForURL(`${journey.app.url}/search?q=kestrel`);
    await page.getByTestId("search-result").first().waitFor();
    expect(await page.getByTestId("search-result").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("search-group").first().getAttribute("data-type")).toBe("account");
    const result = page
      .locator('[data-testid="search-result"][data-type="account"]')
      .first()
      .getByTestId("search-result-link");
    expect(await result.textContent()).toBe(DEMO_ACCOUNT);
    await result.click();
    await page.waitForURL(`${journey.app.url}${href}`);
    await expectHeading(page, DEMO_ACCOUNT);

    // The palette's "See all results" goes to the same page.
    await page.keyboard.press("Control+K");
    await page.getByTestId("palette-input").fill("kestrel");
    // Wait for the results to land first: they arrive above the footer and would move it mid-click.
    await expect.poll(() => page.getByTestId("palette-status").textContent()).toMatch(/^\d+ results?$/);
    await page.getByTestId("palette-see-all").click();
    await page.waitForURL(`${journey.app.url}/search?q=kestrel`);
    await expect.poll(() => page.getByTestId("search-page-input").inputValue()).toBe("kestrel");

    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(journey.app.url))).toEqual([]);
    await context.close();
  });

  it("searches with JavaScript disabled: the header form, the results page, and a result's record", async () => {
    const { context } = await newContext(journey.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await tryTheDemo(page, journey.app.url);
    expect(await page.getByTestId("open-search-palette").count()).toBe(0);
    await page.getByTestId("header-search-input").fill("kestrel aero");
    await page.getByTestId("header-search-input").press("Enter");
    await page.waitForURL(/\/search\?q=kestrel\+aero$/);
    const link = page
      .locator('[data-testid="search-result"][data-type="account"]')
      .first()
      .getByTestId("search-result-link");
    expect(await link.textContent()).toBe(DEMO_ACCOUNT);
    // Matched words are marked in the snippets, as text.
    expect(await page.locator("[data-testid=search-snippet] mark").count()).toBeGreaterThan(0);
    await link.click();
    await page.waitForURL(/\/accounts\/[^/?#]+$/);
    await expectHeading(page, DEMO_ACCOUNT);

    // A query the server refuses is explained on the page.
    await page.goto(`${journey.app.url}/search?q=${"a".repeat(201)}`);
    expect(await page.getByTestId("search-error").textContent()).toBe("Search for at most 200 characters.");
    await context.close();
  });

  it(`imports ${useFixture ? "the shared fixture (../shared/fixtures/demo-workspace.json)" : "a generated demo workspace (generateDemoWorkspace(); ../shared/fixtures is absent)"} at Settings → Data, twice without duplicates`, async () => {
    const file = workspaceFile();
    const document = JSON.parse(readFileSync(file, "utf8")) as { accounts: { name: string }[] };
    const accountNames = document.accounts.map((a) => a.name);
    const { context } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);

    await page.goto(`${journey.app.url}/signup`);
    await page.getByLabel("Your name").fill("Ingrid Importer");
    await page.getByLabel("Work email").fill("ingrid@import.example");
    await page.getByLabel("Password").fill("imports all day long");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${journey.app.url}/dashboard`);

    await mainNav(page, "Settings", "/settings/profile");
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Data" }).click();
    await page.waitForURL(`${journey.app.url}/settings/data`);

    const accountsCreated = page.locator(
      '[data-testid="import-count-row"][data-section="accounts"] [data-testid="created"]',
    );
    await page.getByLabel("Workspace file", { exact: true }).setInputFiles(file);
    await page.getByLabel("Shift dates so the file's reference date is today").check();
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByTestId("import-success").waitFor();
    expect(await accountsCreated.textContent()).toBe(String(accountNames.length));
    expect(Number((await page.getByTestId("created-total").textContent())?.replace(/,/g, ""))).toBeGreaterThan(
      accountNames.length,
    );
    expect(await page.getByTestId("updated-total").textContent()).toBe("0");

    // The same file again: everything is matched and updated, nothing created.
    await page.getByLabel("Workspace file", { exact: true }).setInputFiles(file);
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect.poll(() => page.getByTestId("created-total").textContent(), { timeout: 60_000 }).toBe("0");
    expect(await accountsCreated.textContent()).toBe("0");
    expect(await page.getByTestId("import-success").textContent()).toContain("0 created");

    // The imported accounts are this user's now: the accounts list shows them (a page of them).
    await mainNav(page, "Accounts", "/accounts");
    await expectHeading(page, "Accounts");
    await page.getByTestId("account-row").first().waitFor();
    const listed = (await page.locator("main").innerText()).split("\n");
    const shown = accountNames.filter((name) => listed.some((line) => line.includes(name)));
    expect(shown.length).toBeGreaterThanOrEqual(Math.min(accountNames.length, 10));

    expect(errors).toEqual([]);
    await context.close();
  });
});

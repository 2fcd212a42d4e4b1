// Settings → Data → Export (P10) in a browser: with JavaScript, the page downloads the file itself
// with a progress bar; without, the link downloads it. Either way the file is the whole workspace.
import { readFileSync } from "node:fs";
import type { Download, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { generateDemoWorkspace } from "../../prisma/seed/demo-workspace";
import { collectPageErrors, newContext, tryTheDemo, useAppAndBrowser } from "./harness";

const journey = useAppAndBrowser();
const demo = generateDemoWorkspace();

type Exported = {
  format: string;
  owner: { email: string };
  accounts: unknown[];
  prospects: unknown[];
  opportunities: unknown[];
  conversations: unknown[];
  meetings: unknown[];
  notes: unknown[];
  activities: unknown[];
  profile: { email: string };
  sessions: { device: string }[];
};

async function openDataSettings(page: Page) {
  await page.goto(`${journey.app.url}/settings/data`);
  await page.getByTestId("export-section").waitFor();
}

/** The day in UTC (the file is named by it); a journey crossing midnight may see either day. */
const utcDay = () => new Date().toISOString().slice(0, 10);

async function readDownload(download: Download): Promise<{ text: string; doc: Exported }> {
  const file = await download.path();
  const text = readFileSync(file, "utf8");
  return { text, doc: JSON.parse(text) as Exported };
}

function expectWholeDemo(doc: Exported) {
  expect(doc.format).toBe("salesascode.workspace");
  expect(doc.owner.email).toBe("alex@northbeam.example");
  expect(doc.profile.email).toBe("alex@northbeam.example");
  expect(doc.accounts).toHaveLength(demo.accounts!.length);
  expect(doc.prospects).toHaveLength(demo.prospects!.length);
  expect(doc.opportunities).toHaveLength(demo.opportunities!.length);
  expect(doc.conversations).toHaveLength(demo.conversations!.length);
  expect(doc.meetings).toHaveLength(demo.meetings!.length);
  expect(doc.notes).toHaveLength(demo.notes!.length);
  expect(doc.activities).toHaveLength(demo.activities!.length);
  expect(doc.sessions.length).toBeGreaterThan(0);
}

describe("exporting everything at Settings → Data", () => {
  it("with JavaScript: the page downloads the file with a progress bar that reaches 100%", async () => {
    const { context, requests } = await newContext(journey.browser, { acceptDownloads: true });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await tryTheDemo(page, journey.app.url);
    await openDataSettings(page);
    // What is in the file and what never is, above the import; the delete card at the bottom.
    expect(await page.getByTestId("export-included").textContent()).toContain("conversations with every message");
    expect(await page.getByTestId("export-excluded").textContent()).toContain("hash");
    const headings = await page.getByRole("heading", { level: 2 }).allTextContents();
    expect(headings.indexOf("Export your data")).toBeLessThan(headings.indexOf("Import a workspace"));
    expect(headings.at(-1)).toBe("Delete account");
    expect(await page.getByTestId("delete-account-link").getAttribute("href")).toBe("/settings/data/delete");

    // Hydrated: the click is the page's, not the browser's.
    await page.locator('[data-testid="export-section"][data-enhanced="true"]').waitFor();
    // Every value the progress bar takes, recorded in the page as it changes.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"]');
        const value = bar?.getAttribute("aria-valuenow");
        if (value && seen.at(-1) !== value) seen.push(value);
      }).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ["aria-valuenow"],
      });
    });

    const downloading = page.waitForEvent("download");
    await page.getByTestId("export-link").click();
    const download = await downloading;
    expect([
      `salesascode-export-${utcDay()}.json`,
      `salesascode-export-${new Date(Date.now() - 60_000).toISOString().slice(0, 10)}.json`,
    ]).toContain(download.suggestedFilename());
    await page.getByTestId("export-done").waitFor();
    const bar = page.getByRole("progressbar", { name: "Export progress" });
    expect(await bar.getAttribute("aria-valuenow")).toBe("100");
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen.map(Number));
    expect(seen.at(-1)).toBe(100);
    expect(seen.length).toBeGreaterThan(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    const { text, doc } = await readDownload(download);
    expectWholeDemo(doc);
    // One record per line: the file has exactly the lines the page counted on.
    expect(text.split("\n").length - 1).toBe(Number(await bar.getAttribute("data-total-lines")));
    expect(await page.getByTestId("export-done").textContent()).toContain(download.suggestedFilename());

    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(journey.app.url) && !url.startsWith("blob:"))).toEqual([]);
    await context.close();
  });

  it("without JavaScript: the link itself downloads the same file", async () => {
    const { context } = await newContext(journey.browser, { javaScriptEnabled: false, acceptDownloads: true });
    const page = await context.newPage();
    await tryTheDemo(page, journey.app.url);
    await openDataSettings(page);
    expect(await page.getByRole("progressbar").count()).toBe(0);

    const downloading = page.waitForEvent("download");
    await page.getByTestId("export-link").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^salesascode-export-\d{4}-\d{2}-\d{2}\.json$/);
    expect([utcDay(), new Date(Date.now() - 60_000).toISOString().slice(0, 10)]).toContain(
      download.suggestedFilename().slice(19, 29),
    );
    expect(await download.failure()).toBeNull();
    const { doc } = await readDownload(download);
    expectWholeDemo(doc);
    // Still on the Data page: a download is not a navigation.
    expect(page.url()).toBe(`${journey.app.url}/settings/data`);
    await context.close();
  });
});

// Connecting Gmail and Google Calendar on a fresh machine, the way a newcomer would: the built-in
// fake Google (FAKE_GOOGLE, on by default for the demo) issues the grant and serves the mailbox and
// calendar over this same origin; the app's own job worker syncs them into the embedded database.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { collectPageErrors, newContext, tryTheDemo, useAppAndBrowser, waitForRemixIdle } from "./harness";

const journey = useAppAndBrowser();

/** A first sync of the demo mailbox takes seconds; this is the most a journey waits for one. */
const SYNC_TIMEOUT_MS = 90_000;

/** Settings → Connections from the main navigation. */
async function openConnections(page: Page, appUrl: string) {
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Connections" }).click();
  await page.waitForURL(`${appUrl}/settings/connections`);
}

/** "Connect <tool>" → the fake Google's account chooser → back on Connections with the notice. */
async function connect(page: Page, appUrl: string, tool: "gmail" | "gcal", email: string) {
  await page.getByTestId(`connect-${tool}`).click();
  await page.waitForURL(/\/dev\/fake-google\/authorize\?/);
  await page.locator(`[data-email="${email}"]`).click();
  await page.waitForURL(`${appUrl}/settings/connections?connected=${tool}`);
  expect(await page.getByTestId("connect-success").textContent()).toContain("connected — first sync started");
}

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

describe("connecting Google on a fresh machine", () => {
  it("connects Gmail and Calendar, shows them syncing, finds what they brought, and disconnects keeping it", async () => {
    const { context, requests } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const appUrl = journey.app.url;
    await tryTheDemo(page, appUrl);
    await openConnections(page, appUrl);
    // P3: the page lists exactly what Gmail may read before anything is connected.
    expect(await page.getByTestId("scopes-gmail").textContent()).toBe("https://www.googleapis.com/auth/gmail.readonly");

    await connect(page, appUrl, "gmail", "alex@northbeam.example");
    // The page refreshes itself while the first sync runs, until the connection is Active.
    await expect.poll(() => statusOf(page, "gmail"), { timeout: SYNC_TIMEOUT_MS, interval: 500 }).toBe("Active");
    await waitForRemixIdle(page);
    expect(await page.getByTestId("last-success-gmail").textContent()).not.toBe("Not yet");
    expect(await totalCount(page, "gmail", "Fetched")).toBeGreaterThan(100);
    expect(await totalCount(page, "gmail", "Created")).toBeGreaterThan(0);
    // Colleagues-only threads and newsletters are counted as skipped, with their reasons.
    expect(await totalCount(page, "gmail", "Skipped")).toBeGreaterThan(0);
    expect(await page.getByTestId("skipped-gmail").textContent()).toContain("only your colleagues take part");

    // Conversations: a synced thread, marked as coming from Gmail.
    // (Conversations has no main-navigation link; it is reached from accounts and deals, or directly.)
    await page.goto(`${appUrl}/conversations`);
    const synced = page.getByTestId("conversation-row").filter({ has: page.getByTestId("source-badge") });
    await synced.first().waitFor();
    expect(await synced.first().getByTestId("source-badge").textContent()).toBe("from Gmail");
    const link = synced.first().getByRole("link").first();
    const subject = ((await link.textContent()) ?? "").trim();
    const threadPath = (await link.getAttribute("href")) ?? "";
    expect(threadPath).toMatch(/^\/conversations\/[\w-]+$/);
    await link.click();
    await page.waitForURL(`${appUrl}${threadPath}`);
    expect(await page.getByTestId("source-badge").first().textContent()).toBe("from Gmail");

    // Search finds the synced thread's emails by its subject, like any other record: as timeline
    // entries "Email from/to <someone in this thread>: <subject>".
    const participants = (await page.getByTestId("participants").textContent()) ?? "";
    const topic = subject.replace(/^(Re|Fwd?):\s*/i, "");
    await page.goto(`${appUrl}/search?q=${encodeURIComponent(topic)}`);
    await page.getByTestId("search-results").waitFor();
    const titles = await page.getByTestId("search-result").allTextContents();
    const people = titles.flatMap((title) => {
      const match = /Email (?:from|to) (.+?): (?:Re: )?(.+)$/.exec(title.trim());
      return match && match[2] === topic ? [match[1]!] : [];
    });
    expect(
      people.some((name) => participants.includes(name)),
      `${titles.join(" | ")} / ${participants}`,
    ).toBe(true);

    // Google Calendar: connect, sync, and a synced meeting on the Meetings page.
    await openConnections(page, appUrl);
    await connect(page, appUrl, "gcal", "alex@northbeam.example");
    await expect.poll(() => statusOf(page, "gcal"), { timeout: SYNC_TIMEOUT_MS, interval: 500 }).toBe("Active");
    expect(await totalCount(page, "gcal", "Created")).toBeGreaterThan(0);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Meetings" }).click();
    await page.waitForURL(new RegExp(`${appUrl}/meetings`));
    const meetings = page.getByTestId("meeting-row").filter({ has: page.getByTestId("source-badge") });
    await meetings.first().waitFor();
    expect(await meetings.first().getByTestId("source-badge").textContent()).toBe("from Google Calendar");

    // Sync now queues a poll and says so; the page does not sync inline.
    await openConnections(page, appUrl);
    await page.getByTestId("sync-now-gmail").click();
    await expect.poll(() => page.getByTestId("disconnect-success").textContent()).toContain("Sync requested for Gmail");
    await expect.poll(() => statusOf(page, "gmail"), { timeout: SYNC_TIMEOUT_MS, interval: 500 }).toBe("Active");

    // Disconnect (P12): reading stops, the tokens go, and what was synced stays.
    await waitForRemixIdle(page);
    await page.getByTestId("disconnect-gmail").click();
    await expect
      .poll(() => page.getByTestId("disconnect-success").textContent())
      .toMatch(
        // Calendar is still connected with the same Google account, so Google's one grant stays for it.
        /Disconnected Gmail: nothing more is read from it, its tokens are deleted here, and the access stays granted at Google because another tool you connected uses the same Google account \(disconnect that one too to revoke it there\)\. The [\d,]+ .+ already synced stay until you delete your account\./,
      );
    await expect.poll(() => statusOf(page, "gmail")).toBe("Disconnected");
    await page.goto(`${appUrl}${threadPath}`);
    expect(await page.getByTestId("source-badge").first().textContent()).toBe("from Gmail");

    expect(errors).toEqual([]);
    // The sync's calls to the fake Google APIs are the server's own; the browser stayed on this origin.
    expect(requests.filter((url) => !url.startsWith(appUrl))).toEqual([]);
    await context.close();
  });

  it("works with JavaScript disabled: connect, then a reload shows the first sync's progress and then Active", async () => {
    const { context } = await newContext(journey.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    const appUrl = journey.app.url;
    // A newcomer who signs in with Google gets an empty workspace of their own.
    await page.goto(`${appUrl}/login`);
    await page.getByTestId("continue-with-google").click();
    await page.waitForURL(/\/dev\/fake-google\/authorize\?/);
    await page.locator('[data-email="sam.rivera@newcomer.example"]').click();
    await page.waitForURL(`${appUrl}/dashboard`);
    await page.goto(`${appUrl}/settings/connections`);
    await connect(page, appUrl, "gmail", "sam.rivera@newcomer.example");
    // Without JavaScript nothing refreshes by itself: the seller reloads.
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          await page.reload();
          const status = await statusOf(page, "gmail");
          seen.add(status);
          return status;
        },
        { timeout: SYNC_TIMEOUT_MS, interval: 250 },
      )
      .toBe("Active");
    expect([...seen].every((status) => ["Connecting", "First sync", "Active"].includes(status))).toBe(true);
    // Nobody in this mailbox is in the newcomer's empty workspace: everything read is counted as skipped.
    expect(await totalCount(page, "gmail", "Fetched")).toBeGreaterThan(0);
    expect(await totalCount(page, "gmail", "Skipped")).toBeGreaterThan(0);
    await context.close();
  });
});

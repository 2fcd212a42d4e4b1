// The brain in a real browser: retrieval-only answers on the demo (with and without JavaScript),
// answers streamed from the server's key (a fake Claude), failures, Retry and Stop, and the user's
// own key (P16) — with proof that the key never reaches our origin.
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropic } from "../fakes/anthropic";
import {
  collectPageErrors,
  launchBrowser,
  newContext,
  startApp,
  tryTheDemo,
  useAppAndBrowser,
  type RunningApp,
} from "./harness";

const KESTREL = "What's the latest with Kestrel Aerospace, and who is the champion?";
const CLOSING = "Which deals close this month and what's the total?";
const CALENDAR = "What's on my calendar next week?";
const THREAD_URL = /\/brain\/[a-z0-9]+$/;

/** Types a question in the composer and sends it with Enter (the keyboard path). */
async function ask(page: Page, question: string) {
  const input = page.getByTestId("brain-input");
  await input.fill(question);
  await input.press("Enter");
}

const answers = (page: Page) => page.getByTestId("brain-answer");

/** Waits until the last answer on the page is over, and until the page shows what was stored. */
async function lastAnswerSettles(page: Page, status: "complete" | "failed" | "stopped"): Promise<Locator> {
  const answer = answers(page).last();
  await expect.poll(() => answer.getAttribute("data-status"), { timeout: 30_000 }).toBe(status);
  await expect.poll(() => answer.getAttribute("data-stored-status"), { timeout: 30_000 }).toBe(status);
  return answer;
}

const answerText = async (answer: Locator) => (await answer.getByTestId("brain-answer-text").textContent()) ?? "";

describe("the brain on the demo, with no Claude key anywhere", () => {
  const journey = useAppAndBrowser();

  it("answers retrieval-only, with chips that open the records, the month's total, the calendar, and the manifest", async () => {
    const { context, requests } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const url = journey.app.url;
    await tryTheDemo(page, url);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Brain", exact: true }).click();
    await page.waitForURL(`${url}/brain`);
    expect(await page.getByTestId("brain-retrieval-banner").textContent()).toContain("retrieval-only");
    expect(await page.getByTestId("brain-threads-empty").count()).toBe(1);

    await ask(page, KESTREL);
    await page.waitForURL(THREAD_URL);
    const kestrel = await lastAnswerSettles(page, "complete");
    expect(await kestrel.getByTestId("brain-mode").textContent()).toBe("Retrieval only");
    expect(await answerText(kestrel)).toContain("Retrieval-only answer");
    // Focus stays in the composer, ready for a follow-up.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("brain-input");
    const nadia = kestrel.getByTestId("citation-chip").filter({ hasText: "Nadia Shah" }).first();
    expect(await nadia.getAttribute("href")).toMatch(/^\/prospects\/[a-z0-9]+$/);
    const threadUrl = page.url();
    await nadia.click();
    await page.waitForURL(/\/prospects\/[a-z0-9]+$/);
    expect(await page.getByTestId("prospect-name").textContent()).toContain("Nadia Shah");
    await page.goBack();
    await page.waitForURL(threadUrl);

    // A new conversation from an example question: the deals closing this month, with their total.
    await page.getByTestId("brain-new").click();
    await page.waitForURL(`${url}/brain`);
    await page.getByTestId("brain-example").filter({ hasText: CLOSING }).click();
    await page.waitForURL(THREAD_URL);
    expect(page.url()).not.toBe(threadUrl);
    const closing = await lastAnswerSettles(page, "complete");
    expect(await answerText(closing)).toMatch(/total [A-Z]{3} [\d,]+/);
    expect(await closing.getByTestId("citation-chip").count()).toBeGreaterThan(0);

    // A follow-up in the same conversation: next week's meetings, listed and cited.
    await ask(page, CALENDAR);
    await expect.poll(() => answers(page).count()).toBe(2);
    const calendar = await lastAnswerSettles(page, "complete");
    expect(await answerText(calendar)).toContain("Meetings in next week");
    expect(await calendar.getByTestId("citation-chip").count()).toBeGreaterThan(0);
    expect(await calendar.locator('[data-testid="citation-chip"][href^="/meetings/"]').count()).toBeGreaterThan(0);

    // P7: what the answer used, and that none of it went to Claude.
    const manifest = calendar.getByTestId("brain-manifest");
    expect(await manifest.locator("summary").textContent()).toContain(
      "Nothing was sent to Claude: retrieval-only answer",
    );
    expect(await manifest.getByTestId("manifest-item").first().isVisible()).toBe(false);
    await manifest.locator("summary").click();
    await expect.poll(() => manifest.getByTestId("manifest-item").first().isVisible()).toBe(true);
    expect(await manifest.getByTestId("manifest-item").count()).toBeGreaterThan(0);
    expect(await manifest.textContent()).toContain("on the calendar in next week");

    expect(await page.getByTestId("brain-thread-row").count()).toBe(2);
    expect(errors).toEqual([]);
    expect(requests.filter((r) => !r.startsWith(url))).toEqual([]);
    await context.close();
  });

  it("works without JavaScript: the form asks, and the page comes back with the whole answer; rename and delete too", async () => {
    const { context } = await newContext(journey.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    const url = journey.app.url;
    await tryTheDemo(page, url);
    await page.goto(`${url}/brain`);
    await page.getByTestId("brain-input").fill(KESTREL);
    await page.getByTestId("brain-send").click();
    await page.waitForURL(THREAD_URL);
    const answer = answers(page).last();
    expect(await answer.getAttribute("data-status")).toBe("complete");
    expect(await answer.getByTestId("brain-mode").textContent()).toBe("Retrieval only");
    expect(await answer.getByTestId("citation-chip").filter({ hasText: "Nadia Shah" }).count()).toBeGreaterThan(0);

    // Rename in place, then delete (both plain forms). The newest conversation is listed first.
    const rowsBefore = await page.getByTestId("brain-thread-row").count();
    const row = page.getByTestId("brain-thread-row").first();
    await row.getByText("Rename", { exact: true }).click();
    await row.getByLabel("Title").fill("Kestrel check-in");
    await row.getByRole("button", { name: "Save title" }).click();
    await page.waitForURL(/\/brain\/[a-z0-9]+\?toast=brain-renamed$/);
    expect(await page.getByTestId("brain-thread-title").textContent()).toBe("Kestrel check-in");
    await page.getByTestId("brain-thread-row").first().getByTestId("delete-open").click();
    await page.getByTestId("brain-thread-row").first().getByTestId("delete-confirm").click();
    await page.waitForURL(`${url}/brain?toast=brain-deleted`);
    expect(await page.getByTestId("toast").textContent()).toBe("Conversation deleted.");
    expect(await page.getByTestId("brain-thread-row").count()).toBe(rowsBefore - 1);
    expect(await page.getByTestId("brain-threads").getByText("Kestrel check-in").count()).toBe(0);

    // A personal key needs JavaScript, and the page says so instead of offering a form.
    await page.goto(`${url}/settings/api`);
    expect(await page.getByTestId("user-key-needs-js").count()).toBe(1);
    expect(await page.getByTestId("user-key-input").count()).toBe(0);
    await context.close();
  });

  it("asks about an account from its page", async () => {
    const { context } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const url = journey.app.url;
    await tryTheDemo(page, url);
    await page.goto(`${url}/accounts?q=Kestrel`);
    await page.getByRole("link", { name: "Kestrel Aerospace" }).first().click();
    await page.waitForURL(/\/accounts\/[a-z0-9]+$/);
    const accountUrl = page.url();
    await page.getByTestId("brain-ask-input").fill("Who should I talk to next?");
    await page.getByTestId("brain-ask-submit").click();
    await page.waitForURL(THREAD_URL);
    expect(await page.getByTestId("brain-thread-about").getAttribute("href")).toBe(new URL(accountUrl).pathname);
    const answer = await lastAnswerSettles(page, "complete");
    expect(await answer.getByTestId("citation-chip").filter({ hasText: "Kestrel Aerospace" }).count()).toBeGreaterThan(
      0,
    );
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("the brain with the server's key (a fake Claude)", () => {
  let claude: Awaited<ReturnType<typeof startFakeAnthropic>>;
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    claude = await startFakeAnthropic({ apiKeys: ["test-key"] });
    [app, browser] = await Promise.all([
      startApp({ env: { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: claude.url } }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await claude?.close();
  });

  it("streams the answer token by token with chips and its manifest; says when Claude is overloaded; Retry; Stop keeps the partial answer", async () => {
    const { context, requests } = await newContext(browser);
    const page = await context.newPage();
    // The overloaded answer is a 529 from Claude to our server, not a failed request in the page.
    const errors = collectPageErrors(page);
    await tryTheDemo(page, app.url);
    await page.goto(`${app.url}/brain`);
    expect(await page.getByTestId("brain-retrieval-banner").count()).toBe(0);

    claude.fake.chunkDelayMs = 30;
    const before = claude.fake.requests.length;
    await ask(page, KESTREL);
    await page.waitForURL(THREAD_URL);
    // Sample the answer's text while it streams: it must grow in several steps.
    const lengths = await page.evaluate(async () => {
      const seen: number[] = [];
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const all = document.querySelectorAll('[data-testid="brain-answer"]');
        const answer = all[all.length - 1];
        const status = answer?.getAttribute("data-status");
        if (status === "streaming") {
          const length = answer!.querySelector('[data-testid="brain-answer-text"]')?.textContent?.length ?? 0;
          if (length > 0 && !seen.includes(length)) seen.push(length);
        } else if (status) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return seen;
    });
    expect(lengths.length).toBeGreaterThanOrEqual(2);
    const kestrel = await lastAnswerSettles(page, "complete");
    expect((await answerText(kestrel)).length).toBeGreaterThan(Math.max(...lengths) - 1);
    expect(await kestrel.getByTestId("brain-mode").textContent()).toBe("Claude (server key)");
    expect(await kestrel.getByTestId("citation-chip").filter({ hasText: "Nadia Shah" }).count()).toBeGreaterThan(0);
    expect(await kestrel.getByTestId("citation-chip").filter({ hasText: "Kestrel Aerospace" }).count()).toBeGreaterThan(
      0,
    );
    const manifest = kestrel.getByTestId("brain-manifest");
    expect(await manifest.locator("summary").textContent()).toMatch(/Sent to Claude: \d+ records, ~[\d,]+ tokens/);
    await manifest.locator("summary").click();
    await expect.poll(() => manifest.getByRole("link", { name: "Nadia Shah", exact: true }).isVisible()).toBe(true);

    // What Claude was sent: the pack and the question, from our server with its key.
    expect(claude.fake.requests.length).toBe(before + 1);
    const sent = claude.fake.requests.at(-1)!;
    expect(sent).toMatchObject({ apiKey: "test-key", browserAccess: false });
    const body = JSON.stringify(sent.body);
    expect(body).toContain("Nadia Shah");
    expect(body).toContain(`Question: ${KESTREL}`);

    // Claude overloaded on every attempt (the server's SDK retries twice): a clear message, then Retry.
    claude.fake.chunkDelayMs = 5;
    claude.fake.next({ kind: "status", status: 529 }, { kind: "status", status: 529 }, { kind: "status", status: 529 });
    await ask(page, "What's the latest with Kestrel Aerospace?");
    await expect.poll(() => answers(page).count()).toBe(2);
    const failed = await lastAnswerSettles(page, "failed");
    expect(await failed.getByTestId("brain-error").textContent()).toContain("Claude is overloaded right now (529)");
    await failed.getByTestId("brain-retry").click();
    await expect.poll(() => answers(page).count()).toBe(3);
    const retried = await lastAnswerSettles(page, "complete");
    expect(await retried.getByTestId("citation-chip").count()).toBeGreaterThan(0);
    expect(await retried.getByTestId("brain-error").count()).toBe(0);

    // Stop mid-answer: what arrived stays, marked stopped (here and as stored).
    claude.fake.next({ kind: "slow", chunkDelayMs: 300 });
    await ask(page, "Who is the economic buyer at Kestrel Aerospace?");
    await expect.poll(() => answers(page).count()).toBe(4);
    const slow = answers(page).last();
    await expect
      .poll(
        async () =>
          (
            (await slow
              .getByTestId("brain-answer-text")
              .textContent()
              .catch(() => "")) ?? ""
          ).length,
        { timeout: 20_000 },
      )
      .toBeGreaterThan(10);
    expect(await slow.getAttribute("data-status")).toBe("streaming");
    await page.getByTestId("brain-stop").click();
    const stopped = await lastAnswerSettles(page, "stopped");
    const partial = await answerText(stopped);
    expect(partial.length).toBeGreaterThan(10);
    expect(await stopped.getByTestId("brain-error").textContent()).toContain("Stopped before the answer was finished");
    await page.reload();
    const afterReload = await lastAnswerSettles(page, "stopped");
    expect(await answerText(afterReload)).toBe(partial);
    expect(await afterReload.getByTestId("brain-retry").count()).toBe(1);

    expect(errors).toEqual([]);
    expect(requests.filter((r) => !r.startsWith(app.url))).toEqual([]);
    await context.close();
  });
});

describe("P16: the user's own key stays in the browser", () => {
  let claude: Awaited<ReturnType<typeof startFakeAnthropic>>;
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    claude = await startFakeAnthropic({ apiKeys: ["test-key"] });
    // No server key: only the browser, with the user's key, can reach (this fake) Claude.
    [app, browser] = await Promise.all([
      startApp({ env: { ANTHROPIC_BROWSER_BASE_URL: claude.url } }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await claude?.close();
  });

  /** Every request the browser makes to our origin: address, every header, and body. */
  function recordOwnOrigin(context: BrowserContext) {
    const seen: Promise<{ url: string; headers: Record<string, string>; postData: string | null }>[] = [];
    context.on("request", (request) => {
      if (!request.url().startsWith(app.url)) return;
      seen.push(
        request
          .allHeaders()
          .catch(() => request.headers())
          .then((headers) => ({ url: request.url(), headers, postData: request.postData() })),
      );
    });
    return () => Promise.all(seen);
  }

  it("answers from Claude called by the browser with the key saved in Settings → API, which never reaches our server", async () => {
    const { context } = await newContext(browser);
    const ownOrigin = recordOwnOrigin(context);
    const page = await context.newPage();
    // The bad key's 401 comes from Claude's API, which the browser logs.
    const errors = collectPageErrors(page, { expectedStatuses: [401] });
    await tryTheDemo(page, app.url);
    await page.goto(`${app.url}/brain`);
    expect(await page.getByTestId("brain-retrieval-banner").count()).toBe(1);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(`${app.url}/settings/profile`);
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "API" }).click();
    await page.waitForURL(`${app.url}/settings/api`);
    await page.getByTestId("user-key-input").fill("test-key");
    await page.getByTestId("user-key-save").click();
    await expect.poll(() => page.getByTestId("user-key-masked").count()).toBe(1);
    expect(await page.getByTestId("user-key-masked").textContent()).not.toContain("test-key");
    expect(await page.evaluate(() => window.localStorage.getItem("sac.anthropicKey"))).toBe("test-key");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Brain", exact: true }).click();
    await page.waitForURL(`${app.url}/brain`);
    await expect.poll(() => page.getByTestId("brain-retrieval-banner").count()).toBe(0);
    const before = claude.fake.requests.length;
    await ask(page, KESTREL);
    await page.waitForURL(THREAD_URL);
    const answer = await lastAnswerSettles(page, "complete");
    expect(await answer.getByTestId("brain-mode").textContent()).toBe("Claude (your key)");
    expect(await answer.getByTestId("citation-chip").filter({ hasText: "Nadia Shah" }).count()).toBeGreaterThan(0);
    expect(await answerText(answer)).toContain("Here is what your records say");
    expect(await answer.getByTestId("brain-manifest").locator("summary").textContent()).toMatch(
      /Sent to Claude: \d+ records/,
    );
    expect(claude.fake.requests.length).toBe(before + 1);
    const sent = claude.fake.requests.at(-1)!;
    expect(sent.browserAccess).toBe(true);
    expect(sent.apiKey).toBe("test-key");
    expect(JSON.stringify(sent.body)).toContain("Nadia Shah");

    // Claude asks for a tool: the browser has our server run it, then sends Claude the result.
    claude.fake.next({ kind: "tool", name: "get_account", input: { name_or_id: "Evergreen Energy" } });
    await ask(page, "Anything else I should look at this week?");
    await expect.poll(() => answers(page).count()).toBe(2);
    const viaTool = await lastAnswerSettles(page, "complete");
    expect(await viaTool.getByTestId("citation-chip").filter({ hasText: "Evergreen Energy" }).count()).toBeGreaterThan(
      0,
    );
    const toolManifest = viaTool.getByTestId("brain-manifest");
    await toolManifest.locator("summary").click();
    await expect
      .poll(() => toolManifest.getByTestId("manifest-item").filter({ hasText: "via tool" }).first().isVisible())
      .toBe(true);
    const toolTurn = claude.fake.requests.at(-1)!;
    expect(toolTurn).toMatchObject({ apiKey: "test-key", browserAccess: true });
    expect(JSON.stringify(toolTurn.body.messages.at(-1))).toContain("tool_result");

    // Stop aborts the browser's call to Claude; what arrived is stored, marked stopped.
    claude.fake.next({ kind: "slow", chunkDelayMs: 300 });
    await ask(page, "Who is the economic buyer at Kestrel Aerospace?");
    await expect.poll(() => answers(page).count()).toBe(3);
    const slow = answers(page).last();
    await expect
      .poll(
        async () =>
          (
            (await slow
              .getByTestId("brain-answer-text")
              .textContent()
              .catch(() => "")) ?? ""
          ).length,
        { timeout: 20_000 },
      )
      .toBeGreaterThan(10);
    await page.getByTestId("brain-stop").click();
    const stopped = await lastAnswerSettles(page, "stopped");
    expect((await answerText(stopped)).length).toBeGreaterThan(10);
    expect(await stopped.getByTestId("brain-error").textContent()).toContain("Stopped before the answer was finished");
    expect(await stopped.getByTestId("brain-mode").textContent()).toBe("Claude (your key)");

    // A key Claude refuses: a clear message, the answer marked failed.
    await page.goto(`${app.url}/settings/api`);
    await page.getByTestId("user-key-input").fill("wrong-key-1234");
    await page.getByTestId("user-key-save").click();
    await expect
      .poll(() => page.evaluate(() => window.localStorage.getItem("sac.anthropicKey")))
      .toBe("wrong-key-1234");
    await page.goBack();
    await page.waitForURL(THREAD_URL);
    await ask(page, "Who is the technical evaluator at Kestrel Aerospace?");
    await expect.poll(() => answers(page).count()).toBe(4);
    const refused = await lastAnswerSettles(page, "failed");
    expect(await refused.getByTestId("brain-error").textContent()).toContain("Claude refused your API key (401)");
    expect(claude.fake.requests.at(-1)!.apiKey).toBe("wrong-key-1234");

    // Removing the key brings the retrieval-only banner back.
    await page.goto(`${app.url}/settings/api`);
    await page.getByTestId("user-key-remove").click();
    await expect.poll(() => page.getByTestId("user-key-none").count()).toBe(1);

    const recorded = await ownOrigin();
    expect(recorded.some((r) => r.url.includes("brain.prepare"))).toBe(true);
    expect(recorded.some((r) => r.url.includes("brain.complete"))).toBe(true);
    expect(recorded.some((r) => r.url.includes("brain.runTool"))).toBe(true);
    for (const request of recorded) {
      const everything = JSON.stringify(request);
      expect(everything).not.toContain("test-key");
      expect(everything).not.toContain("wrong-key-1234");
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});

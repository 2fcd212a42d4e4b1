import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { collectPageErrors, newContext, useAppAndBrowser } from "./harness";

// The reset mail is read where a developer reads it: the outbox, a development-only route.
const journey = useAppAndBrowser({ env: { DEV_ROUTES: "true" } });

async function signUp(page: Page, user: { name: string; email: string; password: string }) {
  await page.goto(`${journey.app.url}/signup`);
  await page.getByLabel("Your name").fill(user.name);
  await page.getByLabel("Work email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${journey.app.url}/dashboard`);
}

describe("identity journeys", () => {
  it("signs in with Google (the fake provider), lands in an empty workspace, and sees this device in Settings", async () => {
    const { context, requests } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${journey.app.url}/accounts`);
    await page.waitForURL(/\/login\?redirectTo=%2Faccounts/);
    await page.getByTestId("continue-with-google").click();
    await page.waitForURL(/\/dev\/fake-google\/authorize\?/);
    await page.locator('[data-email="sam.rivera@newcomer.example"]').click();
    await page.waitForURL(`${journey.app.url}/accounts`);
    expect(await page.getByTestId("signed-in-as").textContent()).toContain("sam.rivera@newcomer.example");
    expect(await page.getByText("No accounts yet").count()).toBe(1);
    // Only our two cookies, with the promised attributes (P13).
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).toEqual(["si_session"]);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });

    await page.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(`${journey.app.url}/settings/profile`);
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Sessions" }).click();
    await page.waitForURL(`${journey.app.url}/settings/sessions`);
    await expect.poll(() => page.getByTestId("this-device").count()).toBe(1);
    expect(await page.getByTestId("session-row").first().textContent()).toContain("Headless Chrome on Linux");
    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(journey.app.url))).toEqual([]);
    await context.close();
  });

  it("resets a forgotten password through the mail in the dev outbox; other devices are signed out", async () => {
    const user = { name: "Robin Reset", email: "robin@reset.example", password: "first password 123" };
    const { context } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signUp(page, user);

    // Another device, signed in with the old password.
    const { context: other } = await newContext(journey.browser);
    const otherPage = await other.newPage();
    await otherPage.goto(`${journey.app.url}/login`);
    await otherPage.getByLabel("Email").fill(user.email);
    await otherPage.getByLabel("Password").fill(user.password);
    await otherPage.getByRole("button", { name: "Sign in" }).click();
    await otherPage.waitForURL(`${journey.app.url}/dashboard`);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${journey.app.url}/`);
    await page.goto(`${journey.app.url}/login`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL(`${journey.app.url}/forgot-password`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    expect(await page.getByTestId("reset-requested").textContent()).toContain("If an account uses that email");

    // A background job looks the email up and mails the link moments after the answer (so the answer
    // takes the same time for any email): open the outbox until the mail is there.
    const mail = page.getByTestId("outbox-mail").filter({ hasText: "Reset your Sales-as-Code password" }).first();
    await expect
      .poll(
        async () => {
          await page.goto(`${journey.app.url}/dev/outbox`);
          return mail.count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await mail.getByTestId("outbox-to").textContent()).toBe(user.email);
    await mail.getByRole("link").click();
    await page.waitForURL(/\/reset-password\?token=/);
    await page.getByLabel("New password").fill("second password 456");
    await page.getByRole("button", { name: "Save new password" }).click();
    await page.waitForURL(`${journey.app.url}/dashboard`);
    expect(await page.getByTestId("signed-in-as").textContent()).toContain(user.email);

    // The confirmation mail (P8) arrived too.
    await page.goto(`${journey.app.url}/dev/outbox`);
    expect(
      await page.getByTestId("outbox-subject").filter({ hasText: "Your Sales-as-Code password was changed" }).count(),
    ).toBe(1);

    // The other device's cookie was ended server-side: it is sent to sign in.
    await otherPage.goto(`${journey.app.url}/accounts`);
    await otherPage.waitForURL(/\/login/);

    // The old password no longer works; the new one does.
    await otherPage.getByLabel("Email").fill(user.email);
    await otherPage.getByLabel("Password").fill(user.password);
    await otherPage.getByRole("button", { name: "Sign in" }).click();
    expect(await otherPage.getByRole("alert").textContent()).toContain("do not match");
    await otherPage.getByLabel("Password").fill("second password 456");
    await otherPage.getByRole("button", { name: "Sign in" }).click();
    await otherPage.waitForURL(`${journey.app.url}/accounts`);

    expect(errors).toEqual([]);
    await other.close();
    await context.close();
  });

  it("signs in with email and password with JavaScript disabled, and shows form errors", async () => {
    const { context } = await newContext(journey.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${journey.app.url}/signup`);
    await page.getByRole("button", { name: "Create account" }).click();
    expect(await page.getByTestId("name-error").textContent()).toBe("Enter your name.");
    expect(await page.getByTestId("password-error").textContent()).toBe("Use at least 10 characters.");
    await page.getByLabel("Your name").fill("Nojs Person");
    await page.getByLabel("Work email").fill("nojs@example.test");
    await page.getByLabel("Password").fill("no javascript here");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${journey.app.url}/dashboard`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${journey.app.url}/`);
    await page.goto(`${journey.app.url}/login`);
    await page.getByLabel("Email").fill("nojs@example.test");
    await page.getByLabel("Password").fill("no javascript here");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${journey.app.url}/dashboard`);
    await context.close();
  });

  it("a refused sign-in answers 429 with Retry-After over HTTP, as a page and as JavaScript's .data request", async () => {
    const url = journey.app.url;
    const form = (email: string) => ({
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: url },
      body: new URLSearchParams({ email, password: "a wrong guess" }).toString(),
      redirect: "manual" as const,
    });
    // Five free tries, then a growing wait; the account's ceiling refuses at the latest.
    let answer: Response | undefined;
    for (let i = 0; i < 12 && answer?.status !== 429; i += 1)
      answer = await fetch(`${url}/login`, form("nobody@429.example"));
    expect(answer?.status).toBe(429);
    expect(answer?.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(await answer?.text()).toMatch(/Too many attempts\. For your security, wait \d+ (second|minute)/);
    const data = await fetch(`${url}/login.data`, form("nobody@429.example"));
    expect(data.status).toBe(429);
    expect(data.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  });
});

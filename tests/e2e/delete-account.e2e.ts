// P11 in the browser: Settings → Data → Delete account, a wrong confirmation that deletes nothing,
// then the real thing — signed out everywhere, a public page that says what happens next, and the
// password no longer opens the account. With JavaScript and without (the form posts either way).
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { collectPageErrors, newContext, useAppAndBrowser } from "./harness";

const journey = useAppAndBrowser();

async function signUp(page: Page, email: string, password: string) {
  await page.goto(`${journey.app.url}/signup`);
  await page.getByLabel("Your name").fill("Dee Leter");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${journey.app.url}/dashboard`);
}

describe.each([
  { javaScriptEnabled: true, label: "with JavaScript" },
  { javaScriptEnabled: false, label: "without JavaScript" },
])("deleting an account ($label)", ({ javaScriptEnabled, label }) => {
  it(`P11: Settings → Data → Delete account signs out everywhere and refuses sign-in (${label})`, async () => {
    const email = `dee-${javaScriptEnabled ? "js" : "nojs"}@delete.example`;
    const password = "delete me for real";
    const { context, requests } = await newContext(journey.browser, { javaScriptEnabled });
    const page = await context.newPage();
    const errors = collectPageErrors(page, { expectedStatuses: [400, 401, 403] });
    await signUp(page, email, password);
    // A second device, signed in too.
    const { context: other } = await newContext(journey.browser);
    const otherPage = await other.newPage();
    await otherPage.goto(`${journey.app.url}/login`);
    await otherPage.getByLabel("Email").fill(email);
    await otherPage.getByLabel("Password").fill(password);
    await otherPage.getByRole("button", { name: "Sign in" }).click();
    await otherPage.waitForURL(`${journey.app.url}/dashboard`);

    await page.goto(`${journey.app.url}/settings/data`);
    await page.getByTestId("delete-account-link").click();
    await page.waitForURL(`${journey.app.url}/settings/data/delete`);
    await page.getByTestId("delete-consequences").waitFor();

    // The wrong email deletes nothing, and says what to type.
    await page.getByLabel(/Type your email/).fill("someone-else@delete.example");
    await page.getByLabel("Your password").fill(password);
    await page.getByTestId("delete-account-submit").click();
    await page.getByText(`Type ${email} to confirm.`).waitFor();
    expect(await page.getByLabel(/Type your email/).inputValue()).toBe("someone-else@delete.example");

    await page.getByLabel(/Type your email/).fill(email);
    await page.getByLabel("Your password").fill(password);
    await page.getByTestId("delete-account-submit").click();
    await page.waitForURL(`${journey.app.url}/account-deleted`);
    await page.getByTestId("account-deleted").waitFor();
    expect(await context.cookies()).toEqual([]);

    // The other device is signed out at its next request.
    await otherPage.goto(`${journey.app.url}/dashboard`);
    await otherPage.waitForURL(/\/login/);

    // The password no longer opens the account, and says why. (The purge job may already have
    // run — it usually takes well under a minute — and then the account simply does not exist.)
    await page.goto(`${journey.app.url}/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("form-error").waitFor();
    expect(await page.getByTestId("form-error").textContent()).toMatch(/being deleted|do not match an account/);
    expect(page.url()).toContain("/login");

    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(journey.app.url))).toEqual([]);
    await other.close();
    await context.close();
  });
});

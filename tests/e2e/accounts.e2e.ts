import { expect, describe, it } from "vitest";
import type { Page } from "playwright-core";
import { collectPageErrors, newContext, useAppAndBrowser } from "./harness";

const journey = useAppAndBrowser();

async function signUp(page: Page, user: { name: string; email: string; password: string }) {
  await page.goto(`${journey.app.url}/signup`);
  await page.getByLabel("Your name").fill(user.name);
  await page.getByLabel("Work email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  // Wherever sign-up lands (the journey goes on from explicit addresses).
  await page.waitForURL((url) => url.pathname !== "/signup");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `path`, optionally followed by the outcome toast (removed from the address once shown with JavaScript). */
function landedOn(path: string, toast: string): RegExp {
  return new RegExp(`^${escapeRegExp(`${journey.app.url}${path}`)}(\\?toast=${toast})?$`);
}

/**
 * A seller's first account, start to finish: create it (after a mistake), find it in the list and
 * with a filter, add a person from its People tab, see them on the account and on /prospects, add a
 * note, rename the account — and, with JavaScript, delete the person.
 */
async function accountJourney(page: Page, options: { js: boolean }) {
  const base = journey.app.url;
  const tag = options.js ? "js" : "nojs";
  const accountName = `Northwind Robotics ${tag}`;
  await signUp(page, {
    name: `Avery ${tag}`,
    email: `avery.${tag}@accounts-journey.example`,
    password: "accounts journey 123",
  });

  // Create the account, after one mistake shown next to its field.
  await page.goto(`${base}/accounts`);
  expect(await page.getByText("No accounts yet").count()).toBe(1);
  await page.getByTestId("new-account").click();
  await page.waitForURL(`${base}/accounts/new`);
  await page.getByLabel("Employee count").fill("lots");
  await page.getByRole("button", { name: "Create account" }).click();
  expect(await page.getByTestId("name-error").textContent()).toBe("Give the account a name.");
  expect(await page.getByTestId("employeeCount-error").textContent()).toBe("Use a whole number, like 250.");
  await page.getByLabel("Name", { exact: true }).fill(accountName);
  await page.getByLabel("Domain").fill("northwind.example");
  await page.getByLabel("Industry").fill("Robotics");
  await page.getByLabel("Employee count").fill("1,200");
  await page.getByLabel("Tier").selectOption("enterprise");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/accounts\/(?!new)[^/?]+(\?toast=account-created)?$/);
  const accountPath = new URL(page.url()).pathname;
  const accountId = accountPath.split("/").at(-1)!;
  expect(await page.getByTestId("toast").textContent()).toBe("Account created.");
  expect(await page.getByTestId("account-name").textContent()).toBe(accountName);
  expect(await page.getByTestId("account-tier").textContent()).toBe("Enterprise");
  expect(await page.getByTestId("account-header").textContent()).toContain("1,200");

  // It is in the list, and the name filter (a GET form) finds it.
  await page.goto(`${base}/accounts`);
  expect(await page.getByTestId("account-link").filter({ hasText: accountName }).count()).toBe(1);
  await page.getByLabel("Name contains").fill("northwind");
  await page.getByRole("button", { name: "Filter" }).click();
  // The empty selects travel too (?q=northwind&tier=&industry=) and mean "any".
  await page.waitForURL(/\/accounts\?q=northwind(&|$)/);
  await expect.poll(() => page.getByTestId("account-row").count()).toBe(1);
  await page.getByTestId("account-link").filter({ hasText: accountName }).click();
  await page.waitForURL(`${base}${accountPath}`);

  // Add a person from the account's People tab: the account is already chosen.
  const tabs = page.getByRole("navigation", { name: "Account sections" });
  await tabs.getByRole("link", { name: /^People/ }).click();
  await page.waitForURL(`${base}${accountPath}/people`);
  await expect.poll(() => page.getByText("No people at this account yet").count()).toBe(1);
  await page.getByTestId("add-person").click();
  await page.waitForURL(`${base}/prospects/new?accountId=${accountId}`);
  expect(await page.getByLabel("Account", { exact: true }).inputValue()).toBe(accountId);
  await page.getByLabel("First name").fill("Dana");
  await page.getByLabel("Last name").fill("Reyes");
  await page.getByLabel("Title", { exact: true }).fill("VP Operations");
  await page.getByLabel("Email", { exact: true }).fill("dana@northwind.example");
  await page.getByLabel("Role", { exact: true }).selectOption("champion");
  await page.getByRole("button", { name: "Add person" }).click();
  await page.waitForURL(/\/prospects\/(?!new)[^/?]+(\?toast=prospect-created)?$/);
  const personPath = new URL(page.url()).pathname;
  expect(await page.getByTestId("prospect-name").textContent()).toBe("Dana Reyes");
  expect(await page.getByTestId("prospect-account").textContent()).toBe(accountName);

  // The person is on the account's People tab and on /prospects.
  await page.getByTestId("prospect-account").click();
  await page.waitForURL(`${base}${accountPath}`);
  await tabs.getByRole("link", { name: /^People/ }).click();
  await page.waitForURL(`${base}${accountPath}/people`);
  const onAccount = page.getByTestId("prospect-row").filter({ hasText: "Dana Reyes" });
  await expect.poll(() => onAccount.count()).toBe(1);
  expect(await onAccount.textContent()).toContain("Champion");
  await page.goto(`${base}/prospects`);
  const onList = page.getByTestId("prospect-row").filter({ hasText: "Dana Reyes" });
  expect(await onList.count()).toBe(1);
  expect(await onList.textContent()).toContain(accountName);

  // A note on the account.
  await page.goto(`${base}${accountPath}/notes`);
  expect(await page.getByText("No notes yet").count()).toBe(1);
  await page.getByLabel("Note", { exact: true }).fill("Dana wants a pilot in Q3.");
  await page.getByRole("button", { name: "Add note" }).click();
  await page.waitForURL(landedOn(`${accountPath}/notes`, "note-added"));
  await expect
    .poll(() => page.getByTestId("note-body").filter({ hasText: "Dana wants a pilot in Q3." }).count())
    .toBe(1);

  // Rename the account.
  await page.goto(`${base}${accountPath}`);
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await page.waitForURL(`${base}${accountPath}/edit`);
  expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe(accountName);
  expect(await page.getByLabel("Tier").inputValue()).toBe("enterprise");
  await page.getByLabel("Name", { exact: true }).fill(`${accountName} Global`);
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.waitForURL(landedOn(accountPath, "account-updated"));
  await expect.poll(() => page.getByTestId("account-name").textContent()).toBe(`${accountName} Global`);

  return { personPath };
}

describe("accounts and people", () => {
  it("with JavaScript: creates an account, adds a person and a note, renames it, and deletes the person", async () => {
    const { context, requests } = await newContext(journey.browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page, { expectedStatuses: [400] });
    const { personPath } = await accountJourney(page, { js: true });

    // Delete the person: the confirmation says what happens, then the list no longer has them.
    await page.goto(`${journey.app.url}${personPath}`);
    await page.getByText("Delete person", { exact: true }).click();
    const confirm = page.getByRole("dialog", { name: "Delete person" });
    expect(await confirm.textContent()).toContain("Dana Reyes");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(landedOn("/prospects", "prospect-deleted"));
    expect(await page.getByTestId("toast").textContent()).toBe("Person deleted.");
    expect(await page.getByText("No people yet").count()).toBe(1);
    expect(await page.getByTestId("prospect-row").count()).toBe(0);

    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(journey.app.url))).toEqual([]);
    await context.close();
  });

  it("with JavaScript disabled: the same forms, filters and tabs work as plain HTML", async () => {
    const { context } = await newContext(journey.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await accountJourney(page, { js: false });
    await context.close();
  });
});

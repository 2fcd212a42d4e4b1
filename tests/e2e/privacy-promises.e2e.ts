// The cookie and tracking promises (P13, P14 on /privacy), checked against the built app on every
// URL it has. The URLs are derived from app/routes (tests/promises/app-routes.ts): a page added
// later is visited without anyone listing it, and a page whose ids cannot be found fails loudly.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { OAUTH_STATE_COOKIE, p13Problems, parseSetCookie, SESSION_COOKIE } from "../promises/cookies";
import {
  CrawlClient,
  crawlTargets,
  getEvery,
  prepareDemoForCrawl,
  signInFlows,
  signInToDemo,
  type CookieSighting,
  type CrawlTarget,
} from "../promises/http-crawl";
import { newContext, startApp, useAppAndBrowser } from "./harness";

// The crawl follows a password reset through the outbox, a development-only route.
const journey = useAppAndBrowser({ env: { DEV_ROUTES: "true" } });

/** Values for URL parameters that are not record ids one can find by following links (none yet). */
const FIXED_PARAMS: Record<string, string> = {};

/** Doors into the server that are not Remix routes, asked too: health, the API, static files. */
const OTHER_DOORS = ["/healthz", "/api/trpc/me.profile", "/favicon.svg"];

/** The app's URLs, real ids filled in from the demo workspace. */
async function demoTargets(
  baseUrl: string,
  publicOrigin?: string,
): Promise<{ targets: CrawlTarget[]; scout: CrawlClient }> {
  const scout = new CrawlClient(baseUrl, publicOrigin ? { publicOrigin } : {});
  scout.step = "scout";
  await signInToDemo(scout);
  await prepareDemoForCrawl(scout);
  return { targets: await crawlTargets(scout, FIXED_PARAMS), scout };
}

/**
 * Every Set-Cookie the app sends: every URL signed out, every way in and out (Google, sign-up,
 * sign-in, a wrong password, forgot and reset password, sign-out, an ended session's cookie, the
 * demo), then every URL signed in, and the other doors.
 */
async function crawlForCookies(
  baseUrl: string,
  options: { publicOrigin?: string; completeGoogle: boolean; email: string },
) {
  const { targets, scout } = await demoTargets(baseUrl, options.publicOrigin);
  const client = new CrawlClient(baseUrl, options.publicOrigin ? { publicOrigin: options.publicOrigin } : {});
  const signedOut = await getEvery(client, targets, "every URL, signed out");
  await signInFlows(client, {
    completeGoogle: options.completeGoogle,
    user: { name: "Casey Crawler", email: options.email, password: "crawling every page" },
  });
  const signedIn = await getEvery(client, targets, "every URL, signed in");
  client.step = "other doors, signed in";
  for (const door of OTHER_DOORS) await client.get(door);
  return { targets, signedOut, signedIn, sightings: [...scout.sightings, ...client.sightings] };
}

function problemsOf(sightings: CookieSighting[], secure: boolean): string[] {
  return sightings.flatMap((s) =>
    p13Problems(s.header, { secure }).map((problem) => `${s.method} ${s.path} [${s.step}]: ${problem}`),
  );
}

/** Which steps set (a value) or cleared (Max-Age=0) each cookie. */
function cookieSteps(sightings: CookieSighting[]) {
  const steps = { set: new Map<string, Set<string>>(), cleared: new Map<string, Set<string>>() };
  for (const sighting of sightings) {
    const cookie = parseSetCookie(sighting.header);
    const which = cookie.value === "" || cookie.attributes.get("max-age") === "0" ? steps.cleared : steps.set;
    which.set(cookie.name, (which.get(cookie.name) ?? new Set()).add(sighting.step));
  }
  return {
    set: (name: string) => [...(steps.set.get(name) ?? [])],
    cleared: (name: string) => [...(steps.cleared.get(name) ?? [])],
  };
}

describe("P13: cookies", () => {
  it("P13: only si_session (and the OAuth state cookie during sign-in) are ever set, with the right attributes, on every page", async () => {
    const crawl = await crawlForCookies(journey.app.url, { completeGoogle: true, email: "casey@crawl.example" });

    // The crawl covered the app: every kind of URL, and no server errors along the way.
    expect(crawl.targets.filter((t) => t.kind === "page").length).toBeGreaterThan(30);
    expect(crawl.signedIn.filter((s) => s.status >= 500)).toEqual([]);
    expect(crawl.signedOut.filter((s) => s.status >= 500)).toEqual([]);
    // Signed out, every page of the workspace sends the visitor to sign in (so it was really asked signed in below).
    expect(crawl.signedOut.find((s) => s.url === "/dashboard")?.finalPath).toBe("/login?redirectTo=%2Fdashboard");
    expect(crawl.signedIn.find((s) => s.url === "/dashboard")).toMatchObject({ status: 200, finalPath: "/dashboard" });

    expect(problemsOf(crawl.sightings, false)).toEqual([]);

    // And the crawl saw what it should: the session cookie from every way in, cleared on the way out
    // and for an ended session; the state cookie only during the Google handshake (and cleared by a
    // tool's callback that has no handshake to finish).
    const steps = cookieSteps(crawl.sightings);
    expect(steps.set(SESSION_COOKIE)).toEqual(
      expect.arrayContaining(["scout", "google: callback", "signup", "login", "reset-password", "demo"]),
    );
    expect(steps.cleared(SESSION_COOKIE)).toEqual(expect.arrayContaining(["logout", "ended session"]));
    expect(steps.set(OAUTH_STATE_COOKIE)).toEqual(expect.arrayContaining(["google: start"]));
    expect(steps.cleared(OAUTH_STATE_COOKIE)).toEqual(expect.arrayContaining(["google: callback"]));
    const stateCookieUrls = crawl.sightings
      .filter((s) => parseSetCookie(s.header).name === OAUTH_STATE_COOKIE)
      .map((s) => s.path.split("?")[0]);
    // A tool's callback (Salesforce, Outreach) reached without a handshake only clears the cookie.
    expect([...new Set(stateCookieUrls)].sort()).toEqual([
      "/auth/google",
      "/auth/google/callback",
      "/auth/outreach/callback",
      "/auth/salesforce/callback",
    ]);
    const atToolCallbacks = crawl.sightings.filter(
      (s) => parseSetCookie(s.header).name === OAUTH_STATE_COOKIE && /^\/auth\/(salesforce|outreach)\//.test(s.path),
    );
    for (const sighting of atToolCallbacks) {
      const cookie = parseSetCookie(sighting.header);
      expect(
        cookie.value === "" || cookie.attributes.get("max-age") === "0",
        `${sighting.path} set a state cookie`,
      ).toBe(true);
    }
  }, 300_000);

  it("P13: in production over https (APP_URL https://…) every cookie is Secure as well", async () => {
    // The app decides on Secure from its configuration (NODE_ENV=production and an https APP_URL),
    // so it can be asked over plain http on loopback; redirects to the https name are brought back.
    const publicOrigin = "https://app.example.test";
    const app = await startApp({ env: { APP_URL: publicOrigin, DEV_ROUTES: "true" } });
    try {
      // Google's last leg is skipped: the server would fetch the fake Google's token endpoint at the
      // https APP_URL, which this machine does not serve. The state cookie is still set and cleared.
      const crawl = await crawlForCookies(app.url, {
        publicOrigin,
        completeGoogle: false,
        email: "casey@secure.example",
      });
      expect(crawl.signedIn.filter((s) => s.status >= 500)).toEqual([]);
      expect(problemsOf(crawl.sightings, true)).toEqual([]);
      const steps = cookieSteps(crawl.sightings);
      expect(steps.set(SESSION_COOKIE)).toEqual(expect.arrayContaining(["signup", "login", "reset-password", "demo"]));
      expect(steps.cleared(SESSION_COOKIE)).toEqual(expect.arrayContaining(["logout", "ended session"]));
      expect(steps.set(OAUTH_STATE_COOKIE)).toEqual(expect.arrayContaining(["google: start"]));
      expect(steps.cleared(OAUTH_STATE_COOKIE)).toEqual(expect.arrayContaining(["google: callback"]));
    } finally {
      await app.stop();
    }
  }, 300_000);
});

/** Loads a page and waits until it has stopped fetching (a page that polls gets 3 s). */
async function visit(page: Page, baseUrl: string, url: string) {
  await page.goto(`${baseUrl}${url}`, { waitUntil: "load" });
  await page.waitForLoadState("networkidle", { timeout: 3_000 }).catch(() => undefined);
}

describe("P14: no tracking", () => {
  it("P14: no page loads anything from another origin, and no cookie but ours exists", async () => {
    const { app, browser } = journey;
    const origin = new URL(app.url).origin;
    const { targets } = await demoTargets(app.url);
    const pages = targets.filter((t) => t.kind === "page");

    // Pages a signed-out visitor can see: those that do not send them to sign in.
    const visitor = new CrawlClient(app.url);
    const publicPages: string[] = [];
    for (const target of pages) {
      const answer = await visitor.get(target.url);
      if (target.path === "/login" || !answer.path.startsWith("/login")) publicPages.push(target.url);
    }
    expect(publicPages).toEqual(expect.arrayContaining(["/", "/privacy", "/login", "/signup", "/forgot-password"]));

    // The CSP would block a request to another origin before it is made; with it bypassed, any page
    // that even tries shows up below. (The CSP itself is tested in server/http.)
    const { context, requests } = await newContext(browser, { bypassCSP: true });
    const page = await context.newPage();

    for (const url of publicPages) await visit(page, app.url, url);
    expect(await context.cookies(), "browsing signed out leaves no cookie at all").toEqual([]);

    // Through the Google handshake (the fake Google on this origin): the state cookie is gone after it.
    await visit(page, app.url, "/login");
    await page.getByTestId("continue-with-google").click();
    await page.waitForURL(/\/dev\/fake-google\/authorize\?/);
    await page.locator('[data-email="sam.rivera@newcomer.example"]').click();
    await page.waitForURL(`${app.url}/dashboard`);
    expect((await context.cookies()).map((c) => c.name)).toEqual([SESSION_COOKIE]);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${app.url}/`);

    // Signed in to the demo, every page.
    await page.getByTestId("try-demo").click();
    await page.waitForURL(`${app.url}/dashboard`);
    for (const target of pages) await visit(page, app.url, target.url);

    const visited = new Set(requests.map((url) => new URL(url).pathname));
    expect(pages.map((t) => t.url.split("?")[0]).filter((path) => !visited.has(path!))).toEqual([]);
    expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).toEqual([SESSION_COOKIE]);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    await context.close();
  }, 600_000);
});

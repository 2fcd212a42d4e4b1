// A browser-free client for the running app that keeps cookies like a browser and writes down every
// Set-Cookie header it is sent, with the request that earned it — what the P13 crawl inspects.
// It never leaves the app: redirects to the app's public origin (APP_URL, which may be an https
// name this machine does not serve) are brought back to the local server; anything else throws.
import { expect } from "vitest";
import { appRoutes, concreteUrls, type AppRoute } from "./app-routes";
import { parseSetCookie, SESSION_COOKIE } from "./cookies";

export type CookieSighting = { step: string; method: string; path: string; status: number; header: string };
export type Answer = { status: number; path: string; html: string; response: Response };

export class CrawlClient {
  readonly sightings: CookieSighting[] = [];
  /** What the crawl is doing, written on each sighting. */
  step = "crawl";
  private readonly jar = new Map<string, { value: string; path: string }>();
  private readonly base: URL;
  private readonly origins: Set<string>;

  constructor(baseUrl: string, options: { publicOrigin?: string } = {}) {
    this.base = new URL(baseUrl);
    this.origins = new Set([this.base.origin, ...(options.publicOrigin ? [new URL(options.publicOrigin).origin] : [])]);
  }

  /** A path on the local server for a relative or absolute URL of the app. */
  local(target: string, from = "/"): string {
    const url = new URL(target, new URL(from, this.base));
    if (!this.origins.has(url.origin)) throw new Error(`The crawl would leave the app for ${url.href}`);
    return `${url.pathname}${url.search}`;
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name)?.value;
  }

  /** Forgets the cookies, as a fresh browser would have none. */
  clearCookies(): void {
    this.jar.clear();
  }

  setCookie(name: string, value: string, path = "/"): void {
    this.jar.set(name, { value, path });
  }

  /** One request; redirects are not followed. */
  async send(method: "GET" | "POST", path: string, form?: Record<string, string>): Promise<Response> {
    const cookies = [...this.jar.entries()]
      .filter(
        ([, cookie]) =>
          path === cookie.path ||
          path.startsWith(cookie.path.endsWith("/") ? cookie.path : `${cookie.path}/`) ||
          path.startsWith(`${cookie.path}?`),
      )
      .map(([name, cookie]) => `${name}=${cookie.value}`);
    const response = await fetch(new URL(path, this.base), {
      method,
      redirect: "manual",
      headers: {
        accept: "text/html",
        "user-agent": "privacy-promise-crawl",
        ...(cookies.length ? { cookie: cookies.join("; ") } : {}),
      },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    for (const header of response.headers.getSetCookie()) {
      this.sightings.push({ step: this.step, method, path, status: response.status, header });
      const cookie = parseSetCookie(header);
      const maxAge = cookie.attributes.get("max-age");
      if (cookie.value === "" || maxAge === "0") this.jar.delete(cookie.name);
      else this.jar.set(cookie.name, { value: cookie.value, path: cookie.attributes.get("path") || "/" });
    }
    return response;
  }

  /** A request and the redirects after it (as GETs), like a browser navigating. */
  async go(method: "GET" | "POST", target: string, form?: Record<string, string>): Promise<Answer> {
    let path = this.local(target);
    let response = await this.send(method, path, form);
    for (let hops = 0; response.status >= 300 && response.status < 400 && response.headers.get("location"); hops += 1) {
      if (hops > 10) throw new Error(`Too many redirects from ${target}`);
      await response.body?.cancel();
      path = this.local(response.headers.get("location")!, path);
      response = await this.send("GET", path);
    }
    return { status: response.status, path, html: await response.text(), response };
  }

  get(target: string): Promise<Answer> {
    return this.go("GET", target);
  }

  post(target: string, form: Record<string, string>): Promise<Answer> {
    return this.go("POST", target, form);
  }
}

/** The demo seller, signed in with "Try the demo". */
export async function signInToDemo(client: CrawlClient): Promise<void> {
  const answer = await client.post("/demo", { redirectTo: "" });
  expect(answer.path, "Try the demo lands on the dashboard").toBe("/dashboard");
  expect(client.cookie(SESSION_COOKIE)).toBeTruthy();
}

/**
 * Makes sure every kind of record has one to link to. The demo workspace has all of them except a
 * brain conversation, so ask the brain one question (the same POST its form makes).
 */
export async function prepareDemoForCrawl(client: CrawlClient): Promise<void> {
  const brain = await client.get("/brain");
  if (/href="\/brain\/[^"/?]+"/.test(brain.html)) return;
  const asked = await client.post("/brain", { intent: "ask", question: "What is going on with Kestrel?" });
  expect(asked.path, "asking the brain opens the new conversation").toMatch(/^\/brain\/[^/]+$/);
}

export type CrawlTarget = AppRoute & { url: string };

/**
 * Every URL of the app made real for the signed-in client's workspace (see app-routes.ts), plus
 * `extra` variants of pages whose content depends on the query.
 */
export async function crawlTargets(client: CrawlClient, fixed: Record<string, string> = {}): Promise<CrawlTarget[]> {
  const routes = appRoutes();
  const urls = await concreteUrls(routes, async (path) => (await client.get(path)).html, fixed);
  return routes.map((route) => ({ ...route, url: urls.get(route.path)! }));
}

/** The fake Google's account picker: the hidden fields of the form that signs in as `email`. */
function fakeGoogleChoice(html: string, email: string): Record<string, string> {
  const forms = html.split(/<form\b/).slice(1);
  const form = forms.find((f) => f.includes(`data-email="${email}"`));
  if (!form) throw new Error(`The fake Google offers no account ${email}`);
  return Object.fromEntries(
    [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1]!,
      m[2]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"'),
    ]),
  );
}

/**
 * The newest password-reset link in the development outbox for `email`, as a local path. A job mails
 * it moments after the request was answered, so the outbox is read until the mail is there.
 */
async function resetLinkFor(client: CrawlClient, email: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const outbox = await client.get("/dev/outbox");
        expect(outbox.status, "the development outbox is open to this machine").toBe(200);
        const mail = outbox.html
          .split('data-testid="outbox-mail"')
          .slice(1)
          .find((m) => m.includes(`>${email}<`) && m.includes("reset-password?token="));
        link = mail?.match(/href="([^"]*\/reset-password\?token=[^"]+)"/)?.[1];
        return link !== undefined;
      },
      { timeout: 30_000, message: `No password-reset mail for ${email} in the outbox` },
    )
    .toBe(true);
  return client.local(link!.replace(/&amp;/g, "&"));
}

/**
 * Every way the app signs someone in or out, as a browser would go through it, each step named on
 * the cookies it sets. `completeGoogle`: go all the way through the fake Google (it must be
 * reachable by the server at APP_URL, which an https APP_URL on this machine is not).
 */
export async function signInFlows(
  client: CrawlClient,
  options: { completeGoogle: boolean; user: { name: string; email: string; password: string } },
) {
  const { user } = options;
  client.clearCookies();

  client.step = "google: start";
  const start = await client.send("GET", "/auth/google?redirectTo=%2Fdashboard");
  expect(start.status, "/auth/google redirects to Google").toBe(302);
  const authorize = client.local(start.headers.get("location")!);
  if (options.completeGoogle) {
    client.step = "google: choose account";
    const picker = await client.get(authorize);
    expect(picker.status).toBe(200);
    client.step = "google: callback";
    const back = await client.post(
      authorize.split("?")[0]!,
      fakeGoogleChoice(picker.html, "sam.rivera@newcomer.example"),
    );
    expect(back.path, "Google sign-in ends on the page asked for").toBe("/dashboard");
    client.step = "logout";
    await client.post("/logout", {});
  } else {
    // The callback clears the state cookie whatever the answer; without Google's answer it is a 400 page.
    client.step = "google: callback";
    const back = await client.get("/auth/google/callback");
    expect(back.status).toBe(400);
  }

  client.step = "signup";
  const signedUp = await client.post("/signup", {
    name: user.name,
    email: user.email,
    password: user.password,
    redirectTo: "",
  });
  expect(signedUp.path, "signing up lands on the dashboard").toBe("/dashboard");
  client.step = "logout";
  await client.post("/logout", {});

  client.step = "login: wrong password";
  const wrong = await client.post("/login", { email: user.email, password: "not the password at all", redirectTo: "" });
  expect(wrong.status).toBe(401);
  client.step = "login";
  const signedIn = await client.post("/login", { email: user.email, password: user.password, redirectTo: "" });
  expect(signedIn.path, "signing in lands on the dashboard").toBe("/dashboard");
  const stale = client.cookie(SESSION_COOKIE)!;
  client.step = "logout";
  await client.post("/logout", {});

  client.step = "forgot-password";
  const forgot = await client.post("/forgot-password", { email: user.email });
  expect(forgot.status).toBe(200);
  const reset = await resetLinkFor(client, user.email);
  client.step = "reset-password";
  const form = await client.get(reset);
  expect(form.status).toBe(200);
  const token = new URL(reset, "http://app.invalid").searchParams.get("token")!;
  const done = await client.post("/reset-password", { token, password: `${user.password} renewed` });
  expect(done.path, "a reset signs in and lands on the dashboard").toBe("/dashboard");

  // A browser that still holds an ended session's cookie is told to drop it.
  client.step = "ended session";
  client.clearCookies();
  client.setCookie(SESSION_COOKIE, stale);
  const ended = await client.get("/dashboard");
  expect(ended.path, "an ended session is sent to sign in").toMatch(/^\/login/);

  client.step = "demo";
  client.clearCookies();
  await signInToDemo(client);
  client.step = "policy: acknowledge";
  await client.post("/policy/acknowledge", { redirectTo: "/dashboard" });
}

/** GETs every target (signed in or not, as the client is), answering each URL's final status. */
export async function getEvery(client: CrawlClient, targets: CrawlTarget[], step: string) {
  client.step = step;
  const statuses: { url: string; kind: string; status: number; finalPath: string }[] = [];
  for (const target of targets) {
    const answer = await client.get(target.url);
    statuses.push({ url: target.url, kind: target.kind, status: answer.status, finalPath: answer.path });
  }
  return statuses;
}

// The whole app on a loopback port — Express, same-origin check, sessions, /api/trpc and the Remix
// pages (built in this process: tests/helpers/remix-build.ts) — and what the fuzz tests need to
// know about its routes: which ones have an action, at what URL, with which form fields.
import { vi } from "vitest";
import { remixPages } from "../../server/app";
import { parseEnv } from "../../server/env";
import { startFakeStripe } from "../fakes/stripe";
import { inProcessServerBuild, type BuiltRoute } from "../helpers/remix-build";
import { startTestServer } from "../helpers/server";
import { pointStripeAt } from "../helpers/stripe";
import type { RecordIds } from "./world";

export type AppServer = Awaited<ReturnType<typeof startTestServer>> & {
  routes: Record<string, BuiltRoute>;
  /** What pages logged with console.error (Remix logs an action's or loader's thrown error there). */
  logged: string[];
};

export async function startAppServer(): Promise<AppServer> {
  const { build, routes } = await inProcessServerBuild();
  // The pages see requests on APP_URL, as the real server builds them (server/http/fetch-bridge.ts).
  const appUrl = parseEnv({ NODE_ENV: "test" }).APP_URL;
  // Billing as a deployment has it: a Stripe that answers (a fake on loopback), so the billing forms
  // and procedures are fuzzed against real answers rather than an unreachable Stripe's 503.
  const stripe = await startFakeStripe();
  const restoreStripe = pointStripeAt(stripe);
  const server = await startTestServer({ pages: remixPages(build, "production", appUrl) });
  stripe.setWebhookUrl(`${server.url}/webhooks/stripe`);
  const logged: string[] = [];
  // Remix reports a loader's or action's error with console.error: keep it for the failure message.
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    const text = args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg))).join(" ");
    // Prisma's messages start with blank lines and quote the source: the last lines say what failed.
    logged.push(
      text
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean)
        .slice(-2)
        .join(" / "),
    );
  });
  const close = async () => {
    await server.close();
    await stripe.close();
    restoreStripe();
  };
  return { ...server, close, routes, logged };
}

/** Every page of A, GET as A: what answered a server error (a fuzzed write must not break a page for good). */
export async function brokenPages(server: AppServer, ids: RecordIds, cookie: string): Promise<string[]> {
  const broken: string[] = [];
  for (const route of pageRoutes(server.routes)) {
    const path = fillPattern(route.pattern, ids);
    server.logged.length = 0;
    const response = await fetch(new URL(path, server.url), { redirect: "manual", headers: { cookie } });
    const body = await response.text();
    if (response.status >= 500)
      broken.push(`GET ${path} answered ${response.status}: ${server.logged[0] ?? body.slice(0, 200)}`);
  }
  return broken;
}

/** A route's URL pattern ("/accounts/:accountId/edit"), from its ancestors' paths. */
export function urlPattern(routes: Record<string, BuiltRoute>, id: string): string {
  const parts: string[] = [];
  for (let route = routes[id]; route; route = route.parentId ? routes[route.parentId] : undefined) {
    if (route.path) parts.unshift(route.path);
  }
  return `/${parts.join("/")}`;
}

/** The routes a form can post to: those with an action, by URL pattern. */
export function actionRoutes(routes: Record<string, BuiltRoute>): { id: string; pattern: string; page: boolean }[] {
  return Object.values(routes)
    .filter((route) => typeof route.module.action === "function")
    .map((route) => ({
      id: route.id,
      pattern: urlPattern(routes, route.id),
      page: typeof route.module.default === "function",
    }))
    .sort((x, y) => x.pattern.localeCompare(y.pattern));
}

/** Routes a browser GETs as pages (a component), by URL pattern; layouts answer through their index route. */
export function pageRoutes(routes: Record<string, BuiltRoute>): { id: string; pattern: string }[] {
  const byPattern = new Map<string, { id: string; index: boolean }>();
  for (const route of Object.values(routes)) {
    if (route.id === "root" || (!route.path && !route.index)) continue;
    if (typeof route.module.default !== "function" && typeof route.module.loader !== "function") continue;
    const pattern = urlPattern(routes, route.id);
    const known = byPattern.get(pattern);
    if (!known || (route.index && !known.index)) byPattern.set(pattern, { id: route.id, index: Boolean(route.index) });
  }
  return [...byPattern.entries()]
    .map(([pattern, { id }]) => ({ id, pattern }))
    .sort((x, y) => x.pattern.localeCompare(y.pattern));
}

/** A URL for a pattern with each `:param` filled: A's own record of that kind by default. */
export function fillPattern(pattern: string, ids: RecordIds, override?: (param: string) => string | undefined): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_match, param: string) => {
    const chosen = override?.(param);
    if (chosen !== undefined) return encodeURIComponent(chosen);
    const kind = param.replace(/Id$/, "") as keyof RecordIds;
    return encodeURIComponent(ids[kind] ?? "no-such-id");
  });
}

/** The fields of the forms in a page's HTML: each name with the values the page gives it (hidden inputs, buttons, options). */
export function formFieldsIn(html: string): Map<string, Set<string>> {
  const fields = new Map<string, Set<string>>();
  const attribute = (tag: string, name: string) =>
    new RegExp(`\\s${name}="([^"]*)"`)
      .exec(tag)?.[1]
      ?.replace(/&amp;/g, "&")
      .replace(/&quot;/g, '"');
  for (const match of html.matchAll(/<(input|textarea|select|button)\b[^>]*>/g)) {
    const tag = match[0];
    const name = attribute(tag, "name");
    if (!name) continue;
    const values = fields.get(name) ?? new Set<string>();
    const value = attribute(tag, "value");
    if (value !== undefined) values.add(value);
    fields.set(name, values);
  }
  return fields;
}

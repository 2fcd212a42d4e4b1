// Every URL the app answers, derived from the route files in app/routes, so the promise crawls
// (P13, P14 in tests/e2e/privacy-promises.e2e.ts) visit a page added tomorrow without anyone
// remembering to list it.
//
// How: Remix's own flat-routes function (the one the Vite plugin uses, with remix.config.js's
// ignored files) turns file names into a route tree; each route's URL is its ancestors' paths
// joined. One URL is answered by the deepest route at that path (an index route over its layout).
// That route's source decides what the URL is:
//   - "page":     the module has a default export (a component) — a page a browser renders;
//   - "action":   no component, but an action — a POST endpoint (/logout, /demo) whose GET only
//                 redirects; pages never link to it, forms post to it;
//   - "resource": no component, no action — a loader-only URL (a redirect like /settings, a file
//                 download, the start of the Google handshake).
// The cookie crawl GETs all three kinds (GET must be safe, and any response could set a cookie);
// the browser journey loads only pages.
import { readFileSync } from "node:fs";
import path from "node:path";
import { UNSAFE_flatRoutes } from "@remix-run/dev";
import remixConfig from "../../remix.config.js";
import { projectRoot } from "../../server/utils/project-root";

export type RouteKind = "page" | "action" | "resource";

export type AppRoute = {
  /** The URL pattern, React Router style: "/accounts/:accountId/edit". */
  path: string;
  kind: RouteKind;
  /** The route file that answers this URL, relative to app/. */
  file: string;
  /** Names of the dynamic segments, in order. */
  params: string[];
};

type ManifestEntry = { id: string; parentId?: string; path?: string; index?: boolean; file: string };

function joinPaths(parent: string, child: string | undefined): string {
  if (!child) return parent;
  return `${parent.replace(/\/$/, "")}/${child}`;
}

export function routeKind(source: string): RouteKind {
  if (/^export\s+default\b/m.test(source) || /^export\s*\{[^}]*\bdefault\b[^}]*\}/m.test(source)) return "page";
  if (/^export\s+(async\s+)?function\s+action\b/m.test(source) || /^export\s+const\s+action\b/m.test(source))
    return "action";
  return "resource";
}

/** The app's routes, one per URL, sorted by path. */
export function appRoutes(root = projectRoot()): AppRoute[] {
  const appDirectory = path.join(root, remixConfig.appDirectory ?? "app");
  const manifest = UNSAFE_flatRoutes(appDirectory, remixConfig.ignoredRouteFiles) as Record<string, ManifestEntry>;
  const fullPaths = new Map<string, string>();
  const fullPath = (entry: ManifestEntry): string => {
    const known = fullPaths.get(entry.id);
    if (known !== undefined) return known;
    const parent = entry.parentId && entry.parentId !== "root" ? manifest[entry.parentId] : undefined;
    const value = joinPaths(parent ? fullPath(parent) : "/", entry.path);
    fullPaths.set(entry.id, value);
    return value;
  };

  // The route that answers each URL: an index route wins over the layout at the same path.
  const answering = new Map<string, ManifestEntry>();
  for (const entry of Object.values(manifest)) {
    // A pathless layout (`_auth.tsx`) is not a URL of its own.
    if (!entry.path && !entry.index) continue;
    const url = fullPath(entry);
    const current = answering.get(url);
    if (!current || (entry.index && !current.index)) answering.set(url, entry);
  }

  return [...answering.entries()]
    .map(([url, entry]) => {
      if (/[*?()]/.test(url)) {
        throw new Error(
          `${entry.file} has a splat or optional segment (${url}); teach tests/promises/app-routes.ts how to fill it.`,
        );
      }
      return {
        path: url,
        kind: routeKind(readFileSync(path.join(appDirectory, entry.file), "utf8")),
        file: entry.file,
        params: url
          .split("/")
          .filter((segment) => segment.startsWith(":"))
          .map((segment) => segment.slice(1)),
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

export const PLACEHOLDER_ID = "no-such-id";

/** The hrefs of the links in a page's HTML (entities decoded). */
export function linksIn(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*?\shref="([^"]*)"/g)].map((match) => match[1]!.replace(/&amp;/g, "&"));
}

/**
 * Real URLs for the routes: every `:param` filled with an id found on the page one level up (the
 * id of /accounts/:accountId is the first link on /accounts to /accounts/<something>, skipping
 * static siblings such as /accounts/new). `fixed` gives values for parameters that are not ids
 * found by following links. A page's parameter that cannot be filled is an error that says what to
 * do; a non-page route gets PLACEHOLDER_ID instead (its GET is still worth asking).
 */
export async function concreteUrls(
  routes: AppRoute[],
  fetchHtml: (path: string) => Promise<string>,
  fixed: Record<string, string> = {},
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const htmlCache = new Map<string, Promise<string>>();
  const html = (url: string) => {
    let page = htmlCache.get(url);
    if (!page) {
      page = fetchHtml(url);
      htmlCache.set(url, page);
    }
    return page;
  };
  const urls = new Map<string, string>();
  for (const route of routes) {
    const segments = route.path.split("/");
    const concrete: string[] = [];
    for (let i = 0; i < segments.length; i += 1) {
      const segment = segments[i]!;
      if (!segment.startsWith(":")) {
        concrete.push(segment);
        continue;
      }
      const name = segment.slice(1);
      const key = segments.slice(0, i + 1).join("/");
      let value = fixed[name] ?? found.get(key);
      if (value === undefined) {
        const prefix = segments.slice(0, i).join("/");
        const listUrl = concrete.join("/") || "/";
        const staticSiblings = new Set(
          routes
            .map((r) => r.path.split("/"))
            .filter((s) => s.slice(0, i).join("/") === prefix && s[i] && !s[i]!.startsWith(":"))
            .map((s) => s[i]!),
        );
        value = linksIn(await html(listUrl))
          .map((href) => new URL(href, "http://app.invalid").pathname)
          .filter((pathname) => pathname.startsWith(`${listUrl.replace(/\/$/, "")}/`))
          .map((pathname) => decodeURIComponent(pathname.slice(listUrl.replace(/\/$/, "").length + 1).split("/")[0]!))
          .find((candidate) => candidate !== "" && !staticSiblings.has(candidate));
        if (value !== undefined) found.set(key, value);
        // A POST endpoint or download with an id nobody links to still gets its GET answered.
        else if (route.kind !== "page") value = PLACEHOLDER_ID;
        else {
          throw new Error(
            `No link on ${listUrl} gives a value for :${name} in ${route.path} (${route.file}). Make sure the crawl's account has such a record, or pass it in \`fixed\`.`,
          );
        }
      }
      concrete.push(encodeURIComponent(value));
    }
    urls.set(route.path, concrete.join("/") || "/");
  }
  return urls;
}

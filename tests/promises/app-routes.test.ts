// The page list the P13 and P14 crawls visit (tests/e2e/privacy-promises.e2e.ts) is derived from
// app/routes; these tests pin down how, so a mistake in the derivation cannot make the crawls
// silently skip pages.
import { describe, expect, it } from "vitest";
import { appRoutes, concreteUrls, linksIn, PLACEHOLDER_ID, routeKind, type AppRoute } from "./app-routes";

describe("the app's URLs, from app/routes", () => {
  const routes = appRoutes();
  const byPath = new Map(routes.map((route) => [route.path, route]));

  it("maps flat-route file names to URLs the way Remix does, one answering route per URL", () => {
    expect(byPath.get("/")).toMatchObject({ kind: "page", file: "routes/_index.tsx" });
    expect(byPath.get("/accounts")).toMatchObject({ kind: "page", file: "routes/accounts._index.tsx" });
    expect(byPath.get("/accounts/new")).toMatchObject({ kind: "page", params: [] });
    // The index route answers its layout's URL; `_` ends a layout's nesting.
    expect(byPath.get("/accounts/:accountId")).toMatchObject({
      kind: "page",
      file: "routes/accounts.$accountId._index.tsx",
      params: ["accountId"],
    });
    expect(byPath.get("/accounts/:accountId/timeline")).toMatchObject({
      kind: "page",
      file: "routes/accounts.$accountId.timeline.tsx",
    });
    expect(byPath.get("/accounts/:accountId/edit")).toMatchObject({
      kind: "page",
      file: "routes/accounts.$accountId_.edit.tsx",
    });
    expect(byPath.get("/brain/:threadId")).toMatchObject({ kind: "page", file: "routes/brain.$threadId.tsx" });
    expect(byPath.get("/settings/profile")).toMatchObject({ kind: "page" });
    expect(byPath.get("/settings/billing")).toMatchObject({ kind: "page" });
    expect(byPath.get("/privacy")).toMatchObject({ kind: "page" });
    expect(byPath.get("/auth/google/callback")).toMatchObject({ kind: "page" });
  });

  it("tells pages from POST-only routes and loader-only (resource) routes", () => {
    for (const path of ["/logout", "/demo", "/policy/acknowledge"]) expect(byPath.get(path)?.kind, path).toBe("action");
    // /settings only redirects (settings._index has no component); /auth/google only starts the handshake.
    for (const path of ["/settings", "/auth/google"]) expect(byPath.get(path)?.kind, path).toBe("resource");
    expect(routes.filter((route) => route.kind === "page").length).toBeGreaterThan(30);
  });

  it("gives every page with an id a page one level up to find ids on", () => {
    for (const route of routes.filter((r) => r.kind === "page" && r.params.length > 0)) {
      const segments = route.path.split("/");
      segments.forEach((segment, i) => {
        if (!segment.startsWith(":")) return;
        const listPath = segments.slice(0, i).join("/") || "/";
        expect(byPath.get(listPath)?.kind, `${route.path}: ${listPath} lists the ids of :${segment.slice(1)}`).toBe(
          "page",
        );
      });
    }
  });
});

describe("routeKind", () => {
  it("reads what a route module exports", () => {
    expect(routeKind("export default function Page() {}")).toBe("page");
    expect(routeKind("function Page() {}\nexport { Page as default };")).toBe("page");
    expect(routeKind("export async function action() {}\nexport async function loader() {}")).toBe("action");
    expect(routeKind("export const action = async () => null;")).toBe("action");
    expect(routeKind("export async function loader() { return redirect('/'); }")).toBe("resource");
  });
});

describe("concreteUrls", () => {
  const route = (path: string, kind: AppRoute["kind"] = "page"): AppRoute => ({
    path,
    kind,
    file: `routes${path}.tsx`,
    params: path
      .split("/")
      .filter((s) => s.startsWith(":"))
      .map((s) => s.slice(1)),
  });
  const pages: Record<string, string> = {
    "/accounts":
      '<a href="/accounts/new">New</a> <a class="x" href="/accounts?cursor=abc&amp;q=1">More</a> <a href="/accounts/acc_1">Acme</a> <a href="/accounts/acc_2">Bolt</a>',
    "/accounts/acc_1/people": '<a href="/accounts/acc_1">Back</a> <a href="/accounts/acc_1/people/p_9">Pat</a>',
  };
  const fetchHtml = (path: string) => Promise.resolve(pages[path] ?? "<p>Not Found</p>");

  it("fills ids from the first link one level up, skipping static siblings, and reuses them", async () => {
    const urls = await concreteUrls(
      [
        route("/accounts"),
        route("/accounts/new"),
        route("/accounts/:accountId"),
        route("/accounts/:accountId/edit"),
        route("/accounts/:accountId/people/:personId"),
      ],
      fetchHtml,
    );
    expect(Object.fromEntries(urls)).toEqual({
      "/accounts": "/accounts",
      "/accounts/new": "/accounts/new",
      "/accounts/:accountId": "/accounts/acc_1",
      "/accounts/:accountId/edit": "/accounts/acc_1/edit",
      "/accounts/:accountId/people/:personId": "/accounts/acc_1/people/p_9",
    });
  });

  it("takes fixed values, puts a placeholder in non-pages, and fails loudly for a page it cannot fill", async () => {
    expect(
      (await concreteUrls([route("/connections/:provider")], fetchHtml, { provider: "gmail" })).get(
        "/connections/:provider",
      ),
    ).toBe("/connections/gmail");
    expect((await concreteUrls([route("/webhooks/:provider", "action")], fetchHtml)).get("/webhooks/:provider")).toBe(
      `/webhooks/${PLACEHOLDER_ID}`,
    );
    await expect(concreteUrls([route("/meetings/:meetingId")], fetchHtml)).rejects.toThrow(
      /No link on \/meetings gives a value for :meetingId/,
    );
  });

  it("reads hrefs out of HTML", () => {
    expect(linksIn('<a href="/a">x</a><link href="/style.css"><a data-x="1" href="/b?c=1&amp;d=2">y</a>')).toEqual([
      "/a",
      "/b?c=1&d=2",
    ]);
  });
});

// The Remix app as a server build made in the test process, from the route files themselves: what
// `npm run build` would bundle, without bundling. Its route modules share the test file's modules
// (the same database singleton, the same env cache), so a test can speak real HTTP to the whole
// Express app — same-origin check, session, Remix's own checks, the action, the rendered page —
// without a build on disk and without a second copy of the server.
import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
import { UNSAFE_flatRoutes } from "@remix-run/dev";
import remixConfig from "../../remix.config.js";
import { projectRoot } from "../../server/utils/project-root";

type ManifestEntry = {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
  file: string;
};
type RouteModule = Record<string, unknown>;

export type BuiltRoute = ManifestEntry & { module: RouteModule };

/** Every route of app/ with its module imported, keyed by route id ("root" included). */
export async function appRouteModules(): Promise<Record<string, BuiltRoute>> {
  const appDirectory = path.join(projectRoot(), remixConfig.appDirectory ?? "app");
  const manifest = {
    root: { id: "root", file: "root.tsx" },
    ...(UNSAFE_flatRoutes(appDirectory, remixConfig.ignoredRouteFiles) as Record<string, ManifestEntry>),
  } as Record<string, ManifestEntry>;
  const routes: Record<string, BuiltRoute> = {};
  for (const [id, entry] of Object.entries(manifest)) {
    const module = (await import(/* @vite-ignore */ path.join(appDirectory, entry.file))) as RouteModule;
    routes[id] = { ...entry, parentId: entry.parentId ?? (id === "root" ? undefined : "root"), module };
  }
  return routes;
}

/** A ServerBuild of the app, for createRequestHandler (server/app.ts's remixPages). */
/** Where a route sits in the tree: the same in the server's route table and the browser's manifest. */
function placeOf(route: BuiltRoute) {
  const { id, parentId, path, index, caseSensitive } = route;
  return { id, parentId, path, index, caseSensitive };
}

export async function inProcessServerBuild(): Promise<{ build: ServerBuild; routes: Record<string, BuiltRoute> }> {
  const routes = await appRouteModules();
  const entryServer = (await import("../../app/entry.server")) as unknown as ServerBuild["entry"]["module"];
  const exported = (module: RouteModule, name: string) => typeof module[name] === "function" || module[name] != null;
  const assetRoutes = Object.fromEntries(
    Object.values(routes).map((route) => [
      route.id,
      {
        ...placeOf(route),
        module: `/test-build/${route.file}`,
        imports: [],
        hasAction: exported(route.module, "action"),
        hasLoader: exported(route.module, "loader"),
        hasClientAction: exported(route.module, "clientAction"),
        hasClientLoader: exported(route.module, "clientLoader"),
        hasErrorBoundary: exported(route.module, "ErrorBoundary"),
      },
    ]),
  );
  const build: ServerBuild = {
    mode: "production",
    entry: { module: entryServer },
    routes: Object.fromEntries(
      Object.values(routes).map((route) => [
        route.id,
        {
          ...placeOf(route),
          module: route.module as never,
        },
      ]),
    ),
    assets: {
      entry: { imports: [], module: "/test-build/entry.client.js" },
      routes: assetRoutes,
      url: "/test-build/manifest.js",
      version: "test",
    },
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    future: remixConfig.future as ServerBuild["future"],
    isSpaMode: false,
  };
  return { build, routes };
}

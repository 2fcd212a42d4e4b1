// The real Express app serving a few of the app's real Remix routes, over real HTTP: for tests of
// what happens between the socket and an action (body limits, non-form bodies, Host and Origin,
// redirects) that calling an action as a function would skip. The build is assembled here from the
// route modules (no Vite, no client bundle); a page answers JSON of what it would have rendered
// (status, action and loader data, the error boundary's error) instead of HTML.
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { EntryContext, ServerBuild } from "@remix-run/node";
import remixConfig from "../../remix.config.js";
import { createApp } from "../../server/app";
import { parseEnv } from "../../server/env";
import { projectRoot } from "../../server/utils/project-root";

/** URL path (no leading slash) → route file under app/routes, e.g. { login: "login.tsx" }. */
export type TestRoutes = Record<string, string>;

/** What a rendered page would have shown, as the test entry answers it. */
export type RenderedPage = {
  status: number;
  actionData: unknown;
  loaderData: unknown;
  errors: Record<string, { status?: number; message?: string; data?: unknown }> | null;
};

async function assembleBuild(routes: TestRoutes): Promise<ServerBuild> {
  const routeManifest: ServerBuild["routes"] = {
    root: { id: "root", path: "", module: { default: () => null } },
  };
  for (const [urlPath, file] of Object.entries(routes)) {
    const id = `routes/${file.replace(/\.tsx?$/, "")}`;
    const module = (await import(
      pathToFileURL(path.join(projectRoot(), "app", "routes", file)).href
    )) as ServerBuild["routes"][string]["module"];
    routeManifest[id] = { id, parentId: "root", path: urlPath, module };
  }
  const render = (_request: Request, status: number, headers: Headers, context: EntryContext) => {
    const { actionData, loaderData, errors } = context.staticHandlerContext;
    const shown: RenderedPage["errors"] = errors
      ? Object.fromEntries(
          Object.entries(errors).map(([id, error]) => [
            id,
            error instanceof Error ? { message: error.message } : (error as { status?: number; data?: unknown }),
          ]),
        )
      : null;
    headers.set("Content-Type", "application/json");
    return new Response(JSON.stringify({ status, actionData, loaderData, errors: shown }), { status, headers });
  };
  return {
    mode: "production",
    entry: { module: { default: render } },
    routes: routeManifest,
    assets: { entry: { module: "/entry.js", imports: [] }, routes: {}, url: "/manifest.js", version: "test" },
    publicPath: "/",
    assetsBuildDirectory: "build/client",
    future: remixConfig.future as ServerBuild["future"],
    isSpaMode: false,
  };
}

export async function startRemixTestServer(options: {
  routes: TestRoutes;
  env?: Record<string, string>;
}): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const env = parseEnv({ NODE_ENV: "test", LOG_LEVEL: "silent", ...options.env });
  const { app, close } = await createApp({
    env,
    pages: { kind: "remix", build: await assembleBuild(options.routes) },
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
    },
  };
}

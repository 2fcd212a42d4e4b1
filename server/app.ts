// The Express application: the order of middleware is the request's path through the server.
//   request log → security headers → static files → /healthz → session → /api/trpc → Remix
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { sessionMiddleware } from "./auth/middleware";
import { getDb } from "./db/client";
import { checkDatabase } from "./db/health";
import type { Env } from "./env";
import { asyncHandler } from "./http/async-handler";
import { createFetchRequest, sendFetchResponse } from "./http/fetch-bridge";
import { requestLog } from "./http/request-log";
import { sameOriginOnly } from "./http/same-origin";
import { securityHeaders } from "./http/security-headers";
import { logger } from "./logger";
import { signedOut } from "./trpc/context";
import { TRPC_ENDPOINT, trpcHandler } from "./trpc/http";
import { projectRoot } from "./utils/project-root";

/** How pages are served: Vite's dev server (HMR), a production build, or a handler a test supplies. */
export type PagesMode =
  { kind: "vite" } | { kind: "build"; buildDir?: string } | { kind: "handler"; handler: RequestHandler };

export type AppOptions = {
  env: Env;
  pages: PagesMode;
  /** The HTTP server the app will be attached to: Vite's HMR websocket shares its port. */
  httpServer?: Server;
};

export async function createApp(options: AppOptions): Promise<{ app: express.Express; close: () => Promise<void> }> {
  const { env } = options;
  const app = express();
  app.disable("x-powered-by");
  if (env.TRUST_PROXY) app.set("trust proxy", 1);

  const secure = env.httpsProtections;
  app.use(requestLog({ trustProxy: env.TRUST_PROXY }));
  app.use(
    securityHeaders({
      hsts: secure,
      development: options.pages.kind === "vite",
      connectOrigins: [new URL(env.ANTHROPIC_BROWSER_BASE_URL).origin],
    }),
  );
  app.use(sameOriginOnly({ appUrl: env.APP_URL }));

  let closeVite = async () => {};
  let pages: RequestHandler;
  if (options.pages.kind === "vite") {
    const vite = await import("vite").then((v) =>
      v.createServer({
        server: { middlewareMode: true, hmr: options.httpServer ? { server: options.httpServer } : undefined },
        appType: "custom",
      }),
    );
    closeVite = () => vite.close();
    app.use(vite.middlewares);
    pages = remixPages(() => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>, "development");
  } else if (options.pages.kind === "build") {
    const buildDir = options.pages.buildDir ?? path.join(projectRoot(), "build");
    // Fingerprinted assets never change; everything else is revalidated hourly.
    app.use(
      "/assets",
      express.static(path.join(buildDir, "client", "assets"), { immutable: true, maxAge: "1y", index: false }),
    );
    app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h", index: false }));
    const serverBuild = (await import(pathToFileURL(path.join(buildDir, "server", "index.js")).href)) as ServerBuild;
    pages = remixPages(serverBuild, "production");
  } else {
    pages = options.pages.handler;
  }

  app.get(
    "/healthz",
    asyncHandler(async (_req, res) => {
      const database = await checkDatabase(await getDb());
      res.status(database.ok ? 200 : 503).setHeader("Cache-Control", "no-store");
      res.json({ status: database.ok ? "ok" : "unavailable", database });
    }),
  );

  if (env.FAKE_GOOGLE) {
    // The demo's stand-in for Google (tests/fakes/google-oauth), on this origin: see ADR 006.
    const { demoFakeGoogle } = await import("../tests/fakes/google-oauth/demo");
    app.use("/dev/fake-google", demoFakeGoogle(env).router());
  }

  app.use(sessionMiddleware({ db: getDb, secureCookies: secure }));
  app.use((_req, res, next) => {
    // Pages and answers for a signed-in user are theirs alone: never kept by a browser or proxy cache.
    if (res.locals.auth?.user) res.setHeader("Cache-Control", "no-store");
    next();
  });
  app.all(`${TRPC_ENDPOINT}/*`, trpcHandler());
  app.all("*", pages);
  app.use(errorHandler);

  return { app, close: closeVite };
}

/**
 * Remix behind Express: @remix-run/express's handler, but sending bodies with backpressure
 * (server/http/fetch-bridge.ts says why).
 */
export function remixPages(
  build: ServerBuild | (() => Promise<ServerBuild>),
  mode: "development" | "production",
): RequestHandler {
  const handle = createRequestHandler(build, mode);
  return asyncHandler(async (req, res) => {
    const response = await handle(createFetchRequest(req, res), {
      auth: res.locals.auth ?? signedOut,
      requestId: res.locals.requestId ?? "unknown",
      client: { ip: req.ip ?? null, userAgent: req.get("user-agent") ?? null },
      cspNonce: res.locals.cspNonce ?? "",
    });
    await sendFetchResponse(res, response);
  });
}

/** Last resort: log the detail, tell the user something clear, never leak a stack trace. */
const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  const requestId = res.locals.requestId;
  logger().error({ requestId, err: error }, "unhandled error");
  if (res.headersSent) return next(error);
  res
    .status(500)
    .type("text/plain")
    .send(`Something went wrong on our side. Reference: ${requestId ?? "unknown"}`);
};

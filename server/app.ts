// The Express application: the order of middleware is the request's path through the server.
//   request log → security headers → body limit → same origin → static files → /healthz
//   → /dev guard (→ fake Google and its APIs, fake Salesforce, fake Outreach) → session → /api/trpc → Remix
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { sessionMiddleware } from "./auth/middleware";
import { getDb } from "./db/client";
import { checkDatabase } from "./db/health";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "./db/unavailable";
import type { Env } from "./env";
import { asyncHandler } from "./http/async-handler";
import { answerBodyTooLarge, bodyLimit } from "./http/body-limit";
import { devRoutesGuard } from "./http/dev-routes";
import { BadRequestTargetError, createFetchRequest, sendFetchResponse } from "./http/fetch-bridge";
import { requestLog } from "./http/request-log";
import { sameOriginOnly } from "./http/same-origin";
import { stripeHostedOrigins } from "./billing/stripe-endpoint";
import { securityHeaders } from "./http/security-headers";
import { logger } from "./logger";
import { signedOut } from "./trpc/context";
import { TRPC_ENDPOINT, trpcHandler } from "./trpc/http";
import { projectRoot } from "./utils/project-root";

/** How pages are served: Vite's dev server (HMR), a production build, or a handler a test supplies. */
export type PagesMode =
  | { kind: "vite" }
  | { kind: "build"; buildDir?: string }
  /** A Remix build a test assembled from route modules (tests/helpers/remix-server.ts). */
  | { kind: "remix"; build: ServerBuild }
  | { kind: "handler"; handler: RequestHandler };

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
  // Only the proxies TRUST_PROXY names may say who the client is (req.ip, req.protocol): see env.ts.
  app.set("trust proxy", env.TRUST_PROXY);

  const secure = env.httpsProtections;
  app.use(requestLog());
  app.use(
    securityHeaders({
      hsts: secure,
      development: options.pages.kind === "vite",
      connectOrigins: [new URL(env.ANTHROPIC_BROWSER_BASE_URL).origin],
      formActionOrigins: stripeHostedOrigins,
    }),
  );
  // Before anything reads a body (server/http/body-limit.ts).
  app.use(bodyLimit());
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
    pages = remixPages(
      () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
      "development",
      env.APP_URL,
    );
  } else if (options.pages.kind === "build") {
    const buildDir = options.pages.buildDir ?? path.join(projectRoot(), "build");
    // Fingerprinted assets never change; everything else is revalidated hourly.
    app.use(
      "/assets",
      express.static(path.join(buildDir, "client", "assets"), { immutable: true, maxAge: "1y", index: false }),
    );
    app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h", index: false }));
    const serverBuild = (await import(pathToFileURL(path.join(buildDir, "server", "index.js")).href)) as ServerBuild;
    pages = remixPages(serverBuild, "production", env.APP_URL);
  } else if (options.pages.kind === "remix") {
    pages = remixPages(options.pages.build, "production", env.APP_URL);
  } else {
    pages = options.pages.handler;
  }

  app.get(
    "/healthz",
    asyncHandler(async (_req, res) => {
      // Up or down, nothing more: the reason (a host and port, a driver's message) is for the log.
      const database = await checkDatabase(await getDb());
      if (!database.ok) logger().warn({ requestId: res.locals.requestId, database }, "health check failed");
      res.status(database.ok ? 200 : 503).setHeader("Cache-Control", "no-store");
      res.json({ status: database.ok ? "ok" : "unavailable" });
    }),
  );

  app.use("/dev", devRoutesGuard());
  if (env.FAKE_GOOGLE) {
    // The demo's stand-in for Google (tests/fakes/google-oauth), on this origin: see ADR 006. Its
    // router parses its own form posts; the body limit has read the body already, so it gets it parsed.
    const { demoFakeGoogle } = await import("../tests/fakes/google-oauth/demo");
    app.use("/dev/fake-google", formBodyFromLimit, demoFakeGoogle(env).router());
    // Its Gmail and Calendar APIs (env().googleApiBaseUrl), which this server's own sync calls over
    // loopback with bearer tokens the fake issued: GET requests with no session cookie, answered
    // before the session middleware and the pages.
    const { demoFakeGoogleApisRouter } = await import("../tests/fakes/google-apis/demo");
    app.use("/dev/fake-google-apis", await demoFakeGoogleApisRouter(env));
  }
  if (env.FAKE_SALESFORCE) {
    // The demo's stand-in for Salesforce: its OAuth (the login host) at /dev/fake-salesforce, which is
    // also the instance_url its grants name, so its REST API is mounted beside it.
    const { demoFakeSalesforceOAuth } = await import("../tests/fakes/salesforce/oauth");
    app.use("/dev/fake-salesforce", formBodyFromLimit, demoFakeSalesforceOAuth(env).router());
    // Its REST API (/services/data/…), one demo org built from the demo workspace, checking the tokens
    // the OAuth fake issued; called by this server's own sync over loopback.
    const { demoFakeSalesforceApiRouter } = await import("../tests/fakes/salesforce/demo");
    app.use("/dev/fake-salesforce", await demoFakeSalesforceApiRouter(env));
  }
  if (env.FAKE_OUTREACH) {
    // The demo's stand-in for Outreach: OAuth at /dev/fake-outreach/oauth/…, its API at /api/v2.
    const { demoFakeOutreachOAuth } = await import("../tests/fakes/outreach/oauth");
    app.use("/dev/fake-outreach", formBodyFromLimit, demoFakeOutreachOAuth(env).router());
    const { demoFakeOutreachApiRouter } = await import("../tests/fakes/outreach/demo");
    app.use("/dev/fake-outreach", await demoFakeOutreachApiRouter(env));
  }

  app.use(sessionMiddleware({ db: getDb, secureCookies: secure }));
  app.use((_req, res, next) => {
    // Pages and answers for a signed-in user are theirs alone: never kept by a browser or proxy cache.
    if (res.locals.auth?.user) res.setHeader("Cache-Control", "no-store");
    next();
  });
  app.all(`${TRPC_ENDPOINT}/*`, trpcHandler({ appUrl: env.APP_URL }));
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
  appUrl: string,
): RequestHandler {
  const handle = createRequestHandler(build, mode);
  return asyncHandler(async (req, res) => {
    const answerHeaders = new Headers();
    const response = await handle(createFetchRequest(req, res, appUrl), {
      auth: res.locals.auth ?? signedOut,
      requestId: res.locals.requestId ?? "unknown",
      client: { ip: req.ip ?? null, userAgent: req.get("user-agent") ?? null },
      cspNonce: res.locals.cspNonce ?? "",
      answerHeaders,
    });
    // A counted upload that passed its cap is a 413, even if the code that read it failed on it.
    if (res.locals.bodyTooLarge && response.status >= 500) {
      await response.body?.cancel();
      return answerBodyTooLarge(req, res);
    }
    for (const [name, value] of answerHeaders) res.setHeader(name, value);
    await sendFetchResponse(res, response);
  });
}

/** For a router that parses url-encoded bodies itself (body-parser skips a request marked `_body`). */
const formBodyFromLimit: RequestHandler = (req, res, next) => {
  const body = res.locals.body;
  if (body && "bytes" in body) {
    const parsed = Object.fromEntries(new URLSearchParams(new TextDecoder().decode(body.bytes)));
    Object.assign(req, { body: parsed, _body: true });
  }
  next();
};

/** Last resort: log the detail, tell the user something clear, never leak a stack trace. */
const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  const requestId = res.locals.requestId;
  if (error instanceof BadRequestTargetError) {
    res.status(400).type("text/plain").send("Bad Request: that is not an address on this site.");
    return;
  }
  logger().error({ requestId, err: error }, "unhandled error");
  if (res.headersSent) return next(error);
  // The session lookup (or anything before the pages) found the database not answering: try again.
  if (isDatabaseUnavailable(error)) {
    res.status(503).setHeader("Retry-After", "5").type("text/plain").send(DATABASE_UNAVAILABLE_MESSAGE);
    return;
  }
  res
    .status(500)
    .type("text/plain")
    .send(`Something went wrong on our side. Reference: ${requestId ?? "unknown"}`);
};

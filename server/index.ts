// The Node entry: validate the environment, open and prepare the database, serve, and shut down
// cleanly on SIGTERM/SIGINT (finish in-flight requests, then close the database and its lock).
import { createServer } from "node:http";
import { createApp, type PagesMode } from "./app";
import { closeDatabase, getDatabase } from "./db/client";
import { prepareDatabase } from "./db/prepare";
import { env, EnvError, type Env } from "./env";
import { logger } from "./logger";
import { jobHandlers } from "./jobs/handlers";
import { setJobs, startJobs, type Jobs } from "./jobs/jobs";
import { kickMailDelivery, mailDeliveryIdle } from "./mail/outbox";
import { setStartedFakeStripeUrl } from "./billing/stripe-endpoint";

const SHUTDOWN_GRACE_MS = 10_000;

async function main() {
  const config = env();
  const started = performance.now();
  const database = await getDatabase();
  const prepared = await prepareDatabase(database, config);
  const pages: PagesMode = process.env.NODE_ENV === "production" ? { kind: "build" } : { kind: "vite" };
  const server = createServer();
  const { app, close: closePages } = await createApp({ env: config, pages, httpServer: server });
  server.on("request", app);
  // Background jobs (deletion purges, polling, mail retries) run in this process unless JOBS=false,
  // e.g. on extra web processes when another one runs them (docs/decisions/009-jobs.md).
  let jobs: Jobs | null = null;
  if (config.JOBS) {
    jobs = await startJobs(database, jobHandlers(database.prisma));
    setJobs(jobs);
  }
  kickMailDelivery(database.prisma);
  const fakeStripe = await startDemoFakeStripe(config);

  server.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.PORT;
    // Loopback and wildcard binds are reached as localhost; anything else by the address bound.
    const local = ["0.0.0.0", "127.0.0.1", "::", "::1", "localhost"].includes(config.HOST);
    const url = `http://${local ? "localhost" : config.HOST}:${port}`;
    logger().info(
      {
        url,
        database: database.kind,
        migrationsApplied: prepared.migrations.applied.length,
        startupMs: Math.round(performance.now() - started),
      },
      "listening",
    );
    // Plain lines for the person who ran `npm start`.
    console.log(
      `\n  Sales-as-Code is running at ${url}  (${database.kind === "pglite" ? `embedded database in ${config.DATA_DIR}` : "PostgreSQL"})`,
    );
    if (prepared.demo) {
      console.log(`  Demo: open ${url} and choose "Try the demo" — you are signed in as ${prepared.demo.email}.`);
    }
    if (fakeStripe) console.log(fakeStripe.hint);
    console.log("");
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger().info({ signal }, "shutting down");
    const force = setTimeout(() => {
      logger().warn("requests still open after the grace period; closing them");
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    const stopEverything = async () => {
      if (jobs) {
        setJobs(null);
        await jobs.stop();
      }
      await mailDeliveryIdle();
      if (fakeStripe) {
        setStartedFakeStripeUrl(null);
        await fakeStripe.stop();
      }
      await closePages();
      await closeDatabase();
    };
    server.close(() => {
      stopEverything().then(
        () => {
          logger().info("stopped");
          process.exit(0);
        },
        (error: unknown) => {
          logger().error({ err: error }, "error while shutting down");
          process.exit(1);
        },
      );
    });
    // Keep-alive connections with no request in flight would hold server.close() open.
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

/** The demo's fake Stripe on its own port (FAKE_STRIPE without STRIPE_API_BASE_URL); a busy port is
 *  a warning, not a failed start: the app runs, and billing answers that Stripe is unreachable. */
async function startDemoFakeStripe(config: Env) {
  if (config.stripe?.kind !== "fake" || config.stripe.apiBaseUrl) return null;
  try {
    const { startDemoFakeStripe: start, demoFakeStripeHint } = await import("../tests/fakes/stripe/demo");
    const fake = await start();
    setStartedFakeStripeUrl(fake.url);
    return { stop: () => fake.stop(), hint: demoFakeStripeHint(fake.url) };
  } catch (error) {
    logger().warn(
      { err: error, port: config.stripe.port },
      "the demo's fake Stripe could not start (is FAKE_STRIPE_PORT busy?); billing is unavailable",
    );
    return null;
  }
}

main().catch(async (error: unknown) => {
  if (error instanceof EnvError) {
    console.error(error.message);
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  }
  await closeDatabase().catch(() => {});
  process.exit(1);
});

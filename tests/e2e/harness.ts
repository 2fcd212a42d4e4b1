// The journeys' fixtures: the built app in a child process with its own data directory, and a
// headless Chromium. Nothing here reaches beyond loopback.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { projectRoot } from "../../server/utils/project-root";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Flags for a closed network: no background requests, no first-run UI, no sandbox as root. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export type RunningApp = {
  url: string;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  /** SIGTERM, then wait for the exit; resolves with the exit code. */
  stop: () => Promise<number | null>;
};

/**
 * Starts `node build/server-entry.js` the way `npm start` does (or, with `dev`, `npm run dev`'s
 * `tsx server/index.ts` with Vite as middleware), on a fresh embedded database.
 */
export async function startApp(
  options: { dataDir?: string; env?: Record<string, string>; waitUntilReady?: boolean; dev?: boolean } = {},
): Promise<RunningApp> {
  const root = projectRoot();
  const port = await freePort();
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "sac-e2e-"));
  let output = "";
  const args = options.dev
    ? [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "server", "index.ts")]
    : [path.join(root, "build", "server-entry.js")];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: options.dev ? "development" : "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://localhost:${port}`;
  const app: RunningApp = {
    url,
    dataDir,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const code = await exited;
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
  if (options.waitUntilReady === false) return app;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`The app exited with ${child.exitCode} before it was ready:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return app;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await app.stop();
      throw new Error(`The app did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A browser context that records every request leaving the page, to prove where it went. */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}) {
  const context = await browser.newContext(options);
  const requests: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  return { context, requests };
}

/**
 * Collects uncaught page errors and console errors; a clean journey ends with an empty list.
 * `expectedStatuses`: HTTP statuses the journey provokes on purpose (a form answered 400 with its
 * field errors), which the browser logs as "Failed to load resource".
 */
export function collectPageErrors(page: Page, options: { expectedStatuses?: number[] } = {}): string[] {
  const errors: string[] = [];
  const expected = (options.expectedStatuses ?? []).map((status) => `the server responded with a status of ${status} `);
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (text.startsWith("Failed to load resource") && expected.some((e) => text.includes(e))) return;
    errors.push(text);
  });
  return errors;
}

/**
 * One running app and one browser for a journey file: started before its tests, stopped after.
 * Read `journey.app` and `journey.browser` inside tests (they are set by then).
 */
export function useAppAndBrowser(options: Parameters<typeof startApp>[0] = {}): { app: RunningApp; browser: Browser } {
  const journey = {} as { app: RunningApp; browser: Browser };
  beforeAll(async () => {
    [journey.app, journey.browser] = await Promise.all([startApp(options), launchBrowser()]);
  });
  afterAll(async () => {
    await journey.browser?.close();
    await journey.app?.stop();
  });
  return journey;
}

/**
 * Waits until Remix has no navigation in flight. The URL changes when a navigation starts, and a
 * click on a link to the page already shown changes nothing visible until its loaders finish — then
 * the page re-renders (and closes, say, a dialog opened meanwhile).
 */
export async function waitForRemixIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const router = (window as unknown as { __remixRouter?: { state: { navigation: { state: string } } } })
      .__remixRouter;
    return !router || router.state.navigation.state === "idle";
  });
}

/** From the home page, "Try the demo" signs in to the demo workspace and lands on the dashboard. */
export async function tryTheDemo(page: Page, appUrl: string): Promise<void> {
  await page.goto(appUrl);
  await page.getByTestId("try-demo").click();
  await page.waitForURL(`${appUrl}/dashboard`);
}

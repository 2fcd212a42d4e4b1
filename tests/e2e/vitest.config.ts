// Browser journeys: the built app (npm run build, done here when stale) started on a free loopback
// port with a fresh embedded database, driven by playwright-core in Debian's Chromium.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["tests/e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["tests/e2e/global-setup.ts"],
    // Each file starts its own server and browser; two at a time suit a 2-core machine.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});

// Vitest runs the unit and integration tests without the Remix plugin (route modules are plain
// modules to it). Each test file gets its own database, made lazily from a migrated template:
// tests/setup/global-setup.ts builds the template, tests/setup/per-file.ts hands out copies.
// Browser journeys have their own config (tests/e2e/vitest.config.ts).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "app/**/*.test.{ts,tsx}",
      "server/**/*.test.ts",
      "prisma/**/*.test.ts",
      "scripts/**/*.test.ts",
      "tests/**/*.test.ts",
    ],
    exclude: ["tests/e2e/**", "node_modules/**", "build/**"],
    environment: "node",
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/per-file.ts"],
    // Generous: these bound hangs, they are not speed checks (speed lives in bench/).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: "test", LOG_LEVEL: "silent" },
  },
});

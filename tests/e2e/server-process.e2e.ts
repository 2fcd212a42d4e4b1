import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../server/utils/project-root";
import { startApp } from "./harness";

describe("the built server process", () => {
  it("migrates and seeds a fresh embedded database, then stops cleanly on SIGTERM and releases it", async () => {
    const app = await startApp({ env: { LOG_LEVEL: "info" } });
    const health = (await (await fetch(`${app.url}/healthz`)).json()) as { status: string };
    expect(health.status).toBe("ok");
    expect(app.output()).toContain('"msg":"demo workspace seeded"');
    expect(existsSync(path.join(app.dataDir, "pglite.lock"))).toBe(true);

    app.process.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => app.process.once("exit", resolve));
    expect(code).toBe(0);
    expect(app.output()).toContain('"msg":"stopped"');
    expect(existsSync(path.join(app.dataDir, "pglite.lock"))).toBe(false);

    // The data survived: a restart on the same directory seeds nothing and serves the same data.
    const again = await startApp({ dataDir: app.dataDir, env: { LOG_LEVEL: "info" } });
    expect(again.output()).not.toContain("demo workspace seeded");
    expect(await again.stop()).toBe(0);
    await app.stop();
  });

  it("refuses a second process on the same embedded database with a message that says what to do", async () => {
    const first = await startApp();
    const second = await startApp({ dataDir: first.dataDir, waitUntilReady: false });
    const code = await new Promise<number | null>((resolve) => second.process.once("exit", resolve));
    expect(code).toBe(1);
    expect(second.output()).toMatch(/already open in another process \(pid \d+\)/);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    await first.stop();
  });

  it("ships no server-only code to browsers", () => {
    const clientDir = path.join(projectRoot(), "build", "client");
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith(".js")) files.push(full);
      }
    };
    walk(clientDir);
    expect(files.length).toBeGreaterThan(3);
    // Names and string literals that only server modules contain (minification keeps strings).
    // Not `process.env`: the Anthropic SDK, which browsers use with a user's own key (P16), reads it
    // defensively and is fine in a browser.
    const markers = [
      "PrismaClient",
      "@prisma/",
      "pglite",
      "argon2",
      "DATABASE_URL",
      "secretHash",
      "node:crypto",
      "pg-boss",
      "Invalid environment:",
      "_prisma_migrations",
      "websearch_to_tsquery",
      "rate_limit_buckets",
      "si_oauth_state",
    ];
    const found = files.flatMap((file) => {
      const text = readFileSync(file, "utf8");
      return markers.filter((marker) => text.includes(marker)).map((marker) => `${path.basename(file)}: ${marker}`);
    });
    expect(found).toEqual([]);
  });
});

// npm start — serves the production build, building it first when there is none or when the
// sources changed since (so `npm ci && npm start` works on a fresh clone with no other step).
// The embedded database is migrated and seeded by the server itself (server/db/prepare.ts).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildState } from "./build-freshness.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const state = buildState(root);
if (state !== "fresh") {
  console.log(
    state === "missing"
      ? "No build yet: building the app (takes a few seconds)…"
      : "Sources changed since the last build: rebuilding…",
  );
  const result = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

process.env.NODE_ENV = "production";
await import(pathToFileURL(path.join(root, "build/server-entry.js")).href);

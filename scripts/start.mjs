// npm start — serves the production build, building it first when there is none or when the
// sources changed since (so `npm ci && npm start` works on a fresh clone with no other step).
// The embedded database is migrated and seeded by the server itself (server/db/prepare.ts).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stamp = path.join(root, "build/.stamp");
const sources = ["app", "server", "prisma", "public", "package-lock.json", "vite.config.ts", "remix.config.js"];
const skip = new Set([path.join(root, "server/db/generated"), path.join(root, "node_modules")]);

function newestChange(entry) {
  if (skip.has(entry) || !existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestChange(path.join(entry, child)));
  return newest;
}

const builtAt = existsSync(stamp) && existsSync(path.join(root, "build/server-entry.js")) ? statSync(stamp).mtimeMs : 0;
const changedAt = Math.max(...sources.map((source) => newestChange(path.join(root, source))));
if (builtAt === 0 || changedAt > builtAt) {
  console.log(builtAt === 0 ? "No build yet: building the app (about a minute)…" : "Sources changed since the last build: rebuilding…");
  const result = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

process.env.NODE_ENV = "production";
await import(pathToFileURL(path.join(root, "build/server-entry.js")).href);

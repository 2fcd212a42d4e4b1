// Whether build/ is missing or older than the sources it is built from. Used by `npm start` and by
// the browser journeys' setup, so both rebuild in exactly the same cases.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// tests/fakes is built in too: the local demo serves the fake Google from it.
const SOURCES = [
  "app",
  "server",
  "prisma",
  "public",
  "tests/fakes",
  "package-lock.json",
  "vite.config.ts",
  "remix.config.js",
];

function newestChange(entry, skip) {
  if (skip.has(entry) || !existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestChange(path.join(entry, child), skip));
  return newest;
}

/** @returns {"missing" | "stale" | "fresh"} */
export function buildState(root) {
  const stamp = path.join(root, "build", ".stamp");
  if (!existsSync(stamp) || !existsSync(path.join(root, "build", "server-entry.js"))) return "missing";
  const skip = new Set([path.join(root, "server", "db", "generated"), path.join(root, "node_modules")]);
  const changedAt = Math.max(...SOURCES.map((source) => newestChange(path.join(root, source), skip)));
  return changedAt > statSync(stamp).mtimeMs ? "stale" : "fresh";
}

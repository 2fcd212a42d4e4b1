// Builds the app once before the journeys when there is no build or the sources are newer.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../../server/utils/project-root";

function newest(entry: string): number {
  if (!existsSync(entry) || entry.endsWith(path.join("db", "generated"))) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((max, child) => Math.max(max, newest(path.join(entry, child))), stat.mtimeMs);
}

export default function setup() {
  const root = projectRoot();
  const stamp = path.join(root, "build", ".stamp");
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const changedAt = Math.max(...["app", "server", "prisma", "public"].map((dir) => newest(path.join(root, dir))));
  if (builtAt > changedAt && !process.env.E2E_REBUILD) return;
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error("npm run build failed; the journeys need a build.");
}

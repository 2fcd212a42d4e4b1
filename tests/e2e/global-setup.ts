// Builds the app once before the journeys when there is no build or the sources are newer
// (the same rule as `npm start`), or always with E2E_REBUILD=1.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildState } from "../../scripts/build-freshness.mjs";
import { projectRoot } from "../../server/utils/project-root";

export default function setup() {
  const root = projectRoot();
  if (buildState(root) === "fresh" && !process.env.E2E_REBUILD) return;
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs")], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("npm run build failed; the journeys need a build.");
}

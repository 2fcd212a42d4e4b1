import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/**
 * The project's root directory (the one holding package.json and prisma/). Found from this module's
 * own location, which differs between the sources (server/utils), the Remix server bundle
 * (build/server) and the Express bundle (build), so nothing depends on the working directory.
 */
export function projectRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "prisma"))) {
      root = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("Cannot find the project root (a directory with package.json and prisma/).");
    dir = parent;
  }
}

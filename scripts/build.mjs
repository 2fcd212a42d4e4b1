// npm run build — the production build:
//   1. the Prisma client (server/db/generated), if missing;
//   2. the Remix app with Vite (build/client for browsers, build/server for server rendering);
//   3. the Express entry, bundled with esbuild into build/server-entry.js (dependencies stay in
//      node_modules);
//   4. build/.stamp, which `npm start` compares with the sources to know when to rebuild.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const started = Date.now();
if (!existsSync(path.join(root, "server/db/generated/client.ts"))) {
  run(process.execPath, [path.join(root, "scripts/prisma-generate.mjs")]);
}
run(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"]);
await build({
  entryPoints: [path.join(root, "server/index.ts")],
  outfile: path.join(root, "build/server-entry.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
writeFileSync(path.join(root, "build/.stamp"), new Date().toISOString());
console.log(`Build finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

// Runs `prisma generate` on machines that cannot download Prisma's native engines.
// The Prisma 7 client we use (generator "prisma-client" + driver adapters) needs no engine at run
// time, but the CLI still checks that a schema-engine binary exists before generating. Any existing
// file satisfies the check (it is not executed), so we point it at this script unless the caller
// named a real engine. See docs/decisions/003-prisma-without-engine-downloads.md.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const placeholder = fileURLToPath(import.meta.url);
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
const result = spawnSync(process.execPath, [cli, "generate"], { cwd: root, env, stdio: "inherit" });
process.exit(result.status ?? 1);

// Runs Prisma 6.19's CLI with its WebAssembly schema engine against in-memory PGlite, so that
// migrations can be authored and drift can be checked with no native engine and no database server.
// See docs/decisions/003-prisma-without-engine-downloads.md and README "Changing the schema".
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const migrationsDir = path.join(root, "prisma", "migrations");
const workDir = path.join(root, "node_modules", ".cache", "prisma6-authoring");

/** Prisma 6 wants a `url` in the datasource block (Prisma 7 rejects one): feed it a copy. */
function writeSchemaCopy(schema: string, file: string): string {
  const withUrl = schema.replace(
    /datasource db \{\s*provider\s*=\s*"postgresql"/,
    (block) => `${block}\n  url = "postgresql://unused@localhost/unused"`,
  );
  if (withUrl === schema) throw new Error("prisma/schema.prisma: could not find the datasource block");
  writeFileSync(file, withUrl);
  return file;
}

function writeConfig(schemaFile: string, file: string): string {
  const adapterModule = path.join(root, "scripts", "db", "prisma6-pglite-adapter.ts");
  writeFileSync(
    file,
    `import { defineConfig } from "prisma6/config";
import { createAuthoringAdapter } from ${JSON.stringify(adapterModule)};
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: ${JSON.stringify(schemaFile)},
  async adapter() { return createAuthoringAdapter() as never; },
});
`,
  );
  return file;
}

export type Prisma6Result = { status: number; stdout: string; stderr: string };

/**
 * `prisma migrate diff` from the committed migrations to prisma/schema.prisma (or to `schema`, the
 * text of another schema, which tests use to prove a drift is caught).
 */
export function diffMigrationsToSchema(extraArgs: string[], options: { schema?: string } = {}): Prisma6Result {
  // A directory per run, so concurrent runs (parallel test files) never share files.
  mkdirSync(workDir, { recursive: true });
  const runDir = mkdtempSync(path.join(workDir, "run-"));
  const schema = options.schema ?? readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
  const schemaFile = writeSchemaCopy(schema, path.join(runDir, "schema.prisma"));
  const configFile = writeConfig(schemaFile, path.join(runDir, "prisma.config.ts"));
  const placeholder = fileURLToPath(import.meta.url);
  const cli = path.join(root, "node_modules", "prisma6", "build", "index.js");
  const result = spawnSync(
    process.execPath,
    [
      cli,
      "migrate",
      "diff",
      "--config",
      configFile,
      "--from-migrations",
      migrationsDir,
      "--to-schema-datamodel",
      schemaFile,
      ...extraArgs,
    ],
    {
      cwd: root,
      encoding: "utf8",
      env: {
        ...process.env,
        // Checked for existence, never executed: the WebAssembly engine does the work.
        PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
        PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      },
    },
  );
  rmSync(runDir, { recursive: true, force: true });
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

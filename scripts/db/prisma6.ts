// Runs Prisma 6.19's CLI with its WebAssembly schema engine against in-memory PGlite, so that
// migrations can be authored and drift can be checked with no native engine and no database server.
// See docs/decisions/003-prisma-without-engine-downloads.md and README "Changing the schema".
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const migrationsDir = path.join(root, "prisma", "migrations");
const workDir = path.join(root, "node_modules", ".cache", "prisma6-authoring");

/** Prisma 6 wants a `url` in the datasource block (Prisma 7 rejects one): feed it a copy. */
function writeSchemaCopy(): string {
  const schema = readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
  const withUrl = schema.replace(
    /datasource db \{\s*provider\s*=\s*"postgresql"/,
    (block) => `${block}\n  url = "postgresql://unused@localhost/unused"`,
  );
  if (withUrl === schema) throw new Error("prisma/schema.prisma: could not find the datasource block");
  const file = path.join(workDir, "schema.prisma");
  writeFileSync(file, withUrl);
  return file;
}

function writeConfig(schemaFile: string): string {
  const adapterModule = path.join(root, "scripts", "db", "prisma6-pglite-adapter.ts");
  const file = path.join(workDir, "prisma.config.ts");
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

/** `prisma migrate diff` from the committed migrations to the schema. */
export function diffMigrationsToSchema(extraArgs: string[]): Prisma6Result {
  mkdirSync(workDir, { recursive: true });
  const schemaFile = writeSchemaCopy();
  const configFile = writeConfig(schemaFile);
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
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

// Builds the run's migrated database template once, before any test file starts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../server/db/migrate";
import { pgPoolExecutor } from "../../server/db/sql";
import pg from "pg";
import {
  createMigratedPGlite,
  databaseUrl,
  TEST_DATABASE_PREFIX,
  withAdminClient,
  type DatabaseTemplate,
} from "./test-database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseTemplate: DatabaseTemplate;
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const pglite = await createMigratedPGlite();
    const dump = await pglite.dumpDataDir("none");
    await pglite.close();
    const dir = mkdtempSync(path.join(tmpdir(), "sac-test-template-"));
    const dumpFile = path.join(dir, "template.tar");
    writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
    project.provide("databaseTemplate", { kind: "pglite", dumpFile });
    return () => rmSync(dir, { recursive: true, force: true });
  }

  const templateName = `${TEST_DATABASE_PREFIX}template_${process.pid}`;
  await withAdminClient(serverUrl, async (client) => {
    await dropLeftovers(client);
    await client.query(`CREATE DATABASE "${templateName}"`);
  });
  const pool = new pg.Pool({ connectionString: databaseUrl(serverUrl, templateName), max: 1 });
  try {
    await applyMigrations(pgPoolExecutor(pool));
  } finally {
    // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
    await pool.end();
  }
  project.provide("databaseTemplate", { kind: "postgres", serverUrl, templateName });
  return () => withAdminClient(serverUrl, dropLeftovers);
}

/** Drops every database an earlier (or this) run left behind. */
async function dropLeftovers(client: pg.Client) {
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
    `${TEST_DATABASE_PREFIX}%`,
  ]);
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
}

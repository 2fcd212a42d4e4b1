// Databases for tests: one migrated template per run, and a cheap copy of it per test file.
//   PGlite (default): the template is a dump of a migrated data directory; a copy is a new
//                     in-memory PGlite loaded from it.
//   PostgreSQL (TEST_DATABASE_URL set): the template is a database; a copy is CREATE DATABASE …
//                     TEMPLATE …, dropped when the file ends.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { pgliteDatabase, postgresDatabase, type DatabaseHandle } from "../../server/db/client";
import { pgliteExtensions } from "../../server/db/embedded";
import { applyMigrations } from "../../server/db/migrate";
import { pgliteExecutor } from "../../server/db/sql";

export type DatabaseTemplate =
  { kind: "pglite"; dumpFile: string } | { kind: "postgres"; serverUrl: string; templateName: string };

/** Names of databases a test run creates on PostgreSQL start with this, so teardown can find them. */
export const TEST_DATABASE_PREFIX = "sac_test_";

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated in-memory PGlite. */
export async function createMigratedPGlite(): Promise<PGlite> {
  const pglite = await PGlite.create({ extensions: pgliteExtensions });
  await applyMigrations(pgliteExecutor(pglite));
  return pglite;
}

/** A copy of the template for one test file. */
export async function createTestDatabase(template: DatabaseTemplate): Promise<DatabaseHandle> {
  if (template.kind === "pglite") {
    const pglite = await PGlite.create({
      loadDataDir: new Blob([readFileSync(template.dumpFile)]),
      extensions: pgliteExtensions,
    });
    return pgliteDatabase(pglite);
  }
  return throwawayPostgresDatabase(template.serverUrl, { template: template.templateName, maxConnections: 4 });
}

/** An EMPTY database (no migrations), for tests of the migration runner itself. */
export async function createEmptyTestDatabase(template: DatabaseTemplate): Promise<DatabaseHandle> {
  if (template.kind === "pglite") {
    return pgliteDatabase(await PGlite.create({ extensions: pgliteExtensions }));
  }
  return throwawayPostgresDatabase(template.serverUrl, { maxConnections: 2 });
}

/** A new database on the server (a copy of `template` if given), dropped when it is closed. */
async function throwawayPostgresDatabase(
  serverUrl: string,
  options: { template?: string; maxConnections: number },
): Promise<DatabaseHandle> {
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString("hex")}`;
  const from = options.template ? ` TEMPLATE "${options.template}"` : "";
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"${from}`));
  const handle = postgresDatabase(databaseUrl(serverUrl, name), { max: options.maxConnections });
  return {
    ...handle,
    async close() {
      await handle.close();
      await withAdminClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

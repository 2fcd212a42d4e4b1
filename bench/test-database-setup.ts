// How much a test file pays for its own database (tests/setup/test-database.ts), against the
// baseline of building a database from scratch (create + run every migration), in the same run.
//   npm run bench -- test-db            PGlite, and PostgreSQL when TEST_DATABASE_URL is set
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../server/db/migrate";
import { pgPoolExecutor } from "../server/db/sql";
import {
  createEmptyTestDatabase,
  createMigratedPGlite,
  createTestDatabase,
  databaseUrl,
  TEST_DATABASE_PREFIX,
  withAdminClient,
  type DatabaseTemplate,
} from "../tests/setup/test-database";
import { report, timeRepeated } from "./lib";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

async function copyFromTemplate(template: DatabaseTemplate) {
  const db = await createTestDatabase(template);
  await db.prisma.user.count(); // first query: the copy is really usable
  await db.close();
}

async function buildFromScratch(template: DatabaseTemplate) {
  const db = await createEmptyTestDatabase(template);
  await applyMigrations(db.sql);
  await db.prisma.user.count();
  await db.close();
}

export async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), "sac-bench-"));
  try {
    const pglite = await createMigratedPGlite();
    const dumpFile = path.join(dir, "template.tar");
    writeFileSync(dumpFile, Buffer.from(await (await pglite.dumpDataDir("none")).arrayBuffer()));
    await pglite.close();
    const pgliteTemplate: DatabaseTemplate = { kind: "pglite", dumpFile };
    const rows = [
      await timeRepeated("PGlite: fresh database + migrations (baseline)", ROUNDS, () =>
        buildFromScratch(pgliteTemplate),
      ),
      await timeRepeated("PGlite: copy of the migrated template", ROUNDS, () => copyFromTemplate(pgliteTemplate)),
    ];
    report("Per-test-file database setup — PGlite", rows);

    const serverUrl = process.env.TEST_DATABASE_URL;
    if (!serverUrl) {
      console.log("\n(PostgreSQL skipped: set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres)");
      return;
    }
    const templateName = `${TEST_DATABASE_PREFIX}bench_template`;
    await withAdminClient(serverUrl, (c) =>
      c.query(`DROP DATABASE IF EXISTS "${templateName}"`).then(() => c.query(`CREATE DATABASE "${templateName}"`)),
    );
    const pool = new pg.Pool({ connectionString: databaseUrl(serverUrl, templateName), max: 1 });
    await applyMigrations(pgPoolExecutor(pool));
    await pool.end();
    const postgresTemplate: DatabaseTemplate = { kind: "postgres", serverUrl, templateName };
    try {
      report("Per-test-file database setup — PostgreSQL", [
        await timeRepeated("PostgreSQL: CREATE DATABASE + migrations (baseline)", ROUNDS, () =>
          buildFromScratch(postgresTemplate),
        ),
        await timeRepeated("PostgreSQL: CREATE DATABASE … TEMPLATE", ROUNDS, () => copyFromTemplate(postgresTemplate)),
      ]);
    } finally {
      await withAdminClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${templateName}" WITH (FORCE)`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

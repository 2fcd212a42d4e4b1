// Applies prisma/migrations to PostgreSQL or PGlite, writing Prisma's own `_prisma_migrations`
// table exactly as `prisma migrate deploy` does (same columns, checksum = SHA-256 of migration.sql),
// so a production deployment can switch between this runner and Prisma's CLI freely.
// Differences, on purpose: each migration runs in one transaction with its bookkeeping row, so a
// failed migration leaves no trace (Prisma would leave a "failed" row needing `migrate resolve`).
// Consequence: a migration must not contain statements that cannot run in a transaction
// (CREATE INDEX CONCURRENTLY); see docs/decisions/003-prisma-without-engine-downloads.md.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { SqlExecutor } from "./sql";
import { projectRoot } from "../utils/project-root";

/** The advisory lock key Prisma's schema engine takes while migrating: runners exclude each other. */
const PRISMA_MIGRATE_LOCK = 72707369;

export type LocalMigration = { name: string; sql: string; checksum: string };

export function migrationsDirectory(): string {
  return path.join(projectRoot(), "prisma", "migrations");
}

export function readMigrations(directory = migrationsDirectory()): LocalMigration[] {
  if (!existsSync(directory)) throw new Error(`No migrations directory at ${directory}`);
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(directory, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(directory, name, "migration.sql"));
      return { name, sql: sql.toString("utf8"), checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

type AppliedRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

export type MigrationReport = { applied: string[]; alreadyApplied: number; warnings: string[] };

export class MigrationError extends Error {
  override name = "MigrationError";
}

export async function applyMigrations(
  executor: SqlExecutor,
  migrations: LocalMigration[] = readMigrations(),
): Promise<MigrationReport> {
  return executor.withSession(async (sql) => {
    await sql.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    try {
      return await applyLocked(sql, migrations);
    } finally {
      await sql.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]);
    }
  });
}

async function applyLocked(sql: SqlExecutor, migrations: LocalMigration[]): Promise<MigrationReport> {
  // The exact definition Prisma's schema engine creates.
  await sql.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`);
  const rows = await sql.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );
  const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed.length > 0) {
    throw new MigrationError(
      `The database has failed migrations: ${failed.map((row) => row.migration_name).join(", ")}. ` +
        "Fix the database by hand, then mark them with `prisma migrate resolve` (or delete their rows from _prisma_migrations).",
    );
  }
  const applied = new Map(
    rows
      .filter((row) => row.finished_at !== null && row.rolled_back_at === null)
      .map((row) => [row.migration_name, row]),
  );
  const local = new Set(migrations.map((migration) => migration.name));
  const warnings = [...applied.keys()]
    .filter((name) => !local.has(name))
    .map((name) => `Migration ${name} is applied to the database but missing from prisma/migrations.`);

  const report: MigrationReport = { applied: [], alreadyApplied: 0, warnings };
  for (const migration of migrations) {
    const row = applied.get(migration.name);
    if (row) {
      report.alreadyApplied += 1;
      if (row.checksum !== migration.checksum) {
        warnings.push(`Migration ${migration.name} was modified after it was applied (checksum differs).`);
      }
      continue;
    }
    await sql.exec("BEGIN");
    try {
      await sql.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 0)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      await sql.exec(migration.sql);
      await sql.query(
        `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE migration_name = $1 AND finished_at IS NULL`,
        [migration.name],
      );
      await sql.exec("COMMIT");
    } catch (error) {
      await sql.exec("ROLLBACK");
      const detail = error instanceof Error ? error.message : String(error);
      throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${detail}`, { cause: error });
    }
    report.applied.push(migration.name);
  }
  return report;
}

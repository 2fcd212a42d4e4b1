import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createEmptyTestDatabase } from "../../tests/setup/test-database";
import type { DatabaseHandle } from "./client";
import { applyMigrations, MigrationError, migrationsDirectory, readMigrations, type LocalMigration } from "./migrate";

const opened: DatabaseHandle[] = [];
async function emptyDatabase() {
  const db = await createEmptyTestDatabase(inject("databaseTemplate"));
  opened.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

type Row = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
  rolled_back_at: Date | null;
};

describe("migration runner", () => {
  it("applies every committed migration and records it exactly as `prisma migrate deploy` would", async () => {
    const db = await emptyDatabase();
    const local = readMigrations();
    expect(local.length).toBeGreaterThan(0);

    const report = await applyMigrations(db.sql);
    expect(report.applied).toEqual(local.map((m) => m.name));

    const rows = await db.sql.query<Row>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows).toHaveLength(local.length);
    for (const [i, row] of rows.entries()) {
      const file = readFileSync(path.join(migrationsDirectory(), local[i]!.name, "migration.sql"));
      expect(row.migration_name).toBe(local[i]!.name);
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
    // Prisma's own table definition: a later `prisma migrate deploy` reads it unchanged.
    const columns = await db.sql.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => `${c.column_name}:${c.data_type}`)).toEqual([
      "id:character varying",
      "checksum:character varying",
      "finished_at:timestamp with time zone",
      "migration_name:character varying",
      "logs:text",
      "rolled_back_at:timestamp with time zone",
      "started_at:timestamp with time zone",
      "applied_steps_count:integer",
    ]);
  });

  it("is idempotent: a second run applies nothing", async () => {
    const db = await emptyDatabase();
    await applyMigrations(db.sql);
    const again = await applyMigrations(db.sql);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(readMigrations().length);
    expect(again.warnings).toEqual([]);
  });

  it("rolls a failing migration back completely and records nothing for it", async () => {
    const db = await emptyDatabase();
    const broken: LocalMigration[] = [
      { name: "20990101000000_good", sql: "CREATE TABLE good (id int);", checksum: "a".repeat(64) },
      {
        name: "20990102000000_bad",
        sql: "CREATE TABLE half_done (id int);\nINSERT INTO no_such_table VALUES (1);",
        checksum: "b".repeat(64),
      },
    ];
    await expect(applyMigrations(db.sql, broken)).rejects.toThrow(MigrationError);
    await expect(applyMigrations(db.sql, broken)).rejects.toThrow(
      /20990102000000_bad failed and was rolled back: .*no_such_table/,
    );

    const tables = await db.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_name IN ('good', 'half_done')`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(["good"]);
    const rows = await db.sql.query<Row>(`SELECT migration_name FROM "_prisma_migrations"`);
    expect(rows.map((r) => r.migration_name)).toEqual(["20990101000000_good"]);
  });

  it("refuses to run over a migration Prisma recorded as failed, and says how to resolve it", async () => {
    const db = await emptyDatabase();
    await applyMigrations(db.sql, []);
    await db.sql.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('x', $1, '20990101000000_failed', now(), 0)`,
      ["c".repeat(64)],
    );
    await expect(applyMigrations(db.sql)).rejects.toThrow(/failed migrations: 20990101000000_failed.*migrate resolve/);
  });

  it("warns about a migration edited after it was applied, and one missing locally", async () => {
    const db = await emptyDatabase();
    const original: LocalMigration[] = [
      { name: "20990101000000_one", sql: "CREATE TABLE one (id int);", checksum: "d".repeat(64) },
    ];
    await applyMigrations(db.sql, original);
    const edited = [{ ...original[0]!, checksum: "e".repeat(64) }];
    const report = await applyMigrations(db.sql, edited);
    expect(report.warnings).toEqual([expect.stringContaining("20990101000000_one was modified after it was applied")]);
    const missing = await applyMigrations(db.sql, []);
    expect(missing.warnings).toEqual([
      expect.stringContaining("20990101000000_one is applied to the database but missing"),
    ]);
  });
});

// npm run db:migration:new -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes the committed
// migrations to prisma/schema.prisma, computed offline (scripts/db/prisma6.ts). Review it, edit it
// where Prisma cannot express the change (generated tsvector columns, data moves), then commit it.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { diffMigrationsToSchema, migrationsDir } from "./prisma6";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration:new -- <name>   (name: lower_snake_case, e.g. add_deal_owner)");
  process.exit(2);
}

// Prisma refuses to write into a new empty migration folder: write elsewhere, then move it in.
const scratch = mkdtempSync(path.join(tmpdir(), "migration-"));
const out = path.join(scratch, "migration.sql");
const result = diffMigrationsToSchema(["--script", "--output", out]);
if (result.status !== 0) {
  process.stderr.write(result.stdout + result.stderr);
  process.exit(result.status);
}
const sql = readFileSync(out, "utf8");
if (/^-- This is an empty migration\.\s*$/m.test(sql) || sql.trim() === "") {
  console.log("The schema and the migrations already agree: nothing to write.");
  rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const folder = path.join(migrationsDir, `${stamp}_${name}`);
mkdirSync(folder, { recursive: true });
renameSync(out, path.join(folder, "migration.sql"));
rmSync(scratch, { recursive: true, force: true });
console.log(`Wrote ${path.relative(process.cwd(), folder)}/migration.sql — review it before committing.`);

// npm run db:migrate — applies prisma/migrations to the database the environment names
// (DATABASE_URL, or the embedded PGlite in DATA_DIR) and prints what it did.
import { env, EnvError } from "../env";
import { openDatabase } from "./client";
import { applyMigrations } from "./migrate";

try {
  const config = env();
  const database = await openDatabase(config);
  try {
    const report = await applyMigrations(database.sql);
    for (const warning of report.warnings) console.warn(`warning: ${warning}`);
    const where = database.kind === "pglite" ? `embedded database in ${config.DATA_DIR}` : "PostgreSQL";
    if (report.applied.length === 0) console.log(`${where}: up to date (${report.alreadyApplied} migrations).`);
    else console.log(`${where}: applied ${report.applied.join(", ")}.`);
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error instanceof Error ? error.message : error);
  process.exitCode = 1;
}

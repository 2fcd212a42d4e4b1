// What a server start does to its database before serving: apply pending migrations (both
// backends; runners exclude each other with Prisma's advisory lock), then seed the demo workspace
// when DEMO_MODE is on and it does not exist yet.
import type { Env } from "../env";
import { logger } from "../logger";
import type { DatabaseHandle } from "./client";
import { applyMigrations, type MigrationReport } from "./migrate";
import { seedDemoWorkspace } from "../../prisma/seed/seed";

export type PreparedDatabase = { migrations: MigrationReport; demo: { email: string; created: boolean } | null };

export async function prepareDatabase(
  database: DatabaseHandle,
  config: Pick<Env, "DEMO_MODE">,
): Promise<PreparedDatabase> {
  const migrations = await applyMigrations(database.sql);
  for (const warning of migrations.warnings) logger().warn(warning);
  if (migrations.applied.length > 0) logger().info({ applied: migrations.applied }, "migrations applied");

  if (!config.DEMO_MODE) return { migrations, demo: null };
  const started = performance.now();
  const seeded = await seedDemoWorkspace(database.prisma);
  if (seeded.created) {
    logger().info({ counts: seeded.counts, ms: Math.round(performance.now() - started) }, "demo workspace seeded");
  }
  return { migrations, demo: { email: seeded.email, created: seeded.created } };
}

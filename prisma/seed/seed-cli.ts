// npm run db:seed — creates the demo user and workspace in the configured database if missing.
// npm run db:seed -- --write <file> — also writes the demo workspace document to <file>
// (the format of docs/workspace-format.md), e.g. to import it elsewhere.
import { writeFileSync } from "node:fs";
import { openDatabase } from "../../server/db/client";
import { applyMigrations } from "../../server/db/migrate";
import { env, EnvError } from "../../server/env";
import { generateDemoWorkspace } from "./demo-workspace";
import { seedDemoWorkspace } from "./seed";

const args = process.argv.slice(2);
const writeAt = args.indexOf("--write");
try {
  if (writeAt !== -1) {
    const file = args[writeAt + 1];
    if (!file) throw new Error("--write needs a file name");
    writeFileSync(file, `${JSON.stringify(generateDemoWorkspace(), null, 2)}\n`);
    console.log(`Wrote the demo workspace document to ${file}.`);
  }
  const database = await openDatabase(env());
  try {
    await applyMigrations(database.sql);
    const result = await seedDemoWorkspace(database.prisma);
    console.log(
      result.created
        ? `Seeded the demo workspace for ${result.email}.`
        : `The demo user ${result.email} already exists; nothing to do.`,
    );
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error instanceof Error ? error.message : error);
  process.exitCode = 1;
}

// Runs before each test file: the file's database is a copy of the run's template, made on first
// use (files that never touch the database pay nothing) and thrown away when the file ends.
import { afterAll, inject } from "vitest";
import { closeDatabase, setDatabaseOpener } from "../../server/db/client";
import { resetEnvCache } from "../../server/env";
import { createTestDatabase } from "./test-database";

resetEnvCache();
setDatabaseOpener(() => createTestDatabase(inject("databaseTemplate")));

afterAll(async () => {
  await closeDatabase();
});

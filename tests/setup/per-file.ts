// Runs before each test file: the file's database is a copy of the run's template, made on first
// use (files that never touch the database pay nothing) and thrown away when the file ends.
import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { closeDatabase, setDatabaseOpener } from "../../server/db/client";
import { resetEnvCache } from "../../server/env";
import { parseTokenKeys, setTokenKeys } from "../../server/integrations/token-crypto";
import { createTestDatabase } from "./test-database";

resetEnvCache();
setDatabaseOpener(() => createTestDatabase(inject("databaseTemplate")));
// Connection tokens are encrypted under a key made for this file (never one written into DATA_DIR).
setTokenKeys(parseTokenKeys(`test-1:${randomBytes(32).toString("base64")}`));

afterAll(async () => {
  await closeDatabase();
});

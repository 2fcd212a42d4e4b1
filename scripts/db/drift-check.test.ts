import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { diffMigrationsToSchema, root } from "./prisma6";

// The same check as `npm run db:drift`: Prisma's own differ (its WebAssembly engine, offline),
// from prisma/migrations to prisma/schema.prisma.
describe.concurrent("schema drift", () => {
  it("prisma/schema.prisma and prisma/migrations agree", () => {
    const result = diffMigrationsToSchema(["--script", "--exit-code"]);
    expect(result.stderr + result.stdout).not.toMatch(/Error/);
    expect(result.status, `Drift — author a migration (npm run db:migration:new -- <name>):\n${result.stdout}`).toBe(0);
  });

  it("is caught when the schema changes without a migration", () => {
    const schema = readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
    const drifted = schema.replace(/(model Account \{\n)/, "$1  region String?\n");
    expect(drifted).not.toBe(schema);
    const result = diffMigrationsToSchema(["--script", "--exit-code"], { schema: drifted });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain(`ALTER TABLE "accounts" ADD COLUMN`);
    expect(result.stdout).toContain(`"region" TEXT`);
  });
});

// npm run db:drift — exits 0 when prisma/migrations produce exactly prisma/schema.prisma, 2 when
// they drift apart (and prints the SQL that would reconcile them), 1 when the check itself failed.
import { diffMigrationsToSchema } from "./prisma6";

const result = diffMigrationsToSchema(["--script", "--exit-code"]);
if (result.status === 0) {
  console.log("No drift: prisma/migrations and prisma/schema.prisma agree.");
} else if (result.status === 2) {
  console.error("Drift: prisma/schema.prisma differs from what prisma/migrations build. Missing SQL:\n");
  console.error(result.stdout);
  console.error("Author a migration with: npm run db:migration:new -- <name>");
} else {
  console.error(result.stdout + result.stderr);
}
process.exit(result.status);

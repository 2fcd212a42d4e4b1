// Prisma 7 CLI configuration. The app never reads this: it builds its own client with a driver
// adapter (server/db/client.ts). The CLI only needs it for `prisma generate` (npm run db:generate)
// and, where Prisma's engines can be downloaded, for `prisma migrate deploy`, which agrees with our
// own runner (docs/decisions/003-prisma-without-engine-downloads.md).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/unused" },
});

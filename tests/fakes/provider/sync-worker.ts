// A sync worker in a process of its own, for the crash tests (engine.test.ts, google-sync.test.ts):
// it runs one sync of a connection on the test's PostgreSQL database, and the test kills it with
// SIGKILL in the middle. With SYNC_WORKER_FEED it reads the fake feed through the ingest stand-in;
// without it, the REAL registry provider reads the fake Google APIs (GOOGLE_API_BASE_URL, inherited)
// and the REAL ingest stores what it finds. Run with `node --import tsx` (one process, so the kill
// hits the worker).
import { postgresDatabase } from "../../../server/db/client";
import { runSync } from "../../../server/integrations/engine";
import { setSyncProvider } from "../../../server/integrations/registry";
import { feedSyncProvider } from "./index";
import { applyChangesStandIn } from "./ingest-stand-in";

async function main() {
  const [databaseUrl, feedBase, connectionId] = [
    process.env.SYNC_WORKER_DATABASE_URL,
    process.env.SYNC_WORKER_FEED,
    process.env.SYNC_WORKER_CONNECTION,
  ];
  if (!databaseUrl || !connectionId) throw new Error("sync-worker: SYNC_WORKER_* variables are missing");
  const database = postgresDatabase(databaseUrl, { max: 2 });
  if (feedBase) setSyncProvider("gmail", feedSyncProvider(feedBase, "gmail"));
  try {
    const result = await runSync(database.prisma, connectionId, {
      ...(feedBase ? { applyChanges: applyChangesStandIn } : {}),
      workerId: "child",
      budgetMs: 10 * 60_000,
    });
    process.stdout.write(`${JSON.stringify({ outcome: result.outcome, steps: result.steps })}\n`);
  } finally {
    await database.close();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`sync-worker failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

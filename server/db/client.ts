// The database of this process: PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set,
// otherwise the embedded PGlite in DATA_DIR. Opened once per process (see utils/singleton.ts) and
// handed to procedures through the tRPC context; capability code takes the client as a parameter.
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { env, type Env } from "../env";
import { singleton } from "../utils/singleton";
import { openEmbeddedPGlite } from "./embedded";
import { PrismaClient, type Prisma } from "./generated/client";
import { pgliteExecutor, pgPoolExecutor, type SqlExecutor } from "./sql";

export type Db = PrismaClient;
/** The client or an interactive transaction: what functions take when they only run queries. */
export type Queryable = Prisma.TransactionClient;
export type { SqlExecutor };

export interface DatabaseHandle {
  kind: "pglite" | "postgres";
  prisma: PrismaClient;
  /** Raw SQL on the same database (migrations, bulk statements). */
  sql: SqlExecutor;
  close(): Promise<void>;
}

/** Wraps an open PGlite (the embedded database, or a test's in-memory copy). */
export function pgliteDatabase(pglite: PGlite, onClose: () => Promise<void> | void = () => {}): DatabaseHandle {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: "pglite",
    prisma,
    sql: pgliteExecutor(pglite),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      await onClose();
    },
  };
}

/** How long a PostgreSQL connection may take to open, and one statement of a request to run. */
export type PostgresTimeouts = { connectMs: number; statementMs: number };
export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = { connectMs: 5_000, statementMs: 15_000 };

/**
 * PostgreSQL through two pools. Prisma's, which serves requests, is bounded so a slow or frozen
 * database fails a request (503, see unavailable.ts) instead of hanging it: a connect timeout; a
 * statement timeout the server enforces; a client-side read timeout a little longer, for a server
 * that cannot answer at all (stopped, or a dead network path); and an idle-in-transaction timeout,
 * so a transaction its client abandoned does not hold locks. The raw-SQL pool, for migrations and
 * pg-boss, only has the connect timeout: a migration may run long, and jobs are nobody's request.
 */
export function postgresDatabase(
  connectionString: string,
  options: { max?: number; timeouts?: PostgresTimeouts } = {},
): DatabaseHandle {
  const { connectMs, statementMs } = options.timeouts ?? DEFAULT_POSTGRES_TIMEOUTS;
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: connectMs,
    statement_timeout: statementMs,
    query_timeout: statementMs + 5_000,
    idle_in_transaction_session_timeout: Math.max(4 * statementMs, 60_000),
  });
  const sqlPool = new pg.Pool({ connectionString, max: 3, connectionTimeoutMillis: connectMs });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => {});
  sqlPool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    sql: pgPoolExecutor(sqlPool),
    async close() {
      await prisma.$disconnect();
      await Promise.all([pool.end(), sqlPool.end()]);
    },
  };
}

export async function openDatabase(
  config: Pick<Env, "DATABASE_URL" | "DATA_DIR" | "DATABASE_CONNECT_TIMEOUT_MS" | "DATABASE_STATEMENT_TIMEOUT_MS">,
): Promise<DatabaseHandle> {
  if (config.DATABASE_URL)
    return postgresDatabase(config.DATABASE_URL, {
      timeouts: { connectMs: config.DATABASE_CONNECT_TIMEOUT_MS, statementMs: config.DATABASE_STATEMENT_TIMEOUT_MS },
    });
  const { pglite, release } = await openEmbeddedPGlite(config.DATA_DIR);
  return pgliteDatabase(pglite, release);
}

type DatabaseState = {
  opening: Promise<DatabaseHandle> | undefined;
  opener: () => Promise<DatabaseHandle>;
};

const state = singleton<DatabaseState>("database", () => ({
  opening: undefined,
  opener: () => openDatabase(env()),
}));

/** This process's database, opened on first use. */
export function getDatabase(): Promise<DatabaseHandle> {
  state.opening ??= state.opener().catch((error: unknown) => {
    state.opening = undefined;
    throw error;
  });
  return state.opening;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).prisma;
}

/** Replaces how the process opens its database (tests give each file its own). */
export function setDatabaseOpener(opener: () => Promise<DatabaseHandle>): void {
  state.opener = opener;
  state.opening = undefined;
}

export async function closeDatabase(): Promise<void> {
  const opening = state.opening;
  state.opening = undefined;
  if (opening) await (await opening).close();
}

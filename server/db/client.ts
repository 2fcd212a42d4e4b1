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

export function postgresDatabase(connectionString: string, options: { max?: number } = {}): DatabaseHandle {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    sql: pgPoolExecutor(pool),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export async function openDatabase(config: Pick<Env, "DATABASE_URL" | "DATA_DIR">): Promise<DatabaseHandle> {
  if (config.DATABASE_URL) return postgresDatabase(config.DATABASE_URL);
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

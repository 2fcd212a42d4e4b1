// A minimal raw-SQL interface over both backends, for the few things Prisma's client cannot do:
// running migration scripts (several statements, no parameters), holding one session for an
// advisory lock, and set-based bulk statements.
import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

export interface SqlExecutor {
  /** Runs a script of one or more statements without parameters. */
  exec(script: string): Promise<void>;
  /** Runs a script of one or more statements without parameters and returns the last one's rows. */
  execRows<Row extends Record<string, unknown> = Record<string, unknown>>(script: string): Promise<Row[]>;
  /** Runs one statement with $1… parameters and returns its rows. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<Row[]>;
  /** Runs `work` on one connection (advisory locks and transactions need a single session). */
  withSession<T>(work: (session: SqlExecutor) => Promise<T>): Promise<T>;
}

export function pgliteExecutor(db: PGlite): SqlExecutor {
  const executor: SqlExecutor = {
    async exec(script) {
      await db.exec(script);
    },
    async execRows<Row extends Record<string, unknown>>(script: string) {
      const results = await db.exec(script);
      return (results.at(-1)?.rows ?? []) as Row[];
    },
    async query<Row extends Record<string, unknown>>(text: string, params: unknown[] = []) {
      const result = await db.query<Row>(text, params);
      return result.rows;
    },
    // PGlite is a single connection already.
    withSession: (work) => work(executor),
  };
  return executor;
}

type PgQueryable = Pick<pg.Pool | pg.PoolClient, "query">;

function pgQueryExecutor(client: PgQueryable, withSession: SqlExecutor["withSession"]): SqlExecutor {
  return {
    async exec(script) {
      // Without parameters `pg` uses the simple query protocol, which accepts several statements.
      await client.query(script);
    },
    async execRows<Row extends Record<string, unknown>>(script: string) {
      // Several statements give an array of results; one gives one.
      const result = (await client.query(script)) as unknown as pg.QueryResult<Row> | pg.QueryResult<Row>[];
      return Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows;
    },
    async query<Row extends Record<string, unknown>>(text: string, params: unknown[] = []) {
      const result = await client.query<Row>(text, params);
      return result.rows;
    },
    withSession,
  };
}

export function pgPoolExecutor(pool: pg.Pool): SqlExecutor {
  const withSession: SqlExecutor["withSession"] = async (work) => {
    const client = await pool.connect();
    try {
      const session: SqlExecutor = pgQueryExecutor(client, (inner) => inner(session));
      return await work(session);
    } finally {
      client.release();
    }
  };
  return pgQueryExecutor(pool, withSession);
}

// Every row a user owns, in every table, as one string: taken before and after another user's
// attempts (tests/authorization.test.ts, tests/fuzz/), it proves those attempts changed nothing.
import { getDatabase } from "../../server/db/client";

/** Every row `userId` owns (each table with a `userId` column, and the user row) — compare two for equality. */
export async function snapshotOf(userId: string): Promise<string> {
  const { sql } = await getDatabase();
  const tables = await sql.query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
      WHERE c.table_schema = 'public' AND c.column_name = 'userId' ORDER BY c.table_name`,
  );
  const parts: Record<string, unknown> = {
    users: await sql.query(`SELECT * FROM users WHERE id = $1`, [userId]),
  };
  for (const { table_name } of tables) {
    parts[table_name] = await sql.query(`SELECT * FROM "${table_name}" WHERE "userId" = $1 ORDER BY id`, [userId]);
  }
  return JSON.stringify(parts, (_key, v: unknown) =>
    typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
  );
}

/** How many rows `userId` owns in each table: what an import that was refused must leave as it was. */
export async function rowCountsOf(userId: string): Promise<Record<string, number>> {
  const { sql } = await getDatabase();
  const tables = await sql.query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
      WHERE c.table_schema = 'public' AND c.column_name = 'userId' ORDER BY c.table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [row] = await sql.query<{ n: number | string | bigint }>(
      `SELECT count(*) AS n FROM "${table_name}" WHERE "userId" = $1`,
      [userId],
    );
    counts[table_name] = Number(row?.n ?? 0);
  }
  return counts;
}

import { describe, expect, it } from "vitest";
import { getDatabase } from "./client";

// Invariants of the data model that every later change must keep, read from the live catalog of a
// migrated database (so they hold for what migrations really build, not just for schema.prisma).

/**
 * Tables that no single user owns (they hold no personal data; password_reset_requests holds a typed
 * email only until the job handles it, seconds later, whether or not an account uses that email).
 */
const NOT_USER_OWNED = new Set([
  "_prisma_migrations",
  "users",
  "rate_limit_buckets",
  "processed_webhook_events",
  "password_reset_requests",
]);

describe("data model", () => {
  it("every user-owned table has userId → users ON DELETE CASCADE, and an index that starts with userId", async () => {
    const { sql } = await getDatabase();
    const tables = await sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const owned = tables.map((t) => t.table_name).filter((name) => !NOT_USER_OWNED.has(name));
    expect(owned.length).toBeGreaterThan(20);

    const cascades = await sql.query<{ table_name: string }>(
      `SELECT cl.relname AS table_name
         FROM pg_constraint c
         JOIN pg_class cl ON cl.oid = c.conrelid
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass AND a.attname = 'userId'
          AND c.confdeltype = 'c' AND array_length(c.conkey, 1) = 1`,
    );
    const indexed = await sql.query<{ table_name: string }>(
      `SELECT DISTINCT t.relname AS table_name
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
        WHERE a.attname = 'userId'`,
    );
    const cascadeSet = new Set(cascades.map((r) => r.table_name));
    const indexSet = new Set(indexed.map((r) => r.table_name));
    expect(
      owned.filter((t) => !cascadeSet.has(t)),
      "tables without userId → users ON DELETE CASCADE",
    ).toEqual([]);
    expect(
      owned.filter((t) => !indexSet.has(t)),
      "tables without an index leading with userId",
    ).toEqual([]);
  });

  it("searchable text has a generated tsvector column with a GIN index", async () => {
    const { sql } = await getDatabase();
    const searchable = ["accounts", "prospects", "opportunities", "messages", "notes", "activities"];
    const generated = await sql.query<{ table_name: string }>(
      `SELECT c.relname AS table_name FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE a.attname = 'searchVector' AND a.attgenerated = 's' AND format_type(a.atttypid, a.atttypmod) = 'tsvector'`,
    );
    const gin = await sql.query<{ table_name: string }>(
      `SELECT t.relname AS table_name FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_class ix ON ix.oid = i.indexrelid
         JOIN pg_am am ON am.oid = ix.relam
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
        WHERE am.amname = 'gin' AND a.attname = 'searchVector'`,
    );
    expect(generated.map((r) => r.table_name).sort()).toEqual(expect.arrayContaining(searchable));
    expect(gin.map((r) => r.table_name).sort()).toEqual(expect.arrayContaining(searchable));
  });

  it("full-text search finds a record by a stemmed word of its text", async () => {
    const { prisma, sql } = await getDatabase();
    const user = await prisma.user.create({ data: { email: "fts@example.test", name: "FTS" } });
    await prisma.note.create({
      data: { userId: user.id, body: "Procurement asked for the security questionnaire again." },
    });
    const rows = await sql.query<{ body: string }>(
      `SELECT body FROM notes WHERE "userId" = $1 AND "searchVector" @@ websearch_to_tsquery('english', $2)`,
      [user.id, "questionnaires"],
    );
    expect(rows).toHaveLength(1);
  });

  it("keys sign-in identities on (provider, provider account id), never on email alone (P1)", async () => {
    const { prisma } = await getDatabase();
    const a = await prisma.user.create({ data: { email: "p1-a@example.test", name: "A" } });
    const b = await prisma.user.create({ data: { email: "p1-b@example.test", name: "B" } });
    await prisma.oAuthIdentity.create({
      data: { userId: a.id, provider: "google", providerAccountId: "sub-1", email: "shared@example.test" },
    });
    // Same email, different Google account: allowed.
    await prisma.oAuthIdentity.create({
      data: { userId: b.id, provider: "google", providerAccountId: "sub-2", email: "shared@example.test" },
    });
    // Same Google account twice: refused by the database.
    await expect(
      prisma.oAuthIdentity.create({
        data: { userId: b.id, provider: "google", providerAccountId: "sub-1", email: "other@example.test" },
      }),
    ).rejects.toMatchObject({ code: "P2002" });
  });
});

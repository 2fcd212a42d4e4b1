import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { callerFor, createUser, signIn } from "../../../tests/helpers/users";
import { getDb } from "../../db/client";

async function userWithAccounts(names: string[]) {
  const db = await getDb();
  const user = await createUser(db);
  const base = Date.parse("2026-01-01T00:00:00Z");
  await db.account.createMany({
    data: names.map((name, i) => ({ userId: user.id, name, updatedAt: new Date(base + (i % 7) * 3_600_000) })),
  });
  const { auth } = await signIn(db, user.id);
  return { user, auth };
}

describe("accounts.list", () => {
  it("requires a signed-in user", async () => {
    const api = await callerFor();
    await expect(api.accounts.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("returns only the caller's accounts", async () => {
    const a = await userWithAccounts(["Acme", "Bolt"]);
    await userWithAccounts(["Other Co"]);
    const page = await (await callerFor(a.auth)).accounts.list({});
    expect(page.items.map((item) => item.name)).toEqual(["Acme", "Bolt"]);
    expect(page.total).toBe(2);
    expect(page.nextCursor).toBeNull();
  });

  it.each(["name", "recent"] as const)("walks every page exactly once when sorted by %s", async (sort) => {
    const names = Array.from({ length: 23 }, (_, i) => `Company ${String.fromCharCode(65 + (i % 5))}${i}`);
    // Duplicate names and equal timestamps: ties must be broken by id, never repeated or skipped.
    names.push("Company A0", "Company A0");
    const { auth } = await userWithAccounts(names);
    const api = await callerFor(auth);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof api.accounts.list>> = await api.accounts.list({ limit: 4, sort, cursor });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(7);
    expect(new Set(seen).size).toBe(names.length);
    expect(seen).toHaveLength(names.length);
  });

  it("rejects bad input with field-level errors", async () => {
    const { auth } = await userWithAccounts(["Acme"]);
    const api = await callerFor(auth);
    const error = await api.accounts.list({ limit: 500 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.accounts.list({ cursor: "not-a-cursor" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("not a valid page cursor"),
    });
  });
});

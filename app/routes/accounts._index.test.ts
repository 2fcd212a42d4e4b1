import { describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { createUser, loadContext, signIn } from "../../tests/helpers/users";
import { loader, PAGE_SIZE } from "./accounts._index";

// The server-side door: the route's loader calls accounts.list in-process with the request's user.
describe("/accounts loader", () => {
  it("renders the signed-in user's first page through the server-side caller", async () => {
    const db = await getDb();
    const user = await createUser(db);
    await db.account.createMany({
      data: Array.from({ length: PAGE_SIZE + 3 }, (_, i) => ({
        userId: user.id,
        name: `Account ${String(i).padStart(2, "0")}`,
      })),
    });
    const { auth } = await signIn(db, user.id);
    const data = await loader({
      request: new Request("http://localhost/accounts"),
      context: loadContext(auth),
      params: {},
    });
    expect(data.page.items).toHaveLength(PAGE_SIZE);
    expect(data.page.items[0]!.name).toBe("Account 00");
    expect(data.page.total).toBe(PAGE_SIZE + 3);
    expect(data.isFirstPage).toBe(true);

    const next = await loader({
      request: new Request(`http://localhost/accounts?cursor=${data.page.nextCursor}`),
      context: loadContext(auth),
      params: {},
    });
    expect(next.page.items.map((a) => a.name)).toEqual(["Account 25", "Account 26", "Account 27"]);
    expect(next.isFirstPage).toBe(false);
  });

  it("starts over on the first page when ?cursor= is not one of ours", async () => {
    const db = await getDb();
    const user = await createUser(db);
    await db.account.create({ data: { userId: user.id, name: "Only" } });
    const { auth } = await signIn(db, user.id);
    const data = await loader({
      request: new Request("http://localhost/accounts?cursor=garbage"),
      context: loadContext(auth),
      params: {},
    });
    expect(data.page.items.map((a) => a.name)).toEqual(["Only"]);
    expect(data.isFirstPage).toBe(true);
  });

  it("applies the tier, industry and name filters, keeps them across pages, and offers the book's tiers and industries", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const other = await createUser(db);
    await db.account.createMany({
      data: [
        { userId: user.id, name: "Acme Logistics", tier: "enterprise", industry: "Logistics" },
        { userId: user.id, name: "Acme Foods", tier: "smb", industry: "Food" },
        { userId: user.id, name: "Bolt Energy", tier: "enterprise", industry: "Energy" },
        { userId: user.id, name: "Acme Freight", tier: "enterprise", industry: "Logistics" },
        { userId: other.id, name: "Acme Elsewhere", tier: "enterprise", industry: "Logistics" },
      ],
    });
    const { auth } = await signIn(db, user.id);
    const get = (query: string) =>
      loader({ request: new Request(`http://localhost/accounts${query}`), context: loadContext(auth), params: {} });

    const byName = await get("?q=acme");
    expect(byName.page.items.map((a) => a.name)).toEqual(["Acme Foods", "Acme Freight", "Acme Logistics"]);
    expect(byName.filters).toEqual({ tier: null, industry: null, nameContains: "acme" });

    const combined = await get("?q=acme&tier=enterprise&industry=Logistics");
    expect(combined.page.items.map((a) => a.name)).toEqual(["Acme Freight", "Acme Logistics"]);
    expect(combined.page.total).toBe(2);

    // Empty fields from the GET form mean "no filter".
    const empty = await get("?q=&tier=&industry=");
    expect(empty.page.total).toBe(4);

    expect(combined.facets).toEqual({ tiers: ["enterprise", "smb"], industries: ["Energy", "Food", "Logistics"] });

    // The next page keeps the filters (the cursor continues the same filtered list).
    const pageSize = PAGE_SIZE;
    await db.account.createMany({
      data: Array.from({ length: pageSize }, (_, i) => ({
        userId: user.id,
        name: `Zeta ${String(i).padStart(2, "0")}`,
        tier: "smb",
      })),
    });
    const first = await get("?tier=smb");
    expect(first.page.total).toBe(pageSize + 1);
    const second = await get(`?tier=smb&cursor=${first.page.nextCursor}`);
    expect(second.page.items.map((a) => a.name)).toEqual(["Zeta 24"]);
    expect(second.isFirstPage).toBe(false);

    // An over-long hand-edited filter narrows instead of failing.
    const long = await get(`?q=${"x".repeat(500)}`);
    expect(long.page.total).toBe(0);
  });

  it("sends a signed-out visitor to sign in, and back here afterwards", async () => {
    const response = await Promise.resolve(
      loader({ request: new Request("http://localhost/accounts?sort=recent"), context: loadContext(), params: {} }),
    ).catch((thrown: unknown) => thrown);
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).status).toBe(302);
    expect((response as Response).headers.get("location")).toBe("/login?redirectTo=%2Faccounts%3Fsort%3Drecent");
  });
});

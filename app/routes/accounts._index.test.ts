import { describe, expect, it } from "vitest";
import { get, seller, thrownBy } from "../../tests/helpers/routes";
import { createUser, loadContext } from "../../tests/helpers/users";
import { loader, PAGE_SIZE } from "./accounts._index";

// The server-side door: the route's loader calls accounts.list in-process with the request's user.
describe("/accounts loader", () => {
  it("renders the signed-in user's first page through the server-side caller", async () => {
    const { db, user, context } = await seller();
    await db.account.createMany({
      data: Array.from({ length: PAGE_SIZE + 3 }, (_, i) => ({
        userId: user.id,
        name: `Account ${String(i).padStart(2, "0")}`,
      })),
    });
    const data = await loader({
      request: get("/accounts"),
      context,
      params: {},
    });
    expect(data.page.items).toHaveLength(PAGE_SIZE);
    expect(data.page.items[0]!.name).toBe("Account 00");
    expect(data.page.total).toBe(PAGE_SIZE + 3);
    expect(data.isFirstPage).toBe(true);

    const next = await loader({
      request: get(`/accounts?cursor=${data.page.nextCursor}`),
      context,
      params: {},
    });
    expect(next.page.items.map((a) => a.name)).toEqual(["Account 25", "Account 26", "Account 27"]);
    expect(next.isFirstPage).toBe(false);
  });

  it("starts over on the first page when ?cursor= is not one of ours", async () => {
    const { db, user, context } = await seller();
    await db.account.create({ data: { userId: user.id, name: "Only" } });
    const data = await loader({
      request: get("/accounts?cursor=garbage"),
      context,
      params: {},
    });
    expect(data.page.items.map((a) => a.name)).toEqual(["Only"]);
    expect(data.isFirstPage).toBe(true);
  });

  it("applies the tier, industry and name filters, keeps them across pages, and offers the book's tiers and industries", async () => {
    const { db, user, context } = await seller();
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
    const list = (query: string) => loader({ request: get(`/accounts${query}`), context, params: {} });

    const byName = await list("?q=acme");
    expect(byName.page.items.map((a) => a.name)).toEqual(["Acme Foods", "Acme Freight", "Acme Logistics"]);
    expect(byName.filters).toEqual({ tier: null, industry: null, nameContains: "acme" });

    const combined = await list("?q=acme&tier=enterprise&industry=Logistics");
    expect(combined.page.items.map((a) => a.name)).toEqual(["Acme Freight", "Acme Logistics"]);
    expect(combined.page.total).toBe(2);

    // Empty fields from the GET form mean "no filter".
    const empty = await list("?q=&tier=&industry=");
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
    const first = await list("?tier=smb");
    expect(first.page.total).toBe(pageSize + 1);
    const second = await list(`?tier=smb&cursor=${first.page.nextCursor}`);
    expect(second.page.items.map((a) => a.name)).toEqual(["Zeta 24"]);
    expect(second.isFirstPage).toBe(false);

    // An over-long hand-edited filter narrows instead of failing.
    const long = await list(`?q=${"x".repeat(500)}`);
    expect(long.page.total).toBe(0);
  });

  it("sends a signed-out visitor to sign in, and back here afterwards", async () => {
    const response = await thrownBy(() =>
      loader({ request: get("/accounts?sort=recent"), context: loadContext(), params: {} }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Faccounts%3Fsort%3Drecent");
  });
});

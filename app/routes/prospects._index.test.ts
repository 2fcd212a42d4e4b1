import { describe, expect, it } from "vitest";
import { get, seller } from "../../tests/helpers/routes";
import { createUser } from "../../tests/helpers/users";
import { loader, PROSPECTS_PAGE_SIZE } from "./prospects._index";

describe("/prospects loader", () => {
  it("applies the role, status and name filters, only to the user's people", async () => {
    const { db, user, context } = await seller();
    const other = await createUser(db);
    const acme = await db.account.create({ data: { userId: user.id, name: "Acme" } });
    await db.prospect.createMany({
      data: [
        {
          userId: user.id,
          accountId: acme.id,
          firstName: "Ana",
          lastName: "Ruiz",
          role: "champion",
          status: "active",
          email: "ana@acme.example",
        },
        {
          userId: user.id,
          accountId: acme.id,
          firstName: "Ben",
          lastName: "Okafor",
          role: "economic_buyer",
          status: "active",
        },
        { userId: user.id, firstName: "Anders", lastName: "Berg", role: "champion", status: "left_company" },
        {
          userId: user.id,
          firstName: "Cy",
          lastName: "Lam",
          role: "blocker",
          status: "unresponsive",
          email: "cy@bolt.example",
        },
        { userId: other.id, firstName: "Ana", lastName: "Elsewhere", role: "champion" },
      ],
    });
    const list = (query: string) => loader({ request: get(`/prospects${query}`), context, params: {} });
    const names = async (query: string) => (await list(query)).page.items.map((p) => `${p.firstName} ${p.lastName}`);

    expect(await names("")).toEqual(["Anders Berg", "Cy Lam", "Ben Okafor", "Ana Ruiz"]);
    expect(await names("?role=champion")).toEqual(["Anders Berg", "Ana Ruiz"]);
    expect(await names("?role=champion&status=active")).toEqual(["Ana Ruiz"]);
    expect(await names("?status=unresponsive")).toEqual(["Cy Lam"]);
    expect(await names("?q=an")).toEqual(["Anders Berg", "Ana Ruiz"]);
    expect(await names("?q=bolt.example")).toEqual(["Cy Lam"]);
    // Empty GET-form fields mean "no filter"; unknown values in a hand-edited address are ignored.
    expect(await names("?q=&role=&status=")).toHaveLength(4);
    expect(await names("?role=emperor&status=gone")).toHaveLength(4);
    const data = await list("?role=champion&status=active&q=ana");
    expect(data.filters).toEqual({ role: "champion", status: "active", nameContains: "ana" });
    expect(data.page.items[0]!.account).toEqual({ id: acme.id, name: "Acme" });
  });

  it("pages with a Next page cursor that keeps the filters, and starts over on a bad cursor", async () => {
    const { db, user, context } = await seller();
    await db.prospect.createMany({
      data: [
        ...Array.from({ length: PROSPECTS_PAGE_SIZE + 2 }, (_, i) => ({
          userId: user.id,
          firstName: "P",
          lastName: `Person ${String(i).padStart(2, "0")}`,
          role: "user" as const,
        })),
        { userId: user.id, firstName: "Not", lastName: "A user", role: "blocker" as const },
      ],
    });
    const list = (query: string) => loader({ request: get(`/prospects${query}`), context, params: {} });
    const first = await list("?role=user");
    expect(first.page.items).toHaveLength(PROSPECTS_PAGE_SIZE);
    expect(first.page.total).toBe(PROSPECTS_PAGE_SIZE + 2);
    const next = await list(`?role=user&cursor=${first.page.nextCursor}`);
    expect(next.page.items.map((p) => p.lastName)).toEqual(["Person 25", "Person 26"]);
    expect(next.isFirstPage).toBe(false);
    const bad = await list("?role=user&cursor=not-ours");
    expect(bad.isFirstPage).toBe(true);
    expect(bad.page.items[0]!.lastName).toBe("Person 00");
  });
});

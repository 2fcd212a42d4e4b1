import { describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { createUser, loadContext, signIn } from "../../tests/helpers/users";
import { loader, PAGE_SIZE } from "./accounts._index";

// The server-side door: the route's loader calls accounts.list in-process with the request's user.
describe("/accounts loader", () => {
  it("renders the signed-in user's first page through the server-side caller", async () => {
    const db = await getDb();
    const user = await createUser(db);
    await db.account.createMany({ data: Array.from({ length: PAGE_SIZE + 3 }, (_, i) => ({ userId: user.id, name: `Account ${String(i).padStart(2, "0")}` })) });
    const { auth } = await signIn(db, user.id);
    const data = await loader({ request: new Request("http://localhost/accounts"), context: loadContext(auth), params: {} });
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
    const data = await loader({ request: new Request("http://localhost/accounts?cursor=garbage"), context: loadContext(auth), params: {} });
    expect(data.page.items.map((a) => a.name)).toEqual(["Only"]);
    expect(data.isFirstPage).toBe(true);
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

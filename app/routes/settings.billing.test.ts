import { describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { createUser, loadContext, signIn } from "../../tests/helpers/users";
import { loader } from "./settings.billing";

describe("/settings/billing loader", () => {
  it("is for signed-in users: a visitor is sent to sign in and back", async () => {
    const request = new Request("http://localhost/settings/billing");
    const thrown = await Promise.resolve()
      .then(() => loader({ request, context: loadContext(), params: {} }))
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fbilling");

    const db = await getDb();
    const { auth } = await signIn(db, (await createUser(db)).id);
    expect(loader({ request, context: loadContext(auth), params: {} })).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { get, seller, thrownBy } from "../../tests/helpers/routes";
import { loadContext } from "../../tests/helpers/users";
import { loader } from "./settings.billing";

describe("/settings/billing loader", () => {
  it("is for signed-in users: a visitor is sent to sign in and back", async () => {
    const request = get("/settings/billing");
    const thrown = await thrownBy(() => loader({ request, context: loadContext(), params: {} }));
    expect(thrown.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fbilling");

    const { context } = await seller();
    expect(loader({ request, context, params: {} })).toBeNull();
  });
});

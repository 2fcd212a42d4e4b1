import { describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { PRIVACY_POLICY } from "../../server/privacy/policy";
import { createUser, loadContext, signIn } from "../../tests/helpers/users";
import { action as acknowledge } from "./policy.acknowledge";
import { loader as rootLoader } from "../root";

describe("P17: policy change notice", () => {
  it("shows signed-in users who have not seen the current policy a notice until they dismiss it", async () => {
    const db = await getDb();
    const user = await createUser(db);
    await db.policyAcknowledgement.create({ data: { userId: user.id, policyVersion: "0" } });
    const { auth } = await signIn(db, user.id);
    const context = loadContext(auth);
    const request = new Request("http://localhost/accounts");

    const before = await rootLoader({ request, context, params: {} });
    expect(before.policyNotice).toEqual({ version: PRIVACY_POLICY.version, lastUpdated: PRIVACY_POLICY.lastUpdated });

    const response = (await acknowledge({
      request: new Request("http://localhost/policy/acknowledge", {
        method: "POST",
        body: new URLSearchParams({ redirectTo: "/accounts?sort=recent" }),
      }),
      context,
      params: {},
    })) as Response;
    expect(response.headers.get("location")).toBe("/accounts?sort=recent");
    expect(
      await db.policyAcknowledgement.count({ where: { userId: user.id, policyVersion: PRIVACY_POLICY.version } }),
    ).toBe(1);
    expect((await rootLoader({ request, context, params: {} })).policyNotice).toBeNull();
  });

  it("shows nothing to signed-out visitors, and the policy page states a real date and version", async () => {
    const data = await rootLoader({ request: new Request("http://localhost/"), context: loadContext(), params: {} });
    expect(data.policyNotice).toBeNull();
    expect(PRIVACY_POLICY.lastUpdated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Date.parse(PRIVACY_POLICY.lastUpdated)).toBeLessThanOrEqual(Date.now());
  });
});

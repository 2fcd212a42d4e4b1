import { describe, expect, it } from "vitest";
import { PRIVACY_POLICY } from "../../server/privacy/policy";
import { get, post, seller } from "../../tests/helpers/routes";
import { loadContext } from "../../tests/helpers/users";
import { action as acknowledge } from "./policy.acknowledge";
import { loader as rootLoader } from "../root";

describe("P17: policy change notice", () => {
  it("shows signed-in users who have not seen the current policy a notice until they dismiss it", async () => {
    const { db, user, context } = await seller();
    await db.policyAcknowledgement.create({ data: { userId: user.id, policyVersion: "0" } });
    const request = get("/accounts");

    const before = await rootLoader({ request, context, params: {} });
    expect(before.policyNotice).toEqual({ version: PRIVACY_POLICY.version, lastUpdated: PRIVACY_POLICY.lastUpdated });

    const response = (await acknowledge({
      request: post("/policy/acknowledge", { redirectTo: "/accounts?sort=recent" }),
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
    const data = await rootLoader({ request: get("/"), context: loadContext(), params: {} });
    expect(data.policyNotice).toBeNull();
    expect(PRIVACY_POLICY.lastUpdated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Date.parse(PRIVACY_POLICY.lastUpdated)).toBeLessThanOrEqual(Date.now());
  });
});

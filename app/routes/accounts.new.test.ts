import { describe, expect, it } from "vitest";
import { post, seller, thrownBy, type Answer } from "../../tests/helpers/routes";
import { loadContext } from "../../tests/helpers/users";
import { action } from "./accounts.new";

describe("/accounts/new", () => {
  it("creates the account with every field, and goes to it with a toast", async () => {
    const { db, user, context } = await seller();
    const response = (await action({
      request: post("/accounts/new", {
        name: "  Acme Logistics ",
        domain: "acme.example",
        industry: "Logistics",
        employeeCount: "1,200",
        hqCity: "Denver, CO",
        tier: "enterprise",
        description: "Freight and warehousing.",
        ownerNotes: "Renewal in Q3.",
      }),
      context,
      params: {},
    })) as Response;
    expect(response.status).toBe(302);
    const account = await db.account.findFirstOrThrow({ where: { userId: user.id } });
    expect(response.headers.get("location")).toBe(`/accounts/${account.id}?toast=account-created`);
    expect(account).toMatchObject({
      name: "Acme Logistics",
      domain: "acme.example",
      industry: "Logistics",
      employeeCount: 1200,
      hqCity: "Denver, CO",
      tier: "enterprise",
      description: "Freight and warehousing.",
      ownerNotes: "Renewal in Q3.",
      source: "manual",
    });
  });

  it("needs only a name; empty optional fields are stored as nothing", async () => {
    const { db, user, context } = await seller();
    await action({
      request: post("/accounts/new", {
        name: "Bolt",
        domain: "",
        industry: "",
        employeeCount: "",
        hqCity: "",
        tier: "",
        description: "",
        ownerNotes: "",
      }),
      context,
      params: {},
    });
    const account = await db.account.findFirstOrThrow({ where: { userId: user.id } });
    expect(account).toMatchObject({
      name: "Bolt",
      domain: null,
      industry: null,
      employeeCount: null,
      tier: null,
      description: null,
    });
  });

  it("explains each mistake next to its field, keeps what was typed, and creates nothing", async () => {
    const { db, user, context } = await seller();
    const answer = (await action({
      request: post("/accounts/new", { name: "  ", employeeCount: "12.5", tier: "platinum", industry: "Retail" }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(answer.init?.status).toBe(400);
    expect(answer.data.fieldErrors).toEqual({
      name: "Give the account a name.",
      employeeCount: "Use a whole number, like 250.",
      tier: "Choose one of the tiers.",
    });
    expect(answer.data.fields).toMatchObject({ industry: "Retail", employeeCount: "12.5" });

    // The API's own messages (lengths) come back the same way.
    const tooMany = (await action({
      request: post("/accounts/new", { name: "Big", employeeCount: "20000000" }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(tooMany.data.fieldErrors).toEqual({ employeeCount: "Use a number up to 10,000,000." });
    const apiSays = (await action({
      request: post("/accounts/new", { name: "Long domain", domain: "x".repeat(300) }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(apiSays.init?.status).toBe(400);
    expect(apiSays.data.fieldErrors).toEqual({ domain: "Use at most 253 characters." });
    expect(apiSays.data.fields?.domain).toBe("x".repeat(300));
    expect(await db.account.count({ where: { userId: user.id } })).toBe(0);
  });

  it("sends a signed-out visitor to sign in", async () => {
    const thrown = await thrownBy(() =>
      action({ request: post("/accounts/new", { name: "X" }), context: loadContext(), params: {} }),
    );
    expect(thrown.status).toBe(302);
    expect(thrown.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});

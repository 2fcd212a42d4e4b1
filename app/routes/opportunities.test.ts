import { describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { callerFor, loadContext } from "../../tests/helpers/users";
import { get, post, seller as signedInSeller, thrownBy, type Answer } from "../../tests/helpers/routes";
import { action as boardAction, loader as boardLoader } from "./opportunities._index";
import { action as dealAction, loader as dealLoader } from "./opportunities.$opportunityId";
import { action as editAction, loader as editLoader } from "./opportunities.$opportunityId_.edit";
import { action as newAction, loader as newLoader } from "./opportunities.new";

/** A signed-in seller with one account, and the context their requests carry. */
async function seller() {
  const signedIn = await signedInSeller();
  const { db, user, auth } = signedIn;
  const account = await db.account.create({ data: { userId: user.id, name: "Acme Logistics" } });
  return { ...signedIn, account, api: await callerFor(auth) };
}

const dealForm = (overrides: Record<string, string> = {}) => ({
  name: "Acme – Platform",
  accountId: "",
  stage: "prospecting",
  amount: "24,000",
  currency: "usd",
  closeDate: "2026-12-31",
  probability: "20",
  nextStep: "Book the demo",
  lossReason: "",
  ...overrides,
});

describe("/opportunities board", () => {
  it("loads every stage as a column with counts and totals per currency", async () => {
    const { context, api, account } = await seller();
    await api.opportunities.create({
      name: "A",
      accountId: account.id,
      stage: "discovery",
      amount: 1_000_00,
      currency: "USD",
    });
    await api.opportunities.create({ name: "B", stage: "discovery", amount: 2_500_00, currency: "USD" });
    await api.opportunities.create({ name: "C", stage: "discovery", amount: 900_00, currency: "EUR" });
    const loaded = await boardLoader({ request: get("/opportunities"), context, params: {} });
    if (loaded.view !== "board") throw new Error("expected the board");
    expect(loaded.board.map((c) => c.stage)).toEqual([
      "prospecting",
      "discovery",
      "demo",
      "evaluation",
      "proposal",
      "negotiation",
      "closed_won",
      "closed_lost",
    ]);
    const discovery = loaded.board.find((c) => c.stage === "discovery")!;
    expect(discovery.count).toBe(3);
    expect(discovery.totals).toEqual([
      { currency: "USD", amount: 3_500_00 },
      { currency: "EUR", amount: 900_00 },
    ]);
    expect(discovery.deals.map((d) => d.name).sort()).toEqual(["A", "B", "C"]);
    expect(loaded.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("moves a deal from the card's form: records the stage history and an activity, then redirects with a toast", async () => {
    const { db, user, context, api, account } = await seller();
    const deal = await api.opportunities.create({ name: "Acme – Platform", accountId: account.id });
    const response = (await boardAction({
      request: post("/opportunities", { intent: "move", id: deal.id, stage: "discovery" }),
      context,
      params: {},
    })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/opportunities?toast=deal-moved#deal-${deal.id}`);

    expect((await db.opportunity.findUniqueOrThrow({ where: { id: deal.id } })).stage).toBe("discovery");
    const history = await db.opportunityStageChange.findMany({
      where: { opportunityId: deal.id },
      orderBy: { at: "asc" },
    });
    expect(history.map((h) => [h.fromStage, h.stage])).toEqual([
      [null, "prospecting"],
      ["prospecting", "discovery"],
    ]);
    const activities = await db.activity.findMany({ where: { userId: user.id, opportunityId: deal.id } });
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({
      type: "stage_changed",
      accountId: account.id,
      summary: "Stage changed from prospecting to discovery on Acme – Platform.",
    });
  });

  it("refuses an unknown stage with a message, and another user's deal with a 404", async () => {
    const { context, api } = await seller();
    const deal = await api.opportunities.create({ name: "Mine" });
    const bad = (await boardAction({
      request: post("/opportunities", { intent: "move", id: deal.id, stage: "won-ish" }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(bad.init?.status).toBe(400);
    expect(bad.data.formError).toBe("Choose a stage to move the deal to.");

    const other = await seller();
    const response = await thrownBy(() =>
      boardAction({
        request: post("/opportunities", { intent: "move", id: deal.id, stage: "demo" }),
        context: other.context,
        params: {},
      }),
    );
    expect(response.status).toBe(404);
    const db = await getDb();
    expect((await db.opportunity.findUniqueOrThrow({ where: { id: deal.id } })).stage).toBe("prospecting");
  });

  it("lists deals as a table with state filter and sort, starting over on a bad cursor", async () => {
    const { context, api } = await seller();
    await api.opportunities.create({ name: "Small", amount: 100_00 });
    await api.opportunities.create({ name: "Big", amount: 900_00 });
    await api.opportunities.create({ name: "Won", stage: "closed_won", amount: 500_00 });
    const open = await boardLoader({ request: get("/opportunities?view=list&sort=amount"), context, params: {} });
    if (open.view !== "list") throw new Error("expected the list");
    expect(open.page.items.map((d) => d.name)).toEqual(["Big", "Small"]);
    expect(open.stageLabels.closed_won).toBe("Closed won");
    const closed = await boardLoader({
      request: get("/opportunities?view=list&state=closed&cursor=nonsense"),
      context,
      params: {},
    });
    if (closed.view !== "list") throw new Error("expected the list");
    expect(closed.page.items.map((d) => d.name)).toEqual(["Won"]);
    expect(closed.isFirstPage).toBe(true);
  });

  it("sends a signed-out visitor to sign in", async () => {
    const response = await thrownBy(() =>
      boardLoader({ request: get("/opportunities"), context: loadContext(), params: {} }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fopportunities");
  });
});

describe("/opportunities/new", () => {
  it("offers the user's accounts by name and preselects ?accountId=", async () => {
    const { context, account, db, user } = await seller();
    await db.account.create({ data: { userId: user.id, name: "Zeta Corp" } });
    await db.account.create({ data: { userId: user.id, name: "Beta Inc" } });
    const loaded = await newLoader({ request: get(`/opportunities/new?accountId=${account.id}`), context, params: {} });
    expect(loaded.accounts.map((a) => a.name)).toEqual(["Acme Logistics", "Beta Inc", "Zeta Corp"]);
    expect(loaded.accountId).toBe(account.id);
    const stranger = await seller();
    const notMine = await newLoader({
      request: get(`/opportunities/new?accountId=${account.id}`),
      context: stranger.context,
      params: {},
    });
    expect(notMine.accountId).toBe("");
    expect(notMine.accounts.map((a) => a.name)).toEqual(["Acme Logistics"]);
    expect(notMine.accounts[0]!.id).toBe(stranger.account.id);
  });

  it("creates a deal with the amount in exact cents and redirects to it", async () => {
    const { db, user, context, account } = await seller();
    const response = (await newAction({
      request: post("/opportunities/new", dealForm({ accountId: account.id, amount: "1,234.56" })),
      context,
      params: {},
    })) as Response;
    expect(response.status).toBe(302);
    const deal = await db.opportunity.findFirstOrThrow({ where: { userId: user.id, name: "Acme – Platform" } });
    expect(response.headers.get("location")).toBe(`/opportunities/${deal.id}?toast=deal-created`);
    expect(deal).toMatchObject({
      accountId: account.id,
      stage: "prospecting",
      amount: 123456n,
      currency: "USD",
      probability: 20,
      nextStep: "Book the demo",
      lossReason: null,
    });
    expect(deal.closeDate?.toISOString()).toBe("2026-12-31T00:00:00.000Z");

    // Amounts that floats get wrong stay exact.
    await newAction({
      request: post("/opportunities/new", dealForm({ name: "Float trap", amount: "0.29" })),
      context,
      params: {},
    });
    expect((await db.opportunity.findFirstOrThrow({ where: { userId: user.id, name: "Float trap" } })).amount).toBe(
      29n,
    );
    await newAction({
      request: post("/opportunities/new", dealForm({ name: "Big one", amount: "$12,345,678.9" })),
      context,
      params: {},
    });
    expect((await db.opportunity.findFirstOrThrow({ where: { userId: user.id, name: "Big one" } })).amount).toBe(
      1_234_567_890n,
    );
  });

  it("answers every problem beside its field, and keeps what was typed", async () => {
    const { db, user, context } = await seller();
    const answer = (await newAction({
      request: post(
        "/opportunities/new",
        dealForm({ name: " ", amount: "abc", probability: "150", closeDate: "31/12/2026", currency: "dollars" }),
      ),
      context,
      params: {},
    })) as unknown as Answer;
    expect(answer.init?.status).toBe(400);
    expect(answer.data.fieldErrors).toEqual({
      name: "Give the deal a name.",
      amount: "Enter an amount like 24000 or 24,000.50.",
      probability: "Use 0 to 100.",
      closeDate: "Use a date like 2026-12-31.",
      currency: "Use a three-letter currency code such as USD.",
    });
    expect(answer.data.fields?.amount).toBe("abc");
    for (const amount of ["1,23", "12.345", "-5"]) {
      const again = (await newAction({
        request: post("/opportunities/new", dealForm({ amount })),
        context,
        params: {},
      })) as unknown as Answer;
      expect(again.data.fieldErrors?.amount).toBe("Enter an amount like 24000 or 24,000.50.");
    }
    const notWhole = (await newAction({
      request: post("/opportunities/new", dealForm({ probability: "twenty" })),
      context,
      params: {},
    })) as unknown as Answer;
    expect(notWhole.data.fieldErrors?.probability).toBe("Use a whole percentage from 0 to 100.");
    expect(await db.opportunity.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses another user's account as a field error, not a 500", async () => {
    const { context } = await seller();
    const other = await seller();
    const answer = (await newAction({
      request: post("/opportunities/new", dealForm({ accountId: other.account.id })),
      context,
      params: {},
    })) as unknown as Answer;
    expect(answer.init?.status).toBe(400);
    expect(answer.data.fieldErrors).toEqual({ accountId: "Choose one of your accounts." });
  });

  it("keeps a loss reason only for a lost deal", async () => {
    const { db, user, context } = await seller();
    await newAction({
      request: post("/opportunities/new", dealForm({ name: "Lost", stage: "closed_lost", lossReason: "No budget" })),
      context,
      params: {},
    });
    await newAction({
      request: post("/opportunities/new", dealForm({ name: "Open", stage: "demo", lossReason: "Typed by mistake" })),
      context,
      params: {},
    });
    expect((await db.opportunity.findFirstOrThrow({ where: { userId: user.id, name: "Lost" } })).lossReason).toBe(
      "No budget",
    );
    expect((await db.opportunity.findFirstOrThrow({ where: { userId: user.id, name: "Open" } })).lossReason).toBeNull();
  });
});

describe("/opportunities/:id", () => {
  it("shows the deal with its stage history, timeline and notes; 404 for another user's deal", async () => {
    const { context, api, account } = await seller();
    const deal = await api.opportunities.create({ name: "Acme – Platform", accountId: account.id, amount: 5_000_00 });
    await api.opportunities.moveStage({ id: deal.id, stage: "demo" });
    const loaded = await dealLoader({
      request: get(`/opportunities/${deal.id}`),
      context,
      params: { opportunityId: deal.id },
    });
    expect(loaded.deal).toMatchObject({
      name: "Acme – Platform",
      stage: "demo",
      amount: 5_000_00,
      account: { id: account.id, name: "Acme Logistics" },
    });
    expect(loaded.deal.stageHistory.map((h) => h.stage)).toEqual(["prospecting", "demo"]);
    expect(loaded.timeline.items.map((i) => i.type)).toEqual(["stage_changed"]);
    expect(loaded.stageLabels.demo).toBe("Demo");

    const other = await seller();
    for (const id of [deal.id, "does-not-exist", "x".repeat(100)]) {
      const response = await thrownBy(() =>
        dealLoader({ request: get(`/opportunities/${id}`), context: other.context, params: { opportunityId: id } }),
      );
      expect(response.status).toBe(404);
    }
    const edit = await thrownBy(() =>
      editLoader({
        request: get(`/opportunities/${deal.id}/edit`),
        context: other.context,
        params: { opportunityId: deal.id },
      }),
    );
    expect(edit.status).toBe(404);
    const del = await thrownBy(() =>
      dealAction({
        request: post(`/opportunities/${deal.id}`, { intent: "delete" }),
        context: other.context,
        params: { opportunityId: deal.id },
      }),
    );
    expect(del.status).toBe(404);
  });

  it("moves the deal with the stage form", async () => {
    const { db, context, api } = await seller();
    const deal = await api.opportunities.create({ name: "Mover" });
    const response = (await dealAction({
      request: post(`/opportunities/${deal.id}`, { intent: "move", stage: "proposal" }),
      context,
      params: { opportunityId: deal.id },
    })) as Response;
    expect(response.headers.get("location")).toBe(`/opportunities/${deal.id}?toast=deal-moved`);
    expect((await db.opportunity.findUniqueOrThrow({ where: { id: deal.id } })).stage).toBe("proposal");
  });

  it("adds a note (on the deal and its account), refuses an empty one, and deletes it", async () => {
    const { db, context, api, account } = await seller();
    const deal = await api.opportunities.create({ name: "Noted", accountId: account.id });
    const params = { opportunityId: deal.id };
    const empty = (await dealAction({
      request: post(`/opportunities/${deal.id}`, { intent: "add-note", body: "  " }),
      context,
      params,
    })) as unknown as Answer;
    expect(empty.init?.status).toBe(400);
    expect(empty.data.fieldErrors).toEqual({ body: "Write something in the note." });

    const response = (await dealAction({
      request: post(`/opportunities/${deal.id}`, { intent: "add-note", body: "Budget approved.\nSigner: CFO." }),
      context,
      params,
    })) as Response;
    expect(response.headers.get("location")).toBe(`/opportunities/${deal.id}?toast=note-added#notes`);
    const note = await db.note.findFirstOrThrow({ where: { opportunityId: deal.id } });
    expect(note).toMatchObject({ body: "Budget approved.\nSigner: CFO.", accountId: account.id });
    const loaded = await dealLoader({ request: get(`/opportunities/${deal.id}`), context, params });
    expect(loaded.notes.map((n) => n.body)).toEqual(["Budget approved.\nSigner: CFO."]);

    await dealAction({
      request: post(`/opportunities/${deal.id}`, { intent: "delete", target: "note", noteId: note.id }),
      context,
      params,
    });
    expect(await db.note.count({ where: { id: note.id } })).toBe(0);
    expect(await db.opportunity.count({ where: { id: deal.id } })).toBe(1);
  });

  it("edits a deal: prefilled values, validation, and the stage change recorded", async () => {
    const { db, context, api, account } = await seller();
    const deal = await api.opportunities.create({
      name: "Editable",
      accountId: account.id,
      amount: 123_456,
      currency: "EUR",
      closeDate: "2026-06-30",
      probability: 40,
    });
    const params = { opportunityId: deal.id };
    const loaded = await editLoader({ request: get(`/opportunities/${deal.id}/edit`), context, params });
    expect(loaded.values).toEqual({
      name: "Editable",
      accountId: account.id,
      stage: "prospecting",
      amount: "1234.56",
      currency: "EUR",
      closeDate: "2026-06-30",
      probability: "40",
      nextStep: "",
      lossReason: "",
    });

    const bad = (await editAction({
      request: post(`/opportunities/${deal.id}/edit`, { ...loaded.values, amount: "abc", name: "" }),
      context,
      params,
    })) as unknown as Answer;
    expect(bad.init?.status).toBe(400);
    expect(bad.data.fieldErrors).toEqual({
      amount: "Enter an amount like 24000 or 24,000.50.",
      name: "Give the deal a name.",
    });

    const response = (await editAction({
      request: post(`/opportunities/${deal.id}/edit`, {
        ...loaded.values,
        name: "Edited",
        amount: "99.9",
        accountId: "",
        stage: "negotiation",
        probability: "",
      }),
      context,
      params,
    })) as Response;
    expect(response.headers.get("location")).toBe(`/opportunities/${deal.id}?toast=deal-updated`);
    const after = await db.opportunity.findUniqueOrThrow({ where: { id: deal.id } });
    expect(after).toMatchObject({
      name: "Edited",
      amount: 9_990n,
      accountId: null,
      stage: "negotiation",
      probability: null,
      currency: "EUR",
    });
    expect(await db.opportunityStageChange.count({ where: { opportunityId: deal.id } })).toBe(2);
    expect(await db.activity.count({ where: { opportunityId: deal.id, type: "stage_changed" } })).toBe(1);

    const other = await seller();
    const theirs = await thrownBy(() =>
      editAction({ request: post(`/opportunities/${deal.id}/edit`, loaded.values), context: other.context, params }),
    );
    expect(theirs.status).toBe(404);
  });

  it("deletes a deal and goes back to the board", async () => {
    const { db, context, api } = await seller();
    const deal = await api.opportunities.create({ name: "Doomed" });
    const response = (await dealAction({
      request: post(`/opportunities/${deal.id}`, { intent: "delete" }),
      context,
      params: { opportunityId: deal.id },
    })) as Response;
    expect(response.headers.get("location")).toBe("/opportunities?toast=deal-deleted");
    expect(await db.opportunity.count({ where: { id: deal.id } })).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { get, post, seller, type Answer } from "../../tests/helpers/routes";
import { createUser } from "../../tests/helpers/users";
import { action, loader } from "./prospects.new";

const blank = {
  firstName: "",
  lastName: "",
  title: "",
  email: "",
  phone: "",
  linkedinUrl: "",
  accountId: "",
  role: "other",
  status: "active",
};

describe("/prospects/new", () => {
  it("lists the user's accounts by name and preselects ?accountId= when it is theirs", async () => {
    const { db, user, context } = await seller();
    const stranger = await createUser(db);
    const bolt = await db.account.create({ data: { userId: user.id, name: "Bolt" } });
    const acme = await db.account.create({ data: { userId: user.id, name: "Acme" } });
    const theirs = await db.account.create({ data: { userId: stranger.id, name: "Theirs" } });
    const data = await loader({
      request: get(`/prospects/new?accountId=${bolt.id}`),
      context,
      params: {},
    });
    expect(data.accounts).toEqual([
      { id: acme.id, name: "Acme" },
      { id: bolt.id, name: "Bolt" },
    ]);
    expect(data.accountId).toBe(bolt.id);
    expect(data.accountsCut).toBe(false);
    const foreign = await loader({
      request: get(`/prospects/new?accountId=${theirs.id}`),
      context,
      params: {},
    });
    expect(foreign.accountId).toBe("");
    expect(foreign.accounts.map((a) => a.name)).toEqual(["Acme", "Bolt"]);
  });

  it("says when there are more than 100 accounts, and still offers a preselected one beyond them", async () => {
    const { db, user, context } = await seller();
    await db.account.createMany({
      data: Array.from({ length: 101 }, (_, i) => ({ userId: user.id, name: `Account ${String(i).padStart(3, "0")}` })),
    });
    const last = await db.account.findFirstOrThrow({ where: { userId: user.id, name: "Account 100" } });
    const data = await loader({
      request: get(`/prospects/new?accountId=${last.id}`),
      context,
      params: {},
    });
    expect(data.accountsCut).toBe(true);
    expect(data.accounts).toHaveLength(101);
    expect(data.accountId).toBe(last.id);
  });

  it("creates the person at the account, and goes to them with a toast", async () => {
    const { db, user, context } = await seller();
    const acme = await db.account.create({ data: { userId: user.id, name: "Acme" } });
    const response = (await action({
      request: post("/prospects/new", {
        ...blank,
        firstName: "Ana",
        lastName: "Ruiz",
        title: "VP Operations",
        email: "Ana.Ruiz@Acme.example",
        phone: "+1 303 555 0100",
        linkedinUrl: "https://www.linkedin.com/in/ana-ruiz",
        accountId: acme.id,
        role: "champion",
        status: "active",
      }),
      context,
      params: {},
    })) as Response;
    expect(response.status).toBe(302);
    const person = await db.prospect.findFirstOrThrow({ where: { userId: user.id } });
    expect(response.headers.get("location")).toBe(`/prospects/${person.id}?toast=prospect-created`);
    expect(person).toMatchObject({
      firstName: "Ana",
      lastName: "Ruiz",
      title: "VP Operations",
      email: "ana.ruiz@acme.example",
      phone: "+1 303 555 0100",
      linkedinUrl: "https://www.linkedin.com/in/ana-ruiz",
      accountId: acme.id,
      role: "champion",
      status: "active",
    });
  });

  it("explains mistakes next to their fields, keeps what was typed, and creates no one", async () => {
    const { db, user, context } = await seller();
    const stranger = await createUser(db);
    const theirs = await db.account.create({ data: { userId: stranger.id, name: "Theirs" } });

    const local = (await action({
      request: post("/prospects/new", { ...blank, firstName: " ", lastName: "Ruiz", role: "king", status: "asleep" }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(local.init?.status).toBe(400);
    expect(local.data.fieldErrors).toEqual({
      firstName: "Enter a first name.",
      role: "Choose a role.",
      status: "Choose a status.",
    });
    expect(local.data.fields?.lastName).toBe("Ruiz");

    const api = (await action({
      request: post("/prospects/new", {
        ...blank,
        firstName: "Ana",
        email: "not-an-email",
        linkedinUrl: "linkedin.com/in/ana",
      }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(api.init?.status).toBe(400);
    expect(api.data.fieldErrors).toEqual({
      email: "Enter a valid email address.",
      linkedinUrl: "Use a full link starting with https://.",
    });
    expect(api.data.fields?.email).toBe("not-an-email");

    // Another user's account cannot be chosen (and looks like one that does not exist).
    const foreign = (await action({
      request: post("/prospects/new", { ...blank, firstName: "Ana", accountId: theirs.id }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(foreign.init?.status).toBe(400);
    expect(foreign.data.fieldErrors).toEqual({ accountId: "Choose one of your accounts." });
    expect(await db.prospect.count({ where: { userId: user.id } })).toBe(0);
  });
});

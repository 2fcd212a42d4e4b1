import { describe, expect, it } from "vitest";
import { get, post, seller, thrownBy, type Answer } from "../../tests/helpers/routes";
import { action as layoutAction, loader as layoutLoader } from "./accounts.$accountId";
import { loader as overviewLoader } from "./accounts.$accountId._index";
import { loader as dealsLoader } from "./accounts.$accountId.deals";
import { action as notesAction, loader as notesLoader } from "./accounts.$accountId.notes";
import { loader as peopleLoader } from "./accounts.$accountId.people";
import { loader as timelineLoader, TIMELINE_PAGE_SIZE } from "./accounts.$accountId.timeline";
import { action as editAction, loader as editLoader } from "./accounts.$accountId_.edit";

describe("/accounts/:accountId", () => {
  it("loads the account with its counts, and is a 404 for another user's account or a malformed id", async () => {
    const { db, user, context } = await seller();
    const stranger = await seller();
    const account = await db.account.create({
      data: { userId: user.id, name: "Acme", tier: "enterprise", employeeCount: 1200 },
    });
    await db.prospect.create({ data: { userId: user.id, accountId: account.id, firstName: "Ana", lastName: "Ruiz" } });
    const data = await layoutLoader({
      request: get(`/accounts/${account.id}`),
      context,
      params: { accountId: account.id },
    });
    expect(data.account).toMatchObject({ name: "Acme", tier: "enterprise", employeeCount: 1200 });
    expect(data.account._count).toMatchObject({ prospects: 1, opportunities: 0, notes: 0 });

    const params = { accountId: account.id };
    const request = get(`/accounts/${account.id}`);
    for (const run of [
      () => layoutLoader({ request, context: stranger.context, params }),
      () => overviewLoader({ request, context: stranger.context, params }),
      () => timelineLoader({ request, context: stranger.context, params }),
      () => editLoader({ request, context: stranger.context, params }),
      () => layoutLoader({ request, context, params: { accountId: "x".repeat(200) } }),
      () => layoutLoader({ request, context, params: { accountId: "no-such-account" } }),
    ]) {
      expect((await thrownBy(run)).status).toBe(404);
    }
    // The lists are scoped to the user: another user's account id shows them nothing.
    await db.prospect.create({ data: { userId: stranger.user.id, firstName: "Theirs", lastName: "Only" } });
    const people = await peopleLoader({ request, context: stranger.context, params });
    expect(people.page.items).toEqual([]);
  });

  it("overview: open deals summed per currency, only upcoming meetings, the latest five activities", async () => {
    const { db, user, context } = await seller();
    const account = await db.account.create({ data: { userId: user.id, name: "Acme" } });
    const elsewhere = await db.account.create({ data: { userId: user.id, name: "Elsewhere" } });
    await db.opportunity.createMany({
      data: [
        {
          userId: user.id,
          accountId: account.id,
          name: "Platform",
          stage: "evaluation",
          amount: 2_400_050n,
          currency: "USD",
          closeDate: new Date("2030-03-01"),
        },
        {
          userId: user.id,
          accountId: account.id,
          name: "Add-on",
          stage: "proposal",
          amount: 100_000n,
          currency: "USD",
          closeDate: new Date("2030-01-01"),
        },
        { userId: user.id, accountId: account.id, name: "EU", stage: "discovery", amount: 50_000n, currency: "EUR" },
        {
          userId: user.id,
          accountId: account.id,
          name: "Won",
          stage: "closed_won",
          amount: 9_999_999n,
          currency: "USD",
        },
        { userId: user.id, accountId: elsewhere.id, name: "Other account", stage: "demo", amount: 1n, currency: "USD" },
      ],
    });
    const day = 86_400_000;
    await db.meeting.createMany({
      data: [
        {
          userId: user.id,
          accountId: account.id,
          title: "Past review",
          startsAt: new Date(Date.now() - day),
          endsAt: new Date(Date.now() - day + 3_600_000),
        },
        {
          userId: user.id,
          accountId: account.id,
          title: "Security deep dive",
          startsAt: new Date(Date.now() + day),
          endsAt: new Date(Date.now() + day + 3_600_000),
        },
      ],
    });
    await db.activity.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({
        userId: user.id,
        accountId: account.id,
        type: "email_sent" as const,
        at: new Date(Date.UTC(2026, 0, 1 + i)),
        summary: `Email ${i}`,
        source: "manual" as const,
      })),
    });
    const data = await overviewLoader({
      request: get(`/accounts/${account.id}`),
      context,
      params: { accountId: account.id },
    });
    expect(data.openDeals.count).toBe(3);
    expect(data.openDeals.totals).toEqual([
      { currency: "USD", amount: 2_500_050 },
      { currency: "EUR", amount: 50_000 },
    ]);
    expect(data.openDeals.partial).toBe(false);
    expect(data.openDeals.first.map((d) => d.name)).toEqual(["Add-on", "Platform", "EU"]);
    expect(data.meetings.map((m) => m.title)).toEqual(["Security deep dive"]);
    expect(data.activity.map((a) => a.summary)).toEqual(["Email 6", "Email 5", "Email 4", "Email 3", "Email 2"]);
  });

  it("people and deals tabs list only this account's records", async () => {
    const { db, user, context } = await seller();
    const account = await db.account.create({ data: { userId: user.id, name: "Acme" } });
    const other = await db.account.create({ data: { userId: user.id, name: "Other" } });
    await db.prospect.createMany({
      data: [
        { userId: user.id, accountId: account.id, firstName: "Ben", lastName: "Okafor", role: "economic_buyer" },
        { userId: user.id, accountId: account.id, firstName: "Ana", lastName: "Ruiz", role: "champion" },
        { userId: user.id, accountId: other.id, firstName: "Cy", lastName: "Lam" },
      ],
    });
    await db.opportunity.createMany({
      data: [
        { userId: user.id, accountId: account.id, name: "Platform", stage: "negotiation", amount: 10_000_00n },
        { userId: user.id, accountId: other.id, name: "Not this one" },
      ],
    });
    const params = { accountId: account.id };
    const people = await peopleLoader({ request: get(`/accounts/${account.id}/people`), context, params });
    expect(people.page.items.map((p) => `${p.firstName} ${p.lastName} (${p.role})`)).toEqual([
      "Ben Okafor (economic_buyer)",
      "Ana Ruiz (champion)",
    ]);
    const deals = await dealsLoader({ request: get(`/accounts/${account.id}/deals`), context, params });
    expect(deals.page.items.map((d) => [d.name, d.stage, d.amount])).toEqual([["Platform", "negotiation", 10_000_00]]);
  });

  it("timeline pages with an Older cursor, and starts over on a cursor that is not ours", async () => {
    const { db, user, context } = await seller();
    const account = await db.account.create({ data: { userId: user.id, name: "Acme" } });
    await db.activity.createMany({
      data: Array.from({ length: TIMELINE_PAGE_SIZE + 2 }, (_, i) => ({
        userId: user.id,
        accountId: account.id,
        type: "note_added" as const,
        at: new Date(Date.UTC(2026, 0, 1, i)),
        summary: `Entry ${String(i).padStart(2, "0")}`,
        source: "manual" as const,
      })),
    });
    const params = { accountId: account.id };
    const first = await timelineLoader({ request: get(`/accounts/${account.id}/timeline`), context, params });
    expect(first.page.items[0]!.summary).toBe(`Entry ${TIMELINE_PAGE_SIZE + 1}`);
    expect(first.isFirstPage).toBe(true);
    const older = await timelineLoader({
      request: get(`/accounts/${account.id}/timeline?cursor=${first.page.nextCursor}`),
      context,
      params,
    });
    expect(older.page.items.map((a) => a.summary)).toEqual(["Entry 01", "Entry 00"]);
    expect(older.isFirstPage).toBe(false);
    const garbage = await timelineLoader({
      request: get(`/accounts/${account.id}/timeline?cursor=nope`),
      context,
      params,
    });
    expect(garbage.isFirstPage).toBe(true);
    expect(garbage.page.items).toHaveLength(TIMELINE_PAGE_SIZE);
  });

  it("notes: adds a note (on the timeline too), explains an empty one, and deletes one", async () => {
    const { db, user, context } = await seller();
    const stranger = await seller();
    const account = await db.account.create({ data: { userId: user.id, name: "Acme" } });
    const params = { accountId: account.id };
    const path = `/accounts/${account.id}/notes`;

    const added = (await notesAction({
      request: post(path, { intent: "add-note", body: "Ben wants a 2-year term.\nAsk about SSO." }),
      context,
      params,
    })) as Response;
    expect(added.status).toBe(302);
    expect(added.headers.get("location")).toBe(`${path}?toast=note-added`);
    const note = await db.note.findFirstOrThrow({ where: { userId: user.id } });
    expect(note).toMatchObject({ accountId: account.id, body: "Ben wants a 2-year term.\nAsk about SSO." });
    expect(
      await db.activity.findFirst({ where: { accountId: account.id, type: "note_added" }, select: { summary: true } }),
    ).toEqual({ summary: "Note added: Ben wants a 2-year term." });
    const listed = await notesLoader({ request: get(path), context, params });
    expect(listed.page.items.map((n) => n.body)).toEqual([note.body]);

    const empty = (await notesAction({
      request: post(path, { intent: "add-note", body: "   " }),
      context,
      params,
    })) as unknown as Answer;
    expect(empty.init?.status).toBe(400);
    expect(empty.data.fieldErrors).toEqual({ body: "Write something in the note." });

    // Another user can neither add a note to this account nor delete its notes.
    expect(
      (
        await thrownBy(() =>
          notesAction({
            request: post(path, { intent: "add-note", body: "Mine now" }),
            context: stranger.context,
            params,
          }),
        )
      ).status,
    ).toBe(404);
    const strangersAccount = await db.account.create({ data: { userId: stranger.user.id, name: "Theirs" } });
    expect(
      (
        await thrownBy(() =>
          notesAction({
            request: post(`/accounts/${strangersAccount.id}/notes`, { intent: "delete", noteId: note.id }),
            context: stranger.context,
            params: { accountId: strangersAccount.id },
          }),
        )
      ).status,
    ).toBe(404);
    expect(await db.note.count({ where: { id: note.id } })).toBe(1);

    const deleted = (await notesAction({
      request: post(path, { intent: "delete", noteId: note.id }),
      context,
      params,
    })) as Response;
    expect(deleted.headers.get("location")).toBe(`${path}?toast=note-deleted`);
    expect(await db.note.count({ where: { id: note.id } })).toBe(0);
    // Gone means gone: deleting it again is a 404, not a server error.
    expect(
      (
        await thrownBy(() =>
          notesAction({ request: post(path, { intent: "delete", noteId: note.id }), context, params }),
        )
      ).status,
    ).toBe(404);
  });

  it("edit: saves the changes, clears emptied fields, keeps an imported tier, and explains mistakes", async () => {
    const { db, user, context } = await seller();
    const stranger = await seller();
    const account = await db.account.create({
      data: {
        userId: user.id,
        name: "Acme",
        domain: "acme.example",
        industry: "Logistics",
        tier: "Key account",
        employeeCount: 50,
        description: "Old",
      },
    });
    const params = { accountId: account.id };
    const path = `/accounts/${account.id}/edit`;
    const form = {
      name: "Acme Global",
      domain: "",
      industry: "Logistics",
      employeeCount: "75",
      hqCity: "Denver, CO",
      tier: "Key account",
      description: "",
      ownerNotes: "Call in May.",
    };

    const saved = (await editAction({ request: post(path, form), context, params })) as Response;
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe(`/accounts/${account.id}?toast=account-updated`);
    expect(await db.account.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
      name: "Acme Global",
      domain: null,
      industry: "Logistics",
      employeeCount: 75,
      hqCity: "Denver, CO",
      tier: "Key account",
      description: null,
      ownerNotes: "Call in May.",
    });

    const bad = (await editAction({
      request: post(path, { ...form, name: "", employeeCount: "many", tier: "Another CRM word" }),
      context,
      params,
    })) as unknown as Answer;
    expect(bad.init?.status).toBe(400);
    expect(bad.data.fieldErrors).toEqual({
      name: "Give the account a name.",
      employeeCount: "Use a whole number, like 250.",
      tier: "Choose one of the tiers.",
    });
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).name).toBe("Acme Global");

    expect(
      (await thrownBy(() => editAction({ request: post(path, form), context: stranger.context, params }))).status,
    ).toBe(404);
    expect((await db.account.findUniqueOrThrow({ where: { id: account.id } })).name).toBe("Acme Global");
  });

  it("delete: removes the account, keeps its people unlinked, and goes back to the list; another user's is a 404", async () => {
    const { db, user, context } = await seller();
    const stranger = await seller();
    const account = await db.account.create({ data: { userId: user.id, name: "Acme" } });
    const person = await db.prospect.create({
      data: { userId: user.id, accountId: account.id, firstName: "Ana", lastName: "Ruiz" },
    });
    const params = { accountId: account.id };
    const path = `/accounts/${account.id}`;

    expect(
      (
        await thrownBy(() =>
          layoutAction({ request: post(path, { intent: "delete" }), context: stranger.context, params }),
        )
      ).status,
    ).toBe(404);
    expect(await db.account.count({ where: { id: account.id } })).toBe(1);
    expect(
      (await thrownBy(() => layoutAction({ request: post(path, { intent: "something-else" }), context, params })))
        .status,
    ).toBe(400);

    const response = (await layoutAction({ request: post(path, { intent: "delete" }), context, params })) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/accounts?toast=account-deleted");
    expect(await db.account.count({ where: { id: account.id } })).toBe(0);
    expect(await db.prospect.findUniqueOrThrow({ where: { id: person.id } })).toMatchObject({
      accountId: null,
      firstName: "Ana",
    });
  });
});

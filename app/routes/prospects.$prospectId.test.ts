import { describe, expect, it } from "vitest";
import { get, post, seller, thrownBy, type Answer } from "../../tests/helpers/routes";
import { action, loader } from "./prospects.$prospectId";
import { action as editAction, loader as editLoader } from "./prospects.$prospectId_.edit";

describe("/prospects/:prospectId", () => {
  it("shows the person with their account, conversations, meetings, timeline and notes; another user's is a 404", async () => {
    const { db, user, context } = await seller();
    const stranger = await seller();
    const acme = await db.account.create({ data: { userId: user.id, name: "Acme" } });
    const ana = await db.prospect.create({
      data: {
        userId: user.id,
        accountId: acme.id,
        firstName: "Ana",
        lastName: "Ruiz",
        role: "champion",
        email: "ana@acme.example",
      },
    });
    const thread = await db.conversation.create({
      data: {
        userId: user.id,
        accountId: acme.id,
        subject: "Security questionnaire",
        channel: "email",
        lastMessageAt: new Date("2026-02-21T09:30:00Z"),
        participants: { create: { userId: user.id, prospectId: ana.id } },
      },
    });
    const meeting = await db.meeting.create({
      data: {
        userId: user.id,
        accountId: acme.id,
        title: "Deep dive",
        startsAt: new Date("2026-03-04T15:00:00Z"),
        endsAt: new Date("2026-03-04T16:00:00Z"),
        attendees: { create: { userId: user.id, prospectId: ana.id } },
      },
    });
    await db.activity.create({
      data: {
        userId: user.id,
        prospectId: ana.id,
        accountId: acme.id,
        type: "email_sent",
        at: new Date("2026-02-20T10:00:00Z"),
        summary: "Email sent to Ana",
        source: "gmail",
      },
    });
    await db.note.create({ data: { userId: user.id, prospectId: ana.id, body: "Prefers mornings." } });

    const data = await loader({ request: get(`/prospects/${ana.id}`), context, params: { prospectId: ana.id } });
    expect(data.person).toMatchObject({ firstName: "Ana", role: "champion", account: { id: acme.id, name: "Acme" } });
    expect(data.person.conversations.map((c) => c.conversation)).toMatchObject([
      { id: thread.id, subject: "Security questionnaire" },
    ]);
    expect(data.person.meetings.map((m) => m.meeting)).toMatchObject([{ id: meeting.id, title: "Deep dive" }]);
    expect(data.timeline.items.map((a) => a.summary)).toEqual(["Email sent to Ana"]);
    expect(data.notes.items.map((n) => n.body)).toEqual(["Prefers mornings."]);

    const params = { prospectId: ana.id };
    for (const run of [
      () => loader({ request: get(`/prospects/${ana.id}`), context: stranger.context, params }),
      () => editLoader({ request: get(`/prospects/${ana.id}/edit`), context: stranger.context, params }),
      () => loader({ request: get("/prospects/nobody"), context, params: { prospectId: "nobody" } }),
    ]) {
      expect((await thrownBy(run)).status).toBe(404);
    }
  });

  it("notes: adds one to the person, explains an empty one, deletes one; not on another user's person", async () => {
    const { db, user, context } = await seller();
    const stranger = await seller();
    const ana = await db.prospect.create({ data: { userId: user.id, firstName: "Ana", lastName: "Ruiz" } });
    const path = `/prospects/${ana.id}`;
    const params = { prospectId: ana.id };

    const added = (await action({
      request: post(path, { intent: "add-note", body: "Has budget authority up to $50k." }),
      context,
      params,
    })) as Response;
    expect(added.headers.get("location")).toBe(`${path}?toast=note-added`);
    const note = await db.note.findFirstOrThrow({ where: { userId: user.id } });
    expect(note).toMatchObject({ prospectId: ana.id, body: "Has budget authority up to $50k." });

    const empty = (await action({
      request: post(path, { intent: "add-note", body: "" }),
      context,
      params,
    })) as unknown as Answer;
    expect(empty.init?.status).toBe(400);
    expect(empty.data.fieldErrors).toEqual({ body: "Write something in the note." });

    expect(
      (
        await thrownBy(() =>
          action({ request: post(path, { intent: "add-note", body: "Sneaky" }), context: stranger.context, params }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await thrownBy(() =>
          action({ request: post(path, { intent: "delete", noteId: note.id }), context: stranger.context, params }),
        )
      ).status,
    ).toBe(404);
    expect(await db.note.count({ where: { userId: user.id } })).toBe(1);

    // Deleting a note (it carries a noteId) leaves the person alone.
    const deleted = (await action({
      request: post(path, { intent: "delete", noteId: note.id }),
      context,
      params,
    })) as Response;
    expect(deleted.headers.get("location")).toBe(`${path}?toast=note-deleted`);
    expect(await db.note.count({ where: { id: note.id } })).toBe(0);
    expect(await db.prospect.count({ where: { id: ana.id } })).toBe(1);
  });

  it("edit: saves every field, clears emptied ones, keeps an imported status, explains mistakes; another user's is a 404", async () => {
    const { db, user, context } = await seller();
    const stranger = await seller();
    const acme = await db.account.create({ data: { userId: user.id, name: "Acme" } });
    const bolt = await db.account.create({ data: { userId: user.id, name: "Bolt" } });
    const theirs = await db.account.create({ data: { userId: stranger.user.id, name: "Theirs" } });
    const ana = await db.prospect.create({
      data: {
        userId: user.id,
        accountId: acme.id,
        firstName: "Ana",
        lastName: "Ruiz",
        title: "VP",
        email: "ana@acme.example",
        status: "nurture",
      },
    });
    const path = `/prospects/${ana.id}/edit`;
    const params = { prospectId: ana.id };
    const form = {
      firstName: "Ana María",
      lastName: "Ruiz",
      title: "",
      email: "ana@bolt.example",
      phone: "",
      linkedinUrl: "",
      accountId: bolt.id,
      role: "economic_buyer",
      status: "nurture",
    };

    const loaded = await editLoader({ request: get(path), context, params });
    expect(loaded.person.status).toBe("nurture");
    expect(loaded.accounts.map((a) => a.name)).toEqual(["Acme", "Bolt"]);

    const saved = (await editAction({ request: post(path, form), context, params })) as Response;
    expect(saved.headers.get("location")).toBe(`/prospects/${ana.id}?toast=prospect-updated`);
    expect(await db.prospect.findUniqueOrThrow({ where: { id: ana.id } })).toMatchObject({
      firstName: "Ana María",
      title: null,
      email: "ana@bolt.example",
      accountId: bolt.id,
      role: "economic_buyer",
      status: "nurture",
    });

    await editAction({ request: post(path, { ...form, status: "left_company", accountId: "" }), context, params });
    expect(await db.prospect.findUniqueOrThrow({ where: { id: ana.id } })).toMatchObject({
      status: "left_company",
      accountId: null,
    });

    const bad = (await editAction({
      request: post(path, { ...form, firstName: "", status: "nurture" }),
      context,
      params,
    })) as unknown as Answer;
    expect(bad.init?.status).toBe(400);
    // "nurture" was only acceptable while it was the saved status.
    expect(bad.data.fieldErrors).toEqual({ firstName: "Enter a first name.", status: "Choose a status." });
    const foreign = (await editAction({
      request: post(path, { ...form, status: "active", accountId: theirs.id }),
      context,
      params,
    })) as unknown as Answer;
    expect(foreign.data.fieldErrors).toEqual({ accountId: "Choose one of your accounts." });
    expect((await db.prospect.findUniqueOrThrow({ where: { id: ana.id } })).accountId).toBeNull();

    expect(
      (
        await thrownBy(() =>
          editAction({ request: post(path, { ...form, status: "active" }), context: stranger.context, params }),
        )
      ).status,
    ).toBe(404);
    expect((await db.prospect.findUniqueOrThrow({ where: { id: ana.id } })).firstName).toBe("Ana María");
  });

  it("delete: removes the person and goes to the people list; another user's is a 404", async () => {
    const { db, user, context } = await seller();
    const stranger = await seller();
    const ana = await db.prospect.create({ data: { userId: user.id, firstName: "Ana", lastName: "Ruiz" } });
    const path = `/prospects/${ana.id}`;
    const params = { prospectId: ana.id };
    expect(
      (await thrownBy(() => action({ request: post(path, { intent: "delete" }), context: stranger.context, params })))
        .status,
    ).toBe(404);
    expect((await thrownBy(() => action({ request: post(path, { intent: "bogus" }), context, params }))).status).toBe(
      400,
    );
    expect(await db.prospect.count({ where: { id: ana.id } })).toBe(1);
    const response = (await action({ request: post(path, { intent: "delete" }), context, params })) as Response;
    expect(response.headers.get("location")).toBe("/prospects?toast=prospect-deleted");
    expect(await db.prospect.count({ where: { id: ana.id } })).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { callerFor } from "../../tests/helpers/users";
import {
  get,
  post,
  seller as signedInSeller,
  thrownBy,
  type Answer as RouteAnswer,
  type FormAnswer,
} from "../../tests/helpers/routes";
import { applyChanges } from "../../server/integrations/ingest";
import { action as meetingAction, loader as meetingLoader } from "./meetings.$meetingId";
import { action as editAction, loader as editLoader } from "./meetings.$meetingId_.edit";
import { loader as listLoader } from "./meetings._index";
import { action as newAction, loader as newLoader } from "./meetings.new";

type Answer = RouteAnswer<FormAnswer>;

async function seller() {
  const signedIn = await signedInSeller();
  const { db, user, auth } = signedIn;
  const account = await db.account.create({ data: { userId: user.id, name: "Acme Logistics" } });
  const [ana, ben] = await Promise.all([
    db.prospect.create({
      data: { userId: user.id, accountId: account.id, firstName: "Ana", lastName: "Ruiz", email: "ana@acme.example" },
    }),
    db.prospect.create({ data: { userId: user.id, accountId: account.id, firstName: "Ben", lastName: "Okafor" } }),
  ]);
  return { ...signedIn, account, ana: ana, ben: ben, api: await callerFor(auth) };
}

const hour = 3_600_000;

describe("/meetings/new", () => {
  it("offers accounts, deals and people, with a default time and the deal preselected", async () => {
    const { context, api, account } = await seller();
    const deal = await api.opportunities.create({ name: "Acme – Platform", accountId: account.id });
    const loaded = await newLoader({
      request: get(`/meetings/new?accountId=${account.id}&opportunityId=${deal.id}`),
      context,
      params: {},
    });
    expect(loaded.values).toMatchObject({ accountId: account.id, opportunityId: deal.id });
    expect(loaded.values.startsAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00$/);
    expect(loaded.deals.map((d) => d.name)).toEqual(["Acme – Platform"]);
    expect(loaded.people.map((p) => p.name)).toEqual(["Ben Okafor", "Ana Ruiz"]); // by last name
  });

  it("preselects a linked deal's account too, and nothing for a deal that is not the user's", async () => {
    const { context, api, account } = await seller();
    const deal = await api.opportunities.create({ name: "Acme – Platform", accountId: account.id });
    const stranger = await seller();
    const theirs = await stranger.api.opportunities.create({ name: "Theirs", accountId: stranger.account.id });
    const fromDeal = await newLoader({ request: get(`/meetings/new?opportunityId=${deal.id}`), context, params: {} });
    expect(fromDeal.values).toMatchObject({ accountId: account.id, opportunityId: deal.id });
    const fromOthers = await newLoader({
      request: get(`/meetings/new?opportunityId=${theirs.id}`),
      context,
      params: {},
    });
    expect(fromOthers.values).toMatchObject({ accountId: "", opportunityId: "" });
    expect(fromOthers.deals.map((d) => d.id)).not.toContain(theirs.id);
  });

  it("schedules a meeting, reading the times as UTC, with its attendees", async () => {
    const { db, user, context, account, ana, ben } = await seller();
    const response = (await newAction({
      request: post("/meetings/new", {
        title: "Discovery call",
        startsAt: "2026-03-04T15:00",
        endsAt: "2026-03-04T16:00",
        location: "https://meet.example/abc",
        accountId: account.id,
        opportunityId: "",
        attendeeIds: [ana.id, ben.id],
      }),
      context,
      params: {},
    })) as Response;
    expect(response.status).toBe(302);
    const meeting = await db.meeting.findFirstOrThrow({ where: { userId: user.id }, include: { attendees: true } });
    expect(response.headers.get("location")).toBe(`/meetings/${meeting.id}?toast=meeting-created`);
    expect(meeting).toMatchObject({
      title: "Discovery call",
      location: "https://meet.example/abc",
      accountId: account.id,
      opportunityId: null,
    });
    expect(meeting.startsAt.toISOString()).toBe("2026-03-04T15:00:00.000Z");
    expect(meeting.endsAt.toISOString()).toBe("2026-03-04T16:00:00.000Z");
    expect(meeting.attendees.map((a) => a.prospectId).sort()).toEqual([ana.id, ben.id].sort());
  });

  it("says when a meeting ends before it starts, or times are missing, beside the fields", async () => {
    const { db, user, context } = await seller();
    const backwards = (await newAction({
      request: post("/meetings/new", { title: "Backwards", startsAt: "2026-03-04T15:00", endsAt: "2026-03-04T14:00" }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(backwards.init?.status).toBe(400);
    expect(backwards.data.fieldErrors).toEqual({ endsAt: "It cannot end before it starts." });
    expect(backwards.data.fields?.title).toBe("Backwards");

    const missing = (await newAction({
      request: post("/meetings/new", { title: "", startsAt: "", endsAt: "tomorrow" }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(missing.data.fieldErrors).toEqual({
      title: "Give the meeting a title.",
      startsAt: "Choose when it starts.",
      endsAt: "Use a date and time like 2026-12-31 14:30.",
    });
    expect(await db.meeting.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses someone else's person as an attendee with a field error", async () => {
    const { context } = await seller();
    const other = await seller();
    const answer = (await newAction({
      request: post("/meetings/new", {
        title: "Sneaky",
        startsAt: "2026-03-04T15:00",
        endsAt: "2026-03-04T16:00",
        attendeeIds: [other.ana.id],
      }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(answer.init?.status).toBe(400);
    expect(answer.data.fieldErrors?.attendeeIds).toMatch(/^Choose one of your/);
    expect(answer.data.fields?.attendeeIds).toEqual([other.ana.id]);
  });
});

describe("/meetings", () => {
  it("lists upcoming meetings soonest first and past ones latest first, with More links", async () => {
    const { context, api, ana } = await seller();
    const now = Date.now();
    for (const [title, offset] of [
      ["Tomorrow", 24 * hour],
      ["Next week", 7 * 24 * hour],
      ["Yesterday", -24 * hour],
      ["Last week", -7 * 24 * hour],
    ] as const) {
      await api.meetings.create({
        title,
        startsAt: new Date(now + offset),
        endsAt: new Date(now + offset + hour),
        attendeeIds: title === "Tomorrow" ? [ana.id] : [],
      });
    }
    const upcoming = await listLoader({ request: get("/meetings"), context, params: {} });
    expect(upcoming.when).toBe("upcoming");
    expect(upcoming.page.items.map((m) => m.title)).toEqual(["Tomorrow", "Next week"]);
    expect(upcoming.page.items[0]!.attendees.map((a) => a.prospect?.firstName)).toEqual(["Ana"]);
    const past = await listLoader({ request: get("/meetings?when=past"), context, params: {} });
    expect(past.page.items.map((m) => m.title)).toEqual(["Yesterday", "Last week"]);
    const bad = await listLoader({ request: get("/meetings?when=past&cursor=garbage"), context, params: {} });
    expect(bad.isFirstPage).toBe(true);
    expect(bad.page.items.map((m) => m.title)).toEqual(["Yesterday", "Last week"]);
  });
});

describe("/meetings/:id", () => {
  async function aMeeting() {
    const s = await seller();
    const meeting = await s.api.meetings.create({
      title: "Security deep dive",
      startsAt: new Date("2026-03-04T15:00:00Z"),
      endsAt: new Date("2026-03-04T16:00:00Z"),
      accountId: s.account.id,
      attendeeIds: [s.ana.id],
    });
    return { ...s, meeting, params: { meetingId: meeting.id } };
  }

  it("shows the meeting; 404 for another user's meeting or a made-up id", async () => {
    const { context, meeting, params, ana } = await aMeeting();
    const loaded = await meetingLoader({ request: get(`/meetings/${meeting.id}`), context, params });
    expect(loaded.meeting).toMatchObject({
      title: "Security deep dive",
      account: { name: "Acme Logistics" },
      notes: null,
    });
    expect(loaded.meeting.attendees.map((a) => a.prospect?.id)).toEqual([ana.id]);

    const other = await seller();
    for (const id of [meeting.id, "nope", "y".repeat(80)]) {
      const response = await thrownBy(() =>
        meetingLoader({ request: get(`/meetings/${id}`), context: other.context, params: { meetingId: id } }),
      );
      expect(response.status).toBe(404);
    }
    for (const intent of ["add-notes", "save-notes", "delete"]) {
      const response = await thrownBy(() =>
        meetingAction({
          request: post(`/meetings/${meeting.id}`, { intent, body: "x" }),
          context: other.context,
          params,
        }),
      );
      expect(response.status).toBe(404);
    }
    const edit = await thrownBy(() =>
      editLoader({ request: get(`/meetings/${meeting.id}/edit`), context: other.context, params }),
    );
    expect(edit.status).toBe(404);
  });

  it("adds notes, refuses empty ones, then edits them", async () => {
    const { db, context, meeting, params, account } = await aMeeting();
    const empty = (await meetingAction({
      request: post(`/meetings/${meeting.id}`, { intent: "add-notes", body: "" }),
      context,
      params,
    })) as unknown as Answer;
    expect(empty.init?.status).toBe(400);
    expect(empty.data.fieldErrors).toEqual({ body: "Write something in the note." });

    const added = (await meetingAction({
      request: post(`/meetings/${meeting.id}`, {
        intent: "add-notes",
        body: "- Walk through SSO\n- Ben wants a 2-year term",
      }),
      context,
      params,
    })) as Response;
    expect(added.headers.get("location")).toBe(`/meetings/${meeting.id}?toast=note-added#notes`);
    const note = await db.note.findFirstOrThrow({ where: { meetingId: meeting.id } });
    expect(note).toMatchObject({ body: "- Walk through SSO\n- Ben wants a 2-year term", accountId: account.id });

    // A second "add" (a stale page) is told to edit instead, above the form.
    const twice = (await meetingAction({
      request: post(`/meetings/${meeting.id}`, { intent: "add-notes", body: "again" }),
      context,
      params,
    })) as unknown as Answer;
    expect(twice.init?.status).toBe(400);
    expect(twice.data.formError).toBe("This meeting already has notes: edit them instead.");

    const saved = (await meetingAction({
      request: post(`/meetings/${meeting.id}`, { intent: "save-notes", body: "Rewritten.\nTwo lines." }),
      context,
      params,
    })) as Response;
    expect(saved.headers.get("location")).toBe(`/meetings/${meeting.id}?toast=note-updated#notes`);
    expect((await db.note.findUniqueOrThrow({ where: { id: note.id } })).body).toBe("Rewritten.\nTwo lines.");
    const loaded = await meetingLoader({ request: get(`/meetings/${meeting.id}`), context, params });
    expect(loaded.meeting.notes?.body).toBe("Rewritten.\nTwo lines.");

    const blank = (await meetingAction({
      request: post(`/meetings/${meeting.id}`, { intent: "save-notes", body: "  " }),
      context,
      params,
    })) as unknown as Answer;
    expect(blank.data.fieldErrors).toEqual({ body: "Write something in the note." });
  });

  it("edits the meeting, keeping attendees untouched when the list is unchanged", async () => {
    const { db, context, meeting, params, ana, ben } = await aMeeting();
    // A guest known only by email (as a calendar sync writes them).
    await db.meetingAttendee.create({
      data: {
        userId: (await db.meeting.findUniqueOrThrow({ where: { id: meeting.id } })).userId,
        meetingId: meeting.id,
        email: "guest@partner.example",
      },
    });
    const loaded = await editLoader({ request: get(`/meetings/${meeting.id}/edit`), context, params });
    expect(loaded.values).toMatchObject({
      title: "Security deep dive",
      startsAt: "2026-03-04T15:00",
      endsAt: "2026-03-04T16:00",
    });
    expect(loaded.attendeeIds).toEqual([ana.id]);

    const backwards = (await editAction({
      request: post(`/meetings/${meeting.id}/edit`, {
        ...loaded.values,
        endsAt: "2026-03-04T14:59",
        attendeeIds: loaded.attendeeIds,
      }),
      context,
      params,
    })) as unknown as Answer;
    expect(backwards.data.fieldErrors).toEqual({ endsAt: "It cannot end before it starts." });

    await editAction({
      request: post(`/meetings/${meeting.id}/edit`, {
        ...loaded.values,
        title: "Renamed",
        attendeeIds: loaded.attendeeIds,
      }),
      context,
      params,
    });
    let after = await db.meeting.findUniqueOrThrow({ where: { id: meeting.id }, include: { attendees: true } });
    expect(after.title).toBe("Renamed");
    expect(after.attendees.map((a) => a.prospectId ?? a.email).sort()).toEqual(
      [ana.id, "guest@partner.example"].sort(),
    );

    const response = (await editAction({
      request: post(`/meetings/${meeting.id}/edit`, { ...loaded.values, attendeeIds: [ben.id] }),
      context,
      params,
    })) as Response;
    expect(response.headers.get("location")).toBe(`/meetings/${meeting.id}?toast=meeting-updated`);
    after = await db.meeting.findUniqueOrThrow({ where: { id: meeting.id }, include: { attendees: true } });
    // The people are replaced; the calendar guest known only by email stays.
    expect(after.attendees.map((a) => a.prospectId ?? a.email).sort()).toEqual(
      [ben.id, "guest@partner.example"].sort(),
    );
  });

  it("deletes the meeting", async () => {
    const { db, context, meeting, params } = await aMeeting();
    const response = (await meetingAction({
      request: post(`/meetings/${meeting.id}`, { intent: "delete" }),
      context,
      params,
    })) as Response;
    expect(response.headers.get("location")).toBe("/meetings?toast=meeting-deleted");
    expect(await db.meeting.count({ where: { id: meeting.id } })).toBe(0);
  });
});

describe("synced meetings", () => {
  it("list and page say where a meeting came from, and that it was cancelled", async () => {
    const { db, user, context, account } = await seller();
    await db.account.update({ where: { id: account.id }, data: { domain: "acme.example" } });
    const startsAt = new Date(Date.now() + 24 * hour);
    const event = {
      kind: "meeting" as const,
      externalId: "primary:evt-1",
      title: "Renewal review",
      startsAt,
      endsAt: new Date(startsAt.getTime() + hour),
      location: null,
      organizer: null,
      attendees: [{ email: "ana@acme.example", name: "Ana Ruiz" }],
      cancelled: false,
    };
    const ingestContext = { userId: user.id, source: "gcal" as const, ownEmails: [user.email], now: new Date() };
    await db.$transaction((tx) => applyChanges(tx, ingestContext, [event]));
    const listed = await listLoader({ request: get("/meetings"), context, params: {} });
    expect(listed.page.items.map((m) => [m.title, m.source, m.cancelledAt])).toEqual([
      ["Renewal review", "gcal", null],
    ]);

    await db.$transaction((tx) =>
      applyChanges(tx, ingestContext, [{ kind: "meeting_cancelled", externalId: event.externalId }]),
    );
    const id = listed.page.items[0]!.id;
    const loaded = await meetingLoader({ request: get(`/meetings/${id}`), context, params: { meetingId: id } });
    expect(loaded.meeting).toMatchObject({ title: "Renewal review", source: "gcal" });
    expect(loaded.meeting.cancelledAt).toEqual(ingestContext.now);
  });
});

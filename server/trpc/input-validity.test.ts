// Issue #11: what the API accepts is what the database can store. A NUL character, a date outside
// 1900–2200, a forged page cursor or an int4 overflow is the caller's mistake: a 400 that names the
// field, over HTTP and through the server-side caller the forms use — never a 500 with Prisma's text.
import { TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../app/utils/trpc";
import { startTestServer } from "../../tests/helpers/server";
import { callerFor, createUser, signIn } from "../../tests/helpers/users";
import { DATE_RANGE_MESSAGE, NUL_MESSAGE } from "../crm/limits";
import { encodeCursor } from "../crm/pagination";
import { getDb } from "../db/client";
import type { AppRouter } from "./root";

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function signedIn() {
  const db = await getDb();
  const user = await createUser(db);
  const session = await signIn(db, user.id);
  return {
    db,
    user,
    caller: await callerFor(session.auth),
    http: createApiClient(server.url, { headers: () => ({ cookie: session.cookie }) }),
    cookie: session.cookie,
  };
}

/** What a call threw: a TRPCError in-process, a TRPCClientError over HTTP. */
async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (error instanceof TRPCError) return { code: error.code, message: error.message, cause: error.cause };
  expect(error).toBeInstanceOf(TRPCClientError);
  const client = error as TRPCClientError<AppRouter>;
  return {
    code: client.data?.code,
    status: client.data?.httpStatus,
    message: client.message,
    fieldErrors: client.data?.zodError?.fieldErrors as Record<string, string[] | undefined> | undefined,
  };
}

describe("NUL characters (#11)", () => {
  it("are refused as a 400 naming the field, in ids, text, nested lists and keys, over HTTP", async () => {
    const { http, cookie } = await signedIn();

    const byId = await refusal(http.accounts.get.query({ id: "\u0000" }));
    expect(byId).toMatchObject({ code: "BAD_REQUEST", status: 400, message: NUL_MESSAGE });
    expect(byId.fieldErrors).toEqual({ id: [NUL_MESSAGE] });

    const inText = await refusal(http.accounts.create.mutate({ name: "Acme\u0000 Corp" }));
    expect(inText).toMatchObject({ code: "BAD_REQUEST", status: 400 });
    expect(inText.fieldErrors).toEqual({ name: [NUL_MESSAGE] });

    const inList = await refusal(
      http.meetings.create.mutate({
        title: "Kick-off",
        startsAt: new Date("2026-05-01T10:00:00Z"),
        endsAt: new Date("2026-05-01T11:00:00Z"),
        attendeeIds: ["ok", "bad\u0000"],
      }),
    );
    expect(inList.fieldErrors).toEqual({ attendeeIds: [NUL_MESSAGE] });

    // A key no schema names is stripped by zod, but it reached the API: refused too.
    const inKey = await refusal(http.search.query.query({ q: "acme", ["x\u0000"]: 1 } as never));
    expect(inKey).toMatchObject({ code: "BAD_REQUEST", status: 400 });

    // Under a key named like a prototype property (which superjson will not serialise as a field
    // name): still a 400, the message among the form's errors (found by tests/fuzz).
    // (Sent by hand: superjson on the client refuses such a key too.)
    for (const key of ["constructor", "prototype"]) {
      const input = JSON.stringify({ json: { id: "x", [key]: "\u0000" } });
      const answer = await fetch(`${server.url}/api/trpc/accounts.get?input=${encodeURIComponent(input)}`, {
        headers: { cookie },
      });
      expect(answer.status, key).toBe(400);
      const body = (await answer.json()) as { error: { json: { message: string; data: { zodError: unknown } } } };
      expect(body.error.json.message, key).toBe(NUL_MESSAGE);
      expect(body.error.json.data.zodError, key).toEqual({ formErrors: [NUL_MESSAGE], fieldErrors: {} });
    }

    // The raw answer carries no Prisma invocation text.
    const raw = await fetch(
      `${server.url}/api/trpc/accounts.get?input=${encodeURIComponent(JSON.stringify({ json: { id: "\u0000" } }))}`,
      { headers: { cookie } },
    );
    expect(raw.status).toBe(400);
    expect(await raw.text()).not.toMatch(/invocation|prisma/i);
  });

  it("are refused through the server-side caller that Remix forms use, and nothing is written", async () => {
    const { db, user, caller } = await signedIn();
    const refused = await refusal(caller.notes.create({ body: "Call\u0000 back", accountId: "acc" }));
    expect(refused).toMatchObject({ code: "BAD_REQUEST", message: NUL_MESSAGE });
    expect(await db.note.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("dates outside 1900–2200 (#11)", () => {
  it("are refused for a meeting's times with the range in words; the meetings list keeps working", async () => {
    const { caller, http } = await signedIn();
    for (const startsAt of ["+010000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "1899-12-31T23:59:59Z"]) {
      const refused = await refusal(
        http.meetings.create.mutate({ title: "Far away", startsAt: startsAt, endsAt: startsAt }),
      );
      expect(refused).toMatchObject({ code: "BAD_REQUEST", status: 400 });
      expect(refused.fieldErrors?.startsAt).toEqual([DATE_RANGE_MESSAGE]);
    }
    const late = await refusal(
      caller.meetings.create({
        title: "Too late",
        startsAt: new Date("2026-01-01T00:00:00Z"),
        endsAt: new Date("2201-01-01T00:00:00Z"),
      }),
    );
    expect(late.code).toBe("BAD_REQUEST");

    // The edges are inside.
    await caller.meetings.create({
      title: "Edges",
      startsAt: new Date("1900-01-01T00:00:00Z"),
      endsAt: new Date("2200-12-31T23:59:00Z"),
    });
    const list = await http.meetings.list.query({ when: "past" });
    expect(list.items.map((m) => m.startsAt.toISOString())).toEqual(["1900-01-01T00:00:00.000Z"]);
  });

  it("are refused for a deal's close date", async () => {
    const { caller } = await signedIn();
    for (const closeDate of ["0001-01-01", "1899-12-31", "2201-01-01"]) {
      const refused = await refusal(caller.opportunities.create({ name: "Deal", closeDate }));
      expect(refused.code).toBe("BAD_REQUEST");
      expect(refused.message).toContain(DATE_RANGE_MESSAGE);
    }
    await expect(caller.opportunities.create({ name: "Deal", closeDate: "2200-12-31" })).resolves.toBeTruthy();
  });
});

describe("forged page cursors (#11)", () => {
  it("are a 400, whatever the sort value claims to be", async () => {
    const { http, caller, db, user } = await signedIn();
    await db.opportunity.create({ data: { userId: user.id, name: "Deal", amount: 5n } });
    const forged = [
      encodeCursor({ v: "abc", id: "x" }), // "Cannot convert abc to a BigInt"
      encodeCursor({ v: "99999999999999999999", id: "x" }), // past int8
      encodeCursor({ v: 1.5, id: "x" }),
    ];
    for (const cursor of forged) {
      const refused = await refusal(http.opportunities.list.query({ sort: "amount", cursor }));
      expect(refused).toMatchObject({ code: "BAD_REQUEST", status: 400 });
      expect(refused.fieldErrors).toHaveProperty("cursor");
    }
    for (const cursor of [encodeCursor({ v: 1e300, id: "x" }), encodeCursor({ v: "2026", id: "x" })]) {
      expect((await refusal(http.meetings.list.query({ cursor }))).status).toBe(400);
    }
    const nulInPayload = encodeCursor({ v: "a", id: "x\u0000" });
    expect((await refusal(caller.accounts.list({ cursor: nulInPayload }))).code).toBe("BAD_REQUEST");
    // A cursor this API issued still works.
    const first = await caller.opportunities.list({ sort: "amount", limit: 1 });
    expect(first.items).toHaveLength(1);
  });
});

describe("integers bound for int4 columns (#11)", () => {
  it("refuses token counts past int4 before anything is written", async () => {
    const { caller } = await signedIn();
    const refused = await refusal(
      caller.brain.complete({
        assistantMessageId: "none",
        content: "",
        status: "complete",
        usage: { inputTokens: 3_000_000_000, outputTokens: 1 },
      }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
  });
});

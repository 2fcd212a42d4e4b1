import { describe, expect, it } from "vitest";
import type { Db } from "../../server/db/client";
import { get, seller, thrownBy, type Answer as RouteAnswer } from "../../tests/helpers/routes";
import { loadContext } from "../../tests/helpers/users";
import { SMALL_REFERENCE_DATE, smallWorkspace } from "../../tests/helpers/workspace";
import { action, loader, type ImportAnswer } from "./settings.data";
import { MAX_UPLOAD_BYTES, NO_FILE, TOO_LARGE } from "./settings.data.server";

type Answer = RouteAnswer<ImportAnswer>;

function upload(content: string | Blob, options: { shift?: boolean; fileName?: string } = {}): Request {
  const body = new FormData();
  body.set("file", new File([content], options.fileName ?? "ws.json", { type: "application/json" }));
  if (options.shift) body.set("shiftToToday", "on");
  return new Request("http://localhost/settings/data", { method: "POST", body });
}

async function post(request: Request, context: ReturnType<typeof loadContext>): Promise<Answer> {
  return await action({ request, context, params: {} });
}

async function countsOf(db: Db, userId: string) {
  const where = { where: { userId } };
  return {
    accounts: await db.account.count(where),
    prospects: await db.prospect.count(where),
    opportunities: await db.opportunity.count(where),
    conversations: await db.conversation.count(where),
    messages: await db.message.count(where),
    meetings: await db.meeting.count(where),
    notes: await db.note.count(where),
    activities: await db.activity.count(where),
  };
}

const json = (value: unknown) => JSON.stringify(value);

describe("/settings/data import", () => {
  it("imports an uploaded workspace and shows what it created; a second upload creates nothing", async () => {
    const { db, user, context } = await seller();
    const first = await post(upload(json(smallWorkspace())), context);
    expect(first.init?.status).toBe(200);
    expect(first.data).toEqual({
      outcome: "imported",
      fileName: "ws.json",
      shiftedByMs: 0,
      counts: {
        accounts: { created: 2, updated: 0 },
        prospects: { created: 3, updated: 0 },
        opportunities: { created: 2, updated: 0 },
        conversations: { created: 1, updated: 0 },
        messages: { created: 2, updated: 0 },
        meetings: { created: 1, updated: 0 },
        notes: { created: 2, updated: 0 },
        activities: { created: 3, updated: 0 },
      },
    });
    const stored = await db.account.findFirstOrThrow({ where: { userId: user.id, name: "Acme Logistics" } });
    expect(stored).toMatchObject({
      domain: "acme.example",
      industry: "Logistics",
      tier: "enterprise",
      externalId: "001A",
    });
    const before = await countsOf(db, user.id);

    const second = await post(upload(json(smallWorkspace())), context);
    expect(second.data.outcome).toBe("imported");
    if (second.data.outcome !== "imported") return;
    for (const section of Object.values(second.data.counts)) expect(section.created).toBe(0);
    expect(second.data.counts.accounts.updated).toBe(2);
    expect(second.data.counts.activities.updated).toBe(3);
    expect(await countsOf(db, user.id)).toEqual(before);
  });

  it("lists every problem with its JSON path and writes nothing when the file is wrong", async () => {
    const { db, user, context } = await seller();
    const doc = smallWorkspace();
    const accounts = doc.accounts ?? [];
    accounts[0] = { ...accounts[0]!, name: "" };
    const prospects = doc.prospects ?? [];
    prospects[2] = { ...prospects[2]!, accountId: "acc_nowhere" };
    const answer = await post(upload(json(doc)), context);
    expect(answer.init?.status).toBe(400);
    expect(answer.data.outcome).toBe("invalid");
    if (answer.data.outcome !== "invalid") return;
    expect(answer.data.fileName).toBe("ws.json");
    const paths = answer.data.problems.map((p) => p.path);
    expect(paths).toContain("$.accounts[0].name");
    for (const problem of answer.data.problems) expect(problem.message.length).toBeGreaterThan(0);
    // The broken reference is reported too once the shape is right.
    const shapeOk = smallWorkspace();
    (shapeOk.prospects ?? [])[2]!.accountId = "acc_nowhere";
    const references = await post(upload(json(shapeOk)), context);
    expect(references.data.outcome === "invalid" && references.data.problems.map((p) => p.path)).toContain(
      "$.prospects[2].accountId",
    );

    expect(await countsOf(db, user.id)).toEqual({
      accounts: 0,
      prospects: 0,
      opportunities: 0,
      conversations: 0,
      messages: 0,
      meetings: 0,
      notes: 0,
      activities: 0,
    });
  });

  it("reports a file that is not JSON as one problem at $", async () => {
    const { db, user, context } = await seller();
    const answer = await post(upload('{"format": "salesascode.workspace", oops', { fileName: "broken.json" }), context);
    expect(answer.init?.status).toBe(400);
    expect(answer.data).toMatchObject({ outcome: "invalid", fileName: "broken.json" });
    if (answer.data.outcome !== "invalid") return;
    expect(answer.data.problems).toHaveLength(1);
    expect(answer.data.problems[0]!.path).toBe("$");
    expect(answer.data.problems[0]!.message).toMatch(/^is not valid JSON: /);
    expect(await db.account.count({ where: { userId: user.id } })).toBe(0);
  });

  it("shifts every date by now − referenceDate when asked", async () => {
    const { db, user, context } = await seller();
    const before = Date.now();
    const answer = await post(upload(json(smallWorkspace()), { shift: true }), context);
    const after = Date.now();
    expect(answer.data.outcome).toBe("imported");
    if (answer.data.outcome !== "imported") return;
    const reference = Date.parse(SMALL_REFERENCE_DATE);
    expect(answer.data.shiftedByMs).toBeGreaterThanOrEqual(before - reference);
    expect(answer.data.shiftedByMs).toBeLessThanOrEqual(after - reference);
    // The meeting was two days and six hours after the reference date: it still is, from now.
    const meeting = await db.meeting.findFirstOrThrow({ where: { userId: user.id } });
    const inFile = Date.parse("2026-03-04T15:00:00Z");
    expect(meeting.startsAt.getTime()).toBe(inFile + answer.data.shiftedByMs);
    expect(meeting.startsAt.getTime() - after).toBeLessThanOrEqual(inFile - reference);
    expect(meeting.startsAt.getTime() - before).toBeGreaterThanOrEqual(inFile - reference);

    // Without the option, the same file keeps its dates.
    const plain = await seller();
    await post(upload(json(smallWorkspace())), plain.context);
    expect((await db.meeting.findFirstOrThrow({ where: { userId: plain.user.id } })).startsAt.toISOString()).toBe(
      "2026-03-04T15:00:00.000Z",
    );
  });

  it("asks for a file when none was chosen, and refuses a file over the limit with 413", async () => {
    const { db, user, context } = await seller();
    const none = new FormData();
    none.set("file", new File([], "", { type: "application/octet-stream" }));
    const empty = await post(new Request("http://localhost/settings/data", { method: "POST", body: none }), context);
    expect(empty.init?.status).toBe(400);
    expect(empty.data).toEqual({ outcome: "refused", formError: NO_FILE });

    const notMultipart = await post(
      new Request("http://localhost/settings/data", { method: "POST", body: new URLSearchParams({ file: "{}" }) }),
      context,
    );
    expect(notMultipart.data).toEqual({ outcome: "refused", formError: NO_FILE });

    const tooLarge = await post(upload(new Blob([new Uint8Array(MAX_UPLOAD_BYTES + 1).fill(32)])), context);
    expect(tooLarge.init?.status).toBe(413);
    expect(tooLarge.data).toEqual({ outcome: "refused", formError: TOO_LARGE });
    expect(await db.account.count({ where: { userId: user.id } })).toBe(0);
  });

  it("is only for signed-in users", async () => {
    for (const call of [
      () => loader({ request: get("/settings/data"), context: loadContext(), params: {} }),
      () => action({ request: upload(json(smallWorkspace())), context: loadContext(), params: {} }),
    ]) {
      const thrown = await thrownBy(call);
      expect(thrown.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Fdata");
    }
  });
});

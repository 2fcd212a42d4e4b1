// Issue #11, through the forms: a NUL character or a date outside 1900–2200 comes back to the form
// as a 400 with a message beside the field — never a 500 — and nothing is written. checkForm (every
// form reading) and the API's own middleware both refuse it, so forms that reach server code
// without the API are covered too.
import { describe, expect, it } from "vitest";
import { DATE_RANGE_MESSAGE, NUL_MESSAGE } from "../../server/crm/limits";
import { getDb } from "../../server/db/client";
import { post, seller, type Answer as RouteAnswer, type FormAnswer } from "../../tests/helpers/routes";
import { loadContext } from "../../tests/helpers/users";
import { action as newAccountAction } from "./accounts.new";
import { action as newMeetingAction } from "./meetings.new";
import { action as signupAction } from "./signup";

type Answer = RouteAnswer<FormAnswer>;

describe("forms refuse what cannot be stored (#11)", () => {
  it("sign-up: a NUL in the name is the name's mistake, and no user is created", async () => {
    const db = await getDb();
    const email = "nul-signup@example.test";
    const answer = (await signupAction({
      request: post("/signup", { name: "Lee\u0000", email, password: "long enough password" }),
      context: loadContext(),
      params: {},
    })) as unknown as Answer;
    expect(answer.init?.status).toBe(400);
    expect(answer.data.fieldErrors).toEqual({ name: NUL_MESSAGE });
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it("new account: a NUL in any field is refused beside that field", async () => {
    const { db, user, context } = await seller();
    const answer = (await newAccountAction({
      request: post("/accounts/new", { name: "Acme", hqCity: "Den\u0000ver" }),
      context,
      params: {},
    })) as unknown as Answer;
    expect(answer.init?.status).toBe(400);
    expect(answer.data.fieldErrors).toEqual({ hqCity: NUL_MESSAGE });
    expect(await db.account.count({ where: { userId: user.id } })).toBe(0);
  });

  it("new meeting: year 0001 or 9999 is refused with the range, and the meetings stay readable", async () => {
    const { db, user, context } = await seller();
    for (const [startsAt, endsAt] of [
      ["0001-01-01T10:00", "0001-01-01T11:00"],
      ["2026-05-01T10:00", "9999-12-31T23:59"],
    ] as const) {
      const answer = (await newMeetingAction({
        request: post("/meetings/new", { title: "Far away", startsAt, endsAt }),
        context,
        params: {},
      })) as unknown as Answer;
      expect(answer.init?.status).toBe(400);
      expect(Object.values(answer.data.fieldErrors ?? {})).toContain(DATE_RANGE_MESSAGE);
    }
    expect(await db.meeting.count({ where: { userId: user.id } })).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import {
  readAccountForm,
  readConversationForm,
  readDealForm,
  readMeetingForm,
  readNoteForm,
  readPersonForm,
} from "./record-forms.server";

function formOf(values: Record<string, string | string[]>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(values))
    for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
  return form;
}

describe("readAccountForm", () => {
  it("offers the form's tiers, and keeps one imported from another CRM only on the account that has it", () => {
    expect(readAccountForm(formOf({ name: "Acme", tier: "enterprise" }))).toMatchObject({ ok: true });
    const imported = formOf({ name: "Acme", tier: "Key account" });
    expect(readAccountForm(imported, { currentTier: "Key account" })).toMatchObject({
      ok: true,
      input: { tier: "Key account" },
    });
    expect(readAccountForm(imported, { currentTier: "smb" })).toMatchObject({
      ok: false,
      fieldErrors: { tier: "Choose one of the tiers." },
    });
    expect(readAccountForm(imported)).toMatchObject({ fieldErrors: { tier: "Choose one of the tiers." } });
  });

  it("reads employee counts as typed, and the API's schema judges their range", () => {
    expect(readAccountForm(formOf({ name: "Acme", employeeCount: "1,200" }))).toMatchObject({
      ok: true,
      input: { employeeCount: 1_200 },
    });
    expect(readAccountForm(formOf({ name: "Acme", employeeCount: "" }))).toMatchObject({
      input: { employeeCount: null },
    });
    expect(readAccountForm(formOf({ name: "", employeeCount: "-4" }))).toMatchObject({
      ok: false,
      fieldErrors: { name: "Give the account a name.", employeeCount: "Cannot be negative." },
    });
  });
});

describe("readPersonForm", () => {
  const person = { firstName: "Ana", role: "champion" };

  it("leaves the status the person already has out of the update, so an imported one saves unchanged", () => {
    const read = readPersonForm(formOf({ ...person, status: "nurture" }), { keepStatus: "nurture" });
    expect(read).toMatchObject({ ok: true, input: { firstName: "Ana", role: "champion", status: undefined } });
    expect(read.fields.status).toBe("nurture");
  });

  it("refuses a status the select does not offer on anyone else, in the API's words", () => {
    expect(readPersonForm(formOf({ ...person, status: "nurture" }), { keepStatus: "active" })).toMatchObject({
      ok: false,
      fieldErrors: { status: "Choose a status." },
    });
    expect(readPersonForm(formOf({ ...person, status: "nurture" }))).toMatchObject({
      fieldErrors: { status: "Choose a status." },
    });
    expect(readPersonForm(formOf({ ...person, status: "left_company" }))).toMatchObject({
      ok: true,
      input: { status: "left_company" },
    });
  });
});

describe("readDealForm", () => {
  const deal = { name: "Renewal", stage: "proposal", currency: "USD" };

  it("turns money and percentages into the API's numbers", () => {
    expect(readDealForm(formOf({ ...deal, amount: "$24,000.50", probability: "40%" }))).toMatchObject({
      ok: true,
      input: { amount: 2_400_050, probability: 40 },
    });
    expect(readDealForm(formOf({ ...deal, amount: "", probability: "" }))).toMatchObject({
      input: { amount: null, probability: null },
    });
  });

  it("keeps a loss reason only for a lost deal, and the deal's currency when none is typed", () => {
    expect(readDealForm(formOf({ ...deal, currency: "", lossReason: "Price" }))).toMatchObject({
      ok: true,
      input: { lossReason: null, currency: undefined },
    });
    expect(readDealForm(formOf({ ...deal, stage: "closed_lost", lossReason: "Price" }))).toMatchObject({
      input: { lossReason: "Price" },
    });
  });

  it("says what could not be read and what the API refuses, all at once", () => {
    expect(readDealForm(formOf({ ...deal, stage: "won", amount: "12.345", probability: "12.5" }))).toEqual({
      ok: false,
      fields: expect.objectContaining({ amount: "12.345", probability: "12.5" }),
      fieldErrors: {
        stage: "Choose a stage.",
        amount: "Enter an amount like 24000 or 24,000.50.",
        probability: "Use a whole percentage from 0 to 100.",
      },
    });
  });
});

describe("readMeetingForm", () => {
  it("reads UTC times and each attendee once", () => {
    const read = readMeetingForm(
      formOf({ title: "Call", startsAt: "2026-03-04T15:00", endsAt: "2026-03-04T15:30", attendeeIds: ["a", "b", "a"] }),
    );
    expect(read).toMatchObject({
      ok: true,
      fields: { attendeeIds: ["a", "b"] },
      input: { startsAt: new Date("2026-03-04T15:00:00Z"), endsAt: new Date("2026-03-04T15:30:00Z") },
    });
  });

  it("does not invent an order error from a time it could not read", () => {
    const read = readMeetingForm(formOf({ title: "Call", startsAt: "2026-03-04T15:00", endsAt: "soon" }));
    expect(read).toMatchObject({ fieldErrors: { endsAt: "Use a date and time like 2026-12-31 14:30." } });
    expect(Object.keys(read.ok ? {} : read.fieldErrors)).toEqual(["endsAt"]);
  });
});

describe("readConversationForm and readNoteForm", () => {
  it("take every field as the API's type, with the API's messages", () => {
    expect(readConversationForm(formOf({ channel: "fax", subject: "Hi", body: "Hello", prospectIds: ["p"] }))).toEqual({
      ok: false,
      fields: { channel: "fax", subject: "Hi", accountId: "", opportunityId: "", body: "Hello", prospectIds: ["p"] },
      fieldErrors: { channel: "Choose email, call or LinkedIn." },
    });
    expect(readNoteForm(formOf({ body: " " }), { accountId: "acc" })).toMatchObject({
      fieldErrors: { body: "Write something in the note." },
    });
    expect(readNoteForm(formOf({ body: "Met" }), { prospectId: "p1" })).toMatchObject({
      ok: true,
      input: { body: "Met", prospectId: "p1" },
    });
  });
});

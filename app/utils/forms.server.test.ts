import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FieldError } from "../../server/errors";
import { checkForm, FormConversion, formIds, formTexts, mutateOrAnswer } from "./forms.server";

function formOf(entries: [string, string][]): FormData {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return form;
}

const schema = z
  .object({
    name: z.string().trim().min(1, "Give it a name.").max(5, "Use at most 5 characters."),
    count: z.number().int().min(0, "Cannot be negative.").max(10, "Use 0 to 10.").nullish(),
    starts: z.number(),
    ends: z.number(),
  })
  .refine((value) => value.ends >= value.starts, { message: "It cannot end before it starts.", path: ["ends"] });

describe("checkForm", () => {
  it("gives the input as typed and what the schema made of it when everything reads", () => {
    const fields = { name: " Ada " };
    const read = checkForm(schema, fields, { name: " Ada ", count: 3, starts: 1, ends: 2 });
    expect(read).toEqual({
      ok: true,
      fields,
      input: { name: " Ada ", count: 3, starts: 1, ends: 2 },
      data: { name: "Ada", count: 3, starts: 1, ends: 2 },
    });
  });

  it("reports the form's own mistakes and the schema's together, so every field shows at once", () => {
    const read = checkForm(schema, {}, { name: "", count: null, starts: 2, ends: 1 }, { count: "Use a whole number." });
    expect(read).toEqual({
      ok: false,
      fields: {},
      fieldErrors: {
        name: "Give it a name.",
        count: "Use a whole number.",
        ends: "It cannot end before it starts.",
      },
    });
  });

  it("says the first thing to fix per field, and the form's message over the schema's for the same field", () => {
    // "" breaks both rules of `name`; the form shows only the first.
    const twice = z.object({
      name: z
        .string()
        .min(1, "Give it a name.")
        .regex(/^[a-z]+$/, "Use letters."),
    });
    expect(checkForm(twice, {}, { name: "" })).toMatchObject({ fieldErrors: { name: "Give it a name." } });
    const read = checkForm(schema, {}, { name: "Ada", count: -1, starts: 0, ends: 0 }, { count: "Not a number." });
    expect(read).toMatchObject({ ok: false, fieldErrors: { count: "Not a number." } });
  });

  it("refuses on the form's own mistakes alone, even when the schema accepts the stand-ins", () => {
    const read = checkForm(schema, { count: "x" }, { name: "Ada", count: null, starts: 0, ends: 0 }, { count: "No." });
    expect(read).toEqual({ ok: false, fields: { count: "x" }, fieldErrors: { count: "No." } });
  });

  it("passes on a message about the whole input as the form's", () => {
    const whole = z.object({ a: z.string(), b: z.string() }).refine((v) => v.a || v.b, "Fill in a or b.");
    expect(checkForm(whole, {}, { a: "", b: "" })).toEqual({
      ok: false,
      fields: {},
      fieldErrors: {},
      formError: "Fill in a or b.",
    });
  });
});

describe("FormConversion", () => {
  it("keeps converted values and hands back stand-ins, noting why, for what could not be converted", () => {
    const conversion = new FormConversion();
    expect(conversion.value("count", { ok: true, value: 4 }, null)).toBe(4);
    expect(conversion.value("amount", { ok: false, message: "Enter an amount." }, null)).toBeNull();
    conversion.refuse("tier", "Choose one of the tiers.");
    expect(conversion.errors).toEqual({ amount: "Enter an amount.", tier: "Choose one of the tiers." });
  });
});

describe("reading fields", () => {
  it("reads texts by name, empty when absent or a file", () => {
    const form = formOf([["name", "Acme"]]);
    form.append("logo", new Blob(["x"]), "logo.png");
    expect(formTexts(form, ["name", "domain", "logo"])).toEqual({ name: "Acme", domain: "", logo: "" });
  });

  it("reads a checkbox group once per value, without empties", () => {
    const form = formOf([
      ["ids", "a"],
      ["ids", ""],
      ["ids", "b"],
      ["ids", "a"],
    ]);
    expect(formIds(form, "ids")).toEqual(["a", "b"]);
    expect(formIds(form, "other")).toEqual([]);
  });
});

describe("mutateOrAnswer", () => {
  const success = () => ({ path: "/accounts", toast: "account-created" as const });

  it("redirects with a toast when the API accepts", async () => {
    const answer = (await mutateOrAnswer(() => Promise.resolve({ id: "a1" }), { fields: {}, success })) as Response;
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe("/accounts?toast=account-created");
  });

  it("answers the API's refusal beside the field, with what was typed", async () => {
    const refusal = new TRPCError({
      code: "BAD_REQUEST",
      cause: new FieldError("accountId", "Choose one of your accounts."),
    });
    const answer = await mutateOrAnswer(() => Promise.reject(refusal), { fields: { name: "Acme" }, success });
    expect(answer).toMatchObject({
      data: { fieldErrors: { accountId: "Choose one of your accounts." }, fields: { name: "Acme" } },
      init: { status: 400 },
    });
  });

  it("turns a record that is gone into the 404 page and rethrows anything else", async () => {
    const gone = new TRPCError({ code: "NOT_FOUND" });
    const thrown = await mutateOrAnswer(() => Promise.reject(gone), { fields: {}, success }).catch((e: unknown) => e);
    expect((thrown as Response).status).toBe(404);
    const ours = new Error("database down");
    await expect(mutateOrAnswer(() => Promise.reject(ours), { fields: {}, success })).rejects.toBe(ours);
  });
});

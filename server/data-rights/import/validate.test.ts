import { describe, expect, it } from "vitest";
import { smallWorkspace } from "../../../tests/helpers/workspace";
import { parseWorkspaceJson, validateWorkspace } from "./validate";

describe("workspace validation", () => {
  it("accepts a well-formed document, ignoring fields it does not know", () => {
    const doc = { ...smallWorkspace(), futureSection: [1, 2, 3] } as Record<string, unknown>;
    (doc.accounts as Record<string, unknown>[])[0]!.favouriteColour = "teal";
    const result = validateWorkspace(doc);
    expect(result.ok).toBe(true);
  });

  it("reports every problem at once, each with its JSON path", () => {
    const doc = smallWorkspace();
    doc.opportunities![1]!.stage = "won" as never;
    doc.prospects![2]!.role = "boss" as never;
    doc.meetings![0]!.startsAt = "next tuesday";
    doc.accounts![1]!.name = "";
    const result = validateWorkspace(doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "$.opportunities[1].stage",
        "$.prospects[2].role",
        "$.meetings[0].startsAt",
        "$.accounts[1].name",
      ]),
    );
    expect(result.problems.find((p) => p.path === "$.meetings[0].startsAt")?.message).toMatch(/ISO 8601/);
  });

  it("reports broken references, duplicate ids and duplicate provider records", () => {
    const doc = smallWorkspace();
    doc.prospects![0]!.accountId = "acc_missing";
    doc.activities![0]!.opportunityId = "acc_acme";
    doc.conversations![0]!.participants = ["pro_ghost", "sam@vendor.example"];
    doc.notes![1]!.id = "note_mtg";
    doc.activities![1]!.externalId = "gm-1";
    doc.activities![1]!.source = "gmail";
    doc.conversations![0]!.messages[1]!.id = "msg_1";
    const result = validateWorkspace(doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
    expect(byPath["$.prospects[0].accountId"]).toBe('refers to account "acc_missing", which is not in the file');
    expect(byPath["$.activities[0].opportunityId"]).toBe(
      'must refer to an opportunity (an id starting with "opp_"), got "acc_acme"',
    );
    expect(byPath["$.conversations[0].participants[0]"]).toMatch(/pro_ghost/);
    expect(byPath["$.notes[1].id"]).toMatch(/duplicates the id of \$\.notes\[0\]/);
    expect(byPath["$.conversations[0].messages[1].id"]).toMatch(/duplicates the id/);
    expect(byPath["$.activities[1].externalId"]).toMatch(/duplicates \(source, externalId\) of \$\.activities\[0\]/);
  });

  it("accepts a conversation whose account is not its deal's (a deal can move to another account, so exports hold this)", () => {
    const doc = smallWorkspace();
    doc.conversations![0]!.accountId = "acc_bolt";
    expect(validateWorkspace(doc)).toMatchObject({ ok: true });
  });

  it("rejects the wrong format or version and unparsable JSON with a path", () => {
    expect(validateWorkspace({ format: "other", version: 2 })).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { path: "$.format", message: 'must be "salesascode.workspace"' },
        { path: "$.version", message: expect.stringMatching(/version 1/) },
      ]),
    });
    const broken = parseWorkspaceJson("{ not json");
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problems[0]!.path).toBe("$");
  });
});

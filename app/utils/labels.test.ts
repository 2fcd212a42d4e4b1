// Label lookups for free-text values (another CRM's tier, status, role) must not find Object's own
// properties: an account with the tier "__proto__" made /accounts answer 500 for good (issue #11,
// found by tests/fuzz/trpc.test.ts).
import { describe, expect, it } from "vitest";
import { activityLabel, stageLabel } from "./account-labels";
import { formatTier } from "./format";
import { roleLabel, statusLabel } from "./person-labels";

describe("labels of free-text values", () => {
  it("are text for every value, prototype names included", () => {
    for (const value of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      for (const label of [
        formatTier(value),
        stageLabel(value),
        activityLabel(value),
        roleLabel(value),
        statusLabel(value),
      ])
        expect(typeof label, `${value} → ${String(label)}`).toBe("string");
    }
  });

  it("still name the values we know", () => {
    expect(formatTier("mid_market")).toBe("Mid-market");
    expect(stageLabel("closed_won")).toBe("Closed won");
    expect(activityLabel("email_sent")).toBe("Email sent");
  });
});

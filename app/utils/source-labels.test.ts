import { describe, expect, it } from "vitest";
import { stageLabels } from "../../server/crm/stage-labels";
import { dealStageView, describeSources } from "./source-labels";

const live = (source: string, objectType = "Record") => ({ source, objectType, removed: false });
const gone = (source: string, objectType = "Record") => ({ source, objectType, removed: true });
const texts = (source: string, links: ReturnType<typeof live>[]) => describeSources(source, links).map((b) => b.text);

describe("which tools know a record", () => {
  it("says where it came from, which tools link it, and which deleted it", () => {
    expect(texts("manual", [])).toEqual([]);
    expect(texts("gmail", [])).toEqual(["from Gmail"]);
    expect(texts("salesforce", [live("salesforce")])).toEqual(["from Salesforce"]);
    expect(texts("manual", [live("salesforce")])).toEqual(["linked to Salesforce"]);
    expect(texts("salesforce", [live("salesforce"), live("outreach")])).toEqual(["linked to Salesforce and Outreach"]);
    expect(texts("gmail", [live("salesforce")])).toEqual(["from Gmail", "linked to Salesforce"]);
    // A Contact and a Lead of the same person: one tool, said once.
    expect(texts("manual", [live("salesforce", "Contact"), live("salesforce", "Lead")])).toEqual([
      "linked to Salesforce",
    ]);
    expect(texts("salesforce", [gone("salesforce")])).toEqual(["deleted in Salesforce"]);
    expect(texts("manual", [gone("salesforce"), live("outreach")])).toEqual([
      "linked to Outreach",
      "deleted in Salesforce",
    ]);
    // One link removed, another of the same tool still there: not deleted.
    expect(texts("manual", [gone("salesforce", "Lead"), live("salesforce", "Contact")])).toEqual([
      "linked to Salesforce",
    ]);
    expect(describeSources("salesforce", [gone("salesforce")])[0]!.tone).toBe("amber");
  });
});

describe("a deal's stage when a CRM names it", () => {
  const deal = (overrides: Partial<Parameters<typeof dealStageView>[0]>) => ({
    stage: "evaluation",
    crmStage: null,
    crmStageUnmapped: false,
    crmSource: null,
    ...overrides,
  });

  it("shows the CRM's label alone when unmapped, beside ours when the words differ, ours alone otherwise", () => {
    expect(dealStageView(deal({}), stageLabels)).toEqual({ kind: "ours", label: "Evaluation" });
    expect(
      dealStageView(deal({ crmStage: "Legal Review", crmStageUnmapped: true, crmSource: "salesforce" }), stageLabels),
    ).toEqual({ kind: "unmapped", crmLabel: "Legal Review", note: "Salesforce stage, not mapped here" });
    expect(dealStageView(deal({ crmStage: "Solution Review", crmSource: "outreach" }), stageLabels)).toEqual({
      kind: "both",
      label: "Evaluation",
      crmLabel: "Solution Review",
      crmName: "Outreach",
    });
    expect(dealStageView(deal({ crmStage: " evaluation ", crmSource: "salesforce" }), stageLabels)).toEqual({
      kind: "ours",
      label: "Evaluation",
    });
    expect(dealStageView(deal({ crmStage: "Legal", crmStageUnmapped: true }), stageLabels)).toMatchObject({
      note: "CRM stage, not mapped here",
    });
  });
});

// The org's OpportunityStage picklist mapped onto our stages. Won and lost come from the picklist's
// own flags (IsWon, IsClosed); an open stage maps only when its normalised label is one of
// Salesforce's standard stage names or one of our own stage names. Anything else (a custom "Legal
// Review", a renamed stage) stays unmapped: shown as the CRM names it, never guessed.
import { z } from "zod";
import type { OpportunityStage } from "../../db/generated/client";
import type { SyncedStage } from "../types";

export const stageRecord = z.object({
  ApiName: z.string().min(1).nullable().optional(),
  MasterLabel: z.string().min(1),
  IsActive: z.boolean().nullable().optional(),
  IsClosed: z.boolean(),
  IsWon: z.boolean(),
  DefaultProbability: z.number().nullable().optional(),
});
export type StageRecord = z.infer<typeof stageRecord>;

/** The stage map kept in the cursor: picklist value (ApiName) → label and our stage. */
export type StageMap = Record<string, SyncedStage>;

function normalise(label: string): string {
  return label
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

const OPEN_STAGES: Record<string, OpportunityStage> = {
  // Salesforce's standard open stages.
  prospecting: "prospecting",
  qualification: "discovery",
  "needs analysis": "discovery",
  "value proposition": "demo",
  "id decision makers": "evaluation",
  "perception analysis": "evaluation",
  "proposal price quote": "proposal",
  "negotiation review": "negotiation",
  // Our own stage names, for orgs that renamed theirs after ours.
  discovery: "discovery",
  demo: "demo",
  evaluation: "evaluation",
  proposal: "proposal",
  negotiation: "negotiation",
};

export function mapStage(stage: StageRecord): OpportunityStage | null {
  if (stage.IsWon) return "closed_won";
  if (stage.IsClosed) return "closed_lost";
  return OPEN_STAGES[normalise(stage.MasterLabel)] ?? OPEN_STAGES[normalise(stage.ApiName ?? "")] ?? null;
}

export function buildStageMap(stages: StageRecord[]): StageMap {
  const map: StageMap = {};
  for (const stage of stages)
    map[stage.ApiName ?? stage.MasterLabel] = { label: stage.MasterLabel, mapped: mapStage(stage) };
  return map;
}

/** A stage value from a record: the picklist's mapping, or unmapped under its own name. */
export function stageFor(map: StageMap, value: string): SyncedStage {
  return map[value] ?? { label: value, mapped: null };
}

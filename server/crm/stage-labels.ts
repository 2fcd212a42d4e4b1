// A deal stage in words: the one list the pages, the dashboard, the timeline and the brain all use.
// No imports but types, so pages can use it in the browser too.
import type { OpportunityStage } from "../db/generated/client";

export const stageLabels: Record<OpportunityStage, string> = {
  prospecting: "Prospecting",
  discovery: "Discovery",
  demo: "Demo",
  evaluation: "Evaluation",
  proposal: "Proposal",
  negotiation: "Negotiation",
  closed_won: "Closed won",
  closed_lost: "Closed lost",
};

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

/** A sequence state as the engagement tool names it, in words: "active", "opted out". */
export function sequenceStateWords(state: string): string {
  return state.trim().replace(/[_-]+/g, " ").toLowerCase() || "unknown";
}

/** "step 3 of 5", "step 3", or "" when the tool gave no step. */
export function sequenceStepWords(step: number | null, totalSteps: number | null): string {
  if (step === null) return "";
  return totalSteps !== null && totalSteps >= step ? `step ${step} of ${totalSteps}` : `step ${step}`;
}

/**
 * How the seller reads a person's place in a sequence: In “Q4 Outbound”, step 3 of 5 · paused.
 * The pages and the brain both say it this way.
 */
export function enrollmentWords(enrollment: {
  sequenceName: string;
  step: number | null;
  totalSteps: number | null;
  state: string;
}): string {
  const step = sequenceStepWords(enrollment.step, enrollment.totalSteps);
  return `In “${enrollment.sequenceName}”${step ? `, ${step}` : ""} · ${sequenceStateWords(enrollment.state)}`;
}

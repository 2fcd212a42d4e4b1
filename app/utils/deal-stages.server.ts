// Deal stages as the pages offer them: in pipeline order, in words, marked open or closed.
import { OPEN_STAGES, stageLabels } from "../../server/crm/opportunities";
import { opportunityStages } from "../../server/data-rights/workspace-format";

export type StageOption = { value: (typeof opportunityStages)[number]; label: string; open: boolean };

/** Every stage in pipeline order, for selects (the browser never imports server code). */
export function stageOptions(): StageOption[] {
  return opportunityStages.map((value) => ({
    value,
    label: stageLabels[value],
    open: (OPEN_STAGES as readonly string[]).includes(value),
  }));
}

export function isStage(value: string): value is StageOption["value"] {
  return (opportunityStages as readonly string[]).includes(value);
}

// Words for the values the account pages show and offer (safe in the browser: stage-labels imports only types).
import { stageLabels } from "../../server/crm/stage-labels";
import type { activityTypes } from "../../server/data-rights/workspace-format";
import { ownValue } from "../../server/utils/own";
import { formatTier } from "./format";

/** The tiers the account form offers; imported accounts may carry their CRM's own words. */
export const accountTiers = ["strategic", "enterprise", "mid_market", "smb"] as const;

export const tierOptions = accountTiers.map((value) => ({ value, label: formatTier(value) }));

export function stageLabel(stage: string): string {
  return ownValue(stageLabels, stage) ?? humanize(stage);
}

const activityLabels: Record<(typeof activityTypes)[number], string> = {
  email_sent: "Email sent",
  email_received: "Email received",
  meeting_held: "Meeting",
  call_logged: "Call",
  stage_changed: "Stage change",
  sequence_step: "Sequence step",
  task_completed: "Task",
  note_added: "Note",
};

export function activityLabel(type: string): string {
  return ownValue(activityLabels, type) ?? humanize(type);
}

/** A value from another CRM, readable: "left_company" → "Left company". */
export function humanize(value: string): string {
  const words = value.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

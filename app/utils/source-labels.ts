// Words for where a record came from (`RecordSource`), in one place for badges and timelines.
// Safe in the browser: a type-only import.
import type { recordSources } from "../../server/data-rights/workspace-format";
import { ownValue } from "../../server/utils/own";
import { humanize } from "./account-labels";

const sourceLabels: Record<(typeof recordSources)[number], string> = {
  manual: "Added here",
  gmail: "Gmail",
  gcal: "Google Calendar",
  salesforce: "Salesforce",
  outreach: "Outreach",
};

/** "Gmail", "Google Calendar", …; a value we do not know, readable. */
export function sourceLabel(source: string): string {
  return ownValue(sourceLabels, source) ?? humanize(source);
}

/** Whether a record came from a connected tool (and so shows where from). */
export function isSynced(source: string): boolean {
  return source !== "manual";
}

/** A record's link to a tool, as the server sends it (server/crm/record-links.ts). */
export type SourceLink = { source: string; objectType: string; removed: boolean };

/** One badge saying where a record came from or which tools know it. */
export type SourceBadgeSpec = { text: string; tone: "blue" | "amber"; title: string };

/** "Salesforce", "Salesforce and Outreach", "Gmail, Salesforce and Outreach". */
function names(sources: string[]): string {
  const labels = sources.map(sourceLabel);
  return labels.length <= 1 ? (labels[0] ?? "") : `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}`;
}

/**
 * The badges for a record: "from Salesforce" when the one tool that knows it made it, "linked to
 * Salesforce and Outreach" when several tools know it (or one knows a record made here), and "deleted
 * in Salesforce" when the tool reports its record gone (the record stays here: the seller's notes and
 * conversations hang on it). Nothing for a record typed here that no tool knows.
 */
export function describeSources(source: string, links: SourceLink[]): SourceBadgeSpec[] {
  const live = [...new Set(links.filter((link) => !link.removed).map((link) => link.source))];
  const removed = [...new Set(links.filter((link) => link.removed).map((link) => link.source))].filter(
    (tool) => !live.includes(tool),
  );
  const origin = isSynced(source) ? source : null;
  const badges: SourceBadgeSpec[] = [];
  if (origin && !live.includes(origin) && !removed.includes(origin))
    badges.push({
      text: `from ${sourceLabel(origin)}`,
      tone: "blue",
      title: `Made by the ${sourceLabel(origin)} sync`,
    });
  if (live.length === 1 && live[0] === origin)
    badges.push({
      text: `from ${sourceLabel(origin)}`,
      tone: "blue",
      title: `Made by the ${sourceLabel(origin)} sync`,
    });
  else if (live.length > 0)
    badges.push({
      text: `linked to ${names(live)}`,
      tone: "blue",
      title: `The same record in ${names(live)}: syncs update it here`,
    });
  for (const tool of removed)
    badges.push({
      text: `deleted in ${sourceLabel(tool)}`,
      tone: "amber",
      title: `${sourceLabel(tool)} reports this record deleted; it stays here with what you added to it`,
    });
  return badges;
}

/** How a deal's stage reads when a CRM names it (`crmStage`), next to ours or instead of it. */
export type DealStageView =
  | { kind: "ours"; label: string }
  /** The CRM's stage maps onto none of ours: its label is the stage; ours would be a guess. */
  | { kind: "unmapped"; crmLabel: string; note: string }
  /** Mapped, but the CRM names it differently ("Needs Analysis" for our Discovery). */
  | { kind: "both"; label: string; crmLabel: string; crmName: string };

const sameWords = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function dealStageView(
  deal: { stage: string; crmStage: string | null; crmStageUnmapped: boolean; crmSource: string | null },
  labels: Record<string, string>,
): DealStageView {
  const label = ownValue(labels, deal.stage) ?? humanize(deal.stage);
  const crmName = deal.crmSource ? sourceLabel(deal.crmSource) : "CRM";
  if (deal.crmStage === null || deal.crmStage.trim() === "") return { kind: "ours", label };
  if (deal.crmStageUnmapped)
    return { kind: "unmapped", crmLabel: deal.crmStage, note: `${crmName} stage, not mapped here` };
  if (sameWords(deal.crmStage, label)) return { kind: "ours", label };
  return { kind: "both", label, crmLabel: deal.crmStage, crmName };
}

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

// Words for a person's role and status (safe in the browser: no server code). The lists mirror the
// API's enums; the `Record` types make the compiler say so when one of them grows.
import type { prospectRoles } from "../../server/data-rights/workspace-format";
import type { prospectStatuses as apiStatuses } from "../../server/crm/prospects";
import { humanize } from "./account-labels";
import { ownValue } from "../../server/utils/own";

type Role = (typeof prospectRoles)[number];

const roleLabels: Record<Role, string> = {
  champion: "Champion",
  economic_buyer: "Economic buyer",
  technical_evaluator: "Technical evaluator",
  blocker: "Blocker",
  user: "User",
  other: "Other",
};

export const roleOptions = (Object.keys(roleLabels) as Role[]).map((value) => ({ value, label: roleLabels[value] }));

export function roleLabel(role: string): string {
  return ownValue(roleLabels, role) ?? humanize(role);
}

/** Badge tone: who helps the deal, who decides, who stands in its way. */
export function roleTone(role: string): "green" | "amber" | "red" | "blue" | "slate" {
  if (role === "champion") return "green";
  if (role === "economic_buyer") return "amber";
  if (role === "blocker") return "red";
  if (role === "technical_evaluator") return "blue";
  return "slate";
}

export type ProspectStatus = (typeof apiStatuses)[number];

const statusLabels: Record<ProspectStatus, string> = {
  active: "Active",
  unresponsive: "Unresponsive",
  left_company: "Left the company",
};

export const prospectStatuses = Object.keys(statusLabels) as ProspectStatus[];

export const statusOptions = prospectStatuses.map((value) => ({ value, label: statusLabels[value] }));

export function statusLabel(status: string): string {
  return ownValue(statusLabels, status) ?? humanize(status);
}

export const prospectRoleValues = Object.keys(roleLabels) as Role[];

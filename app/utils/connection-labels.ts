// The words of Settings → Connections: one map per thing the engine stores as a code (stage, error
// kind, skip reason), so a code shows the same words everywhere and a new one is a type error here.
import type { ConnectionState, StallReason } from "../../server/integrations/connection-health";
import type { SkipReason } from "../../server/integrations/types";
import { ownValue } from "../../server/utils/own";

export const STATE_LABELS: Record<
  ConnectionState,
  { label: string; tone: "slate" | "blue" | "green" | "red" | "amber" }
> = {
  connecting: { label: "Connecting", tone: "blue" },
  first_sync: { label: "First sync", tone: "blue" },
  active: { label: "Active", tone: "green" },
  throttled: { label: "Throttled", tone: "amber" },
  paused: { label: "Paused", tone: "amber" },
  retrying: { label: "Retrying", tone: "amber" },
  needs_reauth: { label: "Reconnect needed", tone: "red" },
  failed: { label: "Failed", tone: "red" },
  disconnected: { label: "Disconnected", tone: "slate" },
};

/** The engine's stages (server/integrations/engine.ts), in words. */
const STAGE_LABELS: Record<string, string> = {
  idle: "Waiting for the next sync",
  first_sync: "Reading your history for the first time",
  incremental: "Checking for changes",
  full_resync: "Reading everything again and merging",
};

export function stageLabel(stage: string): string {
  return ownValue(STAGE_LABELS, stage) ?? stage.replace(/_/g, " ");
}

/** Why items were not turned into records (SkipReason), in words. */
export const SKIP_REASON_LABELS: Record<SkipReason, string> = {
  malformed: "unreadable answer from the provider",
  too_large: "too large to store",
  missing_field: "missing a sender, date or time",
  internal_only: "only your colleagues take part",
  personal_only: "only personal addresses that match no one you track",
  no_known_party: "no one from your accounts takes part",
  outside_window: "outside the sync window",
  not_correspondence: "drafts, chats and other non-email",
  all_day: "all-day entries (holidays, out of office)",
  unknown_value: "a value the tool's documented set does not have",
  not_done: "open tasks (to-dos, not yet done)",
};

export function skipReasonLabel(reason: string): string {
  return ownValue(SKIP_REASON_LABELS as Record<string, string>, reason) ?? reason.replace(/_/g, " ");
}

/** Who runs a tool, as the sentences name them: Google for Gmail and Calendar, else the tool itself. */
export function toolOwnerName(provider: string, toolName: string): string {
  return provider === "gmail" || provider === "gcal" ? "Google" : toolName;
}

/** What went wrong last (lastErrorKind), as a sentence about `owner` (Google, Salesforce, Outreach). */
const ERROR_KIND_SENTENCES: Record<string, (owner: string) => string> = {
  rate_limited: (owner) =>
    `${owner} asked us to slow down (too many requests). We wait as long as it asks, then carry on.`,
  unavailable: (owner) => `${owner}'s service did not answer properly (a temporary error on its side).`,
  network: (owner) => `We could not reach ${owner} (a network problem).`,
  permission: (owner) =>
    `${owner} no longer accepts our access — it was revoked, it expired, or a permission was removed. Reconnect to carry on.`,
  cursor: (owner) =>
    `${owner} no longer remembers where our last sync stopped, so the next sync reads everything again and merges — nothing is duplicated or deleted.`,
  bad_data: (owner) => `Some of what ${owner} sent could not be read; those items were skipped and counted.`,
  quota_paused: (owner) =>
    `${owner === "Salesforce" ? "The Salesforce org's daily API allowance" : `${owner}'s allowance of requests`} is nearly used, so syncing is paused until it renews; nothing is lost, and the sync carries on from where it stopped.`,
};

export function errorKindSentence(kind: string | null, owner = "Google"): string | null {
  if (!kind) return null;
  const sentence = ownValue(ERROR_KIND_SENTENCES, kind);
  return sentence ? sentence(owner) : "The last sync failed.";
}

/** The paused badge's words: "Paused until <time>: the Salesforce org's daily API allowance is nearly used". */
export function pausedSentence(owner: string, until: string | null): string {
  const why =
    owner === "Salesforce"
      ? "the Salesforce org's daily API allowance is nearly used"
      : `${owner}'s allowance of requests is nearly used`;
  return until ? `Paused until ${until}: ${why}` : `Paused: ${why}`;
}

/** Why a sync that may look fine is not moving (connection-health.ts), as a warning. */
export const STALL_SENTENCES: Record<StallReason, string> = {
  worker_lost:
    "The sync stopped partway (the process running it went away). It is restarted automatically within a few minutes; nothing already synced is lost.",
  no_progress:
    "The first sync has been running for over half an hour without reading anything. Try Sync now; if it stays like this, disconnect and connect again.",
  overdue:
    "The next sync was due a while ago and has not started, so recent changes may be missing. Background jobs may not be running on this instance.",
  not_scheduled: "No sync is scheduled, so nothing new will arrive. Press Sync now.",
};

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

/** What went wrong last (lastErrorKind), as a sentence. */
const ERROR_KIND_SENTENCES: Record<string, string> = {
  rate_limited: "Google asked us to slow down (too many requests). We wait as long as it asks, then carry on.",
  unavailable: "Google's service did not answer properly (a temporary error on its side).",
  network: "We could not reach Google (a network problem).",
  permission:
    "Google no longer accepts our access — it was revoked, it expired, or a permission was removed. Reconnect to carry on.",
  cursor:
    "Google no longer remembers where our last sync stopped, so the next sync reads everything again and merges — nothing is duplicated or deleted.",
  bad_data: "Some of what Google sent could not be read; those items were skipped and counted.",
};

export function errorKindSentence(kind: string | null): string | null {
  if (!kind) return null;
  return ownValue(ERROR_KIND_SENTENCES, kind) ?? "The last sync failed.";
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

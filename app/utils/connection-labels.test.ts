import { describe, expect, it } from "vitest";
import { connectionHealth, type ConnectionHealthRow } from "../../server/integrations/connection-health";
import { errorKindSentence, SKIP_REASON_LABELS, skipReasonLabel, stageLabel } from "./connection-labels";

const inherited = ["__proto__", "constructor", "toString", "hasOwnProperty"];

describe("connection labels", () => {
  it("say every skip reason, stage and error kind the engine writes in words", () => {
    for (const [reason, label] of Object.entries(SKIP_REASON_LABELS)) {
      expect(skipReasonLabel(reason)).toBe(label);
      expect(label).not.toMatch(/_/);
    }
    for (const stage of ["idle", "first_sync", "incremental", "full_resync"])
      expect(stageLabel(stage)).not.toMatch(/_/);
    for (const kind of ["rate_limited", "unavailable", "network", "permission", "cursor", "bad_data"])
      expect(errorKindSentence(kind)).toMatch(/\.$/);
    expect(errorKindSentence(null)).toBeNull();
  });

  it("show a code they do not know as text, including names every object inherits", () => {
    expect(stageLabel("reconciling_ids")).toBe("reconciling ids");
    expect(skipReasonLabel("spam_folder")).toBe("spam folder");
    expect(errorKindSentence("something_new")).toBe("The last sync failed.");
    for (const name of inherited) {
      expect(typeof stageLabel(name)).toBe("string");
      expect(typeof skipReasonLabel(name)).toBe("string");
      expect(errorKindSentence(name)).toBe("The last sync failed.");
    }
  });
});

describe("connection health", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const row = (overrides: Partial<ConnectionHealthRow> = {}): ConnectionHealthRow => ({
    status: "active",
    stage: "idle",
    stageStartedAt: null,
    leaseExpiresAt: null,
    firstSyncCompletedAt: null,
    lastSyncStartedAt: null,
    lastErrorKind: null,
    nextSyncAt: now,
    progressDone: null,
    connectedAt: ago(1),
    createdAt: ago(1),
    ...overrides,
  });
  const health = (overrides: Partial<ConnectionHealthRow>) =>
    connectionHealth(row(overrides), { now, pollIntervalMs: 5 * 60_000 });

  it("a reconnected row whose old sync started before the reconnect is Connecting again, and says it merges", () => {
    expect(
      health({
        createdAt: ago(10_000),
        connectedAt: ago(1),
        lastSyncStartedAt: ago(5_000),
        firstSyncCompletedAt: null,
      }),
    ).toEqual({ state: "connecting", stall: null, reconnected: true });
    expect(health({ lastSyncStartedAt: ago(0), stage: "idle" }).state).toBe("first_sync");
  });

  it("a cursor re-sync after the first sync is still Active, with its stage shown", () => {
    expect(
      health({ firstSyncCompletedAt: ago(600), stage: "full_resync", stageStartedAt: ago(1), leaseExpiresAt: ago(-5) }),
    ).toEqual({
      state: "active",
      stall: null,
      reconnected: false,
    });
  });

  it("a due sync within the grace period is not a stall; past it, it is", () => {
    expect(health({ firstSyncCompletedAt: ago(60), nextSyncAt: ago(9) }).stall).toBeNull();
    expect(health({ firstSyncCompletedAt: ago(60), nextSyncAt: ago(11) }).stall).toBe("overdue");
    // A throttled connection waiting for its time is not stalled either.
    expect(health({ status: "error", lastErrorKind: "rate_limited", nextSyncAt: ago(-3) })).toMatchObject({
      state: "throttled",
      stall: null,
    });
  });
});

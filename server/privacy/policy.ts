// The privacy policy's version (P17). Bump `version` and `lastUpdated` together when the policy
// changes materially: every signed-in user then sees a notice until they dismiss it.
import type { Queryable } from "../db/client";

export const PRIVACY_POLICY = {
  version: "1",
  /** The real date this version was written (shown as "Last updated"). */
  lastUpdated: "2026-11-29",
} as const;

/** Records that the user has seen the current policy (sign-up shows it; the notice's Dismiss). */
export async function acknowledgeCurrentPolicy(db: Queryable, userId: string, now = new Date()): Promise<void> {
  await db.policyAcknowledgement.upsert({
    where: { userId_policyVersion: { userId, policyVersion: PRIVACY_POLICY.version } },
    create: { userId, policyVersion: PRIVACY_POLICY.version, acknowledgedAt: now },
    update: {},
  });
}

/** Whether the user still has to be told about the current policy. */
export async function needsPolicyNotice(db: Queryable, userId: string): Promise<boolean> {
  const acknowledged = await db.policyAcknowledgement.findUnique({
    where: { userId_policyVersion: { userId, policyVersion: PRIVACY_POLICY.version } },
    select: { id: true },
  });
  return acknowledged === null;
}

/** P17: the notice a user who has not seen the current policy gets (version and date), else null. */
export async function policyNoticeFor(db: Queryable, userId: string) {
  return (await needsPolicyNotice(db, userId))
    ? { version: PRIVACY_POLICY.version, lastUpdated: PRIVACY_POLICY.lastUpdated }
    : null;
}

// The server-side gates of the Pro plan that are not a simple requirePro (./plan.ts): what happens to
// connections when an account gains or loses Pro, which connections the poll scheduler may sync, and
// whether a brain answer may be written with the server's Claude key (Pro, within the monthly
// allowance). The user's own key (P16) is never gated: it is theirs, and the browser uses it.
import type { ClaudeConfig } from "../brain/claude";
import type { Queryable } from "../db/client";
import { env } from "../env";
import { PlanRequiredError } from "../errors";
import { entitlementFrom, entitlementOf, usersWithPro, type Entitlement } from "./plan";

/**
 * Connections are paused, never disconnected, while an account is on Free: the poll scheduler skips
 * them (their tokens, cursors and synced records stay). When the account gains Pro again this makes
 * every live one due now, so syncing resumes at the next sweep instead of at its old schedule.
 */
export async function resumePausedConnections(db: Queryable, userId: string, now = new Date()): Promise<number> {
  const { count } = await db.integrationConnection.updateMany({
    where: { userId, status: { in: ["active", "error"] } },
    data: { nextSyncAt: now },
  });
  return count;
}

/**
 * What the billing module calls after writing a plan change: gaining Pro resumes the paused
 * connections (due now); losing it needs nothing — the scheduler and the jobs ask the plan each time,
 * so the connections simply stop being synced, with everything they hold kept.
 */
export async function onPlanChange(
  db: Queryable,
  userId: string,
  before: Pick<Entitlement, "plan">,
  after: Pick<Entitlement, "plan">,
  now = new Date(),
): Promise<{ resumed: number }> {
  if (before.plan !== "pro" && after.plan === "pro") return { resumed: await resumePausedConnections(db, userId, now) };
  return { resumed: 0 };
}

/** A connection is live (would be polled) when it is active or retrying after an error. */
export function isLiveConnection(status: string): boolean {
  return status === "active" || status === "error";
}

/** Of these connections (id and owner), the ids whose owner has Pro: one plan query for the batch. */
export async function connectionsWithPro(
  db: Queryable,
  connections: readonly { id: string; userId: string }[],
  now = new Date(),
): Promise<string[]> {
  const pro = await usersWithPro(
    db,
    connections.map((c) => c.userId),
    now,
  );
  return connections.filter((c) => pro.has(c.userId)).map((c) => c.id);
}

/** Whether the connection's owner may have it synced now: the pollConnection job asks before every run. */
export async function connectionOwnerHasPro(db: Queryable, connectionId: string, now = new Date()): Promise<boolean> {
  // One read: the connection's owner with the billing facts the plan decision needs.
  const row = await db.integrationConnection.findUnique({
    where: { id: connectionId },
    select: {
      user: { select: { createdAt: true, billing: { select: { subscriptionStatus: true, pastDueSince: true } } } },
    },
  });
  if (!row) return false;
  return entitlementFrom({ userCreatedAt: row.user.createdAt, billing: row.user.billing }, now).plan === "pro";
}

// ---- The brain's server key ----

export type BrainAllowance = {
  /** Answers written with the server's key this calendar month (UTC), failed ones not counted. */
  used: number;
  /** How many the Pro plan includes a month. */
  allowance: number;
  /** When the count starts again: the first instant of next month, UTC. */
  resetsAt: Date;
  /** Whether this user's next answer would be written with the server's key. */
  serverKey: boolean;
};

/** Why an answer is retrieval-only rather than written with the server's key. */
export type RetrievalOnlyReason = "no_server_key" | "plan" | "allowance";

function monthStartUtc(now: Date, offsetMonths = 0): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offsetMonths, 1));
}

type ServerBrain =
  | { claude: ClaudeConfig; reason: null; allowance: BrainAllowance }
  | { claude: null; reason: RetrievalOnlyReason; allowance: BrainAllowance };

/**
 * The one decision about the server's Claude key for a user: none configured → retrieval-only; on
 * Free → retrieval-only; Pro with this month's allowance used → retrieval-only; else the key. An
 * instance without billing ("unbilled") has no allowance to run out of.
 */
export async function serverBrainFor(db: Queryable, userId: string, now = new Date()): Promise<ServerBrain> {
  const config = env();
  const [entitlement, used] = await Promise.all([
    entitlementOf(db, userId, now),
    db.brainMessage.count({
      where: {
        userId,
        role: "assistant",
        mode: "server_key",
        status: { not: "failed" },
        createdAt: { gte: monthStartUtc(now) },
      },
    }),
  ]);
  const allowance = config.billing.proBrainAnswers;
  const base = { used, allowance, resetsAt: monthStartUtc(now, 1) };
  const reason: RetrievalOnlyReason | null = !config.claude
    ? "no_server_key"
    : entitlement.plan !== "pro"
      ? "plan"
      : entitlement.source !== "unbilled" && used >= allowance
        ? "allowance"
        : null;
  if (reason === null && config.claude)
    return { claude: config.claude, reason: null, allowance: { ...base, serverKey: true } };
  return { claude: null, reason: reason ?? "no_server_key", allowance: { ...base, serverKey: false } };
}

/** Used / allowance / reset for the Billing page, and whether the server's key writes the next answer. */
export async function brainAllowanceOf(db: Queryable, userId: string, now = new Date()): Promise<BrainAllowance> {
  return (await serverBrainFor(db, userId, now)).allowance;
}

/** The server's Claude for this user's next answer, or null (retrieval-only). */
export async function serverClaudeFor(db: Queryable, userId: string, now = new Date()): Promise<ClaudeConfig | null> {
  return (await serverBrainFor(db, userId, now)).claude;
}

/** The line a retrieval-only answer opens with: why it is not a written answer, honestly. */
export function retrievalOnlyNotice(reason: RetrievalOnlyReason, allowance?: BrainAllowance): string {
  switch (reason) {
    case "no_server_key":
      return "Retrieval-only answer: no Claude key is set, so here are the records that best match your question, not a written answer.";
    case "plan":
      return "Retrieval-only answer: answers written by Claude with our key are part of the Pro plan (Settings → Billing), so here are the records that best match your question. Your own Anthropic key (Settings → API) also writes answers.";
    case "allowance":
      return `Retrieval-only answer: the ${allowance?.allowance ?? 0} written answers Pro includes this month are used up (they renew on ${(allowance?.resetsAt ?? new Date()).toISOString().slice(0, 10)}, UTC), so here are the records that best match your question. Your own Anthropic key (Settings → API) still writes answers.`;
  }
}

/**
 * How the server writes an answer it streams: with its key only when the answer was asked in
 * server-key mode and the user still has Pro (a downgrade since asking is honoured); anything else is
 * retrieval-only, with the reason it opens with. The allowance was counted when the answer was
 * asked (the answer itself is one of the month's).
 */
export async function serverWriterFor(
  db: Queryable,
  userId: string,
  assistantMessageId: string,
  now = new Date(),
): Promise<{ claude: ClaudeConfig | null; retrievalOnlyNotice: string }> {
  const message = await db.brainMessage.findFirst({
    where: { id: assistantMessageId, userId, role: "assistant" },
    select: { mode: true },
  });
  const claude = env().claude;
  if (message?.mode === "server_key" && claude && (await entitlementOf(db, userId, now)).plan === "pro")
    return { claude, retrievalOnlyNotice: retrievalOnlyNotice("no_server_key") };
  const brain = await serverBrainFor(db, userId, now);
  // Asked retrieval-only while the key was available (Pro came back since): the plan was the reason.
  const reason = brain.reason ?? "plan";
  return { claude: null, retrievalOnlyNotice: retrievalOnlyNotice(reason, brain.allowance) };
}

// ---- Connecting a tool ----

/**
 * Connecting a tool is Pro (it exists to be synced): on Free, the sentence to refuse with — before
 * any OAuth handshake or state cookie — else null. Signing in with Google is not connecting.
 */
export async function connectRefusedByPlan(
  db: Queryable,
  userId: string,
  toolName: string,
  now = new Date(),
): Promise<string | null> {
  if ((await entitlementOf(db, userId, now)).plan === "pro") return null;
  return new PlanRequiredError(`Connecting ${toolName}`).message;
}

// Deleting an account (P11). The moment the user confirms: every session ends, sign-in is refused,
// polling stops, and a deletion request is recorded with purgeAfter = now + 7 days. A purge job
// starts right away and hard-deletes the user row — and with it, by ON DELETE CASCADE, every row the
// user owns — after cancelling the Stripe subscription through the billing module and revoking
// connection tokens. Jobs retry; a periodic sweep purges whatever is left and logs an error for
// anything that could not be purged in time.
import { z } from "zod";
import { verifyPassword } from "../auth/password";
import { forgetRateLimitsOf } from "../auth/rate-limit";
import { billing } from "../billing";
import type { Db } from "../db/client";
import { retryOnWriteConflict } from "../db/write-conflict";
import { disconnectConnection, stopAllPolling } from "../integrations/connections";
import { enqueue, QUEUES } from "../jobs/jobs";
import { logger } from "../logger";
import { truncateText } from "../utils/text";

export const DELETION_GRACE_DAYS = 7;
const DAY_MS = 86_400_000;
/** A request still here this long after it was made means its purge job failed: the sweep retries. */
const RETRY_AFTER_MS = 10 * 60_000;

/** What the user types to confirm: their account's email, and their password if they have one. */
export const deleteAccountInput = z.object({
  confirmEmail: z.string().trim().max(320),
  password: z.string().max(1024).optional(),
});

export type ConfirmationProblem = { ok: false; field: "confirmEmail" | "password"; message: string };

/** The typed confirmation must be the account's own email (any case). */
export function checkTypedEmail(accountEmail: string, typed: string): ConfirmationProblem | null {
  if (typed.trim().toLowerCase() === accountEmail.toLowerCase()) return null;
  return { ok: false, field: "confirmEmail", message: `Type ${accountEmail} to confirm.` };
}

/**
 * Confirms with the typed email and the password, then requests the deletion. Accounts without a
 * password confirm with Google instead (the Delete account page, through /auth/google).
 */
export async function deleteAccountWithPassword(
  db: Db,
  userId: string,
  input: z.output<typeof deleteAccountInput>,
  now = new Date(),
): Promise<{ ok: true; purgeAfter: Date } | ConfirmationProblem> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, passwordHash: true } });
  const typed = checkTypedEmail(user.email, input.confirmEmail);
  if (typed) return typed;
  if (!user.passwordHash)
    return { ok: false, field: "password", message: "This account has no password: confirm with Google instead." };
  if (!input.password || !(await verifyPassword(user.passwordHash, input.password))) {
    return { ok: false, field: "password", message: "That is not your password, so nothing was deleted." };
  }
  const requested = await requestAccountDeletion(db, userId, now);
  return { ok: true, purgeAfter: requested.purgeAfter };
}

export async function requestAccountDeletion(db: Db, userId: string, now = new Date()) {
  const request = await db.$transaction(async (tx) => {
    const existing = await tx.accountDeletionRequest.findUnique({ where: { userId } });
    const recorded =
      existing ??
      (await tx.accountDeletionRequest.create({
        data: { userId, requestedAt: now, purgeAfter: new Date(now.getTime() + DELETION_GRACE_DAYS * DAY_MS) },
      }));
    await tx.session.deleteMany({ where: { userId } });
    await tx.passwordResetToken.deleteMany({ where: { userId } });
    return recorded;
  });
  await stopAllPolling(db, userId, now);
  await enqueue(QUEUES.purgeAccount, { userId }, { singletonKey: `purge:${userId}` });
  logger().info({ deletionRequestId: request.id, purgeAfter: request.purgeAfter }, "account deletion requested");
  return { requestedAt: request.requestedAt, purgeAfter: request.purgeAfter };
}

export type PurgeResult = { status: "purged" | "already_gone" | "not_requested" };

/** Hard-deletes a user whose deletion was requested. Safe to run twice. */
export async function purgeAccount(db: Db, userId: string): Promise<PurgeResult> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, deletionRequest: { select: { id: true } } },
  });
  if (!user) return { status: "already_gone" };
  if (!user.deletionRequest) return { status: "not_requested" };
  await billing.cancelSubscriptionsOf(db, userId);
  // Revoke at the providers while we still hold the tokens (best effort: disconnect deletes them anyway).
  const connections = await db.integrationConnection.findMany({ where: { userId }, select: { id: true } });
  for (const connection of connections) await disconnectConnection(db, userId, connection.id);
  // The user row goes, and with it (ON DELETE CASCADE) every row that carries this userId; then
  // the rate-limit windows counted against the account (hashed, but ours to forget too).
  // Cancelling made Stripe send its webhooks, which may be updating this user's billing row right now:
  // a deadlock with the cascade is retried (the webhook then finds no user and is ignored).
  await retryOnWriteConflict(() => db.user.delete({ where: { id: userId } }));
  await forgetRateLimitsOf(db, [userId, user.email.toLowerCase()]);
  logger().info({ deletionRequestId: user.deletionRequest.id }, "account purged");
  return { status: "purged" };
}

/**
 * The safety net: purges every request whose job did not (retried after 10 minutes), recording
 * failures on the request; a request past purgeAfter that still fails is an error for a person.
 */
export async function sweepDeletionRequests(db: Db, now = new Date()): Promise<{ purged: number; failed: number }> {
  const due = await db.accountDeletionRequest.findMany({
    where: { requestedAt: { lte: new Date(now.getTime() - RETRY_AFTER_MS) } },
    select: { id: true, userId: true, purgeAfter: true, attempts: true },
    take: 100,
  });
  let purged = 0;
  let failed = 0;
  for (const request of due) {
    try {
      await purgeAccount(db, request.userId);
      purged += 1;
    } catch (error) {
      failed += 1;
      const message = error instanceof Error ? error.message : String(error);
      await db.accountDeletionRequest.update({
        where: { id: request.id },
        data: { attempts: { increment: 1 }, lastError: truncateText(message, 1000) },
      });
      const late = request.purgeAfter <= now;
      logger()[late ? "error" : "warn"](
        { deletionRequestId: request.id, attempts: request.attempts + 1, purgeAfter: request.purgeAfter, err: message },
        late
          ? "account purge overdue: the 7-day promise (P11) is broken for this account until it succeeds"
          : "account purge failed; the sweep retries",
      );
    }
  }
  return { purged, failed };
}

// Email and password: sign-up, sign-in, change, and reset by email. Messages never tell whether an
// email address has an account (no enumeration), and timing does not either (verifyAgainstNothing).
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db, Queryable } from "../db/client";
import { queueMail } from "../mail/outbox";
import { passwordResetConfirmationMail, passwordResetMail } from "../mail/templates";
import { acknowledgeCurrentPolicy } from "../privacy/policy";
import { hashPassword, newPasswordInput, verifyAgainstNothing, verifyPassword } from "./password";
import { invalidateUserSessions } from "./session";

export const RESET_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export const emailInput = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long.")
  .pipe(z.email("Enter a valid email address."));

export const signUpInput = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(120, "Use at most 120 characters."),
  email: emailInput,
  password: newPasswordInput,
});

export const signInInput = z.object({
  email: emailInput,
  password: z.string().min(1, "Enter your password.").max(200, "That password is too long."),
});

export const changePasswordInput = z.object({
  currentPassword: z.string().max(200).default(""),
  newPassword: newPasswordInput,
});

export const resetPasswordInput = z.object({
  token: z.string().min(20, "This reset link is incomplete.").max(200),
  password: newPasswordInput,
});

export type SignUpResult = { ok: true; userId: string } | { ok: false; message: string };

export async function signUpWithPassword(
  db: Db,
  input: z.output<typeof signUpInput>,
  now = new Date(),
): Promise<SignUpResult> {
  const passwordHash = await hashPassword(input.password);
  const taken = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (taken) {
    // Unavoidable at sign-up without a verification round-trip; said without confirming anything
    // about the account, and sign-up is rate-limited per IP.
    return {
      ok: false,
      message:
        "We could not create an account with this email. If you already have one, sign in or reset your password.",
    };
  }
  try {
    const user = await db.$transaction(async (tx) => {
      const created = await tx.user.create({ data: { email: input.email, name: input.name, passwordHash } });
      await acknowledgeCurrentPolicy(tx, created.id, now);
      return created;
    });
    return { ok: true, userId: user.id };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      return {
        ok: false,
        message:
          "We could not create an account with this email. If you already have one, sign in or reset your password.",
      };
    }
    throw error;
  }
}

export type PasswordCheck =
  { ok: true; userId: string } | { ok: false; reason: "wrong_credentials" | "deletion_pending" };

/**
 * Whether the email and password open an account: the same answer for "no such user" and "wrong
 * password"; only someone who knows the password learns that the account is being deleted (P11).
 */
export async function verifyPasswordSignIn(db: Db, input: z.output<typeof signInInput>): Promise<PasswordCheck> {
  const user = await db.user.findUnique({
    where: { email: input.email },
    select: { id: true, passwordHash: true, deletionRequest: { select: { id: true } } },
  });
  if (!user?.passwordHash)
    return verifyAgainstNothing(input.password).then(() => ({ ok: false, reason: "wrong_credentials" }));
  if (!(await verifyPassword(user.passwordHash, input.password))) return { ok: false, reason: "wrong_credentials" };
  if (user.deletionRequest) return { ok: false, reason: "deletion_pending" };
  return { ok: true, userId: user.id };
}

/** The user the email and password belong to, or null. */
export async function checkPassword(db: Db, input: z.output<typeof signInInput>): Promise<string | null> {
  const check = await verifyPasswordSignIn(db, input);
  return check.ok ? check.userId : null;
}

export type ChangePasswordResult =
  { ok: true; signedOutOthers: number } | { ok: false; field: "currentPassword"; message: string };

/** Sets a new password (users who only ever used Google may set a first one), ending every other session. */
export async function changePassword(
  db: Db,
  userId: string,
  input: z.output<typeof changePasswordInput>,
  keepSessionId: string,
): Promise<ChangePasswordResult> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
  if (user.passwordHash && !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    return { ok: false, field: "currentPassword", message: "Your current password is not correct." };
  }
  const passwordHash = await hashPassword(input.newPassword);
  const signedOutOthers = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    return invalidateUserSessions(tx, userId, { except: keepSessionId });
  });
  return { ok: true, signedOutOthers };
}

function hashToken(token: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash("sha256").update(token).digest());
}

/**
 * Mails a single-use reset link if the email has an account; does nothing visible otherwise. Only
 * the newest link works: asking again retires the earlier ones. Run by the job that handles
 * "forgot password" requests, never on the request itself (see queuePasswordResetRequest).
 */
export async function requestPasswordReset(
  db: Db,
  email: string,
  options: { appUrl: string; ip: string | null; now?: Date },
): Promise<void> {
  await db.$transaction((tx) => mailResetLink(tx, email, options));
}

async function mailResetLink(
  tx: Queryable,
  email: string,
  options: { appUrl: string; ip: string | null; now?: Date },
): Promise<void> {
  const now = options.now ?? new Date();
  const user = await tx.user.findUnique({
    where: { email },
    select: { id: true, name: true, email: true, deletionRequest: { select: { id: true } } },
  });
  if (!user || user.deletionRequest) return;
  const token = randomBytes(32).toString("base64url");
  await tx.passwordResetToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
  await tx.passwordResetToken.create({
    data: {
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + RESET_TOKEN_LIFETIME_MS),
      requestedIp: options.ip?.slice(0, 64) ?? null,
      createdAt: now,
    },
  });
  const link = `${options.appUrl}/reset-password?${new URLSearchParams({ token })}`;
  await queueMail(tx, {
    ...passwordResetMail({ name: user.name, link, expiresInMinutes: RESET_TOKEN_LIFETIME_MS / 60_000 }),
    to: user.email,
    userId: user.id,
  });
}

/**
 * A "forgot password" request, as the page takes it: one row written, the same for every email,
 * with no look-up — so neither the answer nor its timing says whether the email has an account.
 * The job (handlePasswordResetRequests) looks the email up and mails the link.
 */
export async function queuePasswordResetRequest(db: Queryable, email: string, ip: string | null): Promise<void> {
  await db.passwordResetRequest.create({ data: { email, requestedIp: ip?.slice(0, 64) ?? null } });
}

/**
 * Handles waiting "forgot password" requests, oldest first: each request's row is deleted in the
 * same transaction that writes its link and mail, so a request is handled exactly once even with
 * several workers (SKIP LOCKED) and survives a crash. Returns how many were handled.
 */
export async function handlePasswordResetRequests(
  db: Db,
  options: { appUrl: string; limit?: number },
): Promise<number> {
  let handled = 0;
  while (handled < (options.limit ?? 100)) {
    const found = await db.$transaction(async (tx) => {
      const [request] = await tx.$queryRaw<{ email: string; requestedIp: string | null; createdAt: Date }[]>`
        DELETE FROM password_reset_requests WHERE id = (
          SELECT id FROM password_reset_requests ORDER BY "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED
        ) RETURNING email, "requestedIp", "createdAt"`;
      if (!request) return false;
      await mailResetLink(tx, request.email, { appUrl: options.appUrl, ip: request.requestedIp });
      return true;
    });
    if (!found) break;
    handled += 1;
  }
  return handled;
}

export type ResetTokenState = "valid" | "invalid";

/** Whether a reset link can still be used (without using it), to show the form or a clear message. */
export async function checkResetToken(db: Db, token: string, now = new Date()): Promise<ResetTokenState> {
  const row = await db.passwordResetToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { usedAt: true, expiresAt: true },
  });
  return row && !row.usedAt && row.expiresAt > now ? "valid" : "invalid";
}

export type ResetResult = { ok: true; userId: string; email: string } | { ok: false; message: string };

export const INVALID_RESET_LINK = "This reset link has expired or was already used. Ask for a new one below.";

/**
 * Uses a reset link: new password, every session of the user ended (the caller then starts one for
 * this browser), email counted as verified (the link proved the mailbox), confirmation mailed (P8).
 */
export async function resetPassword(
  db: Db,
  input: z.output<typeof resetPasswordInput>,
  options: { appUrl: string; now?: Date },
): Promise<ResetResult> {
  const now = options.now ?? new Date();
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const row = await tx.passwordResetToken.findUnique({
      where: { tokenHash: hashToken(input.token) },
      select: { id: true, userId: true, user: { select: { name: true, email: true, emailVerifiedAt: true } } },
    });
    if (!row) return { ok: false, message: INVALID_RESET_LINK };
    // Claim the token atomically: of two concurrent uses, exactly one gets count = 1.
    const claimed = await tx.passwordResetToken.updateMany({
      where: { id: row.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) return { ok: false, message: INVALID_RESET_LINK };
    await tx.user.update({
      where: { id: row.userId },
      data: { passwordHash, emailVerifiedAt: row.user.emailVerifiedAt ?? now },
    });
    await invalidateUserSessions(tx, row.userId);
    await queueMail(tx, {
      ...passwordResetConfirmationMail({ name: row.user.name, when: now, appUrl: options.appUrl }),
      to: row.user.email,
      userId: row.userId,
    });
    return { ok: true, userId: row.userId, email: row.user.email };
  });
}

import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { changePassword, changePasswordInput } from "../../auth/password-accounts";
import { consumeRateLimit, rateLimits, tooManyAttemptsMessage } from "../../auth/rate-limit";
import { deleteAccountInput, deleteAccountWithPassword } from "../../data-rights/delete-account";
import { acknowledgeCurrentPolicy, needsPolicyNotice, PRIVACY_POLICY } from "../../privacy/policy";
import { createTRPCRouter, protectedProcedure } from "../init";

export const accountRouter = createTRPCRouter({
  /** Who is signed in, and whether they have a password (Google-only users may set a first one). */
  me: protectedProcedure.query(async ({ ctx }) => {
    const user = await ctx.db.user.findUniqueOrThrow({
      where: { id: ctx.user.id },
      select: {
        id: true,
        email: true,
        name: true,
        passwordHash: true,
        createdAt: true,
        identities: { select: { provider: true, email: true } },
        policyAcknowledgements: {
          orderBy: { acknowledgedAt: "desc" },
          take: 1,
          select: { policyVersion: true, acknowledgedAt: true },
        },
      },
    });
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      createdAt: user.createdAt,
      hasPassword: user.passwordHash !== null,
      identities: user.identities,
      policyAcknowledged: user.policyAcknowledgements[0] ?? null,
    };
  }),

  /** Changes the name shown in the app and on mail. */
  updateProfile: protectedProcedure
    .input(z.object({ name: z.string().trim().min(1, "Enter your name.").max(120, "Use at most 120 characters.") }))
    .mutation(({ ctx, input }) =>
      ctx.db.user.update({ where: { id: ctx.user.id }, data: { name: input.name }, select: { id: true, name: true } }),
    ),

  /** Changes the password and signs out every other device. */
  changePassword: protectedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const limit = await consumeRateLimit(ctx.db, rateLimits.changePasswordPerAccount, ctx.user.id);
    if (!limit.allowed)
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: tooManyAttemptsMessage(limit.retryAfterSeconds) });
    return changePassword(ctx.db, ctx.user.id, input, ctx.session.id);
  }),

  /**
   * P11: delete this account. Confirmed with the account's email and password; every session ends at
   * once and the data is purged by a job (within 7 days at the latest). Rate-limited per account.
   */
  requestDeletion: protectedProcedure.input(deleteAccountInput).mutation(async ({ ctx, input }) => {
    const limit = await consumeRateLimit(ctx.db, rateLimits.deleteAccountPerAccount, ctx.user.id);
    if (!limit.allowed)
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: tooManyAttemptsMessage(limit.retryAfterSeconds) });
    return deleteAccountWithPassword(ctx.db, ctx.user.id, input);
  }),

  /** P17: whether to show the policy notice, and dismissing it. */
  policyNotice: protectedProcedure.query(async ({ ctx }) =>
    (await needsPolicyNotice(ctx.db, ctx.user.id))
      ? { version: PRIVACY_POLICY.version, lastUpdated: PRIVACY_POLICY.lastUpdated }
      : null,
  ),
  acknowledgePolicy: protectedProcedure.mutation(async ({ ctx }) => {
    await acknowledgeCurrentPolicy(ctx.db, ctx.user.id);
    return { version: PRIVACY_POLICY.version };
  }),
});

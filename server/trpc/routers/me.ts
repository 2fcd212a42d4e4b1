// The signed-in user themselves (not `accounts`, the companies they sell to): profile, password,
// account deletion and the privacy-policy notice. Every procedure acts on ctx.user alone.
import { changePassword, changePasswordInput } from "../../auth/password-accounts";
import { getProfile, updateProfile, updateProfileInput } from "../../auth/profile";
import { enforceRateLimit, rateLimits } from "../../auth/rate-limit";
import { deleteAccountInput, deleteAccountWithPassword } from "../../data-rights/delete-account";
import { acknowledgeCurrentPolicy, policyNoticeFor, PRIVACY_POLICY } from "../../privacy/policy";
import { createTRPCRouter, protectedProcedure } from "../init";

export const meRouter = createTRPCRouter({
  /** Who is signed in, and whether they have a password (Google-only users may set a first one). */
  profile: protectedProcedure.query(({ ctx }) => getProfile(ctx.db, ctx.user.id)),

  /** Changes the name shown in the app and on mail. */
  updateProfile: protectedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) => updateProfile(ctx.db, ctx.user.id, input)),

  /** Changes the password and signs out every other device. */
  changePassword: protectedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx.db, rateLimits.changePasswordPerAccount, ctx.user.id);
    return changePassword(ctx.db, ctx.user.id, input, ctx.session.id);
  }),

  /**
   * P11: delete this account. Confirmed with the account's email and password; every session ends at
   * once and the data is purged by a job (within 7 days at the latest). Rate-limited per account.
   */
  requestDeletion: protectedProcedure.input(deleteAccountInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx.db, rateLimits.deleteAccountPerAccount, ctx.user.id);
    return deleteAccountWithPassword(ctx.db, ctx.user.id, input);
  }),

  /** P17: whether to show the policy notice, and dismissing it. */
  policyNotice: protectedProcedure.query(({ ctx }) => policyNoticeFor(ctx.db, ctx.user.id)),
  acknowledgePolicy: protectedProcedure.mutation(async ({ ctx }) => {
    await acknowledgeCurrentPolicy(ctx.db, ctx.user.id);
    return { version: PRIVACY_POLICY.version };
  }),
});

import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { listSessions, revokeSession } from "../../auth/sessions";
import { invalidateUserSessions } from "../../auth/session";
import { createTRPCRouter, protectedProcedure } from "../init";

export const sessionsRouter = createTRPCRouter({
  /** Every device signed in to this account, this one first. */
  list: protectedProcedure.query(({ ctx }) => listSessions(ctx.db, ctx.user.id, ctx.session.id)),

  /** Signs out one other device. (Signing out this one is /logout, which also clears the cookie.) */
  revoke: protectedProcedure
    .input(z.object({ sessionId: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      if (input.sessionId === ctx.session.id) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "To sign out of this device, use Sign out." });
      }
      if (!(await revokeSession(ctx.db, ctx.user.id, input.sessionId))) {
        throw new TRPCError({ code: "NOT_FOUND", message: "That session has already ended." });
      }
      return { revoked: 1 };
    }),

  /** Signs out every device but this one. */
  revokeOthers: protectedProcedure.mutation(async ({ ctx }) => ({
    revoked: await invalidateUserSessions(ctx.db, ctx.user.id, { except: ctx.session.id }),
  })),
});

import { z } from "zod";
import { idInput } from "../../crm/inputs";
import { disconnectConnection, listConnections, requestSync } from "../../integrations/connections";
import { createTRPCRouter, protectedProcedure } from "../init";

export const connectionsRouter = createTRPCRouter({
  /**
   * Every tool that can be connected, what it may read (P3), and the user's connection to it with its
   * sync health (status, stage, progress, counts, last error, next attempt) — never a token.
   */
  list: protectedProcedure.query(({ ctx }) => listConnections(ctx.db, ctx.user.id)),
  /** Sync now: due at once and queued (at most once a minute per connection: 429 with Retry-After). */
  syncNow: protectedProcedure
    .input(z.object({ connectionId: idInput }))
    .mutation(({ ctx, input }) => requestSync(ctx.db, ctx.user.id, input.connectionId)),
  /** P12: stop reading from a tool now; its tokens are revoked and deleted, synced events stay. */
  disconnect: protectedProcedure
    .input(z.object({ connectionId: idInput }))
    .mutation(({ ctx, input }) => disconnectConnection(ctx.db, ctx.user.id, input.connectionId)),
});

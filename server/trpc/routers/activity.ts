import { z } from "zod";
import { activityTimeline, recentActivity, timelineInput } from "../../crm/activity";
import { createTRPCRouter, protectedProcedure } from "../init";

export const activityRouter = createTRPCRouter({
  /** The timeline of one account, person or deal, newest first. */
  timeline: protectedProcedure
    .input(timelineInput)
    .query(({ ctx, input }) => activityTimeline(ctx.db, ctx.user.id, input)),
  recent: protectedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(50).default(10) }).prefault({}))
    .query(({ ctx, input }) => recentActivity(ctx.db, ctx.user.id, input.limit)),
});

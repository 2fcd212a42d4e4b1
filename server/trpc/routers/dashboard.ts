import { dashboardSummary } from "../../crm/dashboard";
import { createTRPCRouter, protectedProcedure } from "../init";

export const dashboardRouter = createTRPCRouter({
  /** Pipeline by stage, closing this month, the week's meetings, recent activity, needs attention. */
  summary: protectedProcedure.query(({ ctx }) => dashboardSummary(ctx.db, ctx.user.id)),
});

import { createTRPCRouter, publicProcedure } from "../init";
import { checkDatabase } from "../../db/health";

export const healthRouter = createTRPCRouter({
  /** Whether the API and its database answer. */
  check: publicProcedure.query(async ({ ctx }) => {
    const database = await checkDatabase(ctx.db);
    return { status: database.ok ? ("ok" as const) : ("degraded" as const), database, time: new Date() };
  }),
});

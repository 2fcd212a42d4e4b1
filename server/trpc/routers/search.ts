import { search, searchInput } from "../../crm/search";
import { createTRPCRouter, protectedProcedure } from "../init";

export const searchRouter = createTRPCRouter({
  /** Ranked full-text search over accounts, people, deals, messages, notes and activities. */
  query: protectedProcedure.input(searchInput).query(({ ctx, input }) => search(ctx.db, ctx.user.id, input)),
});

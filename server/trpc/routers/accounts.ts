import { listAccounts, listAccountsInput } from "../../crm/accounts";
import { createTRPCRouter, protectedProcedure } from "../init";

export const accountsRouter = createTRPCRouter({
  /** The signed-in user's accounts, a page at a time. */
  list: protectedProcedure
    .input(listAccountsInput.prefault({}))
    .query(({ ctx, input }) => listAccounts(ctx.db, ctx.user.id, input)),
});

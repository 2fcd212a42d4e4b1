import { z } from "zod";
import {
  accountFacets,
  createAccount,
  createAccountInput,
  deleteAccount,
  getAccount,
  listAccounts,
  listAccountsInput,
  updateAccount,
  updateAccountInput,
} from "../../crm/accounts";
import { idInput } from "../../crm/inputs";
import { createTRPCRouter, protectedProcedure } from "../init";

const byId = z.object({ id: idInput });

export const accountsRouter = createTRPCRouter({
  /** The signed-in user's accounts, a page at a time. */
  list: protectedProcedure
    .input(listAccountsInput.prefault({}))
    .query(({ ctx, input }) => listAccounts(ctx.db, ctx.user.id, input)),
  /** Tiers and industries present in the book (for filters). */
  facets: protectedProcedure.query(({ ctx }) => accountFacets(ctx.db, ctx.user.id)),
  get: protectedProcedure.input(byId).query(({ ctx, input }) => getAccount(ctx.db, ctx.user.id, input.id)),
  create: protectedProcedure
    .input(createAccountInput)
    .mutation(({ ctx, input }) => createAccount(ctx.db, ctx.user.id, input)),
  update: protectedProcedure
    .input(updateAccountInput)
    .mutation(({ ctx, input }) => updateAccount(ctx.db, ctx.user.id, input)),
  delete: protectedProcedure.input(byId).mutation(({ ctx, input }) => deleteAccount(ctx.db, ctx.user.id, input.id)),
});

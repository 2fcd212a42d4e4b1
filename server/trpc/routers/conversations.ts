import { z } from "zod";
import {
  addMessage,
  addMessageInput,
  createConversation,
  createConversationInput,
  deleteConversation,
  getConversation,
  listConversations,
  listConversationsInput,
} from "../../crm/conversations";
import { idInput } from "../../crm/inputs";
import { createTRPCRouter, protectedProcedure } from "../init";

const byId = z.object({ id: idInput });

export const conversationsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(listConversationsInput.prefault({}))
    .query(({ ctx, input }) => listConversations(ctx.db, ctx.user.id, input)),
  /** A conversation with all its messages and participants. */
  get: protectedProcedure.input(byId).query(({ ctx, input }) => getConversation(ctx.db, ctx.user.id, input.id)),
  create: protectedProcedure
    .input(createConversationInput)
    .mutation(({ ctx, input }) => createConversation(ctx.db, ctx.user, input)),
  addMessage: protectedProcedure
    .input(addMessageInput)
    .mutation(({ ctx, input }) => addMessage(ctx.db, ctx.user, input)),
  delete: protectedProcedure
    .input(byId)
    .mutation(({ ctx, input }) => deleteConversation(ctx.db, ctx.user.id, input.id)),
});

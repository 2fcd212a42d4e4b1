import { z } from "zod";
import { idInput } from "../../crm/inputs";
import {
  createProspect,
  createProspectInput,
  deleteProspect,
  getProspect,
  listProspects,
  listProspectsInput,
  updateProspect,
  updateProspectInput,
} from "../../crm/prospects";
import { createTRPCRouter, protectedProcedure } from "../init";

const byId = z.object({ id: idInput });

export const prospectsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(listProspectsInput.prefault({}))
    .query(({ ctx, input }) => listProspects(ctx.db, ctx.user.id, input)),
  get: protectedProcedure.input(byId).query(({ ctx, input }) => getProspect(ctx.db, ctx.user.id, input.id)),
  create: protectedProcedure
    .input(createProspectInput)
    .mutation(({ ctx, input }) => createProspect(ctx.db, ctx.user.id, input)),
  update: protectedProcedure
    .input(updateProspectInput)
    .mutation(({ ctx, input }) => updateProspect(ctx.db, ctx.user.id, input)),
  delete: protectedProcedure.input(byId).mutation(({ ctx, input }) => deleteProspect(ctx.db, ctx.user.id, input.id)),
});

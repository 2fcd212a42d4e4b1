import { z } from "zod";
import { idInput } from "../../crm/inputs";
import {
  boardInput,
  createOpportunity,
  createOpportunityInput,
  deleteOpportunity,
  getOpportunity,
  listOpportunities,
  listOpportunitiesInput,
  moveOpportunityStage,
  moveStageInput,
  opportunityBoard,
  updateOpportunity,
  updateOpportunityInput,
} from "../../crm/opportunities";
import { createTRPCRouter, protectedProcedure } from "../init";

const byId = z.object({ id: idInput });

export const opportunitiesRouter = createTRPCRouter({
  list: protectedProcedure
    .input(listOpportunitiesInput.prefault({}))
    .query(({ ctx, input }) => listOpportunities(ctx.db, ctx.user.id, input)),
  /** The pipeline board: every stage with its count, totals and first deals. */
  board: protectedProcedure
    .input(boardInput.prefault({}))
    .query(({ ctx, input }) => opportunityBoard(ctx.db, ctx.user.id, input)),
  get: protectedProcedure.input(byId).query(({ ctx, input }) => getOpportunity(ctx.db, ctx.user.id, input.id)),
  create: protectedProcedure
    .input(createOpportunityInput)
    .mutation(({ ctx, input }) => createOpportunity(ctx.db, ctx.user.id, input)),
  update: protectedProcedure
    .input(updateOpportunityInput)
    .mutation(({ ctx, input }) => updateOpportunity(ctx.db, ctx.user.id, input)),
  /** Drag and drop on the board, or its stage select: records stage history and an activity. */
  moveStage: protectedProcedure
    .input(moveStageInput)
    .mutation(({ ctx, input }) => moveOpportunityStage(ctx.db, ctx.user.id, input)),
  delete: protectedProcedure.input(byId).mutation(({ ctx, input }) => deleteOpportunity(ctx.db, ctx.user.id, input.id)),
});

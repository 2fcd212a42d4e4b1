import { z } from "zod";
import { idInput } from "../../crm/inputs";
import {
  createMeeting,
  createMeetingInput,
  deleteMeeting,
  getMeeting,
  listMeetings,
  listMeetingsInput,
  updateMeeting,
  updateMeetingInput,
} from "../../crm/meetings";
import { createTRPCRouter, protectedProcedure } from "../init";

const byId = z.object({ id: idInput });

export const meetingsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(listMeetingsInput.prefault({}))
    .query(({ ctx, input }) => listMeetings(ctx.db, ctx.user.id, input)),
  get: protectedProcedure.input(byId).query(({ ctx, input }) => getMeeting(ctx.db, ctx.user.id, input.id)),
  create: protectedProcedure
    .input(createMeetingInput)
    .mutation(({ ctx, input }) => createMeeting(ctx.db, ctx.user.id, input)),
  update: protectedProcedure
    .input(updateMeetingInput)
    .mutation(({ ctx, input }) => updateMeeting(ctx.db, ctx.user.id, input)),
  delete: protectedProcedure.input(byId).mutation(({ ctx, input }) => deleteMeeting(ctx.db, ctx.user.id, input.id)),
});

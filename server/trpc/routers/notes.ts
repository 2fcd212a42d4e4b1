import { z } from "zod";
import { idInput } from "../../crm/inputs";
import {
  createNote,
  createNoteInput,
  deleteNote,
  listNotes,
  listNotesInput,
  updateNote,
  updateNoteInput,
} from "../../crm/notes";
import { createTRPCRouter, protectedProcedure } from "../init";

export const notesRouter = createTRPCRouter({
  list: protectedProcedure
    .input(listNotesInput.prefault({}))
    .query(({ ctx, input }) => listNotes(ctx.db, ctx.user.id, input)),
  create: protectedProcedure
    .input(createNoteInput)
    .mutation(({ ctx, input }) => createNote(ctx.db, ctx.user.id, input)),
  update: protectedProcedure
    .input(updateNoteInput)
    .mutation(({ ctx, input }) => updateNote(ctx.db, ctx.user.id, input)),
  delete: protectedProcedure
    .input(z.object({ id: idInput }))
    .mutation(({ ctx, input }) => deleteNote(ctx.db, ctx.user.id, input.id)),
});

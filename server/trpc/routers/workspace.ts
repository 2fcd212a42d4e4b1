import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { importWorkspace } from "../../data-rights/import/import-workspace";
import { createTRPCRouter, protectedProcedure } from "../init";

export const workspaceRouter = createTRPCRouter({
  /**
   * Imports a workspace document (docs/workspace-format.md) into the signed-in user's workspace:
   * every problem with its JSON path, or the counts. All or nothing; importing the same file twice
   * duplicates nothing. `shiftToToday` moves every date by (now − the file's referenceDate).
   */
  import: protectedProcedure
    // The importer lists a NUL character among the file's other problems, at its JSON path.
    .meta({ reportsNulItself: true })
    .input(z.object({ document: z.unknown(), shiftToToday: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      if (input.document === undefined)
        throw new TRPCError({ code: "BAD_REQUEST", message: "Choose a workspace file to import." });
      return importWorkspace(
        ctx.db,
        ctx.user.id,
        input.document,
        input.shiftToToday ? { shiftReferenceDateTo: new Date() } : {},
      );
    }),
});

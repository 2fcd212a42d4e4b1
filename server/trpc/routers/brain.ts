// The brain's API. Asking is a mutation (the question travels in a POST body, never in a URL that
// request logs record); the answer streams through a subscription (server-sent events) keyed only
// by the answer's id. With the user's own key (P16) the browser calls Claude itself: prepare,
// runTool and complete give it the grounded prompt, run tools, and check and store the result.
import { z } from "zod";
import type { Db } from "../../db/client";
import { retrievalOnlyNotice, serverBrainFor, serverWriterFor } from "../../billing/gates";
import { ask, complete, generate, prepare, retry, runToolForBrowser } from "../../brain/answer";
import { deleteThread, getThread, listThreads, renameThread, renameThreadInput } from "../../brain/threads";
import { idInput, optionalRef } from "../../crm/inputs";
import { INT4_MAX } from "../../crm/limits";
import { env } from "../../env";
import { asTrpcError, createTRPCRouter, protectedProcedure } from "../init";

const byAnswer = z.object({ assistantMessageId: idInput });
const byThread = z.object({ threadId: idInput });
/** How this answer will be written: the user's own key in their browser, the server's, or retrieval-only. */
const modeInput = z.object({ userKey: z.boolean().default(false) });

/**
 * How this user's next answer is written on the server: with its Claude key only when one is set,
 * the user has Pro and this month's allowance is not used up (server/billing/gates.ts); else
 * retrieval-only, with the reason. The user's own key (P16) is never gated.
 */
async function serverMode(db: Db, userId: string) {
  const brain = await serverBrainFor(db, userId);
  return brain.claude
    ? { mode: "server_key" as const, model: brain.claude.model, retrievalOnlyReason: null, retrievalOnlyNotice: null }
    : {
        mode: "retrieval_only" as const,
        model: null,
        retrievalOnlyReason: brain.reason,
        retrievalOnlyNotice: retrievalOnlyNotice(brain.reason, brain.allowance),
      };
}

/** The mode an answer is asked (or retried) in, and its model. */
async function answerMode(db: Db, userId: string, userKey: boolean) {
  if (userKey) return { mode: "user_key" as const, model: env().ANTHROPIC_MODEL };
  const { mode, model } = await serverMode(db, userId);
  return { mode, model };
}

export const brainRouter = createTRPCRouter({
  /** How answers are written on this server (the browser may still use the user's own key). */
  status: protectedProcedure.query(async ({ ctx }) => ({
    ...(await serverMode(ctx.db, ctx.user.id)),
    userKeyModel: env().ANTHROPIC_MODEL,
    browserBaseUrl: env().ANTHROPIC_BROWSER_BASE_URL,
  })),

  threads: protectedProcedure.query(({ ctx }) => listThreads(ctx.db, ctx.user.id)),
  thread: protectedProcedure.input(byThread).query(({ ctx, input }) => getThread(ctx.db, ctx.user.id, input.threadId)),
  rename: protectedProcedure
    .input(renameThreadInput)
    .mutation(({ ctx, input }) => renameThread(ctx.db, ctx.user.id, input)),
  delete: protectedProcedure
    .input(byThread)
    .mutation(({ ctx, input }) => deleteThread(ctx.db, ctx.user.id, input.threadId)),

  /** Stores the question (starting a thread, optionally about an account or deal) and the answer to come. */
  ask: protectedProcedure
    .input(
      modeInput.extend({
        question: z.string().trim().min(1, "Ask a question.").max(2_000, "Ask in at most 2,000 characters."),
        threadId: idInput.nullish(),
        accountId: optionalRef,
        opportunityId: optionalRef,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { mode, model } = await answerMode(ctx.db, ctx.user.id, input.userKey);
      return ask(ctx.db, ctx.user.id, {
        question: input.question,
        threadId: input.threadId,
        accountId: input.accountId,
        opportunityId: input.opportunityId,
        mode,
        model,
      });
    }),

  /** The answer, streamed: the manifest, text deltas, tool progress, then the stored result. */
  stream: protectedProcedure.input(byAnswer).subscription(async function* ({ ctx, input, signal }) {
    try {
      yield* generate(ctx.db, ctx.user.id, input.assistantMessageId, {
        ...(await serverWriterFor(ctx.db, ctx.user.id, input.assistantMessageId)),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      // The middleware cannot see errors thrown while a subscription streams: map them here.
      throw asTrpcError(error);
    }
  }),

  /** Answers the same question again (after a failure, a stop, or to get another answer). */
  retry: protectedProcedure.input(byAnswer.merge(modeInput)).mutation(async ({ ctx, input }) => {
    const { mode, model } = await answerMode(ctx.db, ctx.user.id, input.userKey);
    return retry(ctx.db, ctx.user.id, input.assistantMessageId, mode, model, { timeoutMs: env().BRAIN_TIMEOUT_MS });
  }),

  prepare: protectedProcedure
    .input(byAnswer)
    .mutation(({ ctx, input }) => prepare(ctx.db, ctx.user.id, input.assistantMessageId, env().ANTHROPIC_MODEL)),
  runTool: protectedProcedure
    .input(byAnswer.extend({ name: z.string().min(1).max(64), input: z.record(z.string(), z.unknown()).default({}) }))
    .mutation(({ ctx, input }) =>
      runToolForBrowser(ctx.db, ctx.user.id, {
        assistantMessageId: input.assistantMessageId,
        name: input.name,
        input: input.input,
      }),
    ),
  complete: protectedProcedure
    .input(
      byAnswer.extend({
        content: z.string().max(100_000),
        status: z.enum(["complete", "stopped", "failed"]),
        errorMessage: z.string().max(1_000).nullish(),
        // Stored in int4 columns: a larger count is no real usage, and would fail the write.
        usage: z
          .object({
            inputTokens: z.number().int().min(0).max(INT4_MAX),
            outputTokens: z.number().int().min(0).max(INT4_MAX),
          })
          .nullish(),
      }),
    )
    .mutation(({ ctx, input }) => complete(ctx.db, ctx.user.id, input)),
});

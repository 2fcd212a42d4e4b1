// What only the sign-in, sign-up and reset forms need: rate limits answered with 429 and a clear
// message, and what the sign-in pages offer on this instance. (Reading and answering any form is
// forms.server.ts.)
import type { AppLoadContext } from "@remix-run/node";
import { TRPCError } from "@trpc/server";
import { consumeRateLimits, type RateLimitRule } from "../../server/auth/rate-limit";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { RateLimitedError } from "../../server/errors";
import { formAnswer } from "./forms.server";

/**
 * The one 429 a page answers: the wait in words for the person ("wait 2 minutes") and in
 * `Retry-After` for software. Remix keeps only cookies from an action's own headers when it renders
 * the page, so the header also goes into the load context's `answerHeaders`, which the server adds
 * to whatever Remix answers (server/app.ts).
 */
export function tooManyRequests(context: AppLoadContext, limited: RateLimitedError, fields?: Record<string, string>) {
  const retryAfter = String(limited.retryAfterSeconds);
  context.answerHeaders.set("Retry-After", retryAfter);
  return formAnswer(429, { formError: limited.message, ...(fields ? { fields } : {}) }, { "Retry-After": retryAfter });
}

/** A 429 answer when any of the limits is exceeded (every rule counts the attempt), else null. */
export async function rateLimited(
  context: AppLoadContext,
  checks: [RateLimitRule, string | null | undefined][],
  fields?: Record<string, string>,
) {
  const verdict = await consumeRateLimits(await getDb(), checks);
  if (verdict.allowed) return null;
  return tooManyRequests(context, new RateLimitedError(verdict.retryAfterSeconds), fields);
}

/** The 429 answer for a procedure's rate limit (a RateLimitedError, as itself or inside a TRPCError), else null. */
export function rateLimitedAnswer(context: AppLoadContext, error: unknown, fields?: Record<string, string>) {
  const cause = error instanceof TRPCError ? error.cause : error;
  return cause instanceof RateLimitedError ? tooManyRequests(context, cause, fields) : null;
}

/** What the sign-in pages offer on this instance. */
export function signInOptions() {
  const config = env();
  return { demoMode: config.DEMO_MODE, google: config.google ? { fake: config.google.kind === "fake" } : null };
}

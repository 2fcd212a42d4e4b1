// What only the sign-in, sign-up and reset forms need: rate limits answered with 429 and a clear
// message, and what the sign-in pages offer on this instance. (Reading and answering any form is
// forms.server.ts.)
import { consumeRateLimits, tooManyAttemptsMessage, type RateLimitRule } from "../../server/auth/rate-limit";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { formAnswer } from "./forms.server";

/** A 429 answer when any of the limits is exceeded (every rule counts the attempt), else null. */
export async function rateLimited(
  checks: [RateLimitRule, string | null | undefined][],
  fields?: Record<string, string>,
) {
  const verdict = await consumeRateLimits(await getDb(), checks);
  if (verdict.allowed) return null;
  return formAnswer(
    429,
    { formError: tooManyAttemptsMessage(verdict.retryAfterSeconds), ...(fields ? { fields } : {}) },
    { "Retry-After": String(verdict.retryAfterSeconds) },
  );
}

/** What the sign-in pages offer on this instance. */
export function signInOptions() {
  const config = env();
  return { demoMode: config.DEMO_MODE, google: config.google ? { fake: config.google.kind === "fake" } : null };
}

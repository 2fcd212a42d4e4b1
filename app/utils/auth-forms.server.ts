// Shared plumbing of the auth forms' actions: one answer shape for every form, rate limits answered
// with 429 and a clear message, and what the sign-in pages offer on this instance.
import { data } from "@remix-run/node";
import { consumeRateLimits, tooManyAttemptsMessage, type RateLimitRule } from "../../server/auth/rate-limit";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";

/** What a form's action answers when it does not redirect: messages for the form, and what to refill. */
export type FormAnswer = {
  formError?: string;
  fieldErrors?: Record<string, string>;
  /** Values to put back in the form (never passwords). */
  fields?: Record<string, string>;
  success?: string;
};

export function formAnswer(status: number, answer: FormAnswer, headers?: HeadersInit) {
  return data(answer, { status, headers });
}

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

/** The text value of a form field ("" when absent or a file). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

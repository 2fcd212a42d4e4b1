import type { AppLoadContext } from "@remix-run/node";
import { signInInput, verifyPasswordSignIn } from "../../server/auth/password-accounts";
import { DELETION_PENDING_MESSAGE, startSession } from "../../server/auth/sign-in";
import { admitSignInAttempt, signInSucceeded } from "../../server/auth/sign-in-throttle";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { RateLimitedError } from "../../server/errors";
import { tooManyRequests } from "../utils/auth-forms.server";
import { checkForm, formAnswer, formText, invalidForm } from "../utils/forms.server";
import { sessionClient } from "../utils/request.server";

/** One message for "no such account" and "wrong password", so the form never confirms an account. */
export const WRONG_CREDENTIALS =
  "That email and password do not match an account. If you signed up with Google, use “Continue with Google”.";

/**
 * Checks the form's email and password within the sign-in throttle (server/auth/sign-in-throttle.ts);
 * on success, the Set-Cookie header of a new session (and this IP is a known client of the account).
 */
export async function signInWithPassword(form: FormData, context: AppLoadContext) {
  const fields = { email: formText(form, "email") };
  const read = checkForm(signInInput, fields, { ...fields, password: formText(form, "password") });
  if (!read.ok) return { answer: invalidForm(read) };
  const db = await getDb();
  const admission = await admitSignInAttempt(db, read.data.email, { ip: context.client.ip });
  if (!admission.allowed)
    return { answer: tooManyRequests(context, new RateLimitedError(admission.retryAfterSeconds), fields) };
  const check = await verifyPasswordSignIn(db, read.data);
  if (!check.ok) {
    if (check.reason === "deletion_pending")
      return { answer: formAnswer(403, { formError: DELETION_PENDING_MESSAGE, fields }) };
    return { answer: formAnswer(401, { formError: WRONG_CREDENTIALS, fields }) };
  }
  await signInSucceeded(db, admission);
  const { cookie } = await startSession(db, check.userId, sessionClient(context), { secure: env().httpsProtections });
  return { cookie };
}

import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { emailInput, queuePasswordResetRequest } from "../../server/auth/password-accounts";
import { rateLimits } from "../../server/auth/rate-limit";
import { getDb } from "../../server/db/client";
import { enqueue, QUEUES } from "../../server/jobs/jobs";
import { rateLimited } from "../utils/auth-forms.server";
import { checkForm, formAnswer, formText, invalidForm } from "../utils/forms.server";

/** The same answer whether or not the email has an account: nothing here confirms one exists. */
export const RESET_REQUESTED =
  "If an account uses that email, a link to reset its password is on its way. It works once, for an hour. Check your spam folder if it does not arrive.";

/**
 * Takes a "forgot password" request. The same work for every email — validate, rate-limit, write the
 * request, kick the job — and no look-up: the job finds the account and mails the link, off the
 * request, so not even the answer's timing tells whether the email has an account.
 */
export async function askForPasswordReset(form: FormData, context: AppLoadContext) {
  const fields = { email: formText(form, "email") };
  const read = checkForm(z.object({ email: emailInput }), fields, fields);
  if (!read.ok) return invalidForm(read);
  const limited = await rateLimited(
    context,
    [
      [rateLimits.resetRequestPerIp, context.client.ip],
      [rateLimits.resetRequestPerAccount, read.data.email],
    ],
    fields,
  );
  if (limited) return limited;
  await queuePasswordResetRequest(await getDb(), read.data.email, context.client.ip);
  // Without a job system in this process (JOBS=false), the every-minute sweep of whichever process
  // runs the jobs handles the request.
  await enqueue(QUEUES.passwordResets, {});
  return formAnswer(200, { success: RESET_REQUESTED });
}

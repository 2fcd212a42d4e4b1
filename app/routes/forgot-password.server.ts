import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { emailInput, requestPasswordReset } from "../../server/auth/password-accounts";
import { rateLimits } from "../../server/auth/rate-limit";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { kickMailDelivery } from "../../server/mail/outbox";
import { rateLimited } from "../utils/auth-forms.server";
import { checkForm, formAnswer, formText, invalidForm } from "../utils/forms.server";

/** The same answer whether or not the email has an account: nothing here confirms one exists. */
export const RESET_REQUESTED =
  "If an account uses that email, a link to reset its password is on its way. It works once, for an hour. Check your spam folder if it does not arrive.";

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
  const db = await getDb();
  await requestPasswordReset(db, read.data.email, { appUrl: env().APP_URL, ip: context.client.ip });
  kickMailDelivery(db);
  return formAnswer(200, { success: RESET_REQUESTED });
}

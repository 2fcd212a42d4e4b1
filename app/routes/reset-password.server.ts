import type { AppLoadContext } from "@remix-run/node";
import { checkResetToken, resetPassword, resetPasswordInput } from "../../server/auth/password-accounts";
import { rateLimits, rememberKnownClient } from "../../server/auth/rate-limit";
import { startSession } from "../../server/auth/sign-in";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { kickMailDelivery } from "../../server/mail/outbox";
import { rateLimited } from "../utils/auth-forms.server";
import { checkForm, formAnswer, formText } from "../utils/forms.server";
import { sessionClient } from "../utils/request.server";

export async function checkResetLink(token: string): Promise<boolean> {
  if (token.length < 20 || token.length > 200) return false;
  return (await checkResetToken(await getDb(), token)) === "valid";
}

export async function resetWithLink(form: FormData, context: AppLoadContext) {
  const read = checkForm(
    resetPasswordInput,
    {},
    { token: formText(form, "token"), password: formText(form, "password") },
  );
  if (!read.ok) {
    // A broken link is not something to fix in a field.
    const { token, ...fieldErrors } = read.fieldErrors;
    return { answer: formAnswer(400, token ? { formError: token } : { fieldErrors }) };
  }
  const limited = await rateLimited(context, [[rateLimits.resetPerIp, context.client.ip]]);
  if (limited) return { answer: limited };
  const db = await getDb();
  const config = env();
  const result = await resetPassword(db, read.data, { appUrl: config.APP_URL });
  if (!result.ok) return { answer: formAnswer(400, { formError: result.message }) };
  kickMailDelivery(db);
  // The link proved the mailbox: this address is a known client of the account from now on, so
  // someone guessing passwords elsewhere cannot lock it out (sign-in-throttle.ts).
  await rememberKnownClient(db, result.email, context.client.ip);
  // Every session ended with the reset; this browser gets a new one.
  const { cookie } = await startSession(
    db,
    result.userId,
    { ...sessionClient(context), replacesSessionId: null },
    { secure: config.httpsProtections },
  );
  return { cookie };
}

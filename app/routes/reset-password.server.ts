import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { checkResetToken, resetPassword, resetPasswordInput } from "../../server/auth/password-accounts";
import { rateLimits } from "../../server/auth/rate-limit";
import { startSession } from "../../server/auth/sign-in";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { kickMailDelivery } from "../../server/mail/outbox";
import { rateLimited } from "../utils/auth-forms.server";
import { formAnswer, formText, firstErrors } from "../utils/forms.server";
import { sessionClient } from "../utils/request.server";

export async function checkResetLink(token: string): Promise<boolean> {
  if (token.length < 20 || token.length > 200) return false;
  return (await checkResetToken(await getDb(), token)) === "valid";
}

export async function resetWithLink(form: FormData, context: AppLoadContext) {
  const parsed = resetPasswordInput.safeParse({ token: formText(form, "token"), password: formText(form, "password") });
  if (!parsed.success) {
    const errors = firstErrors(z.flattenError(parsed.error).fieldErrors);
    return { answer: formAnswer(400, errors.token ? { formError: errors.token } : { fieldErrors: errors }) };
  }
  const limited = await rateLimited([[rateLimits.resetPerIp, context.client.ip]]);
  if (limited) return { answer: limited };
  const db = await getDb();
  const config = env();
  const result = await resetPassword(db, parsed.data, { appUrl: config.APP_URL });
  if (!result.ok) return { answer: formAnswer(400, { formError: result.message }) };
  kickMailDelivery(db);
  // Every session ended with the reset; this browser gets a new one.
  const { cookie } = await startSession(
    db,
    result.userId,
    { ...sessionClient(context), replacesSessionId: null },
    { secure: config.httpsProtections },
  );
  return { cookie };
}

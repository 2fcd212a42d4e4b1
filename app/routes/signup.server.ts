import type { AppLoadContext } from "@remix-run/node";
import { signUpInput, signUpWithPassword } from "../../server/auth/password-accounts";
import { rateLimits, rememberKnownClient } from "../../server/auth/rate-limit";
import { startSession } from "../../server/auth/sign-in";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { rateLimited } from "../utils/auth-forms.server";
import { checkForm, formAnswer, formText, invalidForm } from "../utils/forms.server";
import { sessionClient } from "../utils/request.server";

export async function signUp(form: FormData, context: AppLoadContext) {
  const fields = { name: formText(form, "name"), email: formText(form, "email") };
  const read = checkForm(signUpInput, fields, { ...fields, password: formText(form, "password") });
  if (!read.ok) return { answer: invalidForm(read) };
  const limited = await rateLimited(context, [[rateLimits.signUpPerIp, context.client.ip]], fields);
  if (limited) return { answer: limited };
  const db = await getDb();
  const created = await signUpWithPassword(db, read.data);
  if (!created.ok) return { answer: formAnswer(400, { formError: created.message, fields }) };
  // The address that chose the password is the account's first known client (sign-in-throttle.ts).
  await rememberKnownClient(db, read.data.email, context.client.ip);
  const { cookie } = await startSession(db, created.userId, sessionClient(context), { secure: env().httpsProtections });
  return { cookie };
}

// The Delete account form's action: with a password, through me.requestDeletion; without one,
// the typed email is checked and the browser is sent to Google to prove who it is (the callback,
// auth.google.callback.server.ts, then requests the deletion).
import { redirect, type AppLoadContext } from "@remix-run/node";
import { TRPCError } from "@trpc/server";
import { beginGoogleSignIn } from "../../server/auth/google";
import { rateLimits } from "../../server/auth/rate-limit";
import { blankSessionCookie } from "../../server/auth/session";
import { checkTypedEmail } from "../../server/data-rights/delete-account";
import { env } from "../../server/env";
import { rateLimited, rateLimitedAnswer } from "../utils/auth-forms.server";
import { formAnswer, formText } from "../utils/forms.server";
import { serverCaller } from "../utils/trpc.server";

/** Where a deleted account's browser lands: a public page, with the session cookie cleared. */
export function accountDeletedRedirect() {
  return redirect("/account-deleted", {
    headers: { "Set-Cookie": blankSessionCookie({ secure: env().httpsProtections }), "Cache-Control": "no-store" },
  });
}

export async function deleteAccountFromForm(form: FormData, context: AppLoadContext, userId: string) {
  const confirmEmail = formText(form, "confirmEmail");
  const fields = { confirmEmail };
  const api = await serverCaller(context);
  if (formText(form, "intent") === "google") {
    const config = env();
    if (!config.google) return formAnswer(400, { formError: "Google sign-in is not set up on this instance.", fields });
    const limited = await rateLimited(context, [[rateLimits.deleteAccountPerAccount, userId]], fields);
    if (limited) return limited;
    const me = await api.me.profile();
    const problem = checkTypedEmail(me.email, confirmEmail);
    if (problem) return formAnswer(400, { fieldErrors: { [problem.field]: problem.message }, fields });
    const { url, cookie } = beginGoogleSignIn(config.google, {
      appUrl: config.APP_URL,
      secure: config.httpsProtections,
      redirectTo: null,
      intent: "confirm_delete",
      loginHint: me.email,
    });
    return redirect(url, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
  }
  try {
    const result = await api.me.requestDeletion({ confirmEmail, password: formText(form, "password") });
    if (!result.ok) return formAnswer(400, { fieldErrors: { [result.field]: result.message }, fields });
    return accountDeletedRedirect();
  } catch (error) {
    const limited = rateLimitedAnswer(context, error, fields);
    if (limited) return limited;
    if (error instanceof TRPCError && error.code === "BAD_REQUEST")
      return formAnswer(400, { formError: error.message, fields });
    throw error;
  }
}

import type { AppLoadContext } from "@remix-run/node";
import {
  clearStateCookie,
  completeGoogleSignIn,
  confirmGoogleIdentity,
  googleCallbackIntent,
} from "../../server/auth/google";
import { blankSessionCookie } from "../../server/auth/session";
import { startSession } from "../../server/auth/sign-in";
import { requestAccountDeletion } from "../../server/data-rights/delete-account";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { safeRedirectPath } from "../utils/auth.server";
import { sessionClient } from "../utils/request.server";

type Finished =
  | { ok: true; location: string; headers: Headers }
  | {
      ok: false;
      status: number;
      title: string;
      message: string;
      back: { to: string; label: string };
      headers: Headers;
    };

const SIGN_IN_FAILED = { title: "We could not sign you in", back: { to: "/login", label: "Back to sign in" } };
const DELETE_FAILED = {
  title: "Your account was not deleted",
  back: { to: "/settings/data/delete", label: "Back to Delete account" },
};

/**
 * Google sends the browser back here after "Continue with Google" (sign in) or "Confirm with Google"
 * (delete the account, P11): the state cookie says which.
 */
export async function finishGoogleSignIn(request: Request, context: AppLoadContext): Promise<Finished> {
  const config = env();
  const headers = new Headers({ "Cache-Control": "no-store" });
  // The state cookie is single use: cleared whatever happens next.
  headers.append("Set-Cookie", clearStateCookie(config.httpsProtections));
  if (!config.google)
    return {
      ok: false,
      status: 404,
      ...SIGN_IN_FAILED,
      message: "Google sign-in is not set up on this instance.",
      headers,
    };
  const db = await getDb();
  const input = {
    appUrl: config.APP_URL,
    query: new URL(request.url).searchParams,
    cookieHeader: request.headers.get("cookie"),
  };

  if (googleCallbackIntent(input.cookieHeader) === "confirm_delete") {
    const user = context.auth.user;
    if (!user)
      return {
        ok: false,
        status: 401,
        ...DELETE_FAILED,
        message: "You were signed out before Google answered. Sign in and start again.",
        headers,
      };
    const confirmed = await confirmGoogleIdentity(db, config.google, user.id, input);
    if (!confirmed.ok)
      return { ok: false, status: confirmed.status, ...DELETE_FAILED, message: confirmed.message, headers };
    await requestAccountDeletion(db, user.id);
    headers.append("Set-Cookie", blankSessionCookie({ secure: config.httpsProtections }));
    return { ok: true, location: "/account-deleted", headers };
  }

  const result = await completeGoogleSignIn(db, config.google, input);
  if (!result.ok) return { ok: false, status: result.status, ...SIGN_IN_FAILED, message: result.message, headers };
  const { cookie } = await startSession(db, result.userId, sessionClient(context), { secure: config.httpsProtections });
  headers.append("Set-Cookie", cookie);
  return { ok: true, location: safeRedirectPath(result.redirectTo), headers };
}

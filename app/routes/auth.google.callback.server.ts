import type { AppLoadContext } from "@remix-run/node";
import {
  clearStateCookie,
  completeGoogleConnect,
  completeGoogleSignIn,
  confirmGoogleIdentity,
  googleCallbackIntent,
} from "../../server/auth/google";
import { blankSessionCookie } from "../../server/auth/session";
import { startSession } from "../../server/auth/sign-in";
import { requestAccountDeletion } from "../../server/data-rights/delete-account";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { connectRefusedByPlan } from "../../server/billing/gates";
import { connectTool } from "../../server/integrations/connect";
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
const CONNECT_FAILED = {
  title: "Nothing was connected",
  back: { to: "/settings/connections", label: "Back to Connections" },
};
const DELETE_FAILED = {
  title: "Your account was not deleted",
  back: { to: "/settings/data/delete", label: "Back to Delete account" },
};

/**
 * Google sends the browser back here after "Continue with Google" (sign in), "Confirm with Google"
 * (delete the account, P11) or "Connect Gmail / Google Calendar": the state cookie says which. One
 * redirect URI for all three, so a Google client needs only that one registered.
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

  const intent = googleCallbackIntent(input.cookieHeader);
  if (intent === "connect") {
    const user = context.auth.user;
    if (!user)
      return {
        ok: false,
        status: 401,
        ...CONNECT_FAILED,
        message: "You were signed out before Google answered, so nothing was connected. Sign in and start again.",
        headers,
      };
    // A handshake started on Pro that comes back on Free: no token exchange, nothing stored.
    const planRefusal = await connectRefusedByPlan(db, user.id, "Gmail or Google Calendar");
    if (planRefusal) return { ok: false, status: 402, ...CONNECT_FAILED, message: planRefusal, headers };
    const granted = await completeGoogleConnect(config.google, user.id, input);
    if (!granted.ok) return { ok: false, status: granted.status, ...CONNECT_FAILED, message: granted.message, headers };
    const connected = await connectTool(db, user.id, granted);
    if (!connected.ok)
      return { ok: false, status: connected.status, ...CONNECT_FAILED, message: connected.message, headers };
    return { ok: true, location: `/settings/connections?connected=${granted.provider}`, headers };
  }

  if (intent === "confirm_delete") {
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

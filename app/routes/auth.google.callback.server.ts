import type { AppLoadContext } from "@remix-run/node";
import { clearStateCookie, completeGoogleSignIn } from "../../server/auth/google";
import { startSession } from "../../server/auth/sign-in";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { safeRedirectPath } from "../utils/auth.server";
import { sessionClient } from "../utils/request.server";

export async function finishGoogleSignIn(request: Request, context: AppLoadContext) {
  const config = env();
  const headers = new Headers({ "Cache-Control": "no-store" });
  // The state cookie is single use: cleared whatever happens next.
  headers.append("Set-Cookie", clearStateCookie(config.httpsProtections));
  if (!config.google) return { ok: false as const, status: 404, message: "Google sign-in is not set up on this instance.", headers };
  const db = await getDb();
  const result = await completeGoogleSignIn(db, config.google, {
    appUrl: config.APP_URL,
    query: new URL(request.url).searchParams,
    cookieHeader: request.headers.get("cookie"),
  });
  if (!result.ok) return { ok: false as const, status: result.status, message: result.message, headers };
  const { cookie } = await startSession(db, result.userId, sessionClient(context), { secure: config.httpsProtections });
  headers.append("Set-Cookie", cookie);
  return { ok: true as const, location: safeRedirectPath(result.redirectTo), headers };
}

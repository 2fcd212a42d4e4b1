import type { AppLoadContext } from "@remix-run/node";
import { blankSessionCookie, invalidateSession } from "../../server/auth/session";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";

/** Ends the current session server-side and returns the Set-Cookie header that clears the cookie. */
export async function signOut(context: AppLoadContext): Promise<string> {
  if (context.auth.session) await invalidateSession(await getDb(), context.auth.session.id);
  return blankSessionCookie({ secure: env().httpsProtections });
}

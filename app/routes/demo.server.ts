import type { AppLoadContext } from "@remix-run/node";
import { signInAsDemoUser } from "../../server/auth/demo";
import { env } from "../../server/env";
import { getDb } from "../../server/db/client";
import { sessionCookie, sessionCookieMaxAge } from "../../server/auth/session";
import { clientInfo } from "../utils/request.server";

/** Signs the browser in to the demo workspace and returns the Set-Cookie header for it. */
export async function signInToDemo(context: AppLoadContext): Promise<string> {
  const config = env();
  if (!config.DEMO_MODE) throw new Response("The demo is not available on this instance.", { status: 404 });
  const result = await signInAsDemoUser(await getDb(), {
    ...clientInfo(context),
    // Never reuse a session the browser brought (session fixation): end it and start a new one.
    replacesSessionId: context.auth.session?.id ?? null,
  });
  if (!result) {
    throw new Response("The demo workspace has not been created yet. Restart the server to seed it.", { status: 503 });
  }
  return sessionCookie(result.token, sessionCookieMaxAge(result.session), { secure: config.httpsProtections });
}

import type { AppLoadContext } from "@remix-run/node";
import { signInAsDemoUser } from "../../server/auth/demo";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { sessionClient } from "../utils/request.server";

/** Signs the browser in to the demo workspace and returns the Set-Cookie header for it. */
export async function signInToDemo(context: AppLoadContext): Promise<string> {
  const config = env();
  if (!config.DEMO_MODE) throw new Response("The demo is not available on this instance.", { status: 404 });
  const result = await signInAsDemoUser(await getDb(), sessionClient(context), { secure: config.httpsProtections });
  if (!result) {
    throw new Response("The demo workspace has not been created yet. Restart the server to seed it.", { status: 503 });
  }
  return result.cookie;
}

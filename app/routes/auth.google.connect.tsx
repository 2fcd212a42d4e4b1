// /auth/google/connect: Settings → Connections' "Connect Gmail" / "Connect Google Calendar" (and
// "Reconnect") buttons post here. POST only, like every form that changes something (the global
// same-origin check guards it); a GET just goes back to the page.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { beginGoogleConnect, googleToolName, isGoogleTool } from "../../server/auth/google";
import { connectRefusedByPlan } from "../../server/billing/gates";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";
import { requireUser } from "../utils/auth.server";
import { badRequest, formText } from "../utils/forms.server";

/** Starts the handshake: the short-lived state cookie (state, PKCE verifier, tool, user), then Google. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const config = env();
  if (!config.google) throw new Response("Google is not set up on this instance.", { status: 404 });
  const provider = formText(await request.formData(), "provider");
  if (!isGoogleTool(provider)) return badRequest();
  // On Free, no handshake and no state cookie: back to Connections, which says why (Pro, Billing).
  if (await connectRefusedByPlan(await getDb(), user.id, googleToolName(provider)))
    return redirect(`/settings/connections?plan_required=${provider}`, { headers: { "Cache-Control": "no-store" } });
  const { url, cookie } = beginGoogleConnect(config.google, {
    appUrl: config.APP_URL,
    secure: config.httpsProtections,
    provider,
    userId: user.id,
  });
  return redirect(url, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
}

export function loader() {
  return redirect("/settings/connections");
}

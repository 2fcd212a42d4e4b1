// /auth/google (an index route, so it is not the layout of /auth/google/callback).
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { beginGoogleSignIn } from "../../server/auth/google";
import { env } from "../../server/env";
import { safeRedirectPath } from "../utils/auth.server";

/** Starts "Continue with Google": a short-lived state cookie (state + PKCE verifier), then Google. */
export function loader({ request }: LoaderFunctionArgs) {
  const config = env();
  if (!config.google) throw new Response("Google sign-in is not set up on this instance.", { status: 404 });
  const requested = new URL(request.url).searchParams.get("redirectTo");
  const { url, cookie } = beginGoogleSignIn(config.google, {
    appUrl: config.APP_URL,
    secure: config.httpsProtections,
    redirectTo: requested ? safeRedirectPath(requested) : null,
  });
  return redirect(url, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
}

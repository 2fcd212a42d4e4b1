import { redirect, type AppLoadContext } from "@remix-run/node";
import type { SessionUser, ValidSession } from "../../server/auth/session";
import { sameOriginPath } from "./redirect-target";

/** The signed-in user, or a redirect to sign in that comes back here afterwards. */
export function requireUser(context: AppLoadContext, request: Request): SessionUser {
  return requireSession(context, request).user;
}

export function requireSession(
  context: AppLoadContext,
  request: Request,
): { user: SessionUser; session: ValidSession } {
  const { user, session } = context.auth;
  if (user && session) return { user, session };
  const url = new URL(request.url);
  throw redirect(`/login?${new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` })}`);
}

/**
 * A path on our origin to go to after sign-in (app/utils/redirect-target.ts decides, and makes it
 * safe for a Location header); anything else (other hosts, `//evil`, `/\t/evil`) becomes `fallback`.
 */
export function safeRedirectPath(
  value: FormDataEntryValue | string | null | undefined,
  fallback = "/dashboard",
): string {
  return sameOriginPath(value) ?? fallback;
}

/** Signed-in visitors have no business on the sign-in pages: send them on. */
export function redirectIfSignedIn(context: AppLoadContext, request: Request): void {
  if (context.auth.user) {
    throw redirect(safeRedirectPath(new URL(request.url).searchParams.get("redirectTo")));
  }
}

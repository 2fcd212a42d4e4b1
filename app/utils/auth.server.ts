import { redirect, type AppLoadContext } from "@remix-run/node";
import type { SessionUser } from "../../server/auth/session";

/** The signed-in user, or a redirect to sign in that comes back here afterwards. */
export function requireUser(context: AppLoadContext, request: Request): SessionUser {
  if (context.auth.user) return context.auth.user;
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  throw redirect(`/?${new URLSearchParams({ redirectTo: back })}`);
}

/** A same-site path to go to after sign-in; anything else (other hosts, `//evil`) becomes `fallback`. */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = "/accounts"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return fallback;
  }
  return value;
}

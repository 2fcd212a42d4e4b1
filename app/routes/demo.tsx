import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { safeRedirectPath } from "../utils/auth.server";
import { signInToDemo } from "./demo.server";

/** "Try the demo": a fresh session for the seeded demo user. Only when DEMO_MODE is on. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  // Where to go is decided before the session exists: a bad target must not fail after sign-in.
  const target = safeRedirectPath(form.get("redirectTo"));
  const setCookie = await signInToDemo(context);
  return redirect(target, { headers: { "Set-Cookie": setCookie } });
}

export function loader() {
  return redirect("/");
}

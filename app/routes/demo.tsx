import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { safeRedirectPath } from "../utils/auth.server";
import { signInToDemo } from "./demo.server";

/** "Try the demo": a fresh session for the seeded demo user. Only when DEMO_MODE is on. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const setCookie = await signInToDemo(context);
  return redirect(safeRedirectPath(form.get("redirectTo")), { headers: { "Set-Cookie": setCookie } });
}

export function loader() {
  return redirect("/");
}

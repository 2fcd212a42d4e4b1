import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireUser, safeRedirectPath } from "../utils/auth.server";
import { serverCaller } from "../utils/trpc.server";

/** P17: "Dismiss" on the policy notice records that the user has seen the current version. */
export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const target = safeRedirectPath(form.get("redirectTo"));
  await (await serverCaller(context)).me.acknowledgePolicy();
  return redirect(target);
}

export function loader() {
  return redirect("/privacy");
}

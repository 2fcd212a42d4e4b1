import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { signOut } from "./logout.server";

/** Sign out: POST only (a link or prefetch must never sign anyone out). */
export async function action({ context }: ActionFunctionArgs) {
  return redirect("/", { headers: { "Set-Cookie": await signOut(context) } });
}

export function loader() {
  return redirect("/");
}

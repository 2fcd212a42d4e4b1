import { redirect } from "@remix-run/node";

/** Settings opens on the profile: who you are comes first. */
export function loader() {
  return redirect("/settings/profile");
}

// GET /settings/data/export: a resource route (no page) that downloads the signed-in user's export.
// A tRPC procedure would buffer a multi-megabyte answer; this streams it (see the .server file).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "../utils/auth.server";
import { exportResponse } from "./settings.data.export.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return exportResponse(user.id, context.requestId);
}

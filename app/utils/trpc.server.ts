// The server-side door to the API: Remix loaders and actions call procedures in-process with the
// same context (and so the same user scoping and validation) as HTTP callers get.
import type { AppLoadContext } from "@remix-run/node";
import { createTrpcContext } from "../../server/trpc/context";
import { createCaller } from "../../server/trpc/root";

export async function serverCaller(context: AppLoadContext) {
  return createCaller(await createTrpcContext({ auth: context.auth, requestId: context.requestId }));
}

/** The procedures as a loader or action calls them. */
export type ServerApi = Awaited<ReturnType<typeof serverCaller>>;

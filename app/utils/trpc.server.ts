// The server-side door to the API: Remix loaders and actions call procedures in-process with the
// same context (and so the same user scoping and validation) as HTTP callers get.
import type { AppLoadContext } from "@remix-run/node";
import { DATABASE_UNAVAILABLE_MESSAGE } from "../../server/db/unavailable";
import { createTrpcContext } from "../../server/trpc/context";
import { createCaller } from "../../server/trpc/root";

export async function serverCaller(context: AppLoadContext) {
  return createCaller(await createTrpcContext({ auth: context.auth, requestId: context.requestId }), {
    // A database that does not answer is a 503 page (the route's error boundary), not a 500: the
    // caller runs this before rethrowing, so the Response thrown here is what the loader sees. Another
    // service that does not answer (Stripe) is left to the page, which says so beside its form.
    onError({ error }) {
      if (error.code === "SERVICE_UNAVAILABLE" && error.message === DATABASE_UNAVAILABLE_MESSAGE)
        throw new Response(DATABASE_UNAVAILABLE_MESSAGE, {
          status: 503,
          statusText: "Service Unavailable",
          headers: { "Retry-After": "5" },
        });
    },
  });
}

/** The procedures as a loader or action calls them. */
export type ServerApi = Awaited<ReturnType<typeof serverCaller>>;

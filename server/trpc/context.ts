// The tRPC context, built from the request by both doors: the HTTP endpoint (/api/trpc) and the
// server-side caller Remix loaders use. It carries the database and who is asking — never a user id
// taken from input.
import type { Db } from "../db/client";
import { getDb } from "../db/client";
import type { SessionUser, ValidSession } from "../auth/session";

/** Who is making a request, as the session middleware found it. */
export type RequestAuth = { user: SessionUser; session: ValidSession } | { user: null; session: null };

export const signedOut: RequestAuth = { user: null, session: null };

export type TrpcContext = {
  db: Db;
  user: SessionUser | null;
  session: ValidSession | null;
  requestId: string;
};

export async function createTrpcContext(input: { auth: RequestAuth; requestId: string }): Promise<TrpcContext> {
  return { db: await getDb(), user: input.auth.user, session: input.auth.session, requestId: input.requestId };
}

// Every way of signing in ends here: a brand-new session (any session the browser brought is
// ended first — no session fixation), and the cookie that carries it.
import type { Db } from "../db/client";
import { createSession, invalidateSession, sessionCookie, sessionCookieMaxAge } from "./session";

/** What a person who proved who they are is told when their account is being deleted (P11). */
export const DELETION_PENDING_MESSAGE =
  "This account is being deleted, as you asked, so it can no longer be signed in to. Its data is erased within 7 days of your request.";

export type ClientInfo = { userAgent: string | null; ip: string | null };

export async function startSession(
  db: Db,
  userId: string,
  client: ClientInfo & { replacesSessionId: string | null },
  options: { secure: boolean },
): Promise<{ cookie: string; sessionId: string }> {
  if (client.replacesSessionId) await invalidateSession(db, client.replacesSessionId);
  const { token, session } = await createSession(db, userId, client);
  return { cookie: sessionCookie(token, sessionCookieMaxAge(session), options), sessionId: session.id };
}

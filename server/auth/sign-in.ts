// Every way of signing in ends here: a brand-new session (any session the browser brought is
// ended first — no session fixation), and the cookie that carries it.
import type { Db } from "../db/client";
import { createSession, invalidateSession, sessionCookie, sessionCookieMaxAge } from "./session";

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

// The demo workspace's user: seeded on the embedded database (DEMO_MODE) and signed in with one
// click on a fresh machine, so a newcomer sees the product before configuring anything.
import type { Db } from "../db/client";
import { DEMO_OWNER } from "../../prisma/seed/demo-workspace";
import { createSession, invalidateSession } from "./session";

export const DEMO_USER = { email: DEMO_OWNER.email, name: DEMO_OWNER.name } as const;

/** A new session for the demo user, or null if the demo workspace was never seeded. */
export async function signInAsDemoUser(
  db: Db,
  client: { userAgent: string | null; ip: string | null; replacesSessionId: string | null },
) {
  const user = await db.user.findUnique({ where: { email: DEMO_USER.email }, select: { id: true } });
  if (!user) return null;
  if (client.replacesSessionId) await invalidateSession(db, client.replacesSessionId);
  return createSession(db, user.id, client);
}

// The demo workspace's user: seeded on the embedded database (DEMO_MODE) and signed in with one
// click on a fresh machine, so a newcomer sees the product before configuring anything.
import type { Db } from "../db/client";
import { DEMO_OWNER } from "../../prisma/seed/demo-workspace";
import { startSession, type ClientInfo } from "./sign-in";

export const DEMO_USER = { email: DEMO_OWNER.email, name: DEMO_OWNER.name } as const;

/** A new session for the demo user (its Set-Cookie), or null if the demo was never seeded. */
export async function signInAsDemoUser(
  db: Db,
  client: ClientInfo & { replacesSessionId: string | null },
  options: { secure: boolean },
): Promise<{ cookie: string } | null> {
  const user = await db.user.findUnique({ where: { email: DEMO_USER.email }, select: { id: true } });
  if (!user) return null;
  return startSession(db, user.id, client, options);
}

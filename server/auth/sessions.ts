// The user's own view of their sessions (P4): every device signed in, and signing any of them out.
import type { Db } from "../db/client";
import { describeDevice } from "./user-agent";

export type SessionSummary = {
  id: string;
  device: string;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
};

export async function listSessions(db: Db, userId: string, currentSessionId: string): Promise<SessionSummary[]> {
  const sessions = await db.session.findMany({
    where: { userId, expiresAt: { gt: new Date() } },
    orderBy: [{ lastSeenAt: "desc" }, { createdAt: "desc" }],
    select: { id: true, userAgent: true, ip: true, createdAt: true, lastSeenAt: true },
  });
  return sessions
    .map((s) => ({
      id: s.id,
      device: describeDevice(s.userAgent),
      ip: s.ip,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      current: s.id === currentSessionId,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/** Signs out one of the user's sessions; false if it is not theirs (or already gone). */
export async function revokeSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const result = await db.session.deleteMany({ where: { id: sessionId, userId } });
  return result.count === 1;
}

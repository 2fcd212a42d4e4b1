// The signed-in user's own record, as Settings → Profile shows it (P9: who you are, how you sign in,
// which policy you acknowledged) and the one field they edit there. Scoped by the session's user id.
import { z } from "zod";
import type { Db } from "../db/client";

export async function getProfile(db: Db, userId: string) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      passwordHash: true,
      createdAt: true,
      identities: { select: { provider: true, email: true } },
      policyAcknowledgements: {
        orderBy: { acknowledgedAt: "desc" },
        take: 1,
        select: { policyVersion: true, acknowledgedAt: true },
      },
    },
  });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    createdAt: user.createdAt,
    // Whether, not what: the hash never leaves this function.
    hasPassword: user.passwordHash !== null,
    identities: user.identities,
    policyAcknowledged: user.policyAcknowledgements[0] ?? null,
  };
}

export const updateProfileInput = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(120, "Use at most 120 characters."),
});

/** The name shown in the app and on the mail we send. */
export async function updateProfile(db: Db, userId: string, input: z.output<typeof updateProfileInput>) {
  return db.user.update({ where: { id: userId }, data: { name: input.name }, select: { id: true, name: true } });
}

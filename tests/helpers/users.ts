// Test data for identity: users and signed-in contexts, written through the real modules.
import { randomBytes } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { createSession } from "../../server/auth/session";
import type { Db } from "../../server/db/client";
import { createTrpcContext, signedOut, type RequestAuth } from "../../server/trpc/context";
import { createCaller } from "../../server/trpc/root";

export async function createUser(db: Db, overrides: { email?: string; name?: string } = {}) {
  const suffix = randomBytes(4).toString("hex");
  return db.user.create({
    data: { email: overrides.email ?? `seller-${suffix}@example.test`, name: overrides.name ?? `Seller ${suffix}` },
  });
}

/** A real session for `userId`: its cookie token and the auth the middleware would find. */
export async function signIn(db: Db, userId: string) {
  const { token, session } = await createSession(db, userId, { userAgent: "vitest", ip: "127.0.0.1" });
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, email: true, name: true },
  });
  const auth: RequestAuth = { user, session };
  return { token, session, auth, cookie: `si_session=${token}` };
}

export async function callerFor(auth: RequestAuth = signedOut) {
  return createCaller(await createTrpcContext({ auth, requestId: "test" }));
}

export function loadContext(auth: RequestAuth = signedOut): AppLoadContext {
  return {
    auth,
    requestId: "test",
    cspNonce: "",
    client: { ip: "127.0.0.1", userAgent: "vitest" },
    answerHeaders: new Headers(),
  };
}

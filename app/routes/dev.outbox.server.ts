import type { AppLoadContext } from "@remix-run/node";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * The outbox holds password-reset links, so it is shown only where nobody else can be reading:
 * no SMTP server configured (mail has nowhere else to go), development or the local demo, and a
 * request from this very machine. Anywhere else it does not exist (404).
 */
export async function readDevOutbox(context: AppLoadContext) {
  const config = env();
  const enabled =
    !config.SMTP_URL &&
    (config.NODE_ENV === "development" || config.DEMO_MODE) &&
    LOOPBACK.has(context.client.ip ?? "");
  if (!enabled) throw new Response("Not Found", { status: 404 });
  return (await getDb()).mailOutbox.findMany({
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { id: true, toEmail: true, subject: true, textBody: true, createdAt: true },
  });
}

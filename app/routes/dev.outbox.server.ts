import type { AppLoadContext } from "@remix-run/node";
import { getDb } from "../../server/db/client";
import { env } from "../../server/env";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * The outbox holds every user's password-reset links, so it is shown only where nobody else can be
 * reading: development-only routes explicitly on (DEV_ROUTES; never with TRUST_PROXY), no SMTP
 * server configured (mail has nowhere else to go), and a request from this very machine that no
 * proxy relayed (server/http/dev-routes.ts refuses those before they get here). Anywhere else it
 * does not exist (404). docs/decisions/013-dev-routes-and-demo-exposure.md says why.
 */
export async function readDevOutbox(context: AppLoadContext) {
  const config = env();
  const enabled = config.DEV_ROUTES && !config.SMTP_URL && LOOPBACK.has(context.client.ip ?? "");
  if (!enabled) throw new Response("Not Found", { status: 404 });
  return (await getDb()).mailOutbox.findMany({
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { id: true, toEmail: true, subject: true, textBody: true, createdAt: true },
  });
}

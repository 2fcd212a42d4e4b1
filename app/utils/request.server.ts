import type { AppLoadContext } from "@remix-run/node";
import type { ClientInfo } from "../../server/auth/sign-in";

/**
 * What a new session records about its client (P4: user-agent and IP), and the session the browser
 * brought, which a sign-in ends rather than reuses.
 */
export function sessionClient(context: AppLoadContext): ClientInfo & { replacesSessionId: string | null } {
  return {
    userAgent: context.client.userAgent,
    ip: context.client.ip,
    replacesSessionId: context.auth.session?.id ?? null,
  };
}

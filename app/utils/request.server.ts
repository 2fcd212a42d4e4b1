import type { AppLoadContext } from "@remix-run/node";

/** What we record about the client of a new session (P4): its user-agent and IP address. */
export function clientInfo(context: AppLoadContext): { userAgent: string | null; ip: string | null } {
  return { userAgent: context.client.userAgent, ip: context.client.ip };
}

// The tools a seller can connect, and exactly what each may read (P3): the scopes are listed here
// and nowhere else — the connect screen shows this list, and a connection stores what was granted.
import type { IntegrationProvider } from "../db/generated/client";

export type ProviderInfo = { id: IntegrationProvider; name: string; reads: string; scopes: string[] };

export const PROVIDERS: ProviderInfo[] = [
  {
    id: "gmail",
    name: "Gmail",
    reads: "Emails with your accounts' people (read-only).",
    scopes: ["https://www.googleapis.com/auth/gmail.readonly"],
  },
  {
    id: "gcal",
    name: "Google Calendar",
    reads: "Your meetings and who attends (read-only).",
    scopes: ["https://www.googleapis.com/auth/calendar.readonly"],
  },
  {
    id: "salesforce",
    name: "Salesforce",
    reads:
      "Accounts, contacts, leads, opportunities with their stage history and people, tasks and events (read-only).",
    scopes: ["api", "refresh_token"],
  },
  {
    id: "outreach",
    name: "Outreach",
    reads:
      "Accounts, prospects, opportunities, sequences and who is in them, mailings and calls; your own user, to name the connection (read-only).",
    scopes: [
      "accounts.read",
      "prospects.read",
      "opportunities.read",
      "sequences.read",
      "sequenceStates.read",
      "mailings.read",
      "calls.read",
      "users.read",
    ],
  },
];

export function providerInfo(id: IntegrationProvider): ProviderInfo {
  return PROVIDERS.find((p) => p.id === id)!;
}

/**
 * Revokes a token the standard way (RFC 7009: a form POST of `token`, with the client's credentials
 * when it has them). Google, Salesforce and Outreach all accept this shape. A 200 means revoked or
 * already unknown to the provider; anything else is an error for the caller to log.
 */
export async function revokeOAuthToken(
  endpoint: string,
  token: string,
  options: {
    tokenTypeHint?: "access_token" | "refresh_token";
    client?: { id: string; secret: string };
    signal?: AbortSignal;
  } = {},
): Promise<void> {
  const body = new URLSearchParams({ token });
  if (options.tokenTypeHint) body.set("token_type_hint", options.tokenTypeHint);
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (options.client)
    headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(options.client.id)}:${encodeURIComponent(options.client.secret)}`).toString("base64")}`;
  const response = await fetch(endpoint, {
    method: "POST",
    headers,
    body,
    signal: options.signal ?? AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    // The OAuth error code (RFC 6749 §5.2) tells "already invalid" apart from a real refusal.
    const body: unknown = await response.json().catch(() => null);
    const code =
      body && typeof body === "object" && "error" in body && typeof body.error === "string" ? body.error : null;
    throw new RevocationError(response.status, code);
  }
}

export class RevocationError extends Error {
  override name = "RevocationError";
  constructor(
    readonly status: number,
    readonly code: string | null,
  ) {
    super(`revocation refused: HTTP ${status}${code ? ` (${code.slice(0, 40)})` : ""}`);
  }
}

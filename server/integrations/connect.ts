// The last step of connecting a tool, once its OAuth handshake has produced tokens: who the account
// at the provider is, the connection stored with its tokens encrypted (P15), and its first sync
// queued. The handshake itself lives with the provider's OAuth (server/auth/google.ts for Google,
// server/auth/tool-connect.ts for Salesforce and Outreach).
import { connectRefusedByPlan } from "../billing/gates";
import type { Db } from "../db/client";
import type { IntegrationProvider } from "../db/generated/client";
import { enqueue, QUEUES } from "../jobs/jobs";
import { logger } from "../logger";
import { storeConnection } from "./connections";
import { ProviderAuthError } from "./errors";
import { providerInfo } from "./providers";
import { syncProvider } from "./registry";
import type { ConnectedAccount, GrantDetails } from "./types";

export type GrantedTokens = {
  provider: IntegrationProvider;
  accessToken: string;
  refreshToken: string;
  /** Null when the provider does not say (Salesforce): the engine refreshes on a 401. */
  accessTokenExpiresAt: Date | null;
  /** Exactly the provider's listed scopes that were granted (P3). */
  scopes: string[];
  /** What the token answer said beyond the tokens (Salesforce's instance_url and identity URL). */
  grant?: GrantDetails;
  /** Where the grant was issued, for refreshing and revoking it (Salesforce's login host). */
  authBaseUrl?: string | null;
};

export type ConnectOutcome =
  | { ok: true; connectionId: string; accountName: string | null; firstSyncQueued: boolean }
  | { ok: false; status: 402 | 502; message: string };

/** How long asking the provider who the account is may take before we connect without its name. */
const ACCOUNT_LOOKUP_TIMEOUT_MS = 10_000;

export async function connectTool(
  db: Db,
  userId: string,
  granted: GrantedTokens,
  now = new Date(),
): Promise<ConnectOutcome> {
  const name = providerInfo(granted.provider).name;
  // Connecting is Pro; the routes refuse before the handshake, this is the last word before storing.
  const planRefusal = await connectRefusedByPlan(db, userId, name, now);
  if (planRefusal) return { ok: false, status: 402, message: planRefusal };
  let account: ConnectedAccount | null = null;
  const provider = await syncProvider(granted.provider);
  if (provider) {
    try {
      account = await provider.connectedAccount(
        granted.accessToken,
        AbortSignal.timeout(ACCOUNT_LOOKUP_TIMEOUT_MS),
        granted.grant ?? {},
      );
    } catch (error) {
      if (error instanceof ProviderAuthError) {
        // The grant went through but the API refuses it (the API not enabled for the Cloud project,
        // a Workspace admin's policy, a Salesforce user without API access): a connection stored
        // now would only ever fail.
        logger().warn(
          { provider: granted.provider, err: error.message },
          "new connection refused by the provider's API",
        );
        return {
          ok: false,
          status: 502,
          message: refusalMessage(granted.provider, name),
        };
      }
      // Who the account is only labels the row; the first sync finds out whether the API works.
      logger().warn(
        { provider: granted.provider, err: error instanceof Error ? error.name : "unknown" },
        "could not look up the connected account; connecting without its name",
      );
    }
  }
  const stored = await storeConnection(db, userId, {
    provider: granted.provider,
    scopes: granted.scopes,
    accessToken: granted.accessToken,
    refreshToken: granted.refreshToken,
    accessTokenExpiresAt: granted.accessTokenExpiresAt,
    apiBaseUrl: granted.grant?.apiBaseUrl ?? null,
    authBaseUrl: granted.authBaseUrl ?? null,
    externalAccountId: account?.id ?? null,
    externalAccountName: account?.name ?? null,
    now,
  });
  // Without a job system in this process (a web-only process), the scheduler's next pass picks the
  // connection up: it is due now.
  const firstSyncQueued = await enqueue(
    QUEUES.pollConnection,
    { connectionId: stored.id },
    { singletonKey: stored.id },
  );
  logger().info({ provider: granted.provider, connectionId: stored.id }, "tool connected; first sync queued");
  return { ok: true, connectionId: stored.id, accountName: account?.name ?? null, firstSyncQueued };
}

/** What to tell the seller when the tool's API refuses a grant its OAuth server just gave. */
function refusalMessage(provider: IntegrationProvider, name: string): string {
  switch (provider) {
    case "gmail":
    case "gcal":
      return `Google accepted the connection, but ${name} refused to let us read it, so it was not connected. If your organisation manages your Google account, your administrator may need to allow Sales-as-Code.`;
    case "salesforce":
      return `Salesforce accepted the connection, but its API refused to let us read your org, so it was not connected. Your Salesforce user needs the “API Enabled” permission; your administrator can grant it.`;
    case "outreach":
      return `Outreach accepted the connection, but its API refused to let us read your data, so it was not connected. Your Outreach administrator may need to allow the Sales-as-Code app.`;
  }
}

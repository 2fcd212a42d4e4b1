// What the engine's and disconnect's tests share: the fake Google OAuth server (issuing, refreshing
// and revoking real tokens), the fake provider reading its feed with them, this process's
// environment pointed at both, and connected users whose tokens are stored the product's way.
import { randomBytes } from "node:crypto";
import { createUser } from "../../helpers/users";
import { getDb, type Db } from "../../../server/db/client";
import { resetEnvCache } from "../../../server/env";
import { storeConnection } from "../../../server/integrations/connections";
import { PROVIDERS } from "../../../server/integrations/providers";
import { setSyncProvider } from "../../../server/integrations/registry";
import { startFakeGoogle } from "../google-oauth";
import { startFakeProvider } from "./index";

export const GMAIL_SCOPES = PROVIDERS.find((p) => p.id === "gmail")!.scopes;

const ENV_NAMES = [
  "FAKE_GOOGLE",
  "GOOGLE_CLIENT_ID",
  "GOOGLE_CLIENT_SECRET",
  "GOOGLE_AUTHORIZATION_ENDPOINT",
  "GOOGLE_TOKEN_ENDPOINT",
  "GOOGLE_JWKS_URI",
  "GOOGLE_ISSUER",
  "GOOGLE_REVOCATION_ENDPOINT",
  "SYNC_MAX_ATTEMPTS",
  "SYNC_POLL_INTERVAL_MINUTES",
] as const;

export async function startSyncHarness(options: { pageSize?: number; maxAttempts?: number } = {}) {
  const google = await startFakeGoogle({
    clientId: "sync-client.apps.googleusercontent.com",
    clientSecret: "sync-client-secret",
    redirectUris: [],
    accounts: [],
  });
  const feed = await startFakeProvider({ verifyToken: google.fake.verifyAccessToken, pageSize: options.pageSize ?? 5 });
  const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
  Object.assign(process.env, {
    FAKE_GOOGLE: "false",
    GOOGLE_CLIENT_ID: google.config.clientId,
    GOOGLE_CLIENT_SECRET: google.config.clientSecret,
    GOOGLE_AUTHORIZATION_ENDPOINT: google.endpoints.authorization,
    GOOGLE_TOKEN_ENDPOINT: google.endpoints.token,
    GOOGLE_JWKS_URI: google.endpoints.jwks,
    GOOGLE_ISSUER: google.issuer,
    GOOGLE_REVOCATION_ENDPOINT: google.endpoints.revocation,
    SYNC_MAX_ATTEMPTS: String(options.maxAttempts ?? 3),
    SYNC_POLL_INTERVAL_MINUTES: "5",
  });
  resetEnvCache();
  setSyncProvider("gmail", feed.provider("gmail"));

  /** A user who connected Gmail: tokens from the fake Google, stored encrypted by storeConnection. */
  async function connectedUser(db?: Db) {
    const database = db ?? (await getDb());
    const user = await createUser(database);
    const mailbox = `seller-${randomBytes(4).toString("hex")}@northbeam.example`;
    const tokens = google.fake.issueGrant(mailbox, GMAIL_SCOPES);
    const stored = await storeConnection(database, user.id, {
      provider: "gmail",
      scopes: GMAIL_SCOPES,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      externalAccountName: mailbox,
    });
    await database.integrationConnection.update({
      where: { id: stored.id },
      data: {
        externalAccountId: mailbox,
        accessTokenExpiresAt: new Date(Date.now() + tokens.expiresInSeconds * 1000),
        nextSyncAt: new Date(),
      },
    });
    return { db: database, user, connection: { id: stored.id }, tokens, mailbox };
  }

  return {
    google,
    feed,
    connectedUser,
    async close() {
      setSyncProvider("gmail", null);
      for (const name of ENV_NAMES) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      resetEnvCache();
      await feed.close();
      await google.close();
    },
  };
}

export type SyncHarness = Awaited<ReturnType<typeof startSyncHarness>>;

/** Makes a connection due now (the scheduler's job, done by hand between runs of a test). */
export async function makeDue(db: Db, connectionId: string): Promise<void> {
  await db.integrationConnection.update({ where: { id: connectionId }, data: { nextSyncAt: new Date() } });
}

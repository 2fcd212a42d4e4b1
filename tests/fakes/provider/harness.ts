// What the engine's and disconnect's tests share: the fake Google OAuth server (issuing, refreshing
// and revoking real tokens), the fake provider reading its feed with them, this process's
// environment pointed at both, and connected users whose tokens are stored the product's way.
// With `googleApis`, the fake Gmail and Calendar APIs run too (same token checks) and the REAL
// registry providers sync from them (google-sync.test.ts): the feed is then not put in Gmail's place.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import { createUser } from "../../helpers/users";
import { getDb, type Db } from "../../../server/db/client";
import { databaseUrl } from "../../setup/test-database";
import { resetEnvCache } from "../../../server/env";
import { storeConnection } from "../../../server/integrations/connections";
import { PROVIDERS } from "../../../server/integrations/providers";
import { setSyncProvider } from "../../../server/integrations/registry";
import { calendarRouter, type CalendarStore } from "../google-apis/calendar";
import { gmailRouter, type GmailStore } from "../google-apis/gmail";
import { FakeGoogleApis, listenOnLoopback, type TokenVerifier } from "../google-apis/index";
import { startFakeGoogle, type FakeGoogleAccount } from "../google-oauth";
import { startFakeProvider } from "./index";

export const GMAIL_SCOPES = PROVIDERS.find((p) => p.id === "gmail")!.scopes;
export const CALENDAR_SCOPES = PROVIDERS.find((p) => p.id === "gcal")!.scopes;

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
  "GOOGLE_API_BASE_URL",
] as const;

/** A request to the fake Google APIs held until released (a sync caught in the middle of a step). */
type HeldRequest = { matches: (path: string) => boolean; skip: number; arrived: () => void; released: Promise<void> };

/**
 * Middleware that holds requests a test names until it releases them (a sync caught in the middle
 * of a step), for any fake API: mount it before the fake's router.
 */
export function requestHolder() {
  const held: HeldRequest[] = [];
  return {
    middleware: (req: Request, _res: Response, next: NextFunction) => {
      const hold = held.find((h) => h.matches(req.path));
      if (!hold) return next();
      if (hold.skip > 0) {
        hold.skip -= 1;
        return next();
      }
      held.splice(held.indexOf(hold), 1);
      hold.arrived();
      void hold.released.then(() => next());
    },
    /**
     * Holds the request after `skip` more requests whose path `matches` have passed, until released:
     * `arrived` resolves when it comes in (the sync is then mid-step, its earlier steps committed).
     */
    holdRequest: (matches: (path: string) => boolean, skip = 0) => {
      let arrived!: () => void;
      let release!: () => void;
      const arrival = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      held.push({ matches, skip, arrived, released });
      return { arrived: arrival, release };
    },
  };
}

/** The fake Gmail and Calendar APIs on loopback, with mailboxes and calendars by account email. */
async function startGoogleApis(verifyToken: TokenVerifier) {
  const apis = new FakeGoogleApis(verifyToken);
  const mailboxes = new Map<string, GmailStore>();
  const calendars = new Map<string, CalendarStore>();
  apis.mount(
    "/gmail/v1",
    gmailRouter((email) => mailboxes.get(email.toLowerCase())),
  );
  apis.mount(
    "/calendar/v3",
    calendarRouter((email) => calendars.get(email.toLowerCase())),
  );
  const holder = requestHolder();
  const router = express.Router();
  router.use(holder.middleware);
  router.use(apis.router());
  const server = await listenOnLoopback(router);
  return {
    apis,
    base: server.base,
    mailboxes,
    calendars,
    holdRequest: holder.holdRequest,
    close: () => server.close(),
  };
}

export async function startSyncHarness(
  options: {
    pageSize?: number;
    maxAttempts?: number;
    /** Run the fake Gmail and Calendar APIs, and let the real providers sync from them. */
    googleApis?: boolean;
    /** Accounts the fake Google's account chooser offers, and the redirect URIs it accepts (connect flow). */
    accounts?: FakeGoogleAccount[];
    redirectUris?: string[];
  } = {},
) {
  const google = await startFakeGoogle({
    clientId: "sync-client.apps.googleusercontent.com",
    clientSecret: "sync-client-secret",
    redirectUris: options.redirectUris ?? [],
    accounts: options.accounts ?? [],
  });
  const feed = await startFakeProvider({ verifyToken: google.fake.verifyAccessToken, pageSize: options.pageSize ?? 5 });
  const googleApis = options.googleApis ? await startGoogleApis(google.fake.verifyAccessToken) : null;
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
    ...(googleApis ? { GOOGLE_API_BASE_URL: googleApis.base } : {}),
  });
  resetEnvCache();
  if (!googleApis) setSyncProvider("gmail", feed.provider("gmail"));

  /**
   * A user who connected Gmail (or Google Calendar): tokens from the fake Google, stored encrypted by
   * storeConnection. `mailbox` is the Google account's address (a fresh one by default).
   */
  async function connectedUser(db?: Db, options: { provider?: "gmail" | "gcal"; mailbox?: string } = {}) {
    const database = db ?? (await getDb());
    const user = await createUser(database);
    const provider = options.provider ?? "gmail";
    const scopes = provider === "gmail" ? GMAIL_SCOPES : CALENDAR_SCOPES;
    const mailbox = options.mailbox ?? `seller-${randomBytes(4).toString("hex")}@northbeam.example`;
    const tokens = google.fake.issueGrant(mailbox, scopes);
    const stored = await storeConnection(database, user.id, {
      provider,
      scopes,
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
    /** The fake Gmail and Calendar APIs (with `googleApis`). */
    googleApis,
    connectedUser,
    async close() {
      setSyncProvider("gmail", null);
      for (const name of ENV_NAMES) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      resetEnvCache();
      await feed.close();
      await googleApis?.close();
      await google.close();
    },
  };
}

export type SyncHarness = Awaited<ReturnType<typeof startSyncHarness>>;

/** Makes a connection due now (the scheduler's job, done by hand between runs of a test). */
export async function makeDue(db: Db, connectionId: string): Promise<void> {
  await db.integrationConnection.update({ where: { id: connectionId }, data: { nextSyncAt: new Date() } });
}

/**
 * Runs one sync of `connectionId` in a worker process of its own (./sync-worker.ts) on this test
 * file's PostgreSQL database, waits until `held` (a request the fake holds) arrives, and kills the
 * worker with SIGKILL there, in the middle of its sync. `env` is passed on: the token keys the
 * worker needs to open the stored tokens, and SYNC_WORKER_FEED for the fake feed (without it the
 * worker uses the real providers and ingest).
 */
export async function killWorkerMidSync(
  db: Db,
  connectionId: string,
  held: { arrived: Promise<void>; release: () => void },
  env: Record<string, string>,
): Promise<NodeJS.Signals | number | null> {
  const [current] = await db.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
  const child = spawn(process.execPath, ["--import", "tsx", "tests/fakes/provider/sync-worker.ts"], {
    env: {
      ...process.env,
      ...env,
      SYNC_WORKER_DATABASE_URL: databaseUrl(process.env.TEST_DATABASE_URL!, current!.name),
      SYNC_WORKER_CONNECTION: connectionId,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await Promise.race([held.arrived, exited.then(() => Promise.reject(new Error(`worker exited early: ${stderr}`)))]);
  child.kill("SIGKILL");
  const signal = await exited;
  held.release();
  return signal;
}

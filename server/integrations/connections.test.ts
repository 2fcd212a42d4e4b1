import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider } from "../../tests/fakes/provider";
import { watchedJob } from "../../tests/helpers/jobs";
import { callerFor, createUser, loadContext, signIn } from "../../tests/helpers/users";
import { action as connectionsAction, loader as connectionsLoader } from "../../app/routes/settings.connections";
import { getDatabase, getDb } from "../db/client";
import { jobHandlers } from "../jobs/handlers";
import { QUEUES, setJobs, startJobs } from "../jobs/jobs";
import { disconnectConnection, storeConnection } from "./connections";
import { PROVIDERS, setProviderClient } from "./providers";
import { dueConnections, pollConnection } from "./sync";

const GMAIL_SCOPES = PROVIDERS.find((p) => p.id === "gmail")!.scopes;
let provider: Awaited<ReturnType<typeof startFakeProvider>>;

beforeAll(async () => {
  provider = await startFakeProvider();
  setProviderClient("gmail", provider.client);
});
afterEach(() => provider.failRevocationWith(200));
afterAll(async () => {
  setProviderClient("gmail", null);
  await provider.close();
});

let tokenCounter = 0;
async function connectedUser() {
  const db = await getDb();
  const user = await createUser(db);
  tokenCounter += 1;
  const tokens = { accessToken: `access-${tokenCounter}`, refreshToken: `refresh-${tokenCounter}` };
  provider.grant(tokens.accessToken, tokens.refreshToken);
  const connection = await storeConnection(db, user.id, { provider: "gmail", scopes: GMAIL_SCOPES, ...tokens });
  return { db, user, connection, tokens };
}

const feedRequestsWith = (token: string) =>
  provider.requests.filter((r) => r.path === "/v1/events" && r.token === token);

describe("P12: disconnect", () => {
  it("P12: disconnect stops polling at once, revokes and deletes the tokens, and keeps the events already synced", async () => {
    const { db, user, connection, tokens } = await connectedUser();
    provider.addEvents(3);
    expect(await pollConnection(db, connection.id)).toMatchObject({ status: "stored" });
    const synced = await db.providerEvent.count({ where: { connectionId: connection.id } });
    expect(synced).toBeGreaterThanOrEqual(3);

    const result = await (
      await callerFor((await signIn(db, user.id)).auth)
    ).connections.disconnect({ connectionId: connection.id });
    expect(result).toEqual({ id: connection.id, revoked: "yes" });
    // Revoked at the provider (RFC 7009, with our client credentials)…
    expect(provider.isRevoked(tokens.refreshToken)).toBe(true);
    expect(provider.isRevoked(tokens.accessToken)).toBe(true);
    // …and gone from our side.
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({
      status: "disconnected",
      accessTokenCipher: null,
      refreshTokenCipher: null,
      tokenKeyId: null,
      nextSyncAt: null,
    });
    expect(row.disconnectedAt).toBeInstanceOf(Date);

    // Nothing more reaches the provider: not the scheduler, not a poll job that was already queued.
    const before = feedRequestsWith(tokens.accessToken).length;
    provider.addEvents(2);
    expect(await dueConnections(db, new Date(Date.now() + 365 * 86_400_000))).not.toContain(connection.id);
    expect(await pollConnection(db, connection.id)).toEqual({ status: "skipped_inactive", stored: 0 });
    expect(feedRequestsWith(tokens.accessToken).length).toBe(before);
    // What was already synced stays until the account is deleted.
    expect(await db.providerEvent.count({ where: { connectionId: connection.id } })).toBe(synced);
  });

  it("P12: a poll in flight when the user disconnects stores nothing", async () => {
    const { db, user, connection } = await connectedUser();
    provider.addEvents(4);
    const held = provider.holdNextFeedRequest();
    const polling = pollConnection(db, connection.id);
    await held.arrived;
    await disconnectConnection(db, user.id, connection.id);
    held.release();
    expect(await polling).toEqual({ status: "skipped_inactive", stored: 0 });
    expect(await db.providerEvent.count({ where: { connectionId: connection.id } })).toBe(0);
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row.status).toBe("disconnected");
    expect(row.cursor).toBeNull();
  });

  it("P12: when the provider fails to revoke, the tokens are deleted on our side anyway and the user is told", async () => {
    const { db, user, connection } = await connectedUser();
    provider.failRevocationWith(503);
    const { auth } = await signIn(db, user.id);
    const response = await connectionsAction({
      request: new Request("http://localhost/settings/connections", {
        method: "POST",
        body: new URLSearchParams({ connectionId: connection.id }),
      }),
      context: loadContext(auth),
      params: {},
    });
    expect(JSON.stringify(response)).toContain("did not confirm revoking our access");
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({ status: "disconnected", accessTokenCipher: null, refreshTokenCipher: null });
  });

  it("P12: disconnecting someone else's or a missing connection is a 404 with a clear message, changing nothing", async () => {
    const { db, connection } = await connectedUser();
    const other = await createUser(db);
    const { auth } = await signIn(db, other.id);
    const response = (await connectionsAction({
      request: new Request("http://localhost/settings/connections", {
        method: "POST",
        body: new URLSearchParams({ connectionId: connection.id }),
      }),
      context: loadContext(auth),
      params: {},
    })) as unknown as { data: { error: string }; init: { status: number } };
    expect(response.init.status).toBe(404);
    expect(response.data.error).toMatch(/does not exist/);
    expect((await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } })).status).toBe("active");
  });

  it("a provider that refuses our token marks the connection for reconnecting and stops polling it", async () => {
    const { db, connection, tokens } = await connectedUser();
    provider.grant(tokens.accessToken, tokens.refreshToken);
    await provider.client.revoke({ accessToken: null, refreshToken: tokens.refreshToken });
    expect(await pollConnection(db, connection.id)).toMatchObject({ status: "failed" });
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({ status: "needs_reauth", nextSyncAt: null });
    expect(row.lastSyncError).toMatch(/refused/);
  });
});

describe("polling through the job system", () => {
  it("P2: the pollDue job enqueues a poll per due connection, and what the tool sends is stored server-side", async () => {
    const { db, connection } = await connectedUser();
    provider.addEvents(2);
    const handlers = jobHandlers(db);
    const poll = watchedJob(handlers[QUEUES.pollConnection], {
      matching: (data) => data.connectionId === connection.id,
    });
    const jobs = await startJobs(
      await getDatabase(),
      { [QUEUES.pollDue]: handlers[QUEUES.pollDue], [QUEUES.pollConnection]: poll.handler },
      { schedule: false, pollingIntervalSeconds: 0.5 },
    );
    setJobs(jobs);
    try {
      await jobs.send(QUEUES.pollDue, {});
      await poll.finished;
    } finally {
      setJobs(null);
      await jobs.stop();
    }
    const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row.lastSyncItemCount).toBeGreaterThanOrEqual(2);
    expect(row.nextSyncAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await db.providerEvent.count({ where: { connectionId: connection.id } })).toBe(row.lastSyncItemCount);
  });
});

describe("P3: scopes", () => {
  it("P3: the connect screen lists, for every provider, exactly the scopes kept in the one list", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { auth } = await signIn(db, user.id);
    const { providers } = (await connectionsLoader({
      request: new Request("http://localhost/settings/connections"),
      context: loadContext(auth),
      params: {},
    })) as {
      providers: { provider: { id: string; scopes: string[] } }[];
    };
    expect(providers.map((p) => p.provider.id)).toEqual(PROVIDERS.map((p) => p.id));
    for (const entry of providers)
      expect(entry.provider.scopes).toEqual(PROVIDERS.find((p) => p.id === entry.provider.id)!.scopes);
  });

  it("P3: a grant wider than the listed scopes is refused, not stored", async () => {
    const db = await getDb();
    const user = await createUser(db);
    await expect(
      storeConnection(db, user.id, {
        provider: "gmail",
        scopes: [...GMAIL_SCOPES, "https://www.googleapis.com/auth/gmail.send"],
        accessToken: "a",
        refreshToken: "r",
      }),
    ).rejects.toThrow(/never ask for/);
    expect(await db.integrationConnection.count({ where: { userId: user.id } })).toBe(0);
  });
});

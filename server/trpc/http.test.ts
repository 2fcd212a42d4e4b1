import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_CALLS_PER_BATCH } from "../../app/utils/api-limits";
import { createApiClient } from "../../app/utils/trpc";
import { startTestServer } from "../../tests/helpers/server";
import { createUser, signIn } from "../../tests/helpers/users";
import { consumeRateLimit, rateLimits } from "../auth/rate-limit";
import { invalidateSession } from "../auth/session";
import { getDb } from "../db/client";
import { BATCH_TOO_LARGE } from "./init";
import type { AppRouter } from "./root";

// The HTTP door: the same typed client the React components use, over real HTTP to /api/trpc.
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("/api/trpc", () => {
  it("answers health.check without a session", async () => {
    const health = await createApiClient(server.url).health.check.query();
    expect(health.status).toBe("ok");
    expect(health.database.ok).toBe(true);
    expect(health.time).toBeInstanceOf(Date); // superjson carried the Date
  });

  it("lists the session user's accounts through the typed client", async () => {
    const db = await getDb();
    const user = await createUser(db);
    await db.account.createMany({
      data: [
        { userId: user.id, name: "Zeta" },
        { userId: user.id, name: "Alpha" },
      ],
    });
    const { cookie } = await signIn(db, user.id);
    const api = createApiClient(server.url, { headers: () => ({ cookie }) });
    const page = await api.accounts.list.query({ limit: 10 });
    expect(page.items.map((a) => a.name)).toEqual(["Alpha", "Zeta"]);
    expect(page.items[0]!.updatedAt).toBeInstanceOf(Date);
  });

  it("answers 401 without a session, and a bad cookie is cleared", async () => {
    const response = await fetch(`${server.url}/api/trpc/accounts.list`, {
      headers: { cookie: "si_session=forged.token" },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toMatch(/^si_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
    const error = await createApiClient(server.url)
      .accounts.list.query({})
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe("UNAUTHORIZED");
  });

  it("refuses a replayed cookie once its session was signed out (401)", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { cookie, session } = await signIn(db, user.id);
    const before = await fetch(`${server.url}/api/trpc/accounts.list`, { headers: { cookie } });
    expect(before.status).toBe(200);
    await invalidateSession(db, session.id);
    const replay = await fetch(`${server.url}/api/trpc/accounts.list`, { headers: { cookie } });
    expect(replay.status).toBe(401);
  });

  it("surfaces zod's field errors to the client", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { cookie } = await signIn(db, user.id);
    const api = createApiClient(server.url, { headers: () => ({ cookie }) });
    const error = (await api.accounts.list
      .query({ limit: 0 })
      .catch((caught: unknown) => caught)) as TRPCClientError<AppRouter>;
    expect(error.data?.code).toBe("BAD_REQUEST");
    expect(error.data?.httpStatus).toBe(400);
    expect(error.data?.zodError?.fieldErrors).toHaveProperty("limit");
  });

  it("answers 404 for an unknown procedure, not 500", async () => {
    const response = await fetch(`${server.url}/api/trpc/nope.nothing`);
    expect(response.status).toBe(404);
  });

  it("answers a refused rate limit with 429 and Retry-After, alone and in a batch", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { cookie } = await signIn(db, user.id);
    const rule = rateLimits.changePasswordPerAccount;
    for (let i = 0; i < rule.limit; i += 1) await consumeRateLimit(db, rule, user.id);
    const headers = { cookie, "content-type": "application/json", "sec-fetch-site": "same-origin" };
    const input = { json: { currentPassword: "x", newPassword: "a long new password" } };
    const alone = await fetch(`${server.url}/api/trpc/me.changePassword`, {
      method: "POST",
      headers,
      body: JSON.stringify(input),
    });
    expect(alone.status).toBe(429);
    expect(alone.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    const body = (await alone.json()) as { error: { json: { message: string; data: { code: string } } } };
    expect(body.error.json.data.code).toBe("TOO_MANY_REQUESTS");
    expect(body.error.json.message).toMatch(/wait \d+ minutes? and try again|wait a minute/);
    const batch = await fetch(`${server.url}/api/trpc/me.acknowledgePolicy,me.changePassword?batch=1`, {
      method: "POST",
      headers,
      body: JSON.stringify({ 0: {}, 1: input }),
    });
    expect(batch.headers.get("retry-after")).toBe(alone.headers.get("retry-after"));
  });
});

describe("/api/trpc at its limits", () => {
  it("refuses a batch of more than 20 calls with a 400 that says the limit; 20 pass", async () => {
    const db = await getDb();
    const { cookie } = await signIn(db, (await createUser(db)).id);
    const batch = (calls: number) =>
      fetch(`${server.url}/api/trpc/${Array(calls).fill("accounts.facets").join(",")}?batch=1&input={}`, {
        headers: { cookie },
      });
    const tooMany = await batch(21);
    expect(tooMany.status).toBe(400);
    const { error } = (await tooMany.json()) as { error: { json: { message: string; data: object } } };
    expect(error.json.message).toBe(BATCH_TOO_LARGE);
    expect(error.json.data).not.toHaveProperty("stack");
    expect((await batch(20)).status).toBe(200);
    expect(MAX_CALLS_PER_BATCH).toBe(20);
  });

  it("answers a failure on our side with a generic message and the request's reference, never the detail", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { cookie } = await signIn(db, user.id);
    // What Prisma says about a query it could not run: the query's shape and the user's id.
    const detail = `Invalid \`prisma.account.findMany()\` invocation: where: { userId: "${user.id}" }`;
    const failing = vi.spyOn(db.account, "findMany").mockRejectedValueOnce(new Error(detail));
    try {
      const response = await fetch(`${server.url}/api/trpc/accounts.list`, { headers: { cookie } });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toContain(user.id);
      expect(text).not.toContain("prisma");
      expect(text).not.toMatch(/\.ts:\d+/); // no stack
      const body = JSON.parse(text) as { error: { json: { message: string; data: Record<string, unknown> } } };
      expect(body.error.json.message).toBe(
        `Something went wrong on our side. Reference: ${response.headers.get("x-request-id")}`,
      );
      expect(body.error.json.data).not.toHaveProperty("stack");
      expect(body.error.json.data.code).toBe("INTERNAL_SERVER_ERROR");
    } finally {
      failing.mockRestore();
    }
  });
});

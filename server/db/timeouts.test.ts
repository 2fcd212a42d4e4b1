// Issue #11: with PostgreSQL frozen (SIGSTOP), pages hung for a minute. Here a "frozen PostgreSQL"
// is a TCP server on loopback that accepts and then never answers — before the handshake, or after
// it (a server stopped mid-session) — and every layer must give up with a clear error and a 503.
// The vitest timeout bounds these tests; none of them measures speed.
import net from "node:net";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as accountsLoader } from "../../app/routes/accounts._index";
import { get, thrownBy } from "../../tests/helpers/routes";
import { startTestServer } from "../../tests/helpers/server";
import { callerFor, loadContext } from "../../tests/helpers/users";
import type { RequestAuth } from "../trpc/context";
import { postgresDatabase, setDatabaseOpener } from "./client";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "./unavailable";

const timeouts = { connectMs: 300, statementMs: 300 };

/** A PostgreSQL that accepts connections and answers nothing; `handshake` first lets clients in. */
async function frozenPostgres(options: { handshake: boolean }) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    if (!options.handshake) return;
    socket.once("data", () => {
      // AuthenticationOk, then ReadyForQuery (idle): the session is open; no query gets an answer.
      socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x5a, 0, 0, 0, 5, 0x49]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `postgres://app:secret@127.0.0.1:${port}/app`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const frozen: Awaited<ReturnType<typeof frozenPostgres>>[] = [];
afterAll(async () => {
  await Promise.all(frozen.map((server) => server.close()));
});

async function frozenDatabase(handshake: boolean) {
  const server = await frozenPostgres({ handshake });
  frozen.push(server);
  return postgresDatabase(server.url, { timeouts });
}

describe("a frozen PostgreSQL (#11)", () => {
  it("that never completes the handshake: a query fails on the connect timeout, as 'unavailable'", async () => {
    const database = await frozenDatabase(false);
    const error = await database.prisma.account.findMany().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/timeout/i);
    expect(isDatabaseUnavailable(error)).toBe(true);
    await database.close();
  });

  it("that stops answering after the handshake: a query fails on the client's read timeout", async () => {
    const database = await frozenDatabase(true);
    const error = await database.prisma.account.findMany().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(true);
    await database.close();
  });

  it("the raw-SQL pool (migrations, pg-boss) gives up on the connect too, though it has no statement limit", async () => {
    // A migration may run for minutes; its pool only bounds the connect.
    const database = await frozenDatabase(false);
    await expect(database.sql.query("SELECT 1")).rejects.toThrow(/timeout/i);
    await database.close();
  });
});

describe("what callers see when the database does not answer (#11)", () => {
  const auth = {
    user: { id: "user-1", email: "seller@example.test", name: "Seller" },
    session: { id: "session-1" },
  } as unknown as RequestAuth;

  beforeAll(async () => {
    const server = await frozenPostgres({ handshake: false });
    frozen.push(server);
    setDatabaseOpener(() => Promise.resolve(postgresDatabase(server.url, { timeouts })));
  });

  it("a procedure answers SERVICE_UNAVAILABLE (503) with words, not a 500 with the driver's text", async () => {
    const error = await (await callerFor(auth)).accounts.list({}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("SERVICE_UNAVAILABLE");
    expect((error as TRPCError).message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
  });

  it("a page answers 503", async () => {
    const thrown = await thrownBy(() =>
      accountsLoader({ request: get("/accounts"), context: loadContext(auth), params: {} }),
    );
    expect(thrown.status).toBe(503);
    expect(await thrown.text()).toBe(DATABASE_UNAVAILABLE_MESSAGE);
  });

  it("over HTTP, a signed-in request whose session cannot be looked up answers 503", async () => {
    const server = await startTestServer();
    try {
      const response = await fetch(`${server.url}/accounts`, { headers: { cookie: "si_session=abc.def" } });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await response.text()).toBe(DATABASE_UNAVAILABLE_MESSAGE);
    } finally {
      await server.close();
    }
  });
});

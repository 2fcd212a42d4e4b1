// A fake connected tool (think Gmail's history feed, Outreach's API) on a loopback port, speaking
// plain HTTP the way the real ones do: an events feed behind an OAuth bearer token, paged by cursor,
// and RFC 7009 token revocation (form POST, client credentials in Basic auth). It logs every request
// it receives, so tests can prove that after a disconnect nothing more reaches it (P12), and it can
// hold a feed request open to test a poll that is in flight while the user disconnects.
import type { AddressInfo } from "node:net";
import express from "express";
import { asyncHandler } from "../../../server/http/async-handler";
import type { ProviderClient } from "../../../server/integrations/providers";
import { ProviderAuthError, revokeOAuthToken } from "../../../server/integrations/providers";

export type FakeEvent = { id: string; type: string; occurredAt: string; payload: Record<string, unknown> };
export type RequestRecord = { at: number; method: string; path: string; token: string | null; status: number };

export const FAKE_CLIENT = { id: "sac-client", secret: "sac-client-secret" };

export async function startFakeProvider() {
  const events: FakeEvent[] = [];
  const requests: RequestRecord[] = [];
  /** Tokens that open the feed, by token, with the pair they belong to (revoking one revokes both). */
  const grants = new Map<string, { pair: string[]; revoked: boolean }>();
  let revocationStatus = 200;
  let hold: { entered: () => void; release: Promise<void> } | null = null;

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use((req, res, next) => {
    const token = req.headers.authorization?.startsWith("Bearer ") ? req.headers.authorization.slice(7) : null;
    res.on("finish", () =>
      requests.push({ at: Date.now(), method: req.method, path: req.path, token, status: res.statusCode }),
    );
    next();
  });

  app.get(
    "/v1/events",
    asyncHandler(async (req, res) => {
      const token = req.headers.authorization?.startsWith("Bearer ") ? req.headers.authorization.slice(7) : "";
      const grant = grants.get(token);
      if (!grant || grant.revoked) {
        res.status(401).set("WWW-Authenticate", 'Bearer error="invalid_token"').json({ error: "invalid_token" });
        return;
      }
      if (hold) {
        const current = hold;
        hold = null;
        current.entered();
        await current.release;
      }
      const after = Number(req.query.cursor ?? 0);
      const page = events.slice(after, after + 100);
      res.json({ events: page, nextCursor: after + page.length });
    }),
  );

  app.post("/oauth/revoke", (req, res) => {
    const auth = req.headers.authorization ?? "";
    const expected = `Basic ${Buffer.from(`${FAKE_CLIENT.id}:${FAKE_CLIENT.secret}`).toString("base64")}`;
    if (auth !== expected) {
      res.status(401).json({ error: "invalid_client" });
      return;
    }
    if (revocationStatus !== 200) {
      res.status(revocationStatus).json({ error: "temporarily_unavailable" });
      return;
    }
    const body = req.body as { token?: unknown } | undefined;
    const token = typeof body?.token === "string" ? body.token : "";
    if (!token) {
      res.status(400).json({ error: "invalid_request" });
      return;
    }
    const grant = grants.get(token);
    if (grant) for (const t of grant.pair) grants.get(t)!.revoked = true;
    // RFC 7009 §2.2: an unknown token is answered with 200 too.
    res.status(200).end();
  });

  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Our side of the wire: the ProviderClient the product uses, pointed at this fake. */
  const client: ProviderClient = {
    async fetchEvents({ accessToken, cursor }) {
      const url = new URL(`${base}/v1/events`);
      url.searchParams.set("cursor", String(typeof cursor === "number" ? cursor : 0));
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 401) throw new ProviderAuthError("the provider refused our access token");
      if (!response.ok) throw new Error(`events feed answered HTTP ${response.status}`);
      const body = (await response.json()) as { events: FakeEvent[]; nextCursor: number };
      return {
        events: body.events.map((e) => ({
          externalId: e.id,
          eventType: e.type,
          occurredAt: new Date(e.occurredAt),
          payload: e.payload,
        })),
        cursor: body.nextCursor,
      };
    },
    async revoke({ accessToken, refreshToken }) {
      // Revoking the refresh token ends the whole grant; the access token is revoked as a fallback.
      const token = refreshToken ?? accessToken;
      if (token)
        await revokeOAuthToken(`${base}/oauth/revoke`, token, {
          tokenTypeHint: refreshToken ? "refresh_token" : "access_token",
          client: FAKE_CLIENT,
        });
    },
  };

  return {
    base,
    client,
    requests,
    /** Issues an access/refresh token pair, as the provider's token endpoint would. */
    grant(accessToken: string, refreshToken: string) {
      const pair = [accessToken, refreshToken];
      grants.set(accessToken, { pair, revoked: false });
      grants.set(refreshToken, { pair, revoked: false });
    },
    isRevoked: (token: string) => grants.get(token)?.revoked ?? false,
    addEvents(count: number, type = "message.added") {
      for (let i = 0; i < count; i += 1) {
        const n = events.length + 1;
        events.push({
          id: `evt_${n}`,
          type,
          occurredAt: new Date(Date.UTC(2026, 10, 1, 9, n)).toISOString(),
          payload: { subject: `Event ${n}` },
        });
      }
    },
    failRevocationWith(status: number) {
      revocationStatus = status;
    },
    /** The next feed request waits until `release` is called; `entered` resolves once it arrived. */
    holdNextFeedRequest() {
      let entered!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => (entered = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      hold = { entered, release: released };
      return { arrived, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// The development-only routes (/dev/outbox, the demo's fake Google at /dev/fake-google) exist only
// when enabled (DEV_ROUTES, FAKE_GOOGLE; never with TRUST_PROXY, server/env.ts) and answer only
// requests that came straight from a browser, not through a proxy. A proxy on the same host makes
// every visitor's request arrive from loopback, so "from this machine" alone proves nothing; a
// request carrying forwarding headers was relayed, and is answered as if the route did not exist.
// (A proxy that adds none of these headers is why the routes are off unless explicitly enabled:
// docs/decisions/013-dev-routes-and-demo-exposure.md.)
import type { Request, RequestHandler } from "express";

const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip"];
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export function relayedByProxy(req: Request): boolean {
  return FORWARDING_HEADERS.some((name) => req.headers[name] !== undefined);
}

/** Whether the TCP peer is this machine (the socket's address: never a header). */
export function fromThisMachine(req: Request): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? "");
}

/** Mounted on /dev: a relayed request to any development-only route is a 404. */
export function devRoutesGuard(): RequestHandler {
  return (req, res, next) => {
    if (!relayedByProxy(req)) return next();
    res.status(404).type("text/plain").send("Not Found");
  };
}

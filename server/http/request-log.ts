import { randomUUID } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { logger, redactPath } from "../logger";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Whether the peer this request came from is a proxy TRUST_PROXY names (Express's compiled setting). */
function fromTrustedProxy(req: Request): boolean {
  const trust = req.app.get("trust proxy fn") as ((address: string, hop: number) => boolean) | undefined;
  const peer = req.socket.remoteAddress;
  return Boolean(trust && peer && trust(peer, 0));
}

/**
 * Gives every request an id (echoed in X-Request-Id; taken from a trusted proxy when it sent a
 * well-formed one) and writes one log line when the response is done.
 */
export function requestLog(): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const incoming = req.get("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) && fromTrustedProxy(req) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const line = {
        requestId,
        method: req.method,
        path: redactPath(req.originalUrl),
        status: res.headersSent ? res.statusCode : 499,
        ms: Math.round((performance.now() - started) * 10) / 10,
      };
      // Static assets are logged only at debug level: they would drown the useful lines.
      if (req.path.startsWith("/assets/")) logger().debug(line, "request");
      else logger().info(line, "request");
    };
    res.on("finish", done);
    res.on("close", done);
    next();
  };
}

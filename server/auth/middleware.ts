// Finds who is making each request, once, before any route runs: the Remix load context and the
// tRPC context both read the result from res.locals, so a page and its API calls agree.
import type { RequestHandler } from "express";
import type { Db } from "../db/client";
import { asyncHandler } from "../http/async-handler";
import { signedOut, type RequestAuth } from "../trpc/context";
import {
  blankSessionCookie,
  readSessionToken,
  sessionCookie,
  sessionCookieMaxAge,
  validateSessionToken,
} from "./session";

export function sessionMiddleware(options: { db: () => Promise<Db>; secureCookies: boolean }): RequestHandler {
  return asyncHandler(async (req, res, next) => {
    res.locals.auth = signedOut satisfies RequestAuth;
    const token = readSessionToken(req.headers.cookie);
    if (!token) return next();
    const result = await validateSessionToken(await options.db(), token);
    if (!result) {
      // A cookie for a session that has ended: drop it so the browser stops sending it.
      res.append("Set-Cookie", blankSessionCookie({ secure: options.secureCookies }));
      return next();
    }
    res.locals.auth = { user: result.user, session: result.session } satisfies RequestAuth;
    if (result.refreshed) {
      res.append(
        "Set-Cookie",
        sessionCookie(token, sessionCookieMaxAge(result.session), { secure: options.secureCookies }),
      );
    }
    next();
  });
}

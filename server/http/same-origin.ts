// Cross-site request forgery protection for every state-changing request — page forms, /api/trpc
// mutations whatever their content type (text/plain and multipart/form-data included), and later
// webhooks: a non-GET request from a browser must come from our own origin.
//   1. Sec-Fetch-Site (every current browser sends it): only same-origin passes ("none" too: a
//      request the user started themselves, not one a page made).
//   2. Otherwise Origin, when present, must be our origin (APP_URL, or this request's own host).
//   3. A request with neither header did not come from a browser page (curl, a provider's webhook),
//      so it cannot carry a victim's cookies by forgery; it passes.
import type { RequestHandler } from "express";
import { logger } from "../logger";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function sameOriginOnly(options: { appUrl: string }): RequestHandler {
  const appOrigin = new URL(options.appUrl).origin;
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const fetchSite = req.get("sec-fetch-site");
    const origin = req.get("origin");
    let allowed: boolean;
    if (fetchSite) {
      allowed = fetchSite === "same-origin" || fetchSite === "none";
    } else if (origin) {
      const ownOrigin = `${req.protocol}://${req.get("host") ?? ""}`;
      allowed = origin === appOrigin || origin === ownOrigin;
    } else {
      allowed = true;
    }
    if (allowed) return next();
    logger().warn(
      { requestId: res.locals.requestId, method: req.method, path: req.path, fetchSite, origin },
      "cross-site request refused",
    );
    res
      .status(403)
      .type("text/plain")
      .send(
        "This request came from another website, so it was refused. If you meant to do this, go to Sales-as-Code and try again there.",
      );
  };
}

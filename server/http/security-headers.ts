import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";

export type SecurityHeaderOptions = {
  /** Send HSTS (real deployments behind HTTPS). */
  hsts: boolean;
  /** The Vite dev server needs inline styles, eval-free HMR over a websocket, and its own client. */
  development: boolean;
  /** Other origins pages may call with fetch — only Claude's API, for a user's own key (P16). */
  connectOrigins?: string[];
  /** Other origins a form post may end on: Stripe's hosted Checkout and portal, which Settings →
   *  Billing's plain forms redirect to (without JavaScript the browser follows that redirect itself,
   *  and form-action governs it). Asked per response: the demo's fake Stripe has its port only once started. */
  formActionOrigins?: () => string[];
};

/**
 * Security headers on every response. The CSP loads nothing from any other origin (P14): scripts
 * only from our origin or inline with this response's nonce (Remix's hydration data), no framing.
 * The one exception is a fetch to Claude's API, which only happens with a user's own key (P16).
 */
export function securityHeaders(options: SecurityHeaderOptions): RequestHandler {
  return (_req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    const connect = [
      "'self'",
      ...(options.connectOrigins ?? []),
      ...(options.development ? ["ws://localhost:*", "ws://127.0.0.1:*"] : []),
    ].join(" ");
    const csp = [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      // React renders `style` attributes on the server; styles cannot run code.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src ${connect}`,
      "object-src 'none'",
      "base-uri 'self'",
      `form-action ${["'self'", ...(options.formActionOrigins?.() ?? [])].join(" ")}`,
      "frame-ancestors 'none'",
    ].join("; ");
    res.setHeader("Content-Security-Policy", csp);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    if (options.hsts) res.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    next();
  };
}

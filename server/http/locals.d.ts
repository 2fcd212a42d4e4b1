// What our middleware leaves in res.locals for the handlers after it (Express types it as `any`).
import type { RequestAuth } from "../trpc/context";

declare global {
  namespace Express {
    interface Locals {
      /** Set by the session middleware: the signed-in user and session, or signed out. */
      auth?: RequestAuth;
      /** Set by the request log: this request's id, echoed in X-Request-Id. */
      requestId?: string;
      /** Set by the security headers: the nonce this page's inline scripts carry. */
      cspNonce?: string;
    }
  }
}

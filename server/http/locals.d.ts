// What our middleware leaves in res.locals for the handlers after it (Express types it as `any`).
import type { RequestAuth } from "../trpc/context";
import type { RequestBody } from "./body-limit";

declare global {
  namespace Express {
    interface Locals {
      /** Set by the session middleware: the signed-in user and session, or signed out. */
      auth?: RequestAuth;
      /** Set by the request log: this request's id, echoed in X-Request-Id. */
      requestId?: string;
      /** Set by the security headers: the nonce this page's inline scripts carry. */
      cspNonce?: string;
      /** Set by the body limit: the request's body, read whole or counted (null: none). */
      body?: RequestBody;
      /** Set by the body limit when the body passed its cap (the answer is a 413, whoever reads it). */
      bodyTooLarge?: boolean;
    }
  }
}

// What the Express server hands every Remix loader and action (server/app.ts getLoadContext).
import type { RequestAuth } from "../server/trpc/context";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Who is making the request, found once by the session middleware. */
    auth: RequestAuth;
    requestId: string;
    /** The client's address (the socket's, or the trusted proxy's X-Forwarded-For) and user-agent. */
    client: { ip: string | null; userAgent: string | null };
    /** This response's CSP nonce, for the inline scripts Remix renders. */
    cspNonce: string;
    /**
     * Headers the server adds to this request's answer, for what Remix would drop: it keeps only
     * cookies from an action's own headers when it renders a page (Retry-After on a 429).
     */
    answerHeaders: Headers;
  }
  interface Future {
    v3_singleFetch: true;
  }
}

// The one Stripe client of this process (the official `stripe` package), pointed where
// stripe-endpoint.ts says (Stripe itself, or a fake on loopback), and the one place Stripe's errors
// become ours: the caller's mistakes → FieldError / ConflictError, Stripe not answering → a 503.
import { createHash } from "node:crypto";
import Stripe from "stripe";
import { env } from "../env";
import { ConflictError, StripeUnavailableError } from "../errors";
import { logger } from "../logger";
import { singleton } from "../utils/singleton";
import { stripeApiBaseUrl } from "./stripe-endpoint";

/** One Stripe request's bound; the package retries 429/5xx/connection errors itself (twice). */
const STRIPE_TIMEOUT_MS = 10_000;
const STRIPE_MAX_RETRIES = 2;

/** Billing is not configured on this instance (no key, no fake): callers refuse with this. */
export const BILLING_NOT_CONFIGURED =
  "This instance of Sales-as-Code has no billing set up, so every feature is already on and there is nothing to pay.";

export class BillingNotConfiguredError extends ConflictError {
  override name = "BillingNotConfiguredError";
  constructor() {
    super(BILLING_NOT_CONFIGURED);
  }
}

type Cached = { key: string; client: Stripe } | null;
const cache = singleton<{ current: Cached }>("stripe-client", () => ({ current: null }));

/** The client for the configured Stripe; throws BillingNotConfiguredError without one. */
export function stripeClient(): Stripe {
  const config = env().stripe;
  if (!config) throw new BillingNotConfiguredError();
  const base = stripeApiBaseUrl();
  // The demo's fake, not started in this process: never fall through to the real api.stripe.com.
  if (config.kind === "fake" && !base) throw new StripeUnavailableError();
  // Re-created when the key or the endpoint changes (a test's fake, the demo's fake once started).
  const key = `${config.secretKey}|${base ?? ""}`;
  if (cache.current?.key === key) return cache.current.client;
  const url = base ? new URL(base) : null;
  const client = new Stripe(config.secretKey, {
    maxNetworkRetries: STRIPE_MAX_RETRIES,
    timeout: STRIPE_TIMEOUT_MS,
    telemetry: false,
    appInfo: { name: "Sales-as-Code", url: env().APP_URL },
    ...(url
      ? {
          host: url.hostname,
          port: url.port || (url.protocol === "https:" ? 443 : 80),
          protocol: url.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
  cache.current = { key, client };
  return client;
}

/**
 * An idempotency key for a POST: a readable purpose and the hash of what makes the request unique.
 * Stripe replays the first answer for the same key (24 hours) and refuses the same key with other
 * parameters, so each caller says why its parts are the right ones.
 */
export function idempotencyKey(purpose: string, ...parts: Array<string | number | null | undefined>): string {
  const digest = createHash("sha256")
    .update(parts.map((part) => String(part ?? "")).join("\u0000"))
    .digest("base64url")
    .slice(0, 32);
  return `sac-${purpose}-${digest}`;
}

/** A hash of request parameters, for keys that must change when the parameters do. */
export function paramsHash(params: unknown): string {
  return createHash("sha256").update(JSON.stringify(params)).digest("base64url").slice(0, 16);
}

function isStripeError(error: unknown): error is Stripe.errors.StripeError {
  return error instanceof Stripe.errors.StripeError;
}

/** Stripe's "no such object" (a 404 with code resource_missing), raw or as callStripe mapped it. */
export function isMissing(error: unknown): boolean {
  const stripeError = error instanceof ConflictError ? error.cause : error;
  return isStripeError(stripeError) && (stripeError.statusCode === 404 || stripeError.code === "resource_missing");
}

/** Whether Stripe could not be reached or failed on its side (after the package's own retries). */
export function isStripeUnavailable(error: unknown): boolean {
  if (error instanceof StripeUnavailableError) return true;
  if (!isStripeError(error)) return false;
  return (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    (error.statusCode ?? 0) >= 500 ||
    error.statusCode === 429
  );
}

/**
 * Runs a Stripe call and maps its failure: unreachable / 5xx / 429 → StripeUnavailableError (503);
 * our own credentials refused → the same 503 for the user and an error in the log (a person must fix
 * the key); a reused idempotency key or Stripe's refusal of the request → ConflictError (409) with
 * Stripe's words; anything else is rethrown.
 */
export async function callStripe<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw mapStripeError(what, error);
  }
}

export function mapStripeError(what: string, error: unknown): unknown {
  if (!isStripeError(error)) return error;
  const detail = { what, type: error.type, code: error.code, status: error.statusCode, requestId: error.requestId };
  if (isStripeUnavailable(error)) {
    logger().warn(detail, "Stripe did not answer");
    return new StripeUnavailableError();
  }
  if (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  ) {
    logger().error(detail, "Stripe refused our API key: check STRIPE_SECRET_KEY");
    return new StripeUnavailableError(
      "Billing cannot reach Stripe right now (its key is being fixed). Try again later.",
    );
  }
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    logger().warn(detail, "Stripe refused a reused idempotency key");
    return new ConflictError("That request is already being handled. Reload the page and try again.", {
      cause: error,
    });
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError) {
    logger().warn(detail, "Stripe refused a request");
    // Stripe's own words (they name the parameter); the original stays as the cause (isMissing).
    return new ConflictError(`Stripe refused this: ${error.message}`, { cause: error });
  }
  return error;
}

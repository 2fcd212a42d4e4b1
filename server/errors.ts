// Errors capability code throws for the caller's mistakes. The tRPC layer turns them into the
// right status (server/trpc/init.ts); anything else is our fault and becomes a 500 with a log line.

/** The record does not exist — or belongs to someone else, which callers must not be able to tell apart. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
  constructor(what: string) {
    super(`That ${what} does not exist, or was deleted.`);
  }
}

/** Input that is well-formed but not acceptable, tied to the field to show it next to. */
export class FieldError extends Error {
  override name = "FieldError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A rate limit refused the attempt. Becomes a 429 with `Retry-After` everywhere: tRPC over HTTP
 * (server/trpc/http.ts), and form actions (rateLimitedAnswer in app/utils/auth-forms.server.ts).
 */
export class RateLimitedError extends Error {
  override name = "RateLimitedError";
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(tooManyAttemptsMessage(seconds));
    this.retryAfterSeconds = seconds;
  }
}

/** "Too many attempts … wait 2 minutes": what a person is told with a 429 (its Retry-After, in words). */
export function tooManyAttemptsMessage(retryAfterSeconds: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const minutes = Math.ceil(seconds / 60);
  const wait =
    seconds < 60
      ? `${seconds} ${seconds === 1 ? "second" : "seconds"}`
      : minutes === 1
        ? "a minute"
        : `${minutes} minutes`;
  return `Too many attempts. For your security, wait ${wait} and try again.`;
}

/**
 * The feature is part of Pro and the account is on Free (its trial ended, a subscription was
 * cancelled, or a past-due one ran out of grace). Becomes a 402 with this message, which says how
 * to get it back; nothing was changed.
 */
export class PlanRequiredError extends Error {
  override name = "PlanRequiredError";
  constructor(readonly feature: string) {
    super(
      `${feature} is part of the Pro plan. Upgrade under Settings → Billing to turn it back on; your data stays as it is.`,
    );
  }
}

/** The request conflicts with the record's current state (e.g. a second subscription). Becomes a 409. */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** Stripe did not answer (down, 5xx, rate-limited after the client's retries). Becomes a 503: try again. */
export class StripeUnavailableError extends Error {
  override name = "StripeUnavailableError";
  constructor(message = "Stripe is not answering at the moment, so nothing was changed. Try again in a minute.") {
    super(message);
  }
}

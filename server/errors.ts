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

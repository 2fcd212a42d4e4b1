// "The database is not answering" as one question, for every layer that must answer it the same
// way: a 503 (try again) instead of a 500 (our bug) or a request that hangs. Drivers and Prisma
// report it in several shapes, so this looks through the error and its causes.

/** What the user reads when the database does not answer. */
export const DATABASE_UNAVAILABLE_MESSAGE = "The database is not answering right now. Try again in a moment.";

// node-postgres's own timeouts and dropped connections (messages: it sets no code on them).
const DRIVER_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated due to connection timeout|Connection terminated unexpectedly|Query read timeout|Client has encountered a connection error/i;
// Sockets that could not reach the server.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE"]);
// PostgreSQL: statement cancelled (our statement_timeout), shutting down, starting up, too many connections.
const SERVER_CODES = new Set(["57014", "57P01", "57P02", "57P03", "53300"]);
// Prisma: cannot reach, timed out, server closed the connection, no connection from the pool in time.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; current && typeof current === "object" && !seen.has(current);) {
    seen.add(current);
    const { code, message, cause, originalCode } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      originalCode?: unknown;
    };
    if (typeof code === "string" && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || PRISMA_CODES.has(code)))
      return true;
    if (typeof originalCode === "string" && SERVER_CODES.has(originalCode)) return true;
    if (typeof message === "string" && DRIVER_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}

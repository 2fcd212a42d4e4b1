// Two writers that lock the same rows in opposite orders (an account purge cascading through a user's
// rows while a Stripe webhook updates that user's billing row) make PostgreSQL end one of them with a
// deadlock (40P01) or a serialization failure (40001); Prisma reports either as P2034. Such a write
// did nothing and succeeds when run again, so it is retried rather than failed.

const CONFLICT_CODES = new Set(["P2034", "40P01", "40001"]);

export function isWriteConflict(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; current && typeof current === "object" && !seen.has(current);) {
    seen.add(current);
    const { code, originalCode, cause } = current as { code?: unknown; originalCode?: unknown; cause?: unknown };
    if (typeof code === "string" && CONFLICT_CODES.has(code)) return true;
    if (typeof originalCode === "string" && CONFLICT_CODES.has(originalCode)) return true;
    current = cause;
  }
  return false;
}

/** Runs `write` (a whole statement or transaction: it must be safe to repeat), again after a conflict. */
export async function retryOnWriteConflict<T>(write: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isWriteConflict(error)) throw error;
      // A short, growing, jittered pause so the two writers do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, attempt * 20 + Math.random() * 30));
    }
  }
}

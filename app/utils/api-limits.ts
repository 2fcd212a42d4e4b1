// Limits the API enforces and its own client respects, in one module both sides import (it has no
// imports of its own, so it is safe in the browser bundle).

/**
 * The most calls one batched /api/trpc request may carry. A page batches the queries it starts in
 * one tick (a handful); an unbounded batch let one POST run 1,000 creates. The client splits at the
 * same number, so it never meets the limit.
 */
export const MAX_CALLS_PER_BATCH = 20;

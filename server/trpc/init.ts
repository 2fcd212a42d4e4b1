// tRPC's building blocks (after create-t3-app's server/api/trpc.ts): one initialisation, the
// procedure kinds every router uses, and an error shape that carries zod's field errors to clients.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { findNulPath, NUL_MESSAGE } from "../crm/limits";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../db/unavailable";
import {
  ConflictError,
  FieldError,
  NotFoundError,
  PlanRequiredError,
  RateLimitedError,
  StripeUnavailableError,
} from "../errors";
import { logger } from "../logger";
import { MAX_CALLS_PER_BATCH } from "../../app/utils/api-limits";
import type { TrpcContext } from "./context";

export type ProcedureMeta = {
  /**
   * The procedure reports NUL characters in its input itself, in its own words (the importer names
   * each one by its JSON path among the file's other problems), so the API-wide refusal steps aside.
   */
  reportsNulItself?: boolean;
};

/** tRPC's own words when a batch passes maxBatchSize (./http.ts), and ours, which say the limit. */
const TRPC_BATCH_TOO_LARGE = "Batch call exceeds maximum size";
export const BATCH_TOO_LARGE = `One request may carry at most ${MAX_CALLS_PER_BATCH} calls; send the rest in another request.`;

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    // Stacks never leave the server, in development either: they name our files and the libraries'.
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        // A failure on our side: its message can be Prisma's invocation text (the query's shape, a
        // user's id) and its stack our file layout. Those go to the log (onError in ./http.ts); the
        // answer says only that it failed and which request to look up.
        return { ...shape, message: internalErrorMessage(ctx?.requestId), data: { ...shape.data, zodError: null } };
      }
      if (error.code === "BAD_REQUEST" && error.message === TRPC_BATCH_TOO_LARGE) {
        return { ...shape, message: BATCH_TOO_LARGE, data: { ...shape.data, zodError: null } };
      }
      const zodError =
        error.cause instanceof ZodError
          ? z.flattenError(error.cause)
          : error.cause instanceof FieldError
            ? { formErrors: [], fieldErrors: { [error.cause.field]: [error.cause.message] } }
            : null;
      return { ...shape, data: { ...shape.data, zodError: zodError && withSerializableFields(zodError) } };
    },
  });

/**
 * A field's name can be a key the caller sent (a NUL found under it, a record's key): superjson
 * refuses to serialise an object with a key such as "constructor" (prototype pollution), which
 * turned a 400 into a 500. Those few names cannot be fields of ours, so their errors join the
 * form's.
 */
const UNSERIALIZABLE_KEYS = new Set(["__proto__", "constructor", "prototype"]);
function withSerializableFields(flat: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> }) {
  const fieldErrors: Record<string, string[]> = {};
  const formErrors = [...flat.formErrors];
  for (const [field, messages] of Object.entries(flat.fieldErrors)) {
    if (!messages) continue;
    if (UNSERIALIZABLE_KEYS.has(field)) formErrors.push(...messages);
    else fieldErrors[field] = messages;
  }
  return { formErrors, fieldErrors };
}

/** What a caller is told about a failure on our side: nothing but where to find it in our logs. */
export function internalErrorMessage(requestId: string | undefined): string {
  return `Something went wrong on our side. Reference: ${requestId ?? "unknown"}`;
}

/**
 * A capability error as the status it means: NotFoundError → 404, FieldError → 400 with the field,
 * a database that does not answer → 503 (try again; server/db/unavailable.ts), not a 500,
 * PlanRequiredError → 402, ConflictError → 409, StripeUnavailableError → 503,
 * RateLimitedError → 429 (server/trpc/http.ts adds its Retry-After).
 */
export function asTrpcError(error: unknown): unknown {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (cause instanceof NotFoundError) return new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  if (cause instanceof FieldError) return new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  if (cause instanceof PlanRequiredError)
    return new TRPCError({ code: "PAYMENT_REQUIRED", message: cause.message, cause });
  if (cause instanceof ConflictError) return new TRPCError({ code: "CONFLICT", message: cause.message, cause });
  if (cause instanceof StripeUnavailableError)
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
  if (!(error instanceof TRPCError && error.code === "SERVICE_UNAVAILABLE") && isDatabaseUnavailable(cause))
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: DATABASE_UNAVAILABLE_MESSAGE, cause });
  if (cause instanceof RateLimitedError && !(error instanceof TRPCError && error.code === "TOO_MANY_REQUESTS"))
    return new TRPCError({ code: "TOO_MANY_REQUESTS", message: cause.message, cause });
  return error;
}

const mapCapabilityErrors = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = asTrpcError(result.error);
    if (
      mapped instanceof TRPCError &&
      mapped.code === "SERVICE_UNAVAILABLE" &&
      mapped !== result.error &&
      !(mapped.cause instanceof StripeUnavailableError)
    )
      logger().error({ requestId: ctx.requestId, procedure: path, err: result.error.cause }, "database unavailable");
    if (mapped !== result.error) throw mapped;
  }
  return result;
});

/**
 * PostgreSQL text cannot hold U+0000: a NUL anywhere in an input (a value or a key, however deep) is
 * the caller's mistake, answered as a 400 naming the field, before any procedure can pass it to the
 * database and fail there as a 500. Every door goes through it: HTTP, and the server-side caller
 * that Remix forms use.
 */
const refuseNul = t.middleware(async ({ meta, getRawInput, next }) => {
  if (meta?.reportsNulItself) return next();
  const path = findNulPath(await getRawInput());
  if (path) {
    const field = path.find((part): part is string => typeof part === "string");
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: NUL_MESSAGE,
      ...(field ? { cause: new FieldError(field, NUL_MESSAGE) } : {}),
    });
  }
  return next();
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone may call it: health checks and sign-in helpers. */
export const publicProcedure = t.procedure.use(mapCapabilityErrors).use(refuseNul);

/** Requires a signed-in user; `ctx.user` is non-null inside. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user || !ctx.session) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  }
  return next({ ctx: { ...ctx, user: ctx.user, session: ctx.session } });
});

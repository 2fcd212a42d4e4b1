// tRPC's building blocks (after create-t3-app's server/api/trpc.ts): one initialisation, the
// procedure kinds every router uses, and an error shape that carries zod's field errors to clients.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { FieldError, NotFoundError, RateLimitedError } from "../errors";
import type { TrpcContext } from "./context";

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodError =
      error.cause instanceof ZodError
        ? z.flattenError(error.cause)
        : error.cause instanceof FieldError
          ? { formErrors: [], fieldErrors: { [error.cause.field]: [error.cause.message] } }
          : null;
    return { ...shape, data: { ...shape.data, zodError } };
  },
});

/**
 * A capability error as the status it means: NotFoundError → 404, FieldError → 400 with the field,
 * RateLimitedError → 429 (server/trpc/http.ts adds its Retry-After).
 */
export function asTrpcError(error: unknown): unknown {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (cause instanceof NotFoundError) return new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  if (cause instanceof FieldError) return new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  if (cause instanceof RateLimitedError && !(error instanceof TRPCError && error.code === "TOO_MANY_REQUESTS"))
    return new TRPCError({ code: "TOO_MANY_REQUESTS", message: cause.message, cause });
  return error;
}

const mapCapabilityErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = asTrpcError(result.error);
    if (mapped !== result.error) throw mapped;
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone may call it: health checks and sign-in helpers. */
export const publicProcedure = t.procedure.use(mapCapabilityErrors);

/** Requires a signed-in user; `ctx.user` is non-null inside. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user || !ctx.session) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  }
  return next({ ctx: { ...ctx, user: ctx.user, session: ctx.session } });
});

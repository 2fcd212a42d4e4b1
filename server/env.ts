// The one place that reads process.env. Every variable is validated with zod at start-up; a bad
// value stops the process with a message naming the variable, instead of failing later and far away.
// Every variable is documented in README.md and .env.example.
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
    message: "must be true or false",
  })
  .transform((value) => ["true", "1", "yes", "on"].includes(value));

const postgresUrl = z
  .string()
  .url("must be a URL such as postgres://user:password@host:5432/database")
  .refine((value) => /^postgres(ql)?:\/\//.test(value), "must start with postgres:// or postgresql://");

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Port the HTTP server listens on. */
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Interface to bind; 127.0.0.1 keeps a demo private to this machine, 0.0.0.0 for containers. */
    HOST: z.string().min(1).default("127.0.0.1"),
    /** The public origin users reach the app at; links in mail and OAuth redirects are built on it. */
    APP_URL: z.string().url("must be an absolute URL such as https://app.example.com").optional(),
    /** PostgreSQL (or Neon) connection string. Unset: the embedded PGlite database in DATA_DIR. */
    DATABASE_URL: postgresUrl.optional(),
    /** Where the embedded database and other local state live when DATABASE_URL is unset. */
    DATA_DIR: z.string().min(1).default("./.data"),
    /** Seed the demo user and workspace when the database has no users yet. Default: on for the
     *  embedded database, off for PostgreSQL. */
    DEMO_MODE: booleanFlag.optional(),
    /** pino level; `silent` turns request logs off. */
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Trust X-Forwarded-For / X-Forwarded-Proto from one proxy hop (set behind a load balancer). */
    TRUST_PROXY: booleanFlag.default(false),
  })
  .transform((raw) => {
    const appUrl = new URL(raw.APP_URL ?? `http://localhost:${raw.PORT}`);
    const isProduction = raw.NODE_ENV === "production";
    const loopbackHttp = appUrl.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(appUrl.hostname);
    return {
      ...raw,
      APP_URL: appUrl.origin,
      /** Secure cookies and HSTS: in production, unless the app is served to this very machine over
       *  plain http (`npm start` on a laptop), where browsers would drop a Secure cookie. */
      httpsProtections: isProduction && !loopbackHttp,
      DATA_DIR: path.resolve(raw.DATA_DIR),
      DEMO_MODE: raw.DEMO_MODE ?? raw.DATABASE_URL === undefined,
      isProduction,
      database: raw.DATABASE_URL ? ("postgres" as const) : ("pglite" as const),
    };
  });

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** Validates a set of variables; throws an EnvError naming every bad one. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    const value = issue.path.length ? source[String(issue.path[0])] : undefined;
    const shown = value === undefined ? "" : ` (got ${JSON.stringify(redactUrl(value))})`;
    return `  ${name}: ${issue.message}${shown}`;
  });
  throw new EnvError(`Invalid environment:\n${lines.join("\n")}\nSee .env.example for every variable.`);
}

function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@]+)@/, "//$1:***@");
}

let cached: Env | undefined;

/** The validated environment of this process (parsed once; a `.env` file is read if present). */
export function env(): Env {
  if (!cached) {
    // Tests never read .env: a developer's local settings must not change what tests see.
    if (process.env.NODE_ENV !== "test" && existsSync(".env")) {
      process.loadEnvFile(".env");
    }
    cached = parseEnv(process.env);
  }
  return cached;
}

/** Tests change variables and call this to make env() read them again. */
export function resetEnvCache(): void {
  cached = undefined;
}

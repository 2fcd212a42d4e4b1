// The one place that reads process.env. Every variable is validated with zod at start-up; a bad
// value stops the process with a message naming the variable, instead of failing later and far away.
// Every variable is documented in README.md and .env.example.
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
    message: "must be true or false",
  })
  .transform((value) => ["true", "1", "yes", "on"].includes(value));

const FLAG_WORDS = { true: ["true", "1", "yes", "on"], false: ["false", "0", "no", "off"] };
/** What TRUST_PROXY=true means: a proxy on this machine or on a private network (Express's presets
 *  for 127.0.0.0/8 + ::1, 169.254.0.0/16 + fe80::/10, and 10/8, 172.16/12, 192.168/16 + fc00::/7). */
export const TRUSTED_PRIVATE_PROXIES = ["loopback", "linklocal", "uniquelocal"];
const PROXY_PRESETS = new Set(TRUSTED_PRIVATE_PROXIES);

/** An address Express's `trust proxy` understands: a preset, an IP, or a subnet (IP/bits or IP/netmask). */
function isProxyAddress(entry: string): boolean {
  if (PROXY_PRESETS.has(entry)) return true;
  const [address, mask, ...rest] = entry.split("/");
  if (rest.length > 0 || !address || !isIP(address)) return false;
  if (mask === undefined) return true;
  if (/^\d{1,3}$/.test(mask)) return Number(mask) <= (isIP(address) === 4 ? 32 : 128);
  return isIP(mask) === isIP(address);
}

/**
 * TRUST_PROXY: which peers may tell us the client's address (X-Forwarded-For) and protocol. `false`
 * (default) trusts nobody; `true` trusts proxies on this machine or a private network only, so a
 * client reaching the app directly cannot choose its own address (a rotating X-Forwarded-For would
 * slip past per-IP limits); a list names them; a number trusts that many hops whoever they are.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((value, ctx): false | number | string[] => {
    const lower = value.toLowerCase();
    if (FLAG_WORDS.false.includes(lower)) return false;
    if (FLAG_WORDS.true.includes(lower)) return TRUSTED_PRIVATE_PROXIES;
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops >= 1 && hops <= 10) return hops;
    }
    const entries = value.split(",").map((entry) => entry.trim());
    if (entries.every(isProxyAddress)) return entries;
    ctx.addIssue({
      code: "custom",
      message:
        "must be false, true (proxies on this machine or a private network), a hop count from 1 to 10, or a comma-separated list of loopback, linklocal, uniquelocal, IP addresses and subnets",
    });
    return z.NEVER;
  });

const postgresUrl = z
  .string()
  .url("must be a URL such as postgres://user:password@host:5432/database")
  .refine((value) => /^postgres(ql)?:\/\//.test(value), "must start with postgres:// or postgresql://");

/** True for a loopback host, where plain http is acceptable (a fake on this machine). */
export function isLoopbackHost(hostname: string): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(hostname);
}

/** A Salesforce login host: an origin (no path), https unless it is on this machine. Trailing slash dropped. */
const loginUrl = z
  .string()
  .url("must be an absolute URL such as https://login.salesforce.com")
  .transform((value, ctx) => {
    const url = new URL(value);
    if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "must be an origin only, such as https://test.salesforce.com" });
      return z.NEVER;
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
      ctx.addIssue({ code: "custom", message: "must use https" });
      return z.NEVER;
    }
    return url.origin;
  });

/** The demo's fake Stripe (tests/fakes/stripe): its test-mode key, signing secret and Pro prices. */
export const FAKE_STRIPE_DEMO = {
  secretKey: "sk_test_salesascode_demo",
  webhookSecret: "whsec_salesascode_demo",
  prices: { month: "price_demo_pro_monthly", year: "price_demo_pro_yearly" },
} as const;

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
    /** PostgreSQL only: how long opening a connection may take before the request fails (503). */
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    /** PostgreSQL only: how long one statement of a request may run (the server cancels it, and the
     *  client gives up 5 s later if the server cannot even answer). Migrations and jobs are exempt. */
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
    /** Where the embedded database and other local state live when DATABASE_URL is unset. */
    DATA_DIR: z.string().min(1).default("./.data"),
    /** Seed the demo user and workspace when the database has no users yet. Default: on for the
     *  embedded database, off for PostgreSQL. */
    DEMO_MODE: booleanFlag.optional(),
    /** pino level; `silent` turns request logs off. */
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Which proxies may set X-Forwarded-For / X-Forwarded-Proto / X-Request-Id (see `trustProxy`). */
    TRUST_PROXY: trustProxy.default(false),
    /** Serve the development-only routes (/dev/outbox). Default: on in development when no proxy is
     *  trusted. Never together with TRUST_PROXY: behind a proxy every visitor looks like this machine. */
    DEV_ROUTES: booleanFlag.optional(),

    /** Google sign-in (an OAuth client of type "Web application"); both or neither. */
    GOOGLE_CLIENT_ID: z.string().min(1).optional(),
    GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
    /** Google's endpoints; overridden only to point at a fake Google. */
    GOOGLE_AUTHORIZATION_ENDPOINT: z.string().url().default("https://accounts.google.com/o/oauth2/v2/auth"),
    GOOGLE_TOKEN_ENDPOINT: z.string().url().default("https://oauth2.googleapis.com/token"),
    GOOGLE_JWKS_URI: z.string().url().default("https://www.googleapis.com/oauth2/v3/certs"),
    GOOGLE_ISSUER: z.string().min(1).default("https://accounts.google.com"),
    /** Serve a fake Google at /dev/fake-google and sign in through it. Default: on in DEMO_MODE
     *  when no Google client is configured, so "Continue with Google" works on a fresh machine. */
    FAKE_GOOGLE: booleanFlag.optional(),

    /** Salesforce (an External Client App or Connected App with PKCE); both or neither. */
    SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
    SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
    /** Where sellers log in to Salesforce by default: production, a sandbox (https://test.salesforce.com)
     *  or an org's My Domain. An origin only; https (plain http only on this machine, for a fake). */
    SALESFORCE_LOGIN_URL: loginUrl.default("https://login.salesforce.com"),
    /** Serve a fake Salesforce (its OAuth and, with it, its API) at /dev/fake-salesforce. Default: on
     *  in DEMO_MODE when no Salesforce client is configured, so connecting works on a fresh machine. */
    FAKE_SALESFORCE: booleanFlag.optional(),

    /** Outreach (an OAuth app in Outreach's developer portal); both or neither. */
    OUTREACH_CLIENT_ID: z.string().min(1).optional(),
    OUTREACH_CLIENT_SECRET: z.string().min(1).optional(),
    /** Outreach's endpoints; overridden only to point at a fake Outreach. */
    OUTREACH_AUTHORIZATION_ENDPOINT: z.string().url().default("https://api.outreach.io/oauth/authorize"),
    OUTREACH_TOKEN_ENDPOINT: z.string().url().default("https://api.outreach.io/oauth/token"),
    OUTREACH_API_BASE_URL: z.string().url().default("https://api.outreach.io/api/v2"),
    /** Serve a fake Outreach (OAuth at /oauth, API at /api/v2) at /dev/fake-outreach. Default: on in
     *  DEMO_MODE when no Outreach client is configured. */
    FAKE_OUTREACH: booleanFlag.optional(),

    /** Stripe (billing). The secret key (sk_live_… or sk_test_…) and the webhook endpoint's signing
     *  secret (whsec_…) go together; unset with no fake: this instance has no billing and every
     *  feature is on for everyone. */
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(live|test)_[A-Za-z0-9_]+$/, "must be a Stripe secret key (sk_live_… or sk_test_…)")
      .optional(),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_[A-Za-z0-9_+/=]+$/, "must be a webhook signing secret (whsec_…)")
      .optional(),
    /** The Pro plan's prices (price_…), monthly and yearly; required with STRIPE_SECRET_KEY. */
    STRIPE_PRICE_PRO_MONTHLY: z
      .string()
      .regex(/^price_[A-Za-z0-9_]+$/, "must be a Stripe price id (price_…)")
      .optional(),
    STRIPE_PRICE_PRO_YEARLY: z
      .string()
      .regex(/^price_[A-Za-z0-9_]+$/, "must be a Stripe price id (price_…)")
      .optional(),
    /** A Customer Portal configuration (bpc_…); unset: the account's default configuration. */
    STRIPE_PORTAL_CONFIGURATION: z
      .string()
      .regex(/^bpc_[A-Za-z0-9_]+$/, "must be a portal configuration id (bpc_…)")
      .optional(),
    /** Where the Stripe API is reached (an origin); overridden only to point at a fake Stripe. */
    STRIPE_API_BASE_URL: z.string().url().optional(),
    /** Run a fake Stripe (its API, hosted checkout and portal) on its own port, FAKE_STRIPE_PORT, for
     *  the demo. Default: on in DEMO_MODE when no Stripe key is configured. */
    FAKE_STRIPE: booleanFlag.optional(),
    /** The fake Stripe's port (on HOST); 0 picks a free one. */
    FAKE_STRIPE_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /** Days of Pro every new account gets, without a card. */
    BILLING_TRIAL_DAYS: z.coerce.number().int().min(0).max(365).default(14),
    /** Days a past-due subscription keeps Pro (with a banner) before the account falls back to Free. */
    BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(7),
    /** Brain answers written with the server's Claude key that a Pro account gets each calendar month. */
    BILLING_PRO_BRAIN_ANSWERS: z.coerce.number().int().min(0).max(1_000_000).default(500),

    /** SMTP server for transactional mail, e.g. smtps://user:pass@smtp.example.com:465. Unset: mail
     *  stays in the outbox (readable at /dev/outbox from this machine in development and demo). */
    SMTP_URL: z
      .string()
      .url("must be a URL such as smtps://user:password@smtp.example.com:465")
      .refine((value) => /^smtps?:\/\//.test(value), "must start with smtp:// or smtps://")
      .optional(),
    /** The From address of transactional mail. */
    MAIL_FROM: z.string().min(3).default("Sales-as-Code <no-reply@salesascode.example>"),

    /** The brain's server key. Unset: answers are retrieval-only, unless a user brings their own key. */
    ANTHROPIC_API_KEY: z.string().min(1).optional(),
    /** The Claude model the brain asks. */
    ANTHROPIC_MODEL: z.string().min(1).default("claude-sonnet-5"),
    /** Where the server reaches Claude (a fake in tests and the local demo). */
    ANTHROPIC_BASE_URL: z.string().url().default("https://api.anthropic.com"),
    /** Where browsers reach Claude with a user's own key (P16); allowed in the pages' CSP. */
    ANTHROPIC_BROWSER_BASE_URL: z.string().url().default("https://api.anthropic.com"),
    /** Keys that encrypt connection tokens at rest (P15): "id:base64-of-32-bytes[,id:…]". The first is
     *  used to encrypt; all are tried by id to decrypt (rotation). Unset on the embedded database: a
     *  key is generated once into DATA_DIR/token-keys.json. Required with DATABASE_URL. */
    TOKEN_ENCRYPTION_KEYS: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=]{43,44}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=]{43,44})*$/,
        "must be id:base64key pairs separated by commas (32-byte keys)",
      )
      .optional(),
    /** Where the Gmail and Calendar APIs are reached; overridden only to point at a fake Google. The
     *  built-in fake (FAKE_GOOGLE) serves both at /dev/fake-google-apis. */
    GOOGLE_API_BASE_URL: z.string().url().optional(),
    /** Google's token revocation endpoint (RFC 7009); overridden only for a fake Google. */
    GOOGLE_REVOCATION_ENDPOINT: z.string().url().default("https://oauth2.googleapis.com/revoke"),
    /** How often each connection is polled for what changed, in minutes. */
    SYNC_POLL_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
    /** A first (or full) Gmail sync reads this many days of mail back. */
    SYNC_MAIL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** A first (or full) Calendar sync reads events from this many days back … */
    SYNC_CALENDAR_PAST_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
    /** … to this many days ahead. */
    SYNC_CALENDAR_FUTURE_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    /** Tries in a row a temporary error (429, 5xx, network) gets before the connection is marked failed. */
    SYNC_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    /** Run background jobs (deletion purges, polling, mail) in this process. */
    JOBS: booleanFlag.default(true),
    /** How long one answer may take before it is stopped, in ms. */
    BRAIN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(90_000),
  })
  .superRefine((raw, ctx) => {
    // Dev routes show what only this machine may see (every user's reset links); behind a proxy
    // every request arrives from the proxy, i.e. from "this machine" (docs/decisions/013).
    for (const name of ["DEV_ROUTES", "FAKE_GOOGLE", "FAKE_SALESFORCE", "FAKE_OUTREACH", "FAKE_STRIPE"] as const) {
      if (raw[name] === true && raw.TRUST_PROXY !== false) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `${name} serves development-only routes, which must never be reached through a proxy; unset TRUST_PROXY or ${name}`,
        });
      }
    }
    for (const tool of ["GOOGLE", "SALESFORCE", "OUTREACH"] as const) {
      const id = raw[`${tool}_CLIENT_ID`];
      const secret = raw[`${tool}_CLIENT_SECRET`];
      if (Boolean(id) !== Boolean(secret)) {
        ctx.addIssue({
          code: "custom",
          path: [id ? `${tool}_CLIENT_SECRET` : `${tool}_CLIENT_ID`],
          message: `${tool}_CLIENT_ID and ${tool}_CLIENT_SECRET go together: set both or neither`,
        });
      }
    }
    if (raw.STRIPE_SECRET_KEY) {
      for (const name of ["STRIPE_WEBHOOK_SECRET", "STRIPE_PRICE_PRO_MONTHLY", "STRIPE_PRICE_PRO_YEARLY"] as const) {
        if (!raw[name])
          ctx.addIssue({ code: "custom", path: [name], message: `${name} is required with STRIPE_SECRET_KEY` });
      }
    }
  })
  .transform((raw) => {
    const appUrl = new URL(raw.APP_URL ?? `http://localhost:${raw.PORT}`);
    const isProduction = raw.NODE_ENV === "production";
    const behindProxy = raw.TRUST_PROXY !== false;
    // The demo is a shared account (docs/decisions/013): on by default only for a fresh machine's
    // embedded database, not for an instance that declares a proxy in front of it.
    const demoMode = raw.DEMO_MODE ?? (raw.DATABASE_URL === undefined && !behindProxy);
    const fakeGoogle = raw.FAKE_GOOGLE ?? (demoMode && !raw.GOOGLE_CLIENT_ID && !behindProxy);
    const fakeSalesforce = raw.FAKE_SALESFORCE ?? (demoMode && !raw.SALESFORCE_CLIENT_ID && !behindProxy);
    const fakeOutreach = raw.FAKE_OUTREACH ?? (demoMode && !raw.OUTREACH_CLIENT_ID && !behindProxy);
    const fakeStripe = raw.FAKE_STRIPE ?? (demoMode && !raw.STRIPE_SECRET_KEY && !behindProxy);
    const devRoutes = raw.DEV_ROUTES ?? (raw.NODE_ENV === "development" && !behindProxy);
    const appOrigin = appUrl.origin;
    const loopbackHttp = appUrl.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(appUrl.hostname);
    return {
      ...raw,
      APP_URL: appUrl.origin,
      /** Secure cookies and HSTS: in production, unless the app is served to this very machine over
       *  plain http (`npm start` on a laptop), where browsers would drop a Secure cookie. */
      httpsProtections: isProduction && !loopbackHttp,
      DATA_DIR: path.resolve(raw.DATA_DIR),
      DEMO_MODE: demoMode,
      FAKE_GOOGLE: fakeGoogle,
      FAKE_SALESFORCE: fakeSalesforce,
      FAKE_OUTREACH: fakeOutreach,
      FAKE_STRIPE: fakeStripe,
      DEV_ROUTES: devRoutes,
      /** The brain's server-side Claude, or null for retrieval-only answers. */
      claude: raw.ANTHROPIC_API_KEY
        ? {
            apiKey: raw.ANTHROPIC_API_KEY,
            model: raw.ANTHROPIC_MODEL,
            baseURL: raw.ANTHROPIC_BASE_URL,
            timeoutMs: raw.BRAIN_TIMEOUT_MS,
          }
        : null,
      /** Google sign-in as configured: the real Google, the built-in fake, or none at all. */
      google: fakeGoogle
        ? {
            kind: "fake" as const,
            clientId: "sales-as-code-demo",
            clientSecret: "fake-google-secret",
            authorizationEndpoint: `${appOrigin}/dev/fake-google/authorize`,
            tokenEndpoint: `${appOrigin}/dev/fake-google/token`,
            jwksUri: `${appOrigin}/dev/fake-google/certs`,
            issuer: `${appOrigin}/dev/fake-google`,
          }
        : raw.GOOGLE_CLIENT_ID && raw.GOOGLE_CLIENT_SECRET
          ? {
              kind: "google" as const,
              clientId: raw.GOOGLE_CLIENT_ID,
              clientSecret: raw.GOOGLE_CLIENT_SECRET,
              authorizationEndpoint: raw.GOOGLE_AUTHORIZATION_ENDPOINT,
              tokenEndpoint: raw.GOOGLE_TOKEN_ENDPOINT,
              jwksUri: raw.GOOGLE_JWKS_URI,
              issuer: raw.GOOGLE_ISSUER,
            }
          : null,
      /** The Gmail/Calendar API root, or null to use Google's (the official clients' default). */
      googleApiBaseUrl: raw.GOOGLE_API_BASE_URL ?? (fakeGoogle ? `${appOrigin}/dev/fake-google-apis` : null),
      googleRevocationEndpoint: fakeGoogle ? `${appOrigin}/dev/fake-google/revoke` : raw.GOOGLE_REVOCATION_ENDPOINT,
      /** Connecting Salesforce as configured: the real one (at SALESFORCE_LOGIN_URL by default), the
       *  built-in fake, or none. The login host is where the handshake, refreshes and revocation go;
       *  the API is at the instance_url each grant names. */
      salesforce: fakeSalesforce
        ? {
            kind: "fake" as const,
            clientId: "sales-as-code-demo-salesforce",
            clientSecret: "fake-salesforce-secret",
            loginUrl: `${appOrigin}/dev/fake-salesforce`,
          }
        : raw.SALESFORCE_CLIENT_ID && raw.SALESFORCE_CLIENT_SECRET
          ? {
              kind: "salesforce" as const,
              clientId: raw.SALESFORCE_CLIENT_ID,
              clientSecret: raw.SALESFORCE_CLIENT_SECRET,
              loginUrl: raw.SALESFORCE_LOGIN_URL,
            }
          : null,
      /** Connecting Outreach as configured: the real one, the built-in fake, or none. */
      outreach: fakeOutreach
        ? {
            kind: "fake" as const,
            clientId: "sales-as-code-demo-outreach",
            clientSecret: "fake-outreach-secret",
            authorizationEndpoint: `${appOrigin}/dev/fake-outreach/oauth/authorize`,
            tokenEndpoint: `${appOrigin}/dev/fake-outreach/oauth/token`,
            apiBaseUrl: `${appOrigin}/dev/fake-outreach/api/v2`,
          }
        : raw.OUTREACH_CLIENT_ID && raw.OUTREACH_CLIENT_SECRET
          ? {
              kind: "outreach" as const,
              clientId: raw.OUTREACH_CLIENT_ID,
              clientSecret: raw.OUTREACH_CLIENT_SECRET,
              authorizationEndpoint: raw.OUTREACH_AUTHORIZATION_ENDPOINT,
              tokenEndpoint: raw.OUTREACH_TOKEN_ENDPOINT,
              apiBaseUrl: raw.OUTREACH_API_BASE_URL.replace(/\/+$/, ""),
            }
          : null,
      /** Billing as configured: the real Stripe, the demo's fake (started by server/index.ts on
       *  FAKE_STRIPE_PORT; `apiBaseUrl` null until then), or none (no billing: everyone has Pro). */
      stripe: raw.STRIPE_SECRET_KEY
        ? {
            kind: "stripe" as const,
            secretKey: raw.STRIPE_SECRET_KEY,
            webhookSecret: raw.STRIPE_WEBHOOK_SECRET!,
            prices: { month: raw.STRIPE_PRICE_PRO_MONTHLY!, year: raw.STRIPE_PRICE_PRO_YEARLY! },
            portalConfiguration: raw.STRIPE_PORTAL_CONFIGURATION ?? null,
            apiBaseUrl: raw.STRIPE_API_BASE_URL ? new URL(raw.STRIPE_API_BASE_URL).origin : null,
          }
        : fakeStripe
          ? {
              kind: "fake" as const,
              secretKey: FAKE_STRIPE_DEMO.secretKey,
              webhookSecret: FAKE_STRIPE_DEMO.webhookSecret,
              prices: { month: FAKE_STRIPE_DEMO.prices.month, year: FAKE_STRIPE_DEMO.prices.year },
              portalConfiguration: null,
              apiBaseUrl: raw.STRIPE_API_BASE_URL ? new URL(raw.STRIPE_API_BASE_URL).origin : null,
              port: raw.FAKE_STRIPE_PORT,
            }
          : null,
      billing: {
        trialDays: raw.BILLING_TRIAL_DAYS,
        graceDays: raw.BILLING_GRACE_DAYS,
        proBrainAnswers: raw.BILLING_PRO_BRAIN_ANSWERS,
      },
      sync: {
        pollIntervalMs: raw.SYNC_POLL_INTERVAL_MINUTES * 60_000,
        mailDays: raw.SYNC_MAIL_DAYS,
        calendarPastDays: raw.SYNC_CALENDAR_PAST_DAYS,
        calendarFutureDays: raw.SYNC_CALENDAR_FUTURE_DAYS,
        maxAttempts: raw.SYNC_MAX_ATTEMPTS,
      },
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
    const variable = issue.path.length ? String(issue.path[0]) : null;
    const value = variable ? source[variable] : undefined;
    // Secrets are never echoed, not even when malformed.
    const shown =
      value === undefined || (variable && SECRET_VARIABLES.has(variable))
        ? ""
        : ` (got ${JSON.stringify(redactUrl(value))})`;
    return `  ${name}: ${issue.message}${shown}`;
  });
  throw new EnvError(`Invalid environment:\n${lines.join("\n")}\nSee .env.example for every variable.`);
}

const SECRET_VARIABLES = new Set([
  "TOKEN_ENCRYPTION_KEYS",
  "ANTHROPIC_API_KEY",
  "GOOGLE_CLIENT_SECRET",
  "SALESFORCE_CLIENT_SECRET",
  "OUTREACH_CLIENT_SECRET",
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
]);

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

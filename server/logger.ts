// Structured logs (pino). Request lines carry method, path, status, latency and request id — never
// secrets (P5): query values that could be credentials are replaced before anything is written, and
// no header (cookies, authorization) is ever logged. Fields that might hold secrets in other log
// lines are redacted by path as a second line of defence.
import pino, { type DestinationStream, type Logger } from "pino";
import { env } from "./env";
import { singleton } from "./utils/singleton";

export type { Logger };

/** Query parameters whose values never reach a log: OAuth codes and state, tokens, keys, passwords. */
const SENSITIVE_PARAM = /code|state|token|secret|password|passwd|key|session|signature|sig|auth|credential/i;

/** `/auth/google/callback?code=abc&state=xyz` → `/auth/google/callback?code=[REDACTED]&state=[REDACTED]` */
export function redactPath(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return url;
  const params = url
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq === -1 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed name is logged as-is; its value is still redacted below if it matches.
      }
      return eq !== -1 && SENSITIVE_PARAM.test(decoded) ? `${name}=[REDACTED]` : pair;
    });
  return `${url.slice(0, q)}?${params.join("&")}`;
}

export const redactedFields = [
  "password",
  "*.password",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "apiKey",
  "*.apiKey",
  "cookie",
  "*.cookie",
  "headers.cookie",
  "headers.authorization",
  "code",
  "state",
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: redactedFields, censor: "[REDACTED]" },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

const state = singleton<{ logger: Logger | undefined }>("logger", () => ({ logger: undefined }));

/** The process logger. */
export function logger(): Logger {
  state.logger ??= createLogger({ level: env().LOG_LEVEL });
  return state.logger;
}

/** Tests capture log lines by installing their own logger. */
export function setLogger(next: Logger): void {
  state.logger = next;
}

import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("environment", () => {
  it("works with no configuration at all: embedded database, demo on, port 3000", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: "development",
      PORT: 3000,
      HOST: "127.0.0.1",
      APP_URL: "http://localhost:3000",
      database: "pglite",
      DEMO_MODE: true,
      httpsProtections: false,
    });
    expect(env.DATA_DIR).toMatch(/\.data$/);
  });

  it("uses PostgreSQL when DATABASE_URL is set, and then seeds no demo unless asked", () => {
    expect(parseEnv({ DATABASE_URL: "postgres://u:p@db:5432/app" })).toMatchObject({
      database: "postgres",
      DEMO_MODE: false,
    });
    expect(parseEnv({ DATABASE_URL: "postgresql://db/app", DEMO_MODE: "true" })).toMatchObject({ DEMO_MODE: true });
  });

  it("fails fast, naming every bad variable and never echoing a password", () => {
    let error: unknown;
    try {
      parseEnv({ PORT: "eighty", DATABASE_URL: "mysql://root:hunter2@db/app", LOG_LEVEL: "loud" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toContain("PORT");
    expect(message).toContain("DATABASE_URL: must start with postgres://");
    expect(message).toContain("LOG_LEVEL");
    expect(message).not.toContain("hunter2");
  });

  it("checks TOKEN_ENCRYPTION_KEYS' shape without ever echoing a key", () => {
    const good = `k2:${Buffer.alloc(32, 7).toString("base64")},k1:${Buffer.alloc(32, 1).toString("base64")}`;
    expect(parseEnv({ TOKEN_ENCRYPTION_KEYS: good }).TOKEN_ENCRYPTION_KEYS).toBe(good);
    let error: unknown;
    try {
      parseEnv({ TOKEN_ENCRYPTION_KEYS: "k1:c2VjcmV0LWtleS10b28tc2hvcnQ=" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as Error).message).toContain("TOKEN_ENCRYPTION_KEYS: must be id:base64key pairs");
    expect((error as Error).message).not.toContain("c2VjcmV0");
  });

  it("turns on Secure cookies and HSTS in production, except when served to this machine over http", () => {
    expect(parseEnv({ NODE_ENV: "production", APP_URL: "https://app.example.com" }).httpsProtections).toBe(true);
    expect(parseEnv({ NODE_ENV: "production", APP_URL: "http://app.internal:3000" }).httpsProtections).toBe(true);
    expect(parseEnv({ NODE_ENV: "production" }).httpsProtections).toBe(false);
    expect(parseEnv({ NODE_ENV: "development", APP_URL: "https://app.example.com" }).httpsProtections).toBe(false);
  });

  it("rejects a DEMO_MODE that is not a boolean", () => {
    expect(() => parseEnv({ DEMO_MODE: "maybe" })).toThrow(/DEMO_MODE: must be true or false/);
  });
});

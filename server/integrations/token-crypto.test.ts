import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resetEnvCache } from "../env";
import { createUser } from "../../tests/helpers/users";
import { getDb } from "../db/client";
import { storeConnection } from "./connections";
import { decryptToken, encryptToken, parseTokenKeys, setTokenKeys, tokenKeys } from "./token-crypto";

const key = () => randomBytes(32).toString("base64");

describe("P15: OAuth tokens are encrypted at rest with AES-256-GCM", () => {
  it("P15: uses a fresh random 96-bit nonce for every encryption, and the ciphertext is not the token", () => {
    const keys = parseTokenKeys(`k1:${key()}`);
    const a = encryptToken("ya29.same-token", "conn_1", keys);
    const b = encryptToken("ya29.same-token", "conn_1", keys);
    // nonce (12) ‖ ciphertext (as long as the token) ‖ GCM tag (16)
    expect(a.cipher.length).toBe(12 + "ya29.same-token".length + 16);
    expect(Buffer.from(a.cipher.subarray(0, 12)).equals(Buffer.from(b.cipher.subarray(0, 12)))).toBe(false);
    expect(Buffer.from(a.cipher).equals(Buffer.from(b.cipher))).toBe(false);
    expect(Buffer.from(a.cipher).includes(Buffer.from("ya29"))).toBe(false);
    expect(decryptToken(a.cipher, a.keyId, "conn_1", keys)).toBe("ya29.same-token");
    const nonces = new Set(
      Array.from({ length: 500 }, () =>
        Buffer.from(encryptToken("t", "c", keys).cipher.subarray(0, 12)).toString("hex"),
      ),
    );
    expect(nonces.size).toBe(500);
  });

  it("P15: binds the owning connection as associated data: a ciphertext moved to another connection does not decrypt", () => {
    const keys = parseTokenKeys(`k1:${key()}`);
    const { cipher, keyId } = encryptToken("refresh-token", "conn_A", keys);
    expect(() => decryptToken(cipher, keyId, "conn_B", keys)).toThrow();
  });

  it("P15: detects tampering (GCM authentication)", () => {
    const keys = parseTokenKeys(`k1:${key()}`);
    const { cipher, keyId } = encryptToken("access-token", "conn_1", keys);
    for (const index of [0, 13, cipher.length - 1]) {
      const tampered = new Uint8Array(cipher);
      tampered[index] = tampered[index]! ^ 0x01;
      expect(() => decryptToken(tampered, keyId, "conn_1", keys)).toThrow();
    }
  });

  it("P15: stores the key id with each ciphertext so keys rotate: old tokens still open, new ones use the new key", () => {
    const oldKey = key();
    const before = parseTokenKeys(`2026a:${oldKey}`);
    const old = encryptToken("old-token", "conn_1", before);
    expect(old.keyId).toBe("2026a");
    const rotated = parseTokenKeys(`2026b:${key()},2026a:${oldKey}`);
    const fresh = encryptToken("new-token", "conn_1", rotated);
    expect(fresh.keyId).toBe("2026b");
    expect(decryptToken(old.cipher, old.keyId, "conn_1", rotated)).toBe("old-token");
    expect(decryptToken(fresh.cipher, fresh.keyId, "conn_1", rotated)).toBe("new-token");
    // Once the old key is retired, its ciphertexts say clearly why they cannot be read.
    expect(() => decryptToken(old.cipher, old.keyId, "conn_1", parseTokenKeys(`2026b:${key()}`))).toThrow(
      /No token key with id 2026a/,
    );
  });

  it("P15: refuses keys that are not 32 bytes", () => {
    expect(() => parseTokenKeys(`short:${randomBytes(16).toString("base64")}`)).toThrow(/32 bytes/);
  });

  it("P15: what the database holds for a connection is ciphertext under the current key id, never the token", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const previous = tokenKeys();
    setTokenKeys(parseTokenKeys(`db-key:${key()}`));
    try {
      const stored = await storeConnection(db, user.id, {
        provider: "gmail",
        scopes: ["https://www.googleapis.com/auth/gmail.readonly"],
        accessToken: "ya29.plain-access",
        refreshToken: "1//plain-refresh",
      });
      const row = await db.integrationConnection.findUniqueOrThrow({ where: { id: stored.id } });
      expect(row.tokenKeyId).toBe("db-key");
      const raw = JSON.stringify(
        await db.$queryRaw`SELECT * FROM integration_connections WHERE id = ${stored.id}`,
        (_k, v: unknown) =>
          v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : typeof v === "bigint" ? String(v) : v,
      );
      expect(raw).not.toContain("plain-access");
      expect(raw).not.toContain("plain-refresh");
      expect(decryptToken(row.accessTokenCipher!, row.tokenKeyId!, row.id)).toBe("ya29.plain-access");
      expect(decryptToken(row.refreshTokenCipher!, row.tokenKeyId!, row.id)).toBe("1//plain-refresh");
    } finally {
      setTokenKeys(previous);
    }
  });

  it("P15: on the embedded database a key is generated once into DATA_DIR (mode 600) and reused; with DATABASE_URL a key must be configured", () => {
    const previous = tokenKeys();
    const saved = {
      DATA_DIR: process.env.DATA_DIR,
      DATABASE_URL: process.env.DATABASE_URL,
      TOKEN_ENCRYPTION_KEYS: process.env.TOKEN_ENCRYPTION_KEYS,
    };
    const dir = mkdtempSync(path.join(tmpdir(), "sac-token-keys-"));
    try {
      Object.assign(process.env, { DATA_DIR: dir });
      delete process.env.DATABASE_URL;
      delete process.env.TOKEN_ENCRYPTION_KEYS;
      resetEnvCache();
      setTokenKeys(null);
      const first = tokenKeys();
      const file = path.join(dir, "token-keys.json");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      setTokenKeys(null);
      const again = tokenKeys();
      expect(again.current).toBe(first.current);
      expect(again.keys.get(again.current)!.equals(first.keys.get(first.current)!)).toBe(true);
      expect(readFileSync(file, "utf8")).toContain(first.current);

      process.env.DATABASE_URL = "postgres://nobody@127.0.0.1:1/none";
      resetEnvCache();
      setTokenKeys(null);
      expect(() => tokenKeys()).toThrow(/TOKEN_ENCRYPTION_KEYS is not set/);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      resetEnvCache();
      setTokenKeys(previous);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

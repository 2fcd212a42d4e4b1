// OAuth tokens at rest (P15): AES-256-GCM, a fresh random 96-bit nonce for every encryption, the
// id of the key stored beside each ciphertext (so keys can rotate: old ciphertexts still name the
// key that opens them), and the owning connection's id bound as associated data — a ciphertext
// copied onto another connection does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../env";
import { singleton } from "../utils/singleton";

export type TokenKeys = { current: string; keys: Map<string, Buffer> };

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function parseTokenKeys(spec: string): TokenKeys {
  const keys = new Map<string, Buffer>();
  for (const pair of spec.split(",")) {
    const [id, encoded] = pair.split(":") as [string, string];
    const key = Buffer.from(encoded, "base64");
    if (key.length !== 32) throw new Error(`Token key ${id} must be 32 bytes (AES-256).`);
    keys.set(id, key);
  }
  const current = spec.split(":")[0]!;
  return { current, keys };
}

const state = singleton<{ keys: TokenKeys | null }>("token-keys", () => ({ keys: null }));

/** Tests (and key rotation drills) set keys explicitly. */
export function setTokenKeys(keys: TokenKeys | null): void {
  state.keys = keys;
}

/** The configured keys; on the embedded database, a key generated once and kept in DATA_DIR. */
export function tokenKeys(): TokenKeys {
  if (state.keys) return state.keys;
  const config = env();
  if (config.TOKEN_ENCRYPTION_KEYS) {
    state.keys = parseTokenKeys(config.TOKEN_ENCRYPTION_KEYS);
    return state.keys;
  }
  if (config.DATABASE_URL) {
    throw new Error("TOKEN_ENCRYPTION_KEYS is not set: connection tokens cannot be encrypted. See .env.example.");
  }
  const file = path.join(config.DATA_DIR, "token-keys.json");
  if (!existsSync(file)) {
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(file, JSON.stringify({ keys: `local-1:${randomBytes(32).toString("base64")}` }), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  state.keys = parseTokenKeys((JSON.parse(readFileSync(file, "utf8")) as { keys: string }).keys);
  return state.keys;
}

/** nonce ‖ ciphertext ‖ tag, and the id of the key used. */
export function encryptToken(
  plaintext: string,
  connectionId: string,
  keys: TokenKeys = tokenKeys(),
): { cipher: Uint8Array<ArrayBuffer>; keyId: string } {
  const key = keys.keys.get(keys.current)!;
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(`connection:${connectionId}`));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { cipher: new Uint8Array(Buffer.concat([nonce, body, cipher.getAuthTag()])), keyId: keys.current };
}

export function decryptToken(
  blob: Uint8Array,
  keyId: string,
  connectionId: string,
  keys: TokenKeys = tokenKeys(),
): string {
  const key = keys.keys.get(keyId);
  if (!key) throw new Error(`No token key with id ${keyId}: it was rotated out before this token was re-encrypted.`);
  const data = Buffer.from(blob);
  const decipher = createDecipheriv("aes-256-gcm", key, data.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(`connection:${connectionId}`));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
    decipher.final(),
  ]).toString("utf8");
}

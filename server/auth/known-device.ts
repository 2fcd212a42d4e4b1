// The known-device cookie (OWASP's "device cookie" against online guessing): a browser that has proved
// it knows an account's password gets `si_device`, an HMAC over the account's email and a random
// nonce. Failed sign-ins from elsewhere then cannot lock that browser out of the account
// (server/auth/sign-in-throttle.ts). The cookie names no account and we keep no record of it; its
// HMAC key is made once and kept in the database, so every process shares it
// (docs/decisions/016-sign-in-throttling-and-known-devices.md).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/client";

export const DEVICE_COOKIE = "si_device";
/** A device stays known for half a year after its last successful sign-in (each one renews it). */
export const DEVICE_COOKIE_MAX_AGE_S = 180 * 86_400;
const KEY_NAME = "known-device-hmac";
const VERSION = "v1";

const keys = new WeakMap<Db, Promise<Buffer>>();

/** The HMAC key: made by whichever process needs it first, then read by all. */
function deviceKey(db: Db): Promise<Buffer> {
  let key = keys.get(db);
  if (!key) {
    key = (async () => {
      await db.$executeRaw`
        INSERT INTO server_secrets (name, secret) VALUES (${KEY_NAME}, ${randomBytes(32)}) ON CONFLICT (name) DO NOTHING`;
      const row = await db.serverSecret.findUniqueOrThrow({ where: { name: KEY_NAME } });
      return Buffer.from(row.secret);
    })();
    key.catch(() => keys.delete(db));
    keys.set(db, key);
  }
  return key;
}

function mac(key: Buffer, email: string, nonce: string, issued: string): Buffer {
  return createHmac("sha256", key).update(`${VERSION}\u0000${email}\u0000${nonce}\u0000${issued}`).digest();
}

/** A Set-Cookie header marking this browser as one that signed in to `email` (lower-cased) just now. */
export async function knownDeviceCookie(
  db: Db,
  email: string,
  options: { secure: boolean; now?: Date; nonce?: string },
): Promise<string> {
  const nonce = options.nonce ?? randomBytes(16).toString("base64url");
  const issued = String(Math.floor((options.now ?? new Date()).getTime() / 1000));
  const signature = mac(await deviceKey(db), email, nonce, issued).toString("base64url");
  return [
    `${DEVICE_COOKIE}=${nonce}.${issued}.${signature}`,
    // Path=/ because with JavaScript the form posts to /login.data, which Path=/login would not cover.
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${DEVICE_COOKIE_MAX_AGE_S}`,
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

/** The value of the si_device cookie a Cookie header carries, if any. */
export function readDeviceCookie(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === DEVICE_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/**
 * The device's nonce when `cookie` proves this browser signed in to `email` within the cookie's
 * lifetime; null for anything else (no cookie, another account's, forged, expired).
 */
export async function knownDeviceFor(
  db: Db,
  cookie: string | null,
  email: string,
  now = new Date(),
): Promise<string | null> {
  if (!cookie || cookie.length > 200) return null;
  const [nonce, issued, signature, extra] = cookie.split(".");
  if (!nonce || !issued || !signature || extra !== undefined || !/^\d{1,12}$/.test(issued)) return null;
  const age = now.getTime() / 1000 - Number(issued);
  if (age < -60 || age > DEVICE_COOKIE_MAX_AGE_S) return null;
  const expected = mac(await deviceKey(db), email, nonce, issued);
  const given = Buffer.from(signature, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : null;
}

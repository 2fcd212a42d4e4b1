// How password sign-in is throttled so that guessing is slow but nobody can lock the owner out
// (OWASP: "Slow down online guessing attacks with device cookies";
// docs/decisions/016-sign-in-throttling-and-known-devices.md):
// - every client gets exponential backoff per account: 5 tries, then 1 s, 2 s, 4 s … 15 min. A
//   client is the browser's known-device cookie for this account if it has one, else its IP;
// - only clients the account does not know also count against the per-IP window (many accounts
//   from one address) and the account's ceiling (one account from many addresses).
// So an attacker's failures, from anywhere, can slow only the attacker and other unknown clients;
// a browser that has signed in to the account before is judged by its own attempts alone.
import type { Db } from "../db/client";
import { knownDeviceFor } from "./known-device";
import {
  backoffRules,
  clearBackoff,
  consumeBackoff,
  consumeRateLimits,
  rateLimits,
  type RateLimitResult,
} from "./rate-limit";

export type SignInClient = { ip: string | null; deviceCookie: string | null };

/** The backoff subject of one client of one account. */
function clientSubject(email: string, client: SignInClient, device: string | null): string {
  return device ? `device\u0000${email}\u0000${device}` : `ip\u0000${email}\u0000${client.ip ?? ""}`;
}

export type SignInAdmission = RateLimitResult & { subject: string };

/** Admits (and counts) one sign-in attempt for `email` (lower-cased), or refuses it with how long to wait. */
export async function admitSignInAttempt(
  db: Db,
  email: string,
  client: SignInClient,
  now = new Date(),
): Promise<SignInAdmission> {
  const device = await knownDeviceFor(db, client.deviceCookie, email, now);
  const subject = clientSubject(email, client, device);
  const backoff = await consumeBackoff(db, backoffRules.signInPerClient, subject, now);
  if (!backoff.allowed || device) return { ...backoff, subject };
  const windows = await consumeRateLimits(
    db,
    [
      [rateLimits.signInPerIp, client.ip],
      [rateLimits.signInPerAccount, email],
    ],
    now,
  );
  return { ...windows, subject };
}

/** The password was right: this client's failures are forgotten. */
export async function signInSucceeded(db: Db, admission: SignInAdmission): Promise<void> {
  await clearBackoff(db, backoffRules.signInPerClient, admission.subject);
}

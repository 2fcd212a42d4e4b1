// How password sign-in is throttled so that guessing is slow but nobody can lock the owner out
// (OWASP: "Slow down online guessing attacks", with known clients kept server-side instead of device
// cookies, since P13 promises one session cookie; docs/decisions/016-sign-in-throttling-and-known-clients.md):
// - every client gets exponential backoff per account: 5 tries, then 1 s, 2 s, 4 s … 15 min. A
//   client is the request's IP;
// - only clients the account does not know also count against the per-IP window (many accounts
//   from one address) and the account's ceiling (one account from many addresses). An IP is a known
//   client of an account for 180 days after a password sign-in, sign-up or password reset from it.
// So an attacker's failures, from anywhere else, can slow only the attacker and other unknown
// clients; an address that has signed in to the account before is judged by its own attempts alone.
import type { Db } from "../db/client";
import {
  backoffRules,
  clearBackoff,
  consumeBackoff,
  consumeRateLimits,
  isKnownClient,
  rateLimits,
  rememberKnownClient,
  type RateLimitResult,
} from "./rate-limit";

export type SignInClient = { ip: string | null };

export type SignInAdmission = RateLimitResult & { subject: string; email: string; ip: string | null };

/** Admits (and counts) one sign-in attempt for `email` (lower-cased), or refuses it with how long to wait. */
export async function admitSignInAttempt(
  db: Db,
  email: string,
  client: SignInClient,
  now = new Date(),
): Promise<SignInAdmission> {
  const subject = `ip\u0000${email}\u0000${client.ip ?? ""}`;
  const known = await isKnownClient(db, email, client.ip, now);
  const backoff = await consumeBackoff(db, backoffRules.signInPerClient, subject, now);
  const admission = { subject, email, ip: client.ip };
  if (!backoff.allowed || known) return { ...backoff, ...admission };
  const windows = await consumeRateLimits(
    db,
    [
      [rateLimits.signInPerIp, client.ip],
      [rateLimits.signInPerAccount, email],
    ],
    now,
  );
  return { ...windows, ...admission };
}

/** The password was right: this client's failures are forgotten, and it is known to the account. */
export async function signInSucceeded(db: Db, admission: SignInAdmission, now = new Date()): Promise<void> {
  await clearBackoff(db, backoffRules.signInPerClient, admission.subject);
  await rememberKnownClient(db, admission.email, admission.ip, now);
}

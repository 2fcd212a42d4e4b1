// Password hashing with argon2id (@node-rs/argon2, prebuilt binaries). Parameters follow OWASP's
// recommendation for argon2id: 19 MiB, 2 passes, 1 lane (these are also the library's defaults,
// written out so a library upgrade cannot weaken them silently).
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";

const ARGON2ID = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const newPasswordInput = z
  .string()
  .min(10, "Use at least 10 characters.")
  .max(200, "Use at most 200 characters.")
  .refine((value) => value.trim().length > 0, "A password cannot be only spaces.");

export async function hashPassword(password: string): Promise<string> {
  const hashed = await hash(password, ARGON2ID);
  if (!hashed.startsWith("$argon2id$")) throw new Error("argon2 produced a hash of an unexpected kind");
  return hashed;
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the time a real verification would for an account that has no password (or does not
 * exist), so response times do not tell which email addresses have accounts.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword("not a real password, only here to take the same time");
  await verifyPassword(await dummyHash, password);
  return false;
}

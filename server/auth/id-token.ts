// Verifies an OpenID Connect ID token (RS256 JWT) against the provider's published keys (JWKS):
// signature, issuer, audience and lifetime. The token arrives straight from the token endpoint, but
// verifying it anyway means a misconfigured endpoint or a tampered response cannot sign anyone in.
import { createPublicKey, verify, type JsonWebKey } from "node:crypto";
import { z } from "zod";

export class IdTokenError extends Error {
  override name = "IdTokenError";
}

const jwksSchema = z.object({
  keys: z.array(z.object({ kid: z.string().optional(), kty: z.string(), alg: z.string().optional() }).passthrough()),
});

export const idTokenClaims = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.string().min(1).max(255),
  exp: z.number(),
  iat: z.number().optional(),
  email: z.string().email().optional(),
  email_verified: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).optional(),
  name: z.string().optional(),
});
export type IdTokenClaims = z.output<typeof idTokenClaims>;

type KeySet = { fetchedAt: number; keys: z.output<typeof jwksSchema>["keys"] };
const keySets = new Map<string, KeySet>();
const JWKS_TTL_MS = 60 * 60 * 1000;
const CLOCK_SKEW_S = 60;

async function fetchKeys(jwksUri: string): Promise<KeySet> {
  const response = await fetch(jwksUri, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new IdTokenError(`The provider's keys could not be fetched (HTTP ${response.status}).`);
  const parsed = jwksSchema.safeParse(await response.json());
  if (!parsed.success) throw new IdTokenError("The provider's key set is malformed.");
  const set = { fetchedAt: Date.now(), keys: parsed.data.keys };
  keySets.set(jwksUri, set);
  return set;
}

async function keyFor(jwksUri: string, kid: string | undefined) {
  let set = keySets.get(jwksUri);
  if (!set || Date.now() - set.fetchedAt > JWKS_TTL_MS) set = await fetchKeys(jwksUri);
  let key = set.keys.find((k) => k.kid === kid);
  // Providers rotate keys: an unknown kid means "refresh", once.
  if (!key && Date.now() - set.fetchedAt > 10_000) key = (await fetchKeys(jwksUri)).keys.find((k) => k.kid === kid);
  if (!key) throw new IdTokenError("The ID token was signed with an unknown key.");
  return createPublicKey({ key: key as JsonWebKey, format: "jwk" });
}

export async function verifyIdToken(
  token: string,
  expected: { jwksUri: string; issuers: string[]; audience: string; now?: Date },
): Promise<IdTokenClaims> {
  const parts = token.split(".");
  if (parts.length !== 3) throw new IdTokenError("The ID token is not a JWT.");
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  let header: { alg?: string; kid?: string };
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(encodedHeader, "base64url").toString("utf8")) as typeof header;
    payload = JSON.parse(Buffer.from(encodedPayload, "base64url").toString("utf8"));
  } catch {
    throw new IdTokenError("The ID token is not readable.");
  }
  if (header.alg !== "RS256")
    throw new IdTokenError(`The ID token uses an unexpected algorithm (${String(header.alg)}).`);
  const key = await keyFor(expected.jwksUri, header.kid);
  const valid = verify(
    "RSA-SHA256",
    Buffer.from(`${encodedHeader}.${encodedPayload}`),
    key,
    Buffer.from(encodedSignature, "base64url"),
  );
  if (!valid) throw new IdTokenError("The ID token's signature is invalid.");

  const claims = idTokenClaims.safeParse(payload);
  if (!claims.success) throw new IdTokenError("The ID token lacks required claims.");
  const nowS = Math.floor((expected.now ?? new Date()).getTime() / 1000);
  if (!expected.issuers.includes(claims.data.iss)) throw new IdTokenError("The ID token was issued by someone else.");
  const audiences = Array.isArray(claims.data.aud) ? claims.data.aud : [claims.data.aud];
  if (!audiences.includes(expected.audience)) throw new IdTokenError("The ID token was issued to another application.");
  if (claims.data.exp + CLOCK_SKEW_S < nowS) throw new IdTokenError("The ID token has expired.");
  if (claims.data.iat !== undefined && claims.data.iat - CLOCK_SKEW_S > nowS)
    throw new IdTokenError("The ID token is not valid yet.");
  return claims.data;
}

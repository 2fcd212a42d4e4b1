import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createUser } from "../../tests/helpers/users";
import { getDb } from "../db/client";
import {
  ABSOLUTE_LIFETIME_MS,
  ACTIVITY_REFRESH_MS,
  createSession,
  INACTIVITY_TIMEOUT_MS,
  invalidateSession,
  invalidateUserSessions,
  readSessionToken,
  sessionCookie,
  sessionCookieMaxAge,
  validateSessionToken,
} from "./session";

const t0 = new Date("2026-11-01T09:00:00Z");
const later = (ms: number) => new Date(t0.getTime() + ms);

describe("sessions", () => {
  it("issues an id.secret token of ≥120 bits each, and stores only SHA-256 of the secret", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { token, session } = await createSession(db, user.id, { userAgent: "Firefox", ip: "10.0.0.1" }, t0);
    const [id, secret] = token.split(".") as [string, string];
    // 24 base32 characters = 120 bits.
    expect(id).toMatch(/^[a-z2-7]{24}$/);
    expect(secret).toMatch(/^[a-z2-7]{24}$/);
    expect(session.id).toBe(id);

    const row = await db.session.findUniqueOrThrow({ where: { id } });
    expect(Buffer.from(row.secretHash).toString("hex")).toBe(createHash("sha256").update(secret).digest("hex"));
    const stored = JSON.stringify({ ...row, secretHash: Buffer.from(row.secretHash).toString("hex") });
    expect(stored).not.toContain(secret);
    expect(row).toMatchObject({ userAgent: "Firefox", ip: "10.0.0.1", expiresAt: later(ABSOLUTE_LIFETIME_MS) });
  });

  it("accepts the genuine token and rejects a wrong secret or a malformed token", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { token } = await createSession(db, user.id, {}, t0);
    const ok = await validateSessionToken(db, token, later(1000));
    expect(ok?.user.id).toBe(user.id);
    const [id] = token.split(".");
    expect(await validateSessionToken(db, `${id}.${"a".repeat(24)}`, later(1000))).toBeNull();
    for (const bad of ["", "nodot", "a.b.c", `${id}.`, `.${id}`, `${"x".repeat(100)}.y`]) {
      expect(await validateSessionToken(db, bad, later(1000))).toBeNull();
    }
  });

  it("refreshes lastSeenAt at most hourly, and says when the cookie should be re-sent", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { token } = await createSession(db, user.id, {}, t0);
    const soon = await validateSessionToken(db, token, later(ACTIVITY_REFRESH_MS - 1));
    expect(soon?.refreshed).toBe(false);
    expect(soon?.session.lastSeenAt).toEqual(t0);
    const after = await validateSessionToken(db, token, later(ACTIVITY_REFRESH_MS));
    expect(after?.refreshed).toBe(true);
    const row = await db.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.lastSeenAt).toEqual(later(ACTIVITY_REFRESH_MS));
  });

  it("ends a session idle for the inactivity timeout, and deletes its row", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { token, session } = await createSession(db, user.id, {}, t0);
    expect(await validateSessionToken(db, token, later(INACTIVITY_TIMEOUT_MS - 1))).not.toBeNull();
    // That validation refreshed lastSeenAt; idle again for the whole timeout from there.
    expect(await validateSessionToken(db, token, later(2 * INACTIVITY_TIMEOUT_MS - 1))).toBeNull();
    expect(await db.session.findUnique({ where: { id: session.id } })).toBeNull();
  });

  it("ends a session at the absolute cap however active it was", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { token } = await createSession(db, user.id, {}, t0);
    for (let at = 0; at < ABSOLUTE_LIFETIME_MS; at += INACTIVITY_TIMEOUT_MS / 2) {
      expect(await validateSessionToken(db, token, later(at))).not.toBeNull();
    }
    expect(await validateSessionToken(db, token, later(ABSOLUTE_LIFETIME_MS))).toBeNull();
  });

  it("sign-out deletes the row: the same token is then refused", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const first = await createSession(db, user.id, {}, t0);
    const second = await createSession(db, user.id, {}, t0);
    await invalidateSession(db, first.session.id);
    expect(await validateSessionToken(db, first.token, later(1))).toBeNull();
    expect(await validateSessionToken(db, second.token, later(1))).not.toBeNull();
    const third = await createSession(db, user.id, {}, t0);
    expect(await invalidateUserSessions(db, user.id, { except: third.session.id })).toBe(1);
    expect(await validateSessionToken(db, second.token, later(1))).toBeNull();
    expect(await validateSessionToken(db, third.token, later(1))).not.toBeNull();
  });

  it("refuses every session of a user whose account deletion was requested", async () => {
    const db = await getDb();
    const user = await createUser(db);
    const { token } = await createSession(db, user.id, {}, t0);
    await db.accountDeletionRequest.create({ data: { userId: user.id, purgeAfter: later(7 * 86_400_000) } });
    expect(await validateSessionToken(db, token, later(1))).toBeNull();
  });

  it("P13: the session cookie is si_session, HttpOnly, SameSite=Lax, Path=/, Secure when asked", () => {
    const cookie = sessionCookie("abc.def", 3600, { secure: false });
    expect(cookie).toBe("si_session=abc.def; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600");
    expect(sessionCookie("abc.def", 3600, { secure: true })).toMatch(/; Secure$/);
    expect(readSessionToken("theme=dark; si_session=abc.def; other=1")).toBe("abc.def");
    expect(readSessionToken("si_session=")).toBeNull();
    expect(readSessionToken(undefined)).toBeNull();
  });

  it("the cookie lives until the inactivity timeout or the absolute cap, whichever comes first", () => {
    const session = { lastSeenAt: t0, expiresAt: later(ABSOLUTE_LIFETIME_MS) };
    expect(sessionCookieMaxAge(session, t0)).toBe(INACTIVITY_TIMEOUT_MS / 1000);
    const nearEnd = { lastSeenAt: later(ABSOLUTE_LIFETIME_MS - 1000), expiresAt: later(ABSOLUTE_LIFETIME_MS) };
    expect(sessionCookieMaxAge(nearEnd, later(ABSOLUTE_LIFETIME_MS - 1000))).toBe(1);
  });
});

import { describe, expect, it, onTestFinished, vi } from "vitest";
import { createUser, signIn } from "../../tests/helpers/users";
import { getDb } from "../db/client";
import { needsPolicyNotice } from "../privacy/policy";
import { hashPassword } from "./password";
import {
  changePassword,
  checkPassword,
  checkResetToken,
  INVALID_RESET_LINK,
  requestPasswordReset,
  RESET_TOKEN_LIFETIME_MS,
  resetPassword,
  signUpWithPassword,
} from "./password-accounts";
import { validateSessionToken } from "./session";

const APP_URL = "http://app.test";

/** The reset link the outbox holds for `email` (what the user would click). */
async function latestResetToken(email: string): Promise<string> {
  const db = await getDb();
  const mail = await db.mailOutbox.findFirstOrThrow({
    where: { toEmail: email, kind: "password_reset" },
    orderBy: { createdAt: "desc" },
  });
  const link = mail.textBody.match(/http\S+reset-password\?token=(\S+)/);
  expect(link, "the reset mail holds a link").not.toBeNull();
  return decodeURIComponent(link![1]!);
}

describe("email and password", () => {
  it("signs up with an argon2id hash, having seen the current privacy policy", async () => {
    const db = await getDb();
    const result = await signUpWithPassword(db, {
      name: "Dee",
      email: "dee@example.test",
      password: "correct horse battery",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const user = await db.user.findUniqueOrThrow({ where: { id: result.userId } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user.passwordHash).not.toContain("correct horse battery");
    expect(await needsPolicyNotice(db, user.id)).toBe(false);
    const again = await signUpWithPassword(db, {
      name: "Dee",
      email: "dee@example.test",
      password: "another password",
    });
    expect(again).toMatchObject({ ok: false, message: expect.stringContaining("could not create an account") });
  });

  it("answers a wrong password and an unknown email the same way", async () => {
    const db = await getDb();
    const user = await db.user.create({
      data: { email: "eve@example.test", name: "Eve", passwordHash: await hashPassword("the right password") },
    });
    expect(await checkPassword(db, { email: "eve@example.test", password: "the right password" })).toBe(user.id);
    expect(await checkPassword(db, { email: "eve@example.test", password: "the wrong password" })).toBeNull();
    expect(await checkPassword(db, { email: "nobody@example.test", password: "the right password" })).toBeNull();
    const googleOnly = await createUser(db);
    expect(await checkPassword(db, { email: googleOnly.email, password: "anything at all" })).toBeNull();
  });

  it("changing the password checks the current one and signs out every other session", async () => {
    const db = await getDb();
    const user = await db.user.create({
      data: { email: "fay@example.test", name: "Fay", passwordHash: await hashPassword("first password 1") },
    });
    const here = await signIn(db, user.id);
    const elsewhere = await signIn(db, user.id);
    const wrong = await changePassword(
      db,
      user.id,
      { currentPassword: "nope", newPassword: "second password 2" },
      here.session.id,
    );
    expect(wrong).toMatchObject({ ok: false, field: "currentPassword" });
    const done = await changePassword(
      db,
      user.id,
      { currentPassword: "first password 1", newPassword: "second password 2" },
      here.session.id,
    );
    expect(done).toEqual({ ok: true, signedOutOthers: 1 });
    expect(await validateSessionToken(db, here.token)).not.toBeNull();
    expect(await validateSessionToken(db, elsewhere.token)).toBeNull();
    expect(await checkPassword(db, { email: "fay@example.test", password: "second password 2" })).toBe(user.id);
  });

  it("mails a single-use reset link whose token the database never holds in clear", async () => {
    const db = await getDb();
    const user = await db.user.create({
      data: { email: "gus@example.test", name: "Gus", passwordHash: await hashPassword("forgotten password") },
    });
    await requestPasswordReset(db, "gus@example.test", { appUrl: APP_URL, ip: "10.1.1.1" });
    const token = await latestResetToken("gus@example.test");
    expect(token.length).toBeGreaterThanOrEqual(43);
    const rows = await db.passwordResetToken.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.tokenHash).toString("base64url")).not.toBe(token);
    expect(
      JSON.stringify(rows, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v)),
    ).not.toContain(token);
    expect(rows[0]!.expiresAt.getTime() - rows[0]!.createdAt.getTime()).toBe(RESET_TOKEN_LIFETIME_MS);

    const other = await signIn(db, user.id);
    const result = await resetPassword(db, { token, password: "brand new password" }, { appUrl: APP_URL });
    expect(result).toEqual({ ok: true, userId: user.id, email: user.email });
    // Every session ends with a reset; the old cookie no longer works.
    expect(await validateSessionToken(db, other.token)).toBeNull();
    expect(await checkPassword(db, { email: "gus@example.test", password: "brand new password" })).toBe(user.id);
    expect(await checkPassword(db, { email: "gus@example.test", password: "forgotten password" })).toBeNull();
    // P8: the confirmation mail is queued with the change.
    const confirmation = await db.mailOutbox.findFirst({
      where: { userId: user.id, kind: "password_reset_confirmation" },
    });
    expect(confirmation?.textBody).toContain("signed out");
    // Single use.
    expect(await resetPassword(db, { token, password: "yet another password" }, { appUrl: APP_URL })).toEqual({
      ok: false,
      message: INVALID_RESET_LINK,
    });
  });

  it("a reset link expires after an hour, and asking again retires the earlier link", async () => {
    const db = await getDb();
    await db.user.create({ data: { email: "hal@example.test", name: "Hal" } });
    const t0 = new Date("2026-11-01T10:00:00Z");
    // The outbox dates each mail by the clock and latestResetToken takes the newest, so the clock
    // stands at each request's time: which mail is newest is then the test's to say, however fast it runs.
    vi.useFakeTimers({ toFake: ["Date"] });
    onTestFinished(() => void vi.useRealTimers());
    vi.setSystemTime(t0);
    await requestPasswordReset(db, "hal@example.test", { appUrl: APP_URL, ip: null, now: t0 });
    const first = await latestResetToken("hal@example.test");
    expect(await checkResetToken(db, first, new Date(t0.getTime() + RESET_TOKEN_LIFETIME_MS - 1000))).toBe("valid");
    expect(await checkResetToken(db, first, new Date(t0.getTime() + RESET_TOKEN_LIFETIME_MS))).toBe("invalid");
    const expired = await resetPassword(
      db,
      { token: first, password: "a new password!" },
      { appUrl: APP_URL, now: new Date(t0.getTime() + RESET_TOKEN_LIFETIME_MS + 1) },
    );
    expect(expired.ok).toBe(false);

    await requestPasswordReset(db, "hal@example.test", { appUrl: APP_URL, ip: null, now: t0 });
    vi.setSystemTime(t0.getTime() + 1000);
    await requestPasswordReset(db, "hal@example.test", {
      appUrl: APP_URL,
      ip: null,
      now: new Date(t0.getTime() + 1000),
    });
    const newest = await latestResetToken("hal@example.test");
    expect(await checkResetToken(db, newest, new Date(t0.getTime() + 2000))).toBe("valid");
    const valid = await db.passwordResetToken.count({ where: { user: { email: "hal@example.test" }, usedAt: null } });
    expect(valid).toBe(1);
  });

  it("asking to reset an unknown email does nothing and mails nobody", async () => {
    const db = await getDb();
    const before = await db.mailOutbox.count();
    await requestPasswordReset(db, "ghost@example.test", { appUrl: APP_URL, ip: null });
    expect(await db.mailOutbox.count()).toBe(before);
  });
});

import { describe, expect, it } from "vitest";
import { callerFor, createUser } from "../../../tests/helpers/users";
import { createSession, validateSessionToken } from "../../auth/session";
import { getDb } from "../../db/client";

async function userWithSessions() {
  const db = await getDb();
  const user = await createUser(db);
  const mac = await createSession(db, user.id, {
    userAgent:
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    ip: "203.0.113.7",
  });
  const phone = await createSession(db, user.id, {
    userAgent:
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
    ip: "198.51.100.2",
  });
  const auth = { user: { id: user.id, email: user.email, name: user.name }, session: mac.session };
  return { db, user, mac, phone, api: await callerFor(auth) };
}

describe("sessions (P4)", () => {
  it("P4: lists every session with its device, IP and dates, this device first", async () => {
    const { api, mac } = await userWithSessions();
    const sessions = await api.sessions.list();
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({
      id: mac.session.id,
      current: true,
      device: "Safari on macOS",
      ip: "203.0.113.7",
    });
    expect(sessions[1]).toMatchObject({ current: false, device: "Chrome on Android", ip: "198.51.100.2" });
    expect(sessions[0]!.createdAt).toBeInstanceOf(Date);
    expect(JSON.stringify(sessions)).not.toMatch(/secret/i);
  });

  it("P4: signs out another device, server-side", async () => {
    const { db, api, phone } = await userWithSessions();
    await api.sessions.revoke({ sessionId: phone.session.id });
    expect(await validateSessionToken(db, phone.token)).toBeNull();
    await expect(api.sessions.revoke({ sessionId: phone.session.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("cannot touch another user's session", async () => {
    const a = await userWithSessions();
    const b = await userWithSessions();
    await expect(a.api.sessions.revoke({ sessionId: b.phone.session.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await validateSessionToken(b.db, b.phone.token)).not.toBeNull();
  });

  it("signs out all other devices and keeps this one", async () => {
    const { db, api, mac, phone } = await userWithSessions();
    expect(await api.sessions.revokeOthers()).toEqual({ revoked: 1 });
    expect(await validateSessionToken(db, phone.token)).toBeNull();
    expect(await validateSessionToken(db, mac.token)).not.toBeNull();
  });
});

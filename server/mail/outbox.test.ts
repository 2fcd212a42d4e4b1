import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSmtp } from "../../tests/fakes/smtp";
import { getDb } from "../db/client";
import { deliverPendingMail, MAX_MAIL_ATTEMPTS, queueMail, smtpTransport } from "./outbox";
import { passwordResetMail } from "./templates";

let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
beforeAll(async () => {
  smtp = await startFakeSmtp();
});
afterAll(async () => {
  await smtp.close();
});

describe("mail outbox", () => {
  it("delivers queued mail over SMTP and marks it sent", async () => {
    const db = await getDb();
    await queueMail(db, {
      ...passwordResetMail({ name: "Ivy", link: "http://app.test/reset-password?token=abc", expiresInMinutes: 60 }),
      to: "ivy@example.test",
      userId: null,
    });
    const result = await deliverPendingMail(db, smtpTransport(smtp.url), { from: "Sales-as-Code <no-reply@app.test>" });
    expect(result).toEqual({ sent: 1, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({ from: "no-reply@app.test", to: ["ivy@example.test"] });
    expect(smtp.received[0]!.subject).toBe("Reset your Sales-as-Code password");
    expect(smtp.received[0]!.text).toContain("http://app.test/reset-password?token=abc");
    const row = await db.mailOutbox.findFirstOrThrow({ where: { toEmail: "ivy@example.test" } });
    expect(row.sentAt).not.toBeNull();
    // Nothing is sent twice.
    expect(await deliverPendingMail(db, smtpTransport(smtp.url))).toEqual({ sent: 0, failed: 0 });
  });

  it("records a refused delivery, retries it later, and gives up after the last attempt", async () => {
    const db = await getDb();
    await queueMail(db, {
      kind: "password_reset_confirmation",
      subject: "Changed",
      text: "body",
      to: "jo@example.test",
      userId: null,
    });
    smtp.control.failNext = 1;
    expect(await deliverPendingMail(db, smtpTransport(smtp.url))).toEqual({ sent: 0, failed: 1 });
    const failed = await db.mailOutbox.findFirstOrThrow({ where: { toEmail: "jo@example.test" } });
    expect(failed).toMatchObject({ sentAt: null, attempts: 1, lastError: expect.stringContaining("simulated") });
    expect(await deliverPendingMail(db, smtpTransport(smtp.url))).toEqual({ sent: 1, failed: 0 });

    await queueMail(db, {
      kind: "password_reset_confirmation",
      subject: "Never",
      text: "body",
      to: "kim@example.test",
      userId: null,
    });
    smtp.control.failNext = MAX_MAIL_ATTEMPTS + 1;
    for (let i = 0; i < MAX_MAIL_ATTEMPTS + 1; i += 1) await deliverPendingMail(db, smtpTransport(smtp.url));
    const abandoned = await db.mailOutbox.findFirstOrThrow({ where: { toEmail: "kim@example.test" } });
    expect(abandoned).toMatchObject({ sentAt: null, attempts: MAX_MAIL_ATTEMPTS });
    smtp.control.failNext = 0;
  });
});

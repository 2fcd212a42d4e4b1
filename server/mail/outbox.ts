// Transactional mail goes through the mail_outbox table: written in the same transaction as the
// change that causes it (a reset token and its email exist together or not at all), then delivered
// by deliverPendingMail — over SMTP when SMTP_URL is set, otherwise to this process's console
// (development and the local demo), where /dev/outbox also shows it.
import nodemailer from "nodemailer";
import type { Db, Queryable } from "../db/client";
import type { MailOutbox } from "../db/generated/client";
import { env } from "../env";
import { logger } from "../logger";
import { singleton } from "../utils/singleton";
import { truncateText } from "../utils/text";
import type { MailContent } from "./templates";

export interface MailTransport {
  readonly kind: "smtp" | "console";
  send(mail: { from: string; to: string; subject: string; text: string }): Promise<void>;
}

export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    kind: "smtp",
    async send(mail) {
      await transporter.sendMail(mail);
    },
  };
}

/**
 * Without SMTP: the mail is "delivered" to the console — whole where the console is the person who
 * runs the app (development, the local demo), so a password reset works on a fresh machine; as a
 * pointer otherwise (mail bodies hold reset links and never go to a production log).
 */
export function consoleTransport(options: { showBody: boolean; outboxUrl: string | null }): MailTransport {
  return {
    kind: "console",
    send(mail) {
      if (options.showBody) {
        console.log(`\n--- mail to ${mail.to}: ${mail.subject} ---\n${mail.text}\n--- end of mail ---\n`);
      } else {
        const where = options.outboxUrl ?? "the mail_outbox table (set SMTP_URL to send mail)";
        console.log(`Mail to ${mail.to} (“${mail.subject}”) is in the outbox: ${where}`);
      }
      return Promise.resolve();
    },
  };
}

export function defaultTransport(): MailTransport {
  const config = env();
  return config.SMTP_URL
    ? smtpTransport(config.SMTP_URL)
    : consoleTransport({
        showBody: config.NODE_ENV === "development" || config.DEMO_MODE,
        outboxUrl: config.DEV_ROUTES ? `${config.APP_URL}/dev/outbox` : null,
      });
}

export async function queueMail(
  db: Queryable,
  mail: MailContent & { to: string; userId: string | null },
): Promise<void> {
  await db.mailOutbox.create({
    data: { kind: mail.kind, toEmail: mail.to, subject: mail.subject, textBody: mail.text, userId: mail.userId },
  });
}

/** A mail that failed this many times is left for a person to look at (logged as an error). */
export const MAX_MAIL_ATTEMPTS = 5;

/** Sends what is waiting, oldest first. Each mail is marked sent or has its failure recorded. */
export async function deliverPendingMail(
  db: Db,
  transport: MailTransport,
  options: { from?: string; limit?: number } = {},
): Promise<{ sent: number; failed: number }> {
  const from = options.from ?? env().MAIL_FROM;
  const pending: MailOutbox[] = await db.mailOutbox.findMany({
    where: { sentAt: null, attempts: { lt: MAX_MAIL_ATTEMPTS } },
    orderBy: { createdAt: "asc" },
    take: options.limit ?? 50,
  });
  let sent = 0;
  let failed = 0;
  for (const mail of pending) {
    try {
      await transport.send({ from, to: mail.toEmail, subject: mail.subject, text: mail.textBody });
      await db.mailOutbox.update({
        where: { id: mail.id },
        data: { sentAt: new Date(), attempts: { increment: 1 }, lastError: null },
      });
      sent += 1;
    } catch (error) {
      failed += 1;
      const message = error instanceof Error ? error.message : String(error);
      const attempts = mail.attempts + 1;
      await db.mailOutbox.update({
        where: { id: mail.id },
        data: { attempts, lastError: truncateText(message, 1000) },
      });
      const log = { mailId: mail.id, kind: mail.kind, attempts, error: message };
      if (attempts >= MAX_MAIL_ATTEMPTS) logger().error(log, "mail delivery gave up");
      else logger().warn(log, "mail delivery failed; will retry");
    }
  }
  return { sent, failed };
}

type DeliveryState = { running: Promise<void> | null; again: boolean; transport: MailTransport | null };
const delivery = singleton<DeliveryState>("mail-delivery", () => ({ running: null, again: false, transport: null }));

/** Starts a delivery pass in the background (one at a time; a request during a pass runs another). */
export function kickMailDelivery(db: Db): void {
  if (delivery.running) {
    delivery.again = true;
    return;
  }
  delivery.transport ??= defaultTransport();
  const transport = delivery.transport;
  delivery.running = (async () => {
    do {
      delivery.again = false;
      await deliverPendingMail(db, transport).catch((error: unknown) =>
        logger().error({ err: error }, "mail delivery pass failed"),
      );
    } while (delivery.again);
  })().finally(() => {
    delivery.running = null;
  });
}

/** Resolves when the current background pass (if any) is done — for shutdown and tests. */
export async function mailDeliveryIdle(): Promise<void> {
  while (delivery.running) await delivery.running;
}

// Small periodic chores of a server process: deliver mail still waiting (a failed send is retried
// here) and drop expired rate-limit windows. Issue #6's job system (pg-boss) takes these over.
import type { Db } from "./db/client";
import { logger } from "./logger";
import { sweepRateLimits } from "./auth/rate-limit";
import { kickMailDelivery, mailDeliveryIdle } from "./mail/outbox";

const MAIL_EVERY_MS = 60_000;
const SWEEP_EVERY_MS = 60 * 60_000;

export function startMaintenance(db: Db): () => Promise<void> {
  kickMailDelivery(db);
  const mail = setInterval(() => kickMailDelivery(db), MAIL_EVERY_MS);
  const sweep = setInterval(() => {
    sweepRateLimits(db).catch((error: unknown) => logger().error({ err: error }, "rate-limit sweep failed"));
  }, SWEEP_EVERY_MS);
  mail.unref();
  sweep.unref();
  return async () => {
    clearInterval(mail);
    clearInterval(sweep);
    await mailDeliveryIdle();
  };
}

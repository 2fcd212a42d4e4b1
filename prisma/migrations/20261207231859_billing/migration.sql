-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "MailKind" ADD VALUE 'payment_failed';
ALTER TYPE "MailKind" ADD VALUE 'trial_ending';
ALTER TYPE "MailKind" ADD VALUE 'subscription_cancelled';

-- AlterTable
ALTER TABLE "billing_accounts" ADD COLUMN     "interval" TEXT,
ADD COLUMN     "pastDueSince" TIMESTAMPTZ(3),
ADD COLUMN     "priceId" TEXT,
ADD COLUMN     "stripeSyncedAt" TIMESTAMPTZ(3),
ADD COLUMN     "trialEnd" TIMESTAMPTZ(3),
ADD COLUMN     "trialReminderSentAt" TIMESTAMPTZ(3),
ALTER COLUMN "stripeCustomerId" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "billing_accounts_subscriptionStatus_idx" ON "billing_accounts"("subscriptionStatus");

-- AlterEnum
ALTER TYPE "ConnectionStatus" ADD VALUE 'failed';

-- AlterTable
ALTER TABLE "integration_connections" ADD COLUMN     "firstSyncCompletedAt" TIMESTAMPTZ(3),
ADD COLUMN     "lastErrorAt" TIMESTAMPTZ(3),
ADD COLUMN     "lastErrorKind" TEXT,
ADD COLUMN     "lastRunStats" JSONB,
ADD COLUMN     "leaseExpiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "leaseId" TEXT,
ADD COLUMN     "progressDone" INTEGER,
ADD COLUMN     "progressTotal" INTEGER,
ADD COLUMN     "stage" TEXT NOT NULL DEFAULT 'idle',
ADD COLUMN     "stageStartedAt" TIMESTAMPTZ(3),
ADD COLUMN     "syncRequestedAt" TIMESTAMPTZ(3),
ADD COLUMN     "totalStats" JSONB;

-- AlterTable
ALTER TABLE "meetings" ADD COLUMN     "cancelledAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "attachmentNames" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "quotedText" TEXT,
ADD COLUMN     "rfcMessageId" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "integration_connections_leaseExpiresAt_idx" ON "integration_connections"("leaseExpiresAt");

-- CreateIndex
CREATE INDEX "messages_userId_rfcMessageId_idx" ON "messages"("userId", "rfcMessageId");

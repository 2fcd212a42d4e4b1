-- AlterTable
ALTER TABLE "rate_limit_buckets" ADD COLUMN     "blockedUntil" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "password_reset_requests" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "requestedIp" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "password_reset_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "password_reset_requests_createdAt_idx" ON "password_reset_requests"("createdAt");

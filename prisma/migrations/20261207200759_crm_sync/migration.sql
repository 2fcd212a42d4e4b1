-- AlterTable
ALTER TABLE "integration_connections" ADD COLUMN     "apiBaseUrl" TEXT,
ADD COLUMN     "authBaseUrl" TEXT;

-- AlterTable
ALTER TABLE "opportunities" ADD COLUMN     "crmStage" TEXT,
ADD COLUMN     "crmStageUnmapped" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "opportunity_stage_changes" ADD COLUMN     "crmStage" TEXT,
ADD COLUMN     "externalId" TEXT,
ADD COLUMN     "source" "RecordSource" NOT NULL DEFAULT 'manual';

-- CreateTable
CREATE TABLE "opportunity_contacts" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "opportunityId" TEXT NOT NULL,
    "prospectId" TEXT NOT NULL,
    "role" TEXT,
    "isPrimary" BOOLEAN NOT NULL DEFAULT false,
    "source" "RecordSource" NOT NULL DEFAULT 'manual',
    "externalId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "opportunity_contacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sequence_enrollments" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "prospectId" TEXT NOT NULL,
    "sequenceName" TEXT NOT NULL,
    "step" INTEGER,
    "totalSteps" INTEGER,
    "state" TEXT NOT NULL,
    "stateChangedAt" TIMESTAMPTZ(3),
    "source" "RecordSource" NOT NULL,
    "externalId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sequence_enrollments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "synced_records" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "source" "RecordSource" NOT NULL,
    "objectType" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "recordType" TEXT NOT NULL,
    "recordId" TEXT,
    "createdBySync" BOOLEAN NOT NULL DEFAULT false,
    "remote" JSONB NOT NULL,
    "remoteModifiedAt" TIMESTAMPTZ(3),
    "lastSeenAt" TIMESTAMPTZ(3),
    "deletedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "synced_records_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "opportunity_contacts_userId_idx" ON "opportunity_contacts"("userId");

-- CreateIndex
CREATE INDEX "opportunity_contacts_prospectId_idx" ON "opportunity_contacts"("prospectId");

-- CreateIndex
CREATE UNIQUE INDEX "opportunity_contacts_userId_source_externalId_key" ON "opportunity_contacts"("userId", "source", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "opportunity_contacts_opportunityId_prospectId_key" ON "opportunity_contacts"("opportunityId", "prospectId");

-- CreateIndex
CREATE INDEX "sequence_enrollments_userId_idx" ON "sequence_enrollments"("userId");

-- CreateIndex
CREATE INDEX "sequence_enrollments_prospectId_idx" ON "sequence_enrollments"("prospectId");

-- CreateIndex
CREATE UNIQUE INDEX "sequence_enrollments_userId_source_externalId_key" ON "sequence_enrollments"("userId", "source", "externalId");

-- CreateIndex
CREATE INDEX "synced_records_userId_recordType_recordId_idx" ON "synced_records"("userId", "recordType", "recordId");

-- CreateIndex
CREATE INDEX "synced_records_userId_source_objectType_lastSeenAt_idx" ON "synced_records"("userId", "source", "objectType", "lastSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "synced_records_userId_source_objectType_externalId_key" ON "synced_records"("userId", "source", "objectType", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "opportunity_stage_changes_userId_source_externalId_key" ON "opportunity_stage_changes"("userId", "source", "externalId");

-- AddForeignKey
ALTER TABLE "opportunity_contacts" ADD CONSTRAINT "opportunity_contacts_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opportunity_contacts" ADD CONSTRAINT "opportunity_contacts_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "opportunities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opportunity_contacts" ADD CONSTRAINT "opportunity_contacts_prospectId_fkey" FOREIGN KEY ("prospectId") REFERENCES "prospects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sequence_enrollments" ADD CONSTRAINT "sequence_enrollments_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sequence_enrollments" ADD CONSTRAINT "sequence_enrollments_prospectId_fkey" FOREIGN KEY ("prospectId") REFERENCES "prospects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "synced_records" ADD CONSTRAINT "synced_records_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "brain_messages" ADD COLUMN     "generationStartedAt" TIMESTAMPTZ(3);

-- Search over conversation subjects and meeting titles (the brain's text evidence, and search),
-- as generated tsvector columns like the other searchable tables. Hand-edited from Prisma's
-- DEFAULT to GENERATED ALWAYS AS … STORED (see README "Changing the schema").

-- AlterTable
ALTER TABLE "conversations" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, subject)) STORED;

-- AlterTable
ALTER TABLE "meetings" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, ((title || ' '::text) || COALESCE(location, ''::text)))) STORED;

-- CreateIndex
CREATE INDEX "conversations_searchVector_idx" ON "conversations" USING GIN ("searchVector");

-- CreateIndex
CREATE INDEX "meetings_searchVector_idx" ON "meetings" USING GIN ("searchVector");

-- Trigram indexes (fuzzy name lookup) need pg_trgm; PGlite loads it from its contrib build.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateEnum
CREATE TYPE "RecordSource" AS ENUM ('manual', 'gmail', 'gcal', 'salesforce', 'outreach');

-- CreateEnum
CREATE TYPE "ProspectRole" AS ENUM ('champion', 'economic_buyer', 'technical_evaluator', 'blocker', 'user', 'other');

-- CreateEnum
CREATE TYPE "OpportunityStage" AS ENUM ('prospecting', 'discovery', 'demo', 'evaluation', 'proposal', 'negotiation', 'closed_won', 'closed_lost');

-- CreateEnum
CREATE TYPE "ConversationChannel" AS ENUM ('email', 'call', 'linkedin');

-- CreateEnum
CREATE TYPE "ActivityType" AS ENUM ('email_sent', 'email_received', 'meeting_held', 'call_logged', 'stage_changed', 'sequence_step', 'task_completed', 'note_added');

-- CreateEnum
CREATE TYPE "IdentityProvider" AS ENUM ('google');

-- CreateEnum
CREATE TYPE "IntegrationProvider" AS ENUM ('gmail', 'gcal', 'salesforce', 'outreach');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('active', 'error', 'needs_reauth', 'disconnected');

-- CreateEnum
CREATE TYPE "BrainMessageRole" AS ENUM ('user', 'assistant');

-- CreateEnum
CREATE TYPE "BrainMessageStatus" AS ENUM ('streaming', 'complete', 'stopped', 'failed');

-- CreateEnum
CREATE TYPE "BrainAnswerMode" AS ENUM ('server_key', 'user_key', 'retrieval_only');

-- CreateEnum
CREATE TYPE "MailKind" AS ENUM ('password_reset', 'password_reset_confirmation', 'subscription_receipt');

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "emailVerifiedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oauth_identities" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" "IdentityProvider" NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSignInAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oauth_identities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "secretHash" BYTEA NOT NULL,
    "userAgent" TEXT,
    "ip" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "password_reset_tokens" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenHash" BYTEA NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "requestedIp" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "password_reset_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_acknowledgements" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "policyVersion" TEXT NOT NULL,
    "acknowledgedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_acknowledgements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_limit_buckets" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "resetAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rate_limit_buckets_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "accounts" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "domain" TEXT,
    "industry" TEXT,
    "employeeCount" INTEGER,
    "hqCity" TEXT,
    "tier" TEXT,
    "description" TEXT,
    "ownerNotes" TEXT,
    "source" "RecordSource" NOT NULL DEFAULT 'manual',
    "externalId" TEXT,
    "importedId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "searchVector" tsvector GENERATED ALWAYS AS ((((setweight(to_tsvector('english'::regconfig, COALESCE(name, ''::text)), 'A'::"char") || setweight(to_tsvector('english'::regconfig, COALESCE(domain, ''::text)), 'A'::"char")) || setweight(to_tsvector('english'::regconfig, ((COALESCE(industry, ''::text) || ' '::text) || COALESCE("hqCity", ''::text))), 'C'::"char")) || setweight(to_tsvector('english'::regconfig, COALESCE(description, ''::text)), 'C'::"char")) || setweight(to_tsvector('english'::regconfig, COALESCE("ownerNotes", ''::text)), 'D'::"char")) STORED,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prospects" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accountId" TEXT,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "title" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "linkedinUrl" TEXT,
    "role" "ProspectRole" NOT NULL DEFAULT 'other',
    "status" TEXT NOT NULL DEFAULT 'active',
    "source" "RecordSource" NOT NULL DEFAULT 'manual',
    "externalId" TEXT,
    "importedId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "searchVector" tsvector GENERATED ALWAYS AS ((setweight(to_tsvector('simple'::regconfig, (("firstName" || ' '::text) || "lastName")), 'A'::"char") || setweight(to_tsvector('simple'::regconfig, COALESCE(email, ''::text)), 'A'::"char")) || setweight(to_tsvector('english'::regconfig, COALESCE(title, ''::text)), 'B'::"char")) STORED,

    CONSTRAINT "prospects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "opportunities" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accountId" TEXT,
    "name" TEXT NOT NULL,
    "stage" "OpportunityStage" NOT NULL DEFAULT 'prospecting',
    "amount" BIGINT,
    "currency" CHAR(3) NOT NULL DEFAULT 'USD',
    "closeDate" DATE,
    "probability" INTEGER,
    "nextStep" TEXT,
    "lossReason" TEXT,
    "source" "RecordSource" NOT NULL DEFAULT 'manual',
    "externalId" TEXT,
    "importedId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "searchVector" tsvector GENERATED ALWAYS AS ((setweight(to_tsvector('english'::regconfig, name), 'A'::"char") || setweight(to_tsvector('english'::regconfig, COALESCE("nextStep", ''::text)), 'C'::"char")) || setweight(to_tsvector('english'::regconfig, COALESCE("lossReason", ''::text)), 'C'::"char")) STORED,

    CONSTRAINT "opportunities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "opportunity_stage_changes" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "opportunityId" TEXT NOT NULL,
    "fromStage" "OpportunityStage",
    "stage" "OpportunityStage" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "opportunity_stage_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversations" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accountId" TEXT,
    "opportunityId" TEXT,
    "channel" "ConversationChannel" NOT NULL DEFAULT 'email',
    "subject" TEXT NOT NULL,
    "lastMessageAt" TIMESTAMPTZ(3),
    "source" "RecordSource" NOT NULL DEFAULT 'manual',
    "externalId" TEXT,
    "importedId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "conversations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversation_participants" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "prospectId" TEXT,
    "email" TEXT,

    CONSTRAINT "conversation_participants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "messages" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "fromEmail" TEXT NOT NULL,
    "toEmails" TEXT[],
    "sentAt" TIMESTAMPTZ(3) NOT NULL,
    "body" TEXT NOT NULL,
    "source" "RecordSource" NOT NULL DEFAULT 'manual',
    "externalId" TEXT,
    "importedId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "searchVector" tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple'::regconfig, "fromEmail"), 'B'::"char") || setweight(to_tsvector('english'::regconfig, body), 'C'::"char")) STORED,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meetings" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accountId" TEXT,
    "opportunityId" TEXT,
    "title" TEXT NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "location" TEXT,
    "source" "RecordSource" NOT NULL DEFAULT 'manual',
    "externalId" TEXT,
    "importedId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meetings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meeting_attendees" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "meetingId" TEXT NOT NULL,
    "prospectId" TEXT,
    "email" TEXT,

    CONSTRAINT "meeting_attendees_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notes" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "meetingId" TEXT,
    "accountId" TEXT,
    "opportunityId" TEXT,
    "prospectId" TEXT,
    "body" TEXT NOT NULL,
    "source" "RecordSource" NOT NULL DEFAULT 'manual',
    "externalId" TEXT,
    "importedId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "searchVector" tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, body)) STORED,

    CONSTRAINT "notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activities" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "type" "ActivityType" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "accountId" TEXT,
    "prospectId" TEXT,
    "opportunityId" TEXT,
    "conversationId" TEXT,
    "meetingId" TEXT,
    "summary" TEXT NOT NULL,
    "source" "RecordSource" NOT NULL DEFAULT 'manual',
    "externalId" TEXT,
    "importedId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "searchVector" tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, summary)) STORED,

    CONSTRAINT "activities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "brain_threads" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "accountId" TEXT,
    "opportunityId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "brain_threads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "brain_messages" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "role" "BrainMessageRole" NOT NULL,
    "content" TEXT NOT NULL,
    "status" "BrainMessageStatus" NOT NULL DEFAULT 'complete',
    "mode" "BrainAnswerMode",
    "model" TEXT,
    "errorMessage" TEXT,
    "inputTokens" INTEGER,
    "outputTokens" INTEGER,
    "contextManifest" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "brain_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "brain_citations" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "recordType" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,

    CONSTRAINT "brain_citations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration_connections" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" "IntegrationProvider" NOT NULL,
    "status" "ConnectionStatus" NOT NULL DEFAULT 'active',
    "scopes" TEXT[],
    "externalAccountId" TEXT,
    "externalAccountName" TEXT,
    "accessTokenCipher" BYTEA,
    "refreshTokenCipher" BYTEA,
    "tokenKeyId" TEXT,
    "accessTokenExpiresAt" TIMESTAMPTZ(3),
    "cursor" JSONB,
    "lastSyncStartedAt" TIMESTAMPTZ(3),
    "lastSyncFinishedAt" TIMESTAMPTZ(3),
    "lastSyncItemCount" INTEGER,
    "lastSyncDurationMs" INTEGER,
    "lastSyncError" TEXT,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "nextSyncAt" TIMESTAMPTZ(3),
    "connectedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnectedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "integration_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_events" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "connectionId" TEXT,
    "provider" "IntegrationProvider" NOT NULL,
    "externalId" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "occurredAt" TIMESTAMPTZ(3),
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMPTZ(3),

    CONSTRAINT "provider_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing_accounts" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "stripeCustomerId" TEXT NOT NULL,
    "stripeSubscriptionId" TEXT,
    "subscriptionStatus" TEXT,
    "plan" TEXT,
    "currentPeriodStart" TIMESTAMPTZ(3),
    "currentPeriodEnd" TIMESTAMPTZ(3),
    "cancelAtPeriodEnd" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "billing_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_webhook_events" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account_deletion_requests" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "purgeAfter" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "account_deletion_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mail_outbox" (
    "id" TEXT NOT NULL,
    "userId" TEXT,
    "kind" "MailKind" NOT NULL,
    "toEmail" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "textBody" TEXT NOT NULL,
    "htmlBody" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "mail_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "oauth_identities_userId_idx" ON "oauth_identities"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "oauth_identities_provider_providerAccountId_key" ON "oauth_identities"("provider", "providerAccountId");

-- CreateIndex
CREATE INDEX "sessions_userId_idx" ON "sessions"("userId");

-- CreateIndex
CREATE INDEX "sessions_expiresAt_idx" ON "sessions"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "password_reset_tokens_tokenHash_key" ON "password_reset_tokens"("tokenHash");

-- CreateIndex
CREATE INDEX "password_reset_tokens_userId_idx" ON "password_reset_tokens"("userId");

-- CreateIndex
CREATE INDEX "policy_acknowledgements_userId_idx" ON "policy_acknowledgements"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "policy_acknowledgements_userId_policyVersion_key" ON "policy_acknowledgements"("userId", "policyVersion");

-- CreateIndex
CREATE INDEX "rate_limit_buckets_resetAt_idx" ON "rate_limit_buckets"("resetAt");

-- CreateIndex
CREATE INDEX "accounts_userId_name_idx" ON "accounts"("userId", "name");

-- CreateIndex
CREATE INDEX "accounts_userId_updatedAt_idx" ON "accounts"("userId", "updatedAt");

-- CreateIndex
CREATE INDEX "accounts_searchVector_idx" ON "accounts" USING GIN ("searchVector");

-- CreateIndex
CREATE INDEX "accounts_name_trgm_idx" ON "accounts" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "accounts_userId_source_externalId_key" ON "accounts"("userId", "source", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "accounts_userId_importedId_key" ON "accounts"("userId", "importedId");

-- CreateIndex
CREATE INDEX "prospects_userId_lastName_firstName_idx" ON "prospects"("userId", "lastName", "firstName");

-- CreateIndex
CREATE INDEX "prospects_userId_email_idx" ON "prospects"("userId", "email");

-- CreateIndex
CREATE INDEX "prospects_accountId_idx" ON "prospects"("accountId");

-- CreateIndex
CREATE INDEX "prospects_searchVector_idx" ON "prospects" USING GIN ("searchVector");

-- CreateIndex
CREATE INDEX "prospects_name_trgm_idx" ON "prospects" USING GIN ("lastName" gin_trgm_ops, "firstName" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "prospects_userId_source_externalId_key" ON "prospects"("userId", "source", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "prospects_userId_importedId_key" ON "prospects"("userId", "importedId");

-- CreateIndex
CREATE INDEX "opportunities_userId_stage_idx" ON "opportunities"("userId", "stage");

-- CreateIndex
CREATE INDEX "opportunities_userId_closeDate_idx" ON "opportunities"("userId", "closeDate");

-- CreateIndex
CREATE INDEX "opportunities_accountId_idx" ON "opportunities"("accountId");

-- CreateIndex
CREATE INDEX "opportunities_searchVector_idx" ON "opportunities" USING GIN ("searchVector");

-- CreateIndex
CREATE UNIQUE INDEX "opportunities_userId_source_externalId_key" ON "opportunities"("userId", "source", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "opportunities_userId_importedId_key" ON "opportunities"("userId", "importedId");

-- CreateIndex
CREATE INDEX "opportunity_stage_changes_userId_idx" ON "opportunity_stage_changes"("userId");

-- CreateIndex
CREATE INDEX "opportunity_stage_changes_opportunityId_at_idx" ON "opportunity_stage_changes"("opportunityId", "at");

-- CreateIndex
CREATE INDEX "conversations_userId_lastMessageAt_idx" ON "conversations"("userId", "lastMessageAt");

-- CreateIndex
CREATE INDEX "conversations_accountId_idx" ON "conversations"("accountId");

-- CreateIndex
CREATE INDEX "conversations_opportunityId_idx" ON "conversations"("opportunityId");

-- CreateIndex
CREATE UNIQUE INDEX "conversations_userId_source_externalId_key" ON "conversations"("userId", "source", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "conversations_userId_importedId_key" ON "conversations"("userId", "importedId");

-- CreateIndex
CREATE INDEX "conversation_participants_userId_idx" ON "conversation_participants"("userId");

-- CreateIndex
CREATE INDEX "conversation_participants_conversationId_idx" ON "conversation_participants"("conversationId");

-- CreateIndex
CREATE INDEX "conversation_participants_prospectId_idx" ON "conversation_participants"("prospectId");

-- CreateIndex
CREATE INDEX "messages_conversationId_sentAt_idx" ON "messages"("conversationId", "sentAt");

-- CreateIndex
CREATE INDEX "messages_userId_sentAt_idx" ON "messages"("userId", "sentAt");

-- CreateIndex
CREATE INDEX "messages_searchVector_idx" ON "messages" USING GIN ("searchVector");

-- CreateIndex
CREATE UNIQUE INDEX "messages_userId_source_externalId_key" ON "messages"("userId", "source", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "messages_userId_importedId_key" ON "messages"("userId", "importedId");

-- CreateIndex
CREATE INDEX "meetings_userId_startsAt_idx" ON "meetings"("userId", "startsAt");

-- CreateIndex
CREATE INDEX "meetings_accountId_idx" ON "meetings"("accountId");

-- CreateIndex
CREATE INDEX "meetings_opportunityId_idx" ON "meetings"("opportunityId");

-- CreateIndex
CREATE UNIQUE INDEX "meetings_userId_source_externalId_key" ON "meetings"("userId", "source", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "meetings_userId_importedId_key" ON "meetings"("userId", "importedId");

-- CreateIndex
CREATE INDEX "meeting_attendees_userId_idx" ON "meeting_attendees"("userId");

-- CreateIndex
CREATE INDEX "meeting_attendees_meetingId_idx" ON "meeting_attendees"("meetingId");

-- CreateIndex
CREATE INDEX "meeting_attendees_prospectId_idx" ON "meeting_attendees"("prospectId");

-- CreateIndex
CREATE UNIQUE INDEX "notes_meetingId_key" ON "notes"("meetingId");

-- CreateIndex
CREATE INDEX "notes_userId_updatedAt_idx" ON "notes"("userId", "updatedAt");

-- CreateIndex
CREATE INDEX "notes_accountId_idx" ON "notes"("accountId");

-- CreateIndex
CREATE INDEX "notes_opportunityId_idx" ON "notes"("opportunityId");

-- CreateIndex
CREATE INDEX "notes_searchVector_idx" ON "notes" USING GIN ("searchVector");

-- CreateIndex
CREATE UNIQUE INDEX "notes_userId_source_externalId_key" ON "notes"("userId", "source", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "notes_userId_importedId_key" ON "notes"("userId", "importedId");

-- CreateIndex
CREATE INDEX "activities_userId_at_idx" ON "activities"("userId", "at");

-- CreateIndex
CREATE INDEX "activities_accountId_at_idx" ON "activities"("accountId", "at");

-- CreateIndex
CREATE INDEX "activities_prospectId_at_idx" ON "activities"("prospectId", "at");

-- CreateIndex
CREATE INDEX "activities_opportunityId_at_idx" ON "activities"("opportunityId", "at");

-- CreateIndex
CREATE INDEX "activities_searchVector_idx" ON "activities" USING GIN ("searchVector");

-- CreateIndex
CREATE UNIQUE INDEX "activities_userId_source_externalId_key" ON "activities"("userId", "source", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "activities_userId_importedId_key" ON "activities"("userId", "importedId");

-- CreateIndex
CREATE INDEX "brain_threads_userId_updatedAt_idx" ON "brain_threads"("userId", "updatedAt");

-- CreateIndex
CREATE INDEX "brain_messages_userId_idx" ON "brain_messages"("userId");

-- CreateIndex
CREATE INDEX "brain_messages_threadId_createdAt_idx" ON "brain_messages"("threadId", "createdAt");

-- CreateIndex
CREATE INDEX "brain_citations_userId_idx" ON "brain_citations"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "brain_citations_messageId_recordType_recordId_key" ON "brain_citations"("messageId", "recordType", "recordId");

-- CreateIndex
CREATE INDEX "integration_connections_userId_idx" ON "integration_connections"("userId");

-- CreateIndex
CREATE INDEX "integration_connections_status_nextSyncAt_idx" ON "integration_connections"("status", "nextSyncAt");

-- CreateIndex
CREATE UNIQUE INDEX "integration_connections_userId_provider_key" ON "integration_connections"("userId", "provider");

-- CreateIndex
CREATE INDEX "provider_events_userId_receivedAt_idx" ON "provider_events"("userId", "receivedAt");

-- CreateIndex
CREATE INDEX "provider_events_connectionId_idx" ON "provider_events"("connectionId");

-- CreateIndex
CREATE UNIQUE INDEX "provider_events_userId_provider_externalId_key" ON "provider_events"("userId", "provider", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "billing_accounts_userId_key" ON "billing_accounts"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "billing_accounts_stripeCustomerId_key" ON "billing_accounts"("stripeCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "billing_accounts_stripeSubscriptionId_key" ON "billing_accounts"("stripeSubscriptionId");

-- CreateIndex
CREATE INDEX "processed_webhook_events_processedAt_idx" ON "processed_webhook_events"("processedAt");

-- CreateIndex
CREATE UNIQUE INDEX "account_deletion_requests_userId_key" ON "account_deletion_requests"("userId");

-- CreateIndex
CREATE INDEX "account_deletion_requests_purgeAfter_idx" ON "account_deletion_requests"("purgeAfter");

-- CreateIndex
CREATE INDEX "mail_outbox_userId_idx" ON "mail_outbox"("userId");

-- CreateIndex
CREATE INDEX "mail_outbox_sentAt_createdAt_idx" ON "mail_outbox"("sentAt", "createdAt");

-- AddForeignKey
ALTER TABLE "oauth_identities" ADD CONSTRAINT "oauth_identities_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "password_reset_tokens" ADD CONSTRAINT "password_reset_tokens_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_acknowledgements" ADD CONSTRAINT "policy_acknowledgements_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prospects" ADD CONSTRAINT "prospects_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prospects" ADD CONSTRAINT "prospects_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opportunity_stage_changes" ADD CONSTRAINT "opportunity_stage_changes_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "opportunity_stage_changes" ADD CONSTRAINT "opportunity_stage_changes_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "opportunities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "opportunities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation_participants" ADD CONSTRAINT "conversation_participants_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation_participants" ADD CONSTRAINT "conversation_participants_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation_participants" ADD CONSTRAINT "conversation_participants_prospectId_fkey" FOREIGN KEY ("prospectId") REFERENCES "prospects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "messages" ADD CONSTRAINT "messages_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "opportunities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_attendees" ADD CONSTRAINT "meeting_attendees_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_attendees" ADD CONSTRAINT "meeting_attendees_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_attendees" ADD CONSTRAINT "meeting_attendees_prospectId_fkey" FOREIGN KEY ("prospectId") REFERENCES "prospects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "opportunities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_prospectId_fkey" FOREIGN KEY ("prospectId") REFERENCES "prospects"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_prospectId_fkey" FOREIGN KEY ("prospectId") REFERENCES "prospects"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "opportunities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "conversations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "meetings"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brain_threads" ADD CONSTRAINT "brain_threads_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brain_threads" ADD CONSTRAINT "brain_threads_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brain_threads" ADD CONSTRAINT "brain_threads_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "opportunities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brain_messages" ADD CONSTRAINT "brain_messages_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brain_messages" ADD CONSTRAINT "brain_messages_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "brain_threads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brain_citations" ADD CONSTRAINT "brain_citations_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brain_citations" ADD CONSTRAINT "brain_citations_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "brain_messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "integration_connections" ADD CONSTRAINT "integration_connections_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_events" ADD CONSTRAINT "provider_events_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_events" ADD CONSTRAINT "provider_events_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "integration_connections"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_accounts" ADD CONSTRAINT "billing_accounts_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_deletion_requests" ADD CONSTRAINT "account_deletion_requests_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

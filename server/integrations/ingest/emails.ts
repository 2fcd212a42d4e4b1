// Emails into records: each thread a conversation (keyed on the provider's thread id), each message a
// Message (keyed on the provider's message id, merged by RFC 5322 Message-ID with the same email
// stored before), each message a timeline entry. Set-based: one statement per kind of row per page.
import { maxLengths } from "../../crm/limits";
import { Prisma } from "../../db/generated/client";
import { truncateLine } from "../../utils/text";
import { skip, type IngestRun } from "./run";
import { threadSubject, type CleanEmail } from "./normalize";
import { personLabel } from "./people";
import { accountOf, classify, keys, relevance } from "./resolve";

/** How long a timeline entry's summary of an email may be (the subject is cut to fit). */
const SUMMARY_MAX = 300;

type ExistingConversation = { id: string; externalId: string; accountId: string | null };
type ExistingMessage = { id: string };

export async function writeEmails(
  run: IngestRun,
  emails: CleanEmail[],
  ensureProspects: (addresses: Iterable<string>) => Promise<void>,
): Promise<void> {
  if (emails.length === 0) return;
  const { tx, context, self, people, stats } = run;
  const threads = new Map<string, CleanEmail[]>();
  for (const email of emails) {
    const thread = threads.get(email.threadId);
    if (thread) thread.push(email);
    else threads.set(email.threadId, [email]);
  }
  for (const thread of threads.values()) thread.sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());

  // What is stored already, in one round trip: the threads' conversations and their participants,
  // and the page's messages by this source's id or by Message-ID under any source. Each look-up is one
  // index probe per key (see `keys`).
  const rfcIds = emails.flatMap((e) => (e.rfcMessageId ? [e.rfcMessageId] : []));
  const found = await tx.$queryRaw<
    {
      kind: "conversation" | "message" | "participant";
      id: string;
      key: string | null;
      a: string | null;
      b: string | null;
    }[]
  >`
    SELECT 'conversation' AS kind, c.id, c."externalId" AS key, c."accountId" AS a, NULL::text AS b, c."createdAt" AS ord
    FROM ${keys(threads.keys())},
      LATERAL (SELECT * FROM conversations
               WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource" AND "externalId" = k.v OFFSET 0) c
    UNION ALL
    SELECT 'message', m.id, m."externalId", m."rfcMessageId", 'mine', m."createdAt"
    FROM ${keys(emails.map((e) => e.externalId))},
      LATERAL (SELECT * FROM messages
               WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource" AND "externalId" = k.v OFFSET 0) m
    UNION ALL
    SELECT 'message', m.id, m."externalId", m."rfcMessageId",
           CASE WHEN m.source = ${context.source}::"RecordSource" AND m."externalId" IS NOT NULL THEN 'mine' END, m."createdAt"
    FROM ${keys(rfcIds)},
      LATERAL (SELECT * FROM messages WHERE "userId" = ${context.userId} AND "rfcMessageId" = k.v OFFSET 0) m
    UNION ALL
    SELECT 'participant', cp."conversationId", cp."prospectId", lower(cp.email), NULL, NULL
    FROM ${keys(threads.keys())},
      LATERAL (SELECT id FROM conversations
               WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource" AND "externalId" = k.v OFFSET 0) c
      JOIN conversation_participants cp ON cp."conversationId" = c.id
    ORDER BY 1, 6, 2`;
  const existingConversations = new Map<string, ExistingConversation>();
  const existingParticipants: Participant[] = [];
  const byKey = new Map<string, ExistingMessage>();
  const byRfc = new Map<string, string>();
  for (const row of found) {
    if (row.kind === "conversation" && row.key)
      existingConversations.set(row.key, { id: row.id, externalId: row.key, accountId: row.a });
    else if (row.kind === "participant")
      existingParticipants.push({ conversationId: row.id, prospectId: row.key, email: row.a });
    else if (row.kind === "message") {
      if (row.b === "mine" && row.key) byKey.set(row.key, { id: row.id });
      if (row.a && !byRfc.has(row.a)) byRfc.set(row.a, row.id);
    }
  }

  // A thread already stored stays stored: its later messages are always added. A new thread is
  // stored when someone in it is a prospect or at a known account; otherwise it is skipped, per message.
  const stored: [string, CleanEmail[]][] = [];
  for (const [threadId, thread] of threads) {
    const addresses = thread.flatMap((e) => [e.from.email, ...e.recipients.map((r) => r.email)]);
    const verdict = existingConversations.has(threadId) ? "known" : relevance(self, people, addresses);
    if (verdict === "known") stored.push([threadId, thread]);
    else skip(stats, verdict, thread.length);
  }
  if (stored.length === 0) return;
  await ensureProspects(
    stored.flatMap(([, thread]) => thread.flatMap((e) => [e.from.email, ...e.recipients.map((r) => r.email)])),
  );

  const conversations: {
    id: string;
    externalId: string;
    accountId: string | null;
    subject: string;
    lastMessageAt: Date;
  }[] = [];
  const participants: { conversationId: string; prospectId: string | null; email: string | null }[] = [];
  const messages: Record<string, unknown>[] = [];
  const merges: { id: string; quotedText: string | null; attachmentNames: string[] }[] = [];
  const activities: Record<string, unknown>[] = [];
  for (const [threadId, thread] of stored) {
    const existing = existingConversations.get(threadId);
    // Messages already stored elsewhere under the same Message-ID are merged there; only the rest
    // belong to this thread's conversation.
    const own: { email: CleanEmail; id: string }[] = [];
    for (const email of thread) {
      const keyed = byKey.get(email.externalId);
      const mergeInto = !keyed && email.rfcMessageId ? byRfc.get(email.rfcMessageId) : undefined;
      if (mergeInto) {
        merges.push({ id: mergeInto, quotedText: email.quotedText, attachmentNames: email.attachmentNames });
        continue;
      }
      const id = keyed?.id ?? run.newId();
      own.push({ email, id });
      if (email.rfcMessageId && !byRfc.has(email.rfcMessageId)) byRfc.set(email.rfcMessageId, id);
    }
    if (own.length === 0 && !existing) continue;
    const conversationId = existing?.id ?? run.newId();
    const addresses = [...new Set(thread.flatMap((e) => [e.from.email, ...e.recipients.map((r) => r.email)]))];
    const accountId = existing?.accountId ?? accountOf(self, people, addresses);
    conversations.push({
      id: conversationId,
      externalId: threadId,
      accountId,
      subject: threadSubject(thread[0]!.subject),
      lastMessageAt: thread[thread.length - 1]!.sentAt,
    });
    for (const address of addresses) {
      const who = classify(self, people, address);
      participants.push(
        who.kind === "prospect"
          ? { conversationId, prospectId: who.prospect.id, email: null }
          : { conversationId, prospectId: null, email: address },
      );
    }
    for (const { email, id } of own) {
      messages.push({
        id,
        conversationId,
        fromEmail: email.from.email,
        toEmails: email.recipients.map((r) => r.email),
        sentAt: email.sentAt,
        body: email.body,
        quotedText: email.quotedText,
        attachmentNames: email.attachmentNames,
        rfcMessageId: email.rfcMessageId,
        externalId: email.externalId,
      });
      activities.push(emailActivity(run, email, conversationId, accountId));
    }
  }

  const newParticipants = missingParticipants(participants, existingParticipants);
  // One statement for the page's conversations, participants, messages and timeline entries (foreign
  // keys are checked at its end, so children may name parents written beside them): each statement
  // is a round trip, and at a hundred emails a page the round trips were most of the time.
  const written = await tx.$queryRaw<{ inserted: boolean }[]>`
    WITH conversations_written AS (${conversationsSql(run, conversations)}),
         participants_written AS (${participantsSql(run, newParticipants)}),
         activities_written AS (${activitiesSql(run, activities)})
    ${messagesSql(run, messages)}`;
  for (const row of written) {
    if (row.inserted) stats.created += 1;
    else stats.updated += 1;
  }
  await mergeMessages(run, merges);
}

function emailActivity(run: IngestRun, email: CleanEmail, conversationId: string, accountId: string | null) {
  const { self, people } = run;
  const sent = run.self.addresses.has(email.from.email);
  const others = sent ? email.recipients : [email.from];
  const prospect = others.map((p) => classify(self, people, p.email)).find((who) => who.kind === "prospect");
  const counterpart = sent
    ? (email.recipients.find((r) => !self.addresses.has(r.email)) ?? email.recipients[0])
    : email.from;
  const subject = email.subject || "(no subject)";
  const summary = counterpart
    ? `Email ${sent ? "to" : "from"} ${personLabel(counterpart.name, counterpart.email)}: ${subject}`
    : `Email: ${subject}`;
  return {
    type: sent ? "email_sent" : "email_received",
    at: email.sentAt,
    accountId,
    prospectId: prospect?.kind === "prospect" ? prospect.prospect.id : null,
    conversationId,
    meetingId: null,
    summary: truncateLine(summary, Math.min(SUMMARY_MAX, maxLengths.activitySummary)),
    externalId: email.externalId,
  };
}

function conversationsSql(
  run: IngestRun,
  rows: { id: string; externalId: string; accountId: string | null; subject: string; lastMessageAt: Date }[],
): Prisma.Sql {
  const { context } = run;
  const json = JSON.stringify(rows);
  // The user may have linked the conversation to another account or renamed it: those edits stay.
  return Prisma.sql`
    INSERT INTO conversations (id, "userId", "accountId", channel, subject, "lastMessageAt", source, "externalId", "createdAt", "updatedAt")
    SELECT x.id, ${context.userId}, x."accountId", 'email'::"ConversationChannel", x.subject, x."lastMessageAt",
           ${context.source}::"RecordSource", x."externalId", ${context.now}, ${context.now}
    FROM jsonb_to_recordset(${json}::jsonb)
      AS x(id text, "accountId" text, subject text, "lastMessageAt" timestamptz, "externalId" text)
    ON CONFLICT ("userId", source, "externalId") DO UPDATE
    SET "accountId" = COALESCE(conversations."accountId", EXCLUDED."accountId"),
        "lastMessageAt" = GREATEST(conversations."lastMessageAt", EXCLUDED."lastMessageAt"),
        "updatedAt" = EXCLUDED."updatedAt"
    WHERE conversations."accountId" IS DISTINCT FROM COALESCE(conversations."accountId", EXCLUDED."accountId")
       OR conversations."lastMessageAt" IS DISTINCT FROM GREATEST(conversations."lastMessageAt", EXCLUDED."lastMessageAt")`;
}

type Participant = { conversationId: string; prospectId: string | null; email: string | null };

/** The participants not yet on their (existing) conversations, de-duplicated. */
function missingParticipants(wanted: Participant[], existing: Participant[]): Participant[] {
  const key = (p: Participant) => `${p.conversationId}\u0001${p.prospectId ?? ""}\u0001${p.email ?? ""}`;
  const have = new Set(existing.map(key));
  return wanted.filter((p) => {
    const k = key(p);
    if (have.has(k)) return false;
    have.add(k);
    return true;
  });
}

function participantsSql(run: IngestRun, rows: Participant[]): Prisma.Sql {
  const { context } = run;
  const json = JSON.stringify(rows.map((p) => ({ id: run.newId(), ...p })));
  return Prisma.sql`
    INSERT INTO conversation_participants (id, "userId", "conversationId", "prospectId", email)
    SELECT x.id, ${context.userId}, x."conversationId", x."prospectId", x.email
    FROM jsonb_to_recordset(${json}::jsonb) AS x(id text, "conversationId" text, "prospectId" text, email text)`;
}

/** The messages' upsert; returns one row per message inserted or changed, saying which. */
function messagesSql(run: IngestRun, rows: Record<string, unknown>[]): Prisma.Sql {
  const { context } = run;
  const json = JSON.stringify(rows);
  return Prisma.sql`
    INSERT INTO messages (id, "userId", "conversationId", "fromEmail", "toEmails", "sentAt", body, "quotedText",
                          "attachmentNames", "rfcMessageId", source, "externalId", "createdAt", "updatedAt")
    SELECT x.id, ${context.userId}, x."conversationId", x."fromEmail", x."toEmails", x."sentAt", x.body, x."quotedText",
           x."attachmentNames", x."rfcMessageId", ${context.source}::"RecordSource", x."externalId", ${context.now}, ${context.now}
    FROM jsonb_to_recordset(${json}::jsonb) AS x(id text, "conversationId" text, "fromEmail" text, "toEmails" text[],
         "sentAt" timestamptz, body text, "quotedText" text, "attachmentNames" text[], "rfcMessageId" text, "externalId" text)
    ON CONFLICT ("userId", source, "externalId") DO UPDATE
    SET "conversationId" = EXCLUDED."conversationId", "fromEmail" = EXCLUDED."fromEmail",
        "toEmails" = EXCLUDED."toEmails", "sentAt" = EXCLUDED."sentAt", body = EXCLUDED.body,
        "quotedText" = EXCLUDED."quotedText", "attachmentNames" = EXCLUDED."attachmentNames",
        "rfcMessageId" = EXCLUDED."rfcMessageId", "updatedAt" = EXCLUDED."updatedAt"
    WHERE (messages."conversationId", messages."fromEmail", messages."toEmails", messages."sentAt", messages.body,
           messages."quotedText", messages."attachmentNames", messages."rfcMessageId")
          IS DISTINCT FROM
          (EXCLUDED."conversationId", EXCLUDED."fromEmail", EXCLUDED."toEmails", EXCLUDED."sentAt", EXCLUDED.body,
           EXCLUDED."quotedText", EXCLUDED."attachmentNames", EXCLUDED."rfcMessageId")
    RETURNING (xmax = 0) AS inserted`;
}

/**
 * The same email already stored (a manual import, another mailbox): it stays one message, where it
 * is, as the user has it; the sync only fills in what it lacks (quoted history, attachment names).
 */
async function mergeMessages(
  run: IngestRun,
  merges: { id: string; quotedText: string | null; attachmentNames: string[] }[],
): Promise<void> {
  if (merges.length === 0) return;
  const { tx, context, stats } = run;
  const json = JSON.stringify(merges);
  const changed = await tx.$queryRaw<{ id: string }[]>`
    UPDATE messages m
    SET "quotedText" = COALESCE(m."quotedText", x."quotedText"),
        "attachmentNames" = CASE WHEN cardinality(COALESCE(m."attachmentNames", '{}')) = 0
                                 THEN x."attachmentNames" ELSE m."attachmentNames" END,
        "updatedAt" = ${context.now}
    FROM jsonb_to_recordset(${json}::jsonb) AS x(id text, "quotedText" text, "attachmentNames" text[])
    WHERE m.id = x.id AND m."userId" = ${context.userId}
      AND ((m."quotedText" IS NULL AND x."quotedText" IS NOT NULL)
           OR (cardinality(COALESCE(m."attachmentNames", '{}')) = 0 AND cardinality(x."attachmentNames") > 0))
    RETURNING m.id`;
  stats.updated += new Set(changed.map((c) => c.id)).size;
}

/** Timeline entries keyed on (source, externalId): rewritten only when what they say changed. */
export function activitiesSql(run: IngestRun, rows: Record<string, unknown>[]): Prisma.Sql {
  const { context } = run;
  const json = JSON.stringify(rows.map((row) => ({ id: run.newId(), ...row })));
  return Prisma.sql`
    INSERT INTO activities (id, "userId", type, at, "accountId", "prospectId", "conversationId", "meetingId", summary,
                            source, "externalId", "createdAt", "updatedAt")
    SELECT x.id, ${context.userId}, x.type::"ActivityType", x.at, x."accountId", x."prospectId", x."conversationId",
           x."meetingId", x.summary, ${context.source}::"RecordSource", x."externalId", ${context.now}, ${context.now}
    FROM jsonb_to_recordset(${json}::jsonb) AS x(id text, type text, at timestamptz, "accountId" text, "prospectId" text,
         "conversationId" text, "meetingId" text, summary text, "externalId" text)
    ON CONFLICT ("userId", source, "externalId") DO UPDATE
    SET type = EXCLUDED.type, at = EXCLUDED.at, "accountId" = EXCLUDED."accountId", "prospectId" = EXCLUDED."prospectId",
        "conversationId" = EXCLUDED."conversationId", "meetingId" = EXCLUDED."meetingId", summary = EXCLUDED.summary,
        "updatedAt" = EXCLUDED."updatedAt"
    WHERE (activities.type, activities.at, activities."accountId", activities."prospectId", activities."conversationId",
           activities."meetingId", activities.summary)
          IS DISTINCT FROM
          (EXCLUDED.type, EXCLUDED.at, EXCLUDED."accountId", EXCLUDED."prospectId", EXCLUDED."conversationId",
           EXCLUDED."meetingId", EXCLUDED.summary)`;
}

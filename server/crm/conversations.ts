// Conversations: email threads, calls and LinkedIn exchanges, with their messages.
import { z } from "zod";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { conversationChannels } from "../data-rights/workspace-format";
import { NotFoundError } from "../errors";
import { recordActivity } from "./activity";
import { ensureOwnedRef, idInput, optionalRef, requiredText } from "./inputs";
import { maxLengths } from "./limits";
import { cursorInput, keysetOrderBy, keysetPage, keysetWhere, pageSizeInput, type SortKey } from "./pagination";

export const listConversationsInput = z.object({
  limit: pageSizeInput,
  cursor: cursorInput.nullish(),
  accountId: idInput.nullish(),
  opportunityId: idInput.nullish(),
  prospectId: idInput.nullish(),
  channel: z.enum(conversationChannels).nullish(),
});

const listSelect = {
  id: true,
  subject: true,
  channel: true,
  lastMessageAt: true,
  source: true,
  account: { select: { id: true, name: true } },
  opportunity: { select: { id: true, name: true } },
  _count: { select: { messages: true } },
} satisfies Prisma.ConversationSelect;
type ConversationRow = Prisma.ConversationGetPayload<{ select: typeof listSelect }>;
const byLatest: SortKey<ConversationRow> = {
  field: "lastMessageAt",
  direction: "desc",
  kind: "date",
  nullable: true,
  value: (row) => row.lastMessageAt,
};

export async function listConversations(db: Db, userId: string, input: z.output<typeof listConversationsInput>) {
  const filters: Prisma.ConversationWhereInput = {
    userId,
    ...(input.accountId ? { accountId: input.accountId } : {}),
    ...(input.opportunityId ? { opportunityId: input.opportunityId } : {}),
    ...(input.prospectId ? { participants: { some: { prospectId: input.prospectId } } } : {}),
    ...(input.channel ? { channel: input.channel } : {}),
  };
  const rows = await db.conversation.findMany({
    where: { AND: [filters, keysetWhere(byLatest, input.cursor) as Prisma.ConversationWhereInput] },
    orderBy: keysetOrderBy(byLatest),
    take: input.limit + 1,
    select: listSelect,
  });
  return keysetPage(rows, input.limit, byLatest);
}

export async function getConversation(db: Db, userId: string, id: string) {
  const conversation = await db.conversation.findFirst({
    where: { id, userId },
    select: {
      ...listSelect,
      participants: {
        select: {
          id: true,
          email: true,
          prospect: { select: { id: true, firstName: true, lastName: true, email: true, title: true } },
        },
      },
      messages: {
        orderBy: { sentAt: "asc" },
        select: {
          id: true,
          fromEmail: true,
          toEmails: true,
          sentAt: true,
          body: true,
          quotedText: true,
          attachmentNames: true,
        },
      },
    },
  });
  if (!conversation) throw new NotFoundError("conversation");
  return conversation;
}

export const createConversationInput = z.object({
  channel: z.enum(conversationChannels, { message: "Choose email, call or LinkedIn." }).default("email"),
  subject: requiredText(maxLengths.subject, "Give the conversation a subject."),
  accountId: optionalRef,
  opportunityId: optionalRef,
  prospectIds: z.array(idInput).max(50).default([]),
  /** The first message (for a call: what was said). */
  body: requiredText(maxLengths.messageBody, "Write the message."),
});

export const addMessageInput = z.object({
  conversationId: idInput,
  body: requiredText(maxLengths.messageBody, "Write the message."),
  /** `sent`: from the seller. `received`: logged from the other side. */
  direction: z.enum(["sent", "received"]).default("sent"),
});

async function participantEmails(db: Db, userId: string, conversationId: string) {
  const people = await db.conversationParticipant.findMany({
    where: { userId, conversationId, prospectId: { not: null } },
    select: { prospect: { select: { id: true, email: true } } },
  });
  return people.flatMap((p) => (p.prospect ? [p.prospect] : []));
}

export async function createConversation(
  db: Db,
  user: { id: string; email: string },
  input: z.output<typeof createConversationInput>,
  now = new Date(),
) {
  await ensureOwnedRef(db, "account", user.id, input.accountId, "accountId");
  await ensureOwnedRef(db, "opportunity", user.id, input.opportunityId, "opportunityId");
  const people = await db.prospect.findMany({
    where: { userId: user.id, id: { in: input.prospectIds } },
    select: { id: true, email: true },
  });
  if (people.length !== new Set(input.prospectIds).size)
    await ensureOwnedRef(
      db,
      "prospect",
      user.id,
      input.prospectIds.find((id) => !people.some((p) => p.id === id)),
      "prospectIds",
    );
  return db.$transaction(async (tx) => {
    const conversation = await tx.conversation.create({
      data: {
        userId: user.id,
        channel: input.channel,
        subject: input.subject,
        accountId: input.accountId,
        opportunityId: input.opportunityId,
        lastMessageAt: now,
        participants: {
          create: [
            ...people.map((p) => ({ userId: user.id, prospectId: p.id })),
            { userId: user.id, email: user.email },
          ],
        },
        messages: {
          create: {
            userId: user.id,
            fromEmail: user.email,
            toEmails: people.flatMap((p) => (p.email ? [p.email] : [])),
            sentAt: now,
            body: input.body,
          },
        },
      },
      select: { id: true },
    });
    await recordActivity(tx, {
      userId: user.id,
      type: input.channel === "call" ? "call_logged" : "email_sent",
      at: now,
      accountId: input.accountId,
      opportunityId: input.opportunityId,
      prospectId: people[0]?.id ?? null,
      conversationId: conversation.id,
      summary: `${input.channel === "call" ? "Call logged" : input.channel === "linkedin" ? "LinkedIn message sent" : "Email sent"}: ${input.subject}`,
    });
    return conversation;
  });
}

export async function addMessage(
  db: Db,
  user: { id: string; email: string },
  input: z.output<typeof addMessageInput>,
  now = new Date(),
) {
  const conversation = await db.conversation.findFirst({
    where: { id: input.conversationId, userId: user.id },
    select: { id: true, subject: true, channel: true, accountId: true, opportunityId: true },
  });
  if (!conversation) throw new NotFoundError("conversation");
  const people = await participantEmails(db, user.id, conversation.id);
  const others = people.flatMap((p) => (p.email ? [p.email] : []));
  const [fromEmail, toEmails] =
    input.direction === "sent" ? [user.email, others] : [others[0] ?? "unknown@unknown", [user.email]];
  return db.$transaction(async (tx) => {
    const message = await tx.message.create({
      data: { userId: user.id, conversationId: conversation.id, fromEmail, toEmails, sentAt: now, body: input.body },
      select: { id: true },
    });
    await tx.conversation.update({ where: { id: conversation.id }, data: { lastMessageAt: now } });
    await recordActivity(tx, {
      userId: user.id,
      type: input.direction === "sent" ? "email_sent" : "email_received",
      at: now,
      accountId: conversation.accountId,
      opportunityId: conversation.opportunityId,
      prospectId: people[0]?.id ?? null,
      conversationId: conversation.id,
      summary: `${input.direction === "sent" ? "Replied" : "Reply logged"}: ${conversation.subject}`,
    });
    return message;
  });
}

export async function deleteConversation(db: Db, userId: string, id: string) {
  const result = await db.conversation.deleteMany({ where: { id, userId } });
  if (result.count === 0) throw new NotFoundError("conversation");
  return { id };
}

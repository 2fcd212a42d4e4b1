// Conversations with the brain: stored server-side, so they are the same on every device (P2).
import { z } from "zod";
import type { Db } from "../db/client";
import { NotFoundError } from "../errors";
import { idInput, requiredText } from "../crm/inputs";
import { readManifest } from "./manifest";

export const renameThreadInput = z.object({
  threadId: idInput,
  title: requiredText(120, "Give the conversation a title."),
});

export async function listThreads(db: Db, userId: string) {
  const threads = await db.brainThread.findMany({
    where: { userId },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    take: 100,
    select: {
      id: true,
      title: true,
      updatedAt: true,
      account: { select: { id: true, name: true } },
      opportunity: { select: { id: true, name: true } },
      _count: { select: { messages: true } },
    },
  });
  return threads;
}

export async function getThread(db: Db, userId: string, threadId: string) {
  const thread = await db.brainThread.findFirst({
    where: { id: threadId, userId },
    select: {
      id: true,
      title: true,
      createdAt: true,
      updatedAt: true,
      account: { select: { id: true, name: true } },
      opportunity: { select: { id: true, name: true } },
      messages: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: {
          id: true,
          role: true,
          content: true,
          status: true,
          mode: true,
          model: true,
          errorMessage: true,
          inputTokens: true,
          outputTokens: true,
          contextManifest: true,
          createdAt: true,
          citations: {
            orderBy: { ordinal: "asc" },
            select: { recordType: true, recordId: true, label: true, ordinal: true },
          },
        },
      },
    },
  });
  if (!thread) throw new NotFoundError("conversation with the brain");
  return {
    ...thread,
    messages: thread.messages.map(({ contextManifest, ...message }) => ({
      ...message,
      manifest: readManifest(contextManifest, message.id),
    })),
  };
}

export async function renameThread(db: Db, userId: string, input: z.output<typeof renameThreadInput>) {
  const result = await db.brainThread.updateMany({
    where: { id: input.threadId, userId },
    data: { title: input.title },
  });
  if (result.count === 0) throw new NotFoundError("conversation with the brain");
  return { id: input.threadId };
}

export async function deleteThread(db: Db, userId: string, threadId: string) {
  const result = await db.brainThread.deleteMany({ where: { id: threadId, userId } });
  if (result.count === 0) throw new NotFoundError("conversation with the brain");
  return { id: threadId };
}

// A user with a little of everything, for tests that try every procedure against someone's records
// (tests/authorization.test.ts: another user must not reach them; tests/fuzz: hostile input must not
// change them): the small workspace, a brain conversation, an answer left for the user's own key, a
// Gmail connection and a session.
import { expect } from "vitest";
import { importWorkspace } from "../../server/data-rights/import/import-workspace";
import type { Db } from "../../server/db/client";
import { storeConnection } from "../../server/integrations/connections";
import { callerFor, signIn } from "./users";
import { smallWorkspace } from "./workspace";

export type SeededIds = {
  userId: string;
  account: string;
  prospect: string;
  opportunity: string;
  conversation: string;
  message: string;
  meeting: string;
  note: string;
  thread: string;
  answer: string;
  /** An answer to be written by the user's own key in the browser (prepare, runTool, complete act on these). */
  keyAnswer: string;
  connection: string;
  sessionId: string;
  sessionToken: string;
};

/** Gives `userId` the small workspace and the rest above; `label` tells the connection's tokens apart. */
export async function seedUserRecords(db: Db, userId: string, label: string): Promise<SeededIds> {
  const imported = await importWorkspace(db, userId, smallWorkspace(), { shiftReferenceDateTo: new Date() });
  expect(imported.ok).toBe(true);
  const { session, token, auth } = await signIn(db, userId);
  // A conversation with the brain (retrieval-only: no key in tests).
  const api = await callerFor(auth);
  const asked = await api.brain.ask({ question: "What's the latest with Acme Logistics?" });
  for await (const _event of await api.brain.stream({ assistantMessageId: asked.assistantMessageId })) void _event;
  const keyAsked = await api.brain.ask({ question: "Which deals close this month?", userKey: true });
  const find = async <T extends { id: string }>(rows: Promise<T | null>) => (await rows)!.id;
  return {
    userId,
    account: await find(db.account.findFirst({ where: { userId, importedId: "acc_acme" } })),
    prospect: await find(db.prospect.findFirst({ where: { userId, importedId: "pro_ana" } })),
    opportunity: await find(db.opportunity.findFirst({ where: { userId, importedId: "opp_acme" } })),
    conversation: await find(db.conversation.findFirst({ where: { userId } })),
    message: await find(db.message.findFirst({ where: { userId } })),
    meeting: await find(db.meeting.findFirst({ where: { userId } })),
    note: await find(db.note.findFirst({ where: { userId } })),
    thread: asked.threadId,
    answer: asked.assistantMessageId,
    keyAnswer: keyAsked.assistantMessageId,
    connection: (
      await storeConnection(db, userId, {
        provider: "gmail",
        scopes: ["https://www.googleapis.com/auth/gmail.readonly"],
        accessToken: `${label}-access`,
        refreshToken: `${label}-refresh`,
      })
    ).id,
    sessionId: session.id,
    sessionToken: token,
  };
}

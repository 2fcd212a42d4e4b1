// The world a fuzz test runs in: the fuzzing user A, signed in, with a small workspace of their own
// (so generated calls reach real records), and a victim B with the same kind of workspace, a brain
// conversation, a connection and a session — B's ids are in the pool, so every fuzzed call also
// tries another user's records, and B's rows must come out of the run unchanged.
import { expect } from "vitest";
import { importWorkspace } from "../../server/data-rights/import/import-workspace";
import { getDb, type Db } from "../../server/db/client";
import { storeConnection } from "../../server/integrations/connections";
import { callerFor, createUser, signIn } from "../helpers/users";
import { smallWorkspace } from "../helpers/workspace";

export type RecordIds = {
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
  session: string;
};

async function workspaceOf(db: Db, userId: string, email: string): Promise<RecordIds> {
  const imported = await importWorkspace(db, userId, smallWorkspace(), { shiftReferenceDateTo: new Date() });
  expect(imported.ok).toBe(true);
  const { session, auth } = await signIn(db, userId);
  const api = await callerFor(auth);
  const asked = await api.brain.ask({ question: "What's the latest with Acme Logistics?" });
  for await (const _event of await api.brain.stream({ assistantMessageId: asked.assistantMessageId })) void _event;
  const keyAsked = await api.brain.ask({ question: "Which deals close this month?", userKey: true });
  const first = async <T extends { id: string }>(row: Promise<T | null>) => (await row)!.id;
  const where = { where: { userId } };
  return {
    userId,
    account: await first(db.account.findFirst(where)),
    prospect: await first(db.prospect.findFirst(where)),
    opportunity: await first(db.opportunity.findFirst(where)),
    conversation: await first(db.conversation.findFirst(where)),
    message: await first(db.message.findFirst(where)),
    meeting: await first(db.meeting.findFirst(where)),
    note: await first(db.note.findFirst(where)),
    thread: asked.threadId,
    answer: asked.assistantMessageId,
    keyAnswer: keyAsked.assistantMessageId,
    connection: (
      await storeConnection(db, userId, {
        provider: "gmail",
        scopes: ["https://www.googleapis.com/auth/gmail.readonly"],
        accessToken: `${email}-access`,
        refreshToken: `${email}-refresh`,
      })
    ).id,
    session: session.id,
  };
}

export type FuzzWorld = {
  /** The fuzzing user's own records. */
  a: RecordIds;
  aEmail: string;
  /** The victim's records: every fuzzed call may name them, none may change them. */
  b: RecordIds;
  bEmail: string;
  /** A fresh cookie for A (a fuzzed call may sign A out: each run can start signed in). */
  cookieForA: () => Promise<string>;
  /** Ids to generate from: A's, B's, and ids that belong to nobody. */
  ids: string[];
};

export async function fuzzWorld(): Promise<FuzzWorld> {
  const db = await getDb();
  const aEmail = "fuzzer-a@example.test";
  const bEmail = "victim-b@example.test";
  const userA = await createUser(db, { email: aEmail, name: "Fuzzer A" });
  const userB = await createUser(db, { email: bEmail, name: "Victim B" });
  const a = await workspaceOf(db, userA.id, aEmail);
  const b = await workspaceOf(db, userB.id, bEmail);
  const idsOf = (r: RecordIds) => Object.values(r);
  return {
    a,
    aEmail,
    b,
    bEmail,
    cookieForA: async () => (await signIn(db, userA.id)).cookie,
    ids: [...idsOf(a), ...idsOf(b), "no-such-id", "acc_acme", "0", "x".repeat(64), "x".repeat(65)],
  };
}

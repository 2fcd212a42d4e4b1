// The world a fuzz test runs in: the fuzzing user A, signed in, with a small workspace of their own
// (so generated calls reach real records), and a victim B with the same kind of workspace, a brain
// conversation, a connection and a session — B's ids are in the pool, so every fuzzed call also
// tries another user's records, and B's rows must come out of the run unchanged.
import { getDb } from "../../server/db/client";
import { seedUserRecords, type SeededIds } from "../helpers/seeded-user";
import { createUser, signIn } from "../helpers/users";

/** A user's ids, as tests/helpers/seeded-user.ts seeds them. */
export type RecordIds = SeededIds;

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
  const a = await seedUserRecords(db, userA.id, aEmail);
  const b = await seedUserRecords(db, userB.id, bEmail);
  // Ids only: a session token is a secret, not a record id.
  const idsOf = ({ sessionToken: _token, ...ids }: RecordIds) => Object.values(ids);
  return {
    a,
    aEmail,
    b,
    bEmail,
    cookieForA: async () => (await signIn(db, userA.id)).cookie,
    ids: [...idsOf(a), ...idsOf(b), "no-such-id", "acc_acme", "0", "x".repeat(64), "x".repeat(65)],
  };
}

// The workspace and mailbox of `npm run bench -- sync` (bench/sync.ts), shared by the bench and the
// fake Gmail it starts as a child process (bench/sync-fake-gmail.ts), so both build the same ones
// from the same few numbers.
import { generateMailbox, type MailboxPerson } from "../tests/fakes/google-apis/mailbox";

export const OWNER: MailboxPerson = { email: "seller@bench-seller.example", name: "Sam Seller" };
export const COLLEAGUES: MailboxPerson[] = [
  { email: "dana.kim@bench-seller.example", name: "Dana Kim" },
  { email: "jordan.lee@bench-seller.example", name: "Jordan Lee" },
];
/** Accounts of the seeded workspace, each with a domain and KNOWN_PER_ACCOUNT prospects. */
export const ACCOUNTS = 200;
export const KNOWN_PER_ACCOUNT = 3;
/** People mailing from an account's domain who are not prospects yet: ingest makes them prospects. */
export const UNKNOWN_PER_ACCOUNT = 1;
export const GMAIL_SCOPES = ["https://www.googleapis.com/auth/gmail.readonly"];

export const accountDomain = (a: number) => `account${a}.bench.example`;
export const knownPerson = (a: number, p: number): MailboxPerson => ({
  email: `person${p}@${accountDomain(a)}`,
  name: `Person${p} Account${a}`,
});

/** Who the mailbox's customer threads are with: every known prospect, and a few people not known yet. */
export function counterparts(): MailboxPerson[] {
  const people: MailboxPerson[] = [];
  for (let a = 0; a < ACCOUNTS; a += 1) {
    for (let p = 0; p < KNOWN_PER_ACCOUNT; p += 1) people.push(knownPerson(a, p));
    for (let u = 0; u < UNKNOWN_PER_ACCOUNT; u += 1)
      people.push({ email: `newcomer${u}@${accountDomain(a)}`, name: `Newcomer${u} Account${a}` });
  }
  return people;
}

/** `count` messages over the 89 days before `now`: all inside the default 90-day window. */
export function benchMailbox(count: number, now: Date) {
  return generateMailbox({
    seed: 50_000,
    owner: OWNER,
    colleagues: COLLEAGUES,
    counterparts: counterparts(),
    messageCount: count,
    days: 89,
    now,
  });
}

// The fake Gmail and Calendar APIs the local demo syncs from (FAKE_GOOGLE), mounted by server/app.ts
// at /dev/fake-google-apis (env().googleApiBaseUrl then). Bearer tokens are checked against the
// demo's fake Google (../google-oauth/demo.ts), so a mailbox is reachable only with a token its
// "Connect Gmail" handshake issued. Each of the fake's accounts has one mailbox and one calendar,
// built once per process from the demo workspace (its prospects are the people who write), and a
// new message arrives every few minutes so a running demo shows incremental polls finding mail.
import type { Router } from "express";
import type { Env } from "../../../server/env";
import { singleton } from "../../../server/utils/singleton";
import { demoFakeGoogle } from "../google-oauth/demo";
import { calendarRouter } from "./calendar";
import { demoCalendarStore } from "./calendar-data";
import { gmailRouter, type GmailStore } from "./gmail";
import { FakeGoogleApis } from "./index";
import { demoCounterparts, demoGmailStore, generateMailbox, type MailboxPerson } from "./mailbox";

/** How often a new message lands in each demo mailbox (a bit more than the default poll interval). */
export const DEMO_ARRIVAL_INTERVAL_MS = 6 * 60_000;
/** Arrivals planned ahead; after this many the mailbox stops growing (about a week at the interval). */
const DEMO_ARRIVALS = 1_680;

export type DemoGoogleApis = {
  apis: FakeGoogleApis;
  mailboxes: Map<string, GmailStore>;
  /** Delivers every planned arrival due by `now` (the timer calls it; tests may too). */
  deliverArrivals(now?: number): number;
};

/** The demo's fake APIs: one per process (the dev server may load this module twice). */
export function demoFakeGoogleApis(env: Env): Promise<DemoGoogleApis> {
  return singleton("fake-google-apis", () => buildDemoApis(env));
}

/** The router server/app.ts mounts. */
export async function demoFakeGoogleApisRouter(env: Env): Promise<Router> {
  return (await demoFakeGoogleApis(env)).apis.router();
}

async function buildDemoApis(env: Env): Promise<DemoGoogleApis> {
  const google = demoFakeGoogle(env);
  const startedAt = Date.now();
  const now = new Date(startedAt);
  const accounts: MailboxPerson[] = google.options.accounts.map(({ email, name }) => ({ email, name }));
  const mailboxes = new Map<string, GmailStore>();
  const calendars = new Map(accounts.map((a) => [a.email.toLowerCase(), demoCalendarStore(a.email, now, a.name)]));
  const arrivals: { store: GmailStore; source: ReturnType<typeof generateMailbox>; next: number }[] = [];
  const counterparts = await demoCounterparts();
  for (const account of accounts) {
    const store = await demoGmailStore(account, now);
    mailboxes.set(account.email.toLowerCase(), store);
    arrivals.push({ store, source: arrivalsFor(account, counterparts, startedAt), next: 0 });
  }

  const deliverArrivals = (at = Date.now()): number => {
    let delivered = 0;
    for (const queue of arrivals) {
      while (queue.next < queue.source.count && queue.source.entry(queue.next).internalDate <= at) {
        const { id, threadId, labelIds, internalDate, payload, snippet, sizeEstimate } = queue.source.message(
          queue.next,
        );
        queue.store.addMessage({ id, threadId, labelIds, internalDate, payload, snippet, sizeEstimate });
        queue.next += 1;
        delivered += 1;
      }
    }
    return delivered;
  };
  // Unref'd: the demo's mail never keeps a process alive that is shutting down.
  setInterval(() => deliverArrivals(), Math.min(DEMO_ARRIVAL_INTERVAL_MS, 60_000)).unref();

  const apis = new FakeGoogleApis(google.verifyAccessToken);
  apis.mount(
    "/gmail/v1",
    gmailRouter((email) => mailboxes.get(email.toLowerCase())),
  );
  apis.mount(
    "/calendar/v3",
    calendarRouter((email) => calendars.get(email.toLowerCase())),
  );
  return { apis, mailboxes, deliverArrivals };
}

/**
 * The messages that arrive after the demo started: a second generated mailbox with the same people,
 * spread so that message i is received about i intervals after the start (deterministic for a start
 * time). Its own seed gives it its own message and thread ids.
 */
function arrivalsFor(
  owner: MailboxPerson,
  counterparts: MailboxPerson[],
  startedAt: number,
): ReturnType<typeof generateMailbox> {
  const span = DEMO_ARRIVALS * DEMO_ARRIVAL_INTERVAL_MS;
  const domain = owner.email.split("@")[1] ?? "example.com";
  return generateMailbox({
    seed: 2027,
    owner,
    colleagues: [{ email: `dana.kim@${domain}`, name: "Dana Kim" }],
    counterparts: counterparts.length > 0 ? counterparts : [{ email: "buyer@customer.example", name: "Casey Buyer" }],
    messageCount: DEMO_ARRIVALS,
    days: span / 86_400_000,
    now: new Date(startedAt + span + DEMO_ARRIVAL_INTERVAL_MS),
  });
}

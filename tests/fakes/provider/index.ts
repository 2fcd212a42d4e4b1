// A fake connected tool on a loopback port, and the SyncProvider that reads it over real HTTP: the
// shape every real provider has (Gmail's messages.list + history.list, Calendar's syncToken), cut
// down to what the sync engine cares about. A full sync pages through the mailbox and remembers the
// change sequence it started at; an incremental sync reads the change log from a sequence number,
// and a sequence older than the log keeps answers 410 Gone (the engine must re-sync in full, merging).
// Bearer tokens are checked with a TokenVerifier (the fake Google OAuth server's), so expiry, refresh
// and revocation are real. Test controls: faults (401/403/429/5xx with Retry-After), expiring the
// log, holding a request open, malformed items, and a request log.
import type { AddressInfo } from "node:net";
import express from "express";
import { z } from "zod";
import { asyncHandler } from "../../../server/http/async-handler";
import type { IntegrationProvider } from "../../../server/db/generated/client";
import {
  AccessTokenRejectedError,
  CursorExpiredError,
  ProviderAuthError,
  TemporaryProviderError,
  retryAfterMs,
} from "../../../server/integrations/errors";
import type { SkippedItem, SyncChange, SyncProvider, SyncStep } from "../../../server/integrations/types";
import type { TokenVerifier } from "../google-apis";

export type FakeMessage = { id: string; threadId: string; subject: string; from: string; sentAt: string };
type Change = { seq: number; kind: "added" | "removed"; id: string };
export type FeedRequest = { at: number; path: string; status: number; email: string | null };
type Mailbox = {
  messages: Map<string, FakeMessage>;
  log: Change[];
  malformed: Set<string>;
  seq: number;
  /** Change sequences before this are gone from the log: asking for them answers 410. */
  oldestSeq: number;
};
type Fault = { status: number; retryAfterSeconds?: number; times: number; reason?: string };

const messageShape = z.object({
  id: z.string().min(1),
  threadId: z.string().min(1),
  subject: z.string(),
  from: z.string().email(),
  sentAt: z.string().datetime(),
});
const itemsAnswer = z.object({
  items: z.array(z.unknown()),
  nextOffset: z.number().int().nonnegative().nullable(),
  seq: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
const changesAnswer = z.object({
  changes: z.array(z.object({ kind: z.enum(["added", "removed"]), id: z.string(), message: z.unknown().optional() })),
  nextSeq: z.number().int().nonnegative(),
  more: z.boolean(),
});
const cursorShape = z.union([
  z.object({
    mode: z.literal("full"),
    offset: z.number().int().nonnegative(),
    startSeq: z.number().int().nonnegative(),
  }),
  z.object({ mode: z.literal("incremental"), seq: z.number().int().nonnegative() }),
]);

export async function startFakeProvider(options: { verifyToken: TokenVerifier; pageSize?: number }) {
  /** One mailbox per account (the caller's email, as the token says). */
  const mailboxes = new Map<string, Mailbox>();
  const mailboxOf = (email: string): Mailbox => {
    let mailbox = mailboxes.get(email);
    if (!mailbox) {
      mailbox = { messages: new Map(), log: [], malformed: new Set(), seq: 0, oldestSeq: 0 };
      mailboxes.set(email, mailbox);
    }
    return mailbox;
  };
  const requests: FeedRequest[] = [];
  let made = 0;
  let faults: Fault[] = [];
  let hold: { entered: () => void; release: Promise<void>; skip: number } | null = null;
  let pageSize = options.pageSize ?? 100;

  const app = express();
  app.use((req, res, next) => {
    const header = req.get("authorization");
    const caller = header?.startsWith("Bearer ") ? options.verifyToken(header.slice(7)) : null;
    res.on("finish", () =>
      requests.push({ at: Date.now(), path: req.path, status: res.statusCode, email: caller?.email ?? null }),
    );
    if (!caller) return void res.status(401).json({ error: { code: 401, message: "invalid credentials" } });
    res.locals.mailbox = mailboxOf(caller.email);
    next();
  });
  app.use(
    asyncHandler(async (_req, res, next) => {
      if (hold && hold.skip > 0) hold.skip -= 1;
      else if (hold) {
        const current = hold;
        hold = null;
        current.entered();
        await current.release;
      }
      // Faults are decided after a hold, so a test can fail a request that is already in flight.
      const fault = faults[0];
      if (fault) {
        fault.times -= 1;
        if (fault.times <= 0) faults.shift();
        if (fault.retryAfterSeconds !== undefined) res.set("Retry-After", String(fault.retryAfterSeconds));
        return void res
          .status(fault.status)
          .json({ error: { code: fault.status, message: "injected", reason: fault.reason } });
      }
      next();
    }),
  );
  const shown = (mailbox: Mailbox, message: FakeMessage): unknown =>
    mailbox.malformed.has(message.id) ? { id: message.id, subject: 42 } : message;

  app.get("/v1/items", (req, res) => {
    const mailbox = res.locals.mailbox as Mailbox;
    const offset = Number(req.query.offset ?? 0);
    const all = [...mailbox.messages.values()];
    const page = all.slice(offset, offset + pageSize);
    const next = offset + page.length;
    res.json({
      items: page.map((m) => shown(mailbox, m)),
      nextOffset: next < all.length ? next : null,
      seq: mailbox.seq,
      total: all.length,
    });
  });
  app.get("/v1/changes", (req, res) => {
    const mailbox = res.locals.mailbox as Mailbox;
    const since = Number(req.query.since ?? 0);
    if (since < mailbox.oldestSeq)
      return void res.status(410).json({ error: { code: 410, message: "sync position too old" } });
    const after = mailbox.log.filter((c) => c.seq > since);
    const page = after.slice(0, pageSize);
    res.json({
      changes: page.map((c) => ({
        kind: c.kind,
        id: c.id,
        ...(c.kind === "added" && mailbox.messages.has(c.id)
          ? { message: shown(mailbox, mailbox.messages.get(c.id)!) }
          : {}),
      })),
      nextSeq: page.at(-1)?.seq ?? since,
      more: after.length > page.length,
    });
  });

  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    provider: (id: IntegrationProvider) => feedSyncProvider(base, id),
    requests,
    /** Adds `count` messages to `email`'s mailbox (each a change in its log); returns their ids. */
    addMessages(email: string, count: number): string[] {
      const mailbox = mailboxOf(email);
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        made += 1;
        const id = `msg_${made}`;
        mailbox.messages.set(id, {
          id,
          threadId: `thr_${Math.ceil(made / 3)}`,
          subject: `Message ${made}`,
          from: `person${made}@customer.example`,
          sentAt: new Date(Date.UTC(2026, 10, 1, 9, made % 60)).toISOString(),
        });
        mailbox.seq += 1;
        mailbox.log.push({ seq: mailbox.seq, kind: "added", id });
        ids.push(id);
      }
      return ids;
    },
    removeMessage(email: string, id: string) {
      const mailbox = mailboxOf(email);
      mailbox.messages.delete(id);
      mailbox.seq += 1;
      mailbox.log.push({ seq: mailbox.seq, kind: "removed", id });
    },
    /** The item answers with a shape the API does not document (the provider must skip and count it). */
    malform(email: string, id: string) {
      mailboxOf(email).malformed.add(id);
    },
    messageCount: (email: string) => mailboxOf(email).messages.size,
    /** Forgets `email`'s change log: every stored position answers 410 from now on. */
    expireLog(email: string) {
      const mailbox = mailboxOf(email);
      mailbox.oldestSeq = mailbox.seq + 1;
    },
    fail(fault: { status: number; retryAfterSeconds?: number; times?: number; reason?: string }) {
      faults.push({ ...fault, times: fault.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    setPageSize(size: number) {
      pageSize = size;
    },
    /** The next request waits until `release` is called; `arrived` resolves once it is in. */
    holdNextRequest() {
      return this.holdAfter(0);
    },
    /** Lets `count` requests through, then holds the one after them until `release` is called. */
    holdAfter(count: number) {
      let entered!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => (entered = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      hold = { entered, release: released, skip: count };
      return { arrived, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeProvider = Awaited<ReturnType<typeof startFakeProvider>>;

async function get(base: string, path: string, accessToken: string, signal: AbortSignal): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${accessToken}` }, signal });
  } catch {
    throw new TemporaryProviderError("the feed could not be reached", "network");
  }
  if (response.status === 401) throw new AccessTokenRejectedError("the feed refused the access token");
  if (response.status === 403) throw new ProviderAuthError("the feed refused access: a scope is missing");
  if (response.status === 410) throw new CursorExpiredError("the feed no longer knows this position");
  if (response.status === 429)
    throw new TemporaryProviderError(
      "too many requests",
      "rate_limited",
      retryAfterMs(response.headers.get("retry-after")),
    );
  if (!response.ok)
    throw new TemporaryProviderError(
      `HTTP ${response.status}`,
      "unavailable",
      retryAfterMs(response.headers.get("retry-after")),
    );
  return response.json();
}

function toChange(raw: unknown, skipped: SkippedItem[], fallbackId: string): SyncChange | null {
  const parsed = messageShape.safeParse(raw);
  if (!parsed.success) {
    skipped.push({ externalId: fallbackId, reason: "malformed" });
    return null;
  }
  const m = parsed.data;
  return {
    kind: "email",
    externalId: m.id,
    threadId: m.threadId,
    rfcMessageId: `${m.id}@fake.example`,
    subject: m.subject,
    from: { email: m.from, name: null },
    to: [],
    cc: [],
    sentAt: new Date(m.sentAt),
    body: "",
    quotedText: null,
    attachmentNames: [],
  };
}

/** Our side of the wire: a SyncProvider that reads a fake feed at `base` (in this process or another). */
export function feedSyncProvider(base: string, id: IntegrationProvider): SyncProvider {
  return {
    id,
    connectedAccount: () => Promise.resolve({ id: "fake", name: "fake" }),
    async step({ accessToken, cursor, signal }): Promise<SyncStep> {
      const position = cursor === null ? null : cursorShape.safeParse(cursor);
      if (position && !position.success) throw new CursorExpiredError("unreadable cursor");
      const at = position?.data ?? null;
      const skipped: SkippedItem[] = [];
      if (at === null || at.mode === "full") {
        const offset = at?.offset ?? 0;
        const answer = itemsAnswer.parse(await get(base, `/v1/items?offset=${offset}`, accessToken, signal));
        const startSeq = at?.startSeq ?? answer.seq;
        const changes = answer.items
          .map((item, i) => toChange(item, skipped, `offset-${offset + i}`))
          .filter((c): c is SyncChange => c !== null);
        const done = offset + answer.items.length;
        return {
          changes,
          skipped,
          cursor:
            answer.nextOffset === null
              ? { mode: "incremental", seq: startSeq }
              : { mode: "full", offset: answer.nextOffset, startSeq },
          mode: "full",
          caughtUp: answer.nextOffset === null,
          progress: { done, total: answer.total },
          requests: 1,
        };
      }
      const answer = changesAnswer.parse(await get(base, `/v1/changes?since=${at.seq}`, accessToken, signal));
      const changes: SyncChange[] = [];
      for (const change of answer.changes) {
        if (change.kind === "removed") changes.push({ kind: "email_removed", externalId: change.id });
        else if (change.message !== undefined) {
          const email = toChange(change.message, skipped, change.id);
          if (email) changes.push(email);
        }
      }
      return {
        changes,
        skipped,
        cursor: { mode: "incremental", seq: answer.nextSeq },
        mode: "incremental",
        caughtUp: !answer.more,
        requests: 1,
      };
    },
  };
}

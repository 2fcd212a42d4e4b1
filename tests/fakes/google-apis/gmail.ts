// A fake of the Gmail API (gmail/v1) for one or more mailboxes, speaking Google's wire format:
// users.getProfile, users.messages.list (`q` with after:/before:, labelIds, includeSpamTrash,
// pagination), users.messages.get (format full|metadata|minimal|raw) and users.history.list
// (startHistoryId, historyTypes, labelId, pagination, 404 for a history id older than what is kept).
// Listings sometimes answer an empty page that still carries a nextPageToken, as Gmail does, so
// clients are tested on following it. A mailbox can be seeded from a generator that builds each
// message on demand (./mailbox.ts), so a 50,000-message mailbox holds only light metadata in memory.
import express, { type Request, type Response } from "express";
import {
  FakeGoogleApis,
  googleError,
  sendAnswer,
  type ApiAnswer,
  type ApiAnswerer,
  type BatchableRouter,
  type GoogleApiCaller,
} from "./index";

export type GmailHeader = { name: string; value: string };

/** A MIME part as Gmail's format=full answers it: headers, and the body bytes base64url-encoded. */
export type GmailMessagePart = {
  partId: string;
  mimeType: string;
  filename: string;
  headers: GmailHeader[];
  body: { size: number; data?: string; attachmentId?: string };
  parts?: GmailMessagePart[];
};

/** A message as the store is seeded with it (what a generator or a test builds). */
export type SeedMessage = {
  id: string;
  threadId: string;
  labelIds: string[];
  /** Epoch ms: when Gmail received the message (what `after:`/`before:` compare). */
  internalDate: number;
  payload: GmailMessagePart;
  snippet: string;
  sizeEstimate: number;
};

/** The light part of a message, kept in memory for every message of a seeded mailbox. */
export type SeedEntry = Pick<SeedMessage, "id" | "threadId" | "labelIds" | "internalDate">;

/** A mailbox built on demand: `entry(i)` is cheap, `message(i)` builds the full payload. */
export type MailboxSource = {
  count: number;
  entry(index: number): SeedEntry;
  message(index: number): SeedMessage;
};

type Entry = SeedEntry & {
  historyId: number;
  /** The seeded source's index, when the payload is built on demand. */
  sourceIndex?: number;
  message?: SeedMessage;
};

type MessageRef = { id: string; threadId: string };
type HistoryRecord = {
  id: number;
  messages: MessageRef[];
  messagesAdded?: { message: MessageRef & { labelIds: string[] } }[];
  messagesDeleted?: { message: MessageRef & { labelIds: string[] } }[];
  labelsAdded?: { message: MessageRef & { labelIds: string[] }; labelIds: string[] }[];
  labelsRemoved?: { message: MessageRef & { labelIds: string[] }; labelIds: string[] }[];
};

export type GmailStoreOptions = {
  /** Every n-th page of a listing (messages and history) is empty but carries a nextPageToken. 0: never. */
  emptyPageEvery?: number;
  /** The mailbox's first history id (Gmail's are large numbers). */
  firstHistoryId?: number;
};

let generatedIds = 0;

/** Gmail-like ids: 16 lower-case hex digits. */
function newMessageId(): string {
  generatedIds += 1;
  return (0x19a0000000000000n + BigInt(Date.now()) * 1000n + BigInt(generatedIds)).toString(16).slice(-16);
}

export class GmailStore {
  private readonly entries = new Map<string, Entry>();
  /** Every message, oldest first by (internalDate, id): listings walk it backwards. */
  private readonly ordered: Entry[] = [];
  private readonly history: HistoryRecord[] = [];
  private readonly corrupted = new Map<string, unknown>();
  private source: MailboxSource | null = null;
  private lastHistoryId: number;
  /** History records with an id below this are gone: a startHistoryId below it answers 404. */
  private oldestKeptHistoryId: number;
  readonly emptyPageEvery: number;

  constructor(
    readonly emailAddress: string,
    options: GmailStoreOptions = {},
  ) {
    this.emptyPageEvery = options.emptyPageEvery ?? 4;
    if (this.emptyPageEvery === 1) throw new Error("emptyPageEvery 1 would never answer a message");
    this.lastHistoryId = options.firstHistoryId ?? 100_000;
    this.oldestKeptHistoryId = this.lastHistoryId;
  }

  /** The mailbox's current history id (what getProfile and history.list answer). */
  get historyId(): number {
    return this.lastHistoryId;
  }

  get messageCount(): number {
    return this.entries.size;
  }

  /**
   * Seeds the mailbox from a generator: the messages existed before any client looked, so they add
   * no history records. Payloads are built when asked for. Expects the source's entries oldest first.
   */
  seed(source: MailboxSource): void {
    this.source = source;
    for (let index = 0; index < source.count; index += 1) {
      const entry: Entry = { ...source.entry(index), historyId: 0, sourceIndex: index };
      this.lastHistoryId += 1;
      entry.historyId = this.lastHistoryId;
      this.insert(entry);
    }
    this.oldestKeptHistoryId = this.lastHistoryId;
  }

  /** Adds one message (a new arrival): records messageAdded. Returns its id. */
  addMessage(
    message: Omit<SeedMessage, "id" | "threadId" | "snippet" | "sizeEstimate"> & Partial<SeedMessage>,
  ): string {
    const id = message.id ?? newMessageId();
    if (this.entries.has(id)) throw new Error(`message ${id} exists`);
    const full: SeedMessage = {
      ...message,
      id,
      threadId: message.threadId ?? id,
      snippet: message.snippet ?? "",
      sizeEstimate: message.sizeEstimate ?? JSON.stringify(message.payload).length,
    };
    const record = this.record();
    const entry: Entry = { ...full, labelIds: [...full.labelIds], historyId: record.id, message: full };
    this.insert(entry);
    record.messages.push(ref(entry));
    record.messagesAdded = [{ message: { ...ref(entry), labelIds: [...entry.labelIds] } }];
    return id;
  }

  /** Deletes a message for good: records messageDeleted; fetching it answers 404 from now on. */
  deleteMessage(id: string): void {
    const entry = this.mustGet(id);
    this.entries.delete(id);
    this.ordered.splice(this.ordered.indexOf(entry), 1);
    const record = this.record();
    record.messages.push(ref(entry));
    record.messagesDeleted = [{ message: { ...ref(entry), labelIds: [...entry.labelIds] } }];
  }

  addLabels(id: string, labelIds: string[]): void {
    const entry = this.mustGet(id);
    const added = labelIds.filter((label) => !entry.labelIds.includes(label));
    entry.labelIds.push(...added);
    const record = this.record();
    entry.historyId = record.id;
    record.messages.push(ref(entry));
    record.labelsAdded = [{ message: { ...ref(entry), labelIds: [...entry.labelIds] }, labelIds: added }];
  }

  removeLabels(id: string, labelIds: string[]): void {
    const entry = this.mustGet(id);
    const removed = labelIds.filter((label) => entry.labelIds.includes(label));
    entry.labelIds = entry.labelIds.filter((label) => !removed.includes(label));
    const record = this.record();
    entry.historyId = record.id;
    record.messages.push(ref(entry));
    record.labelsRemoved = [{ message: { ...ref(entry), labelIds: [...entry.labelIds] }, labelIds: removed }];
  }

  /** Forgets history before `historyId`, as Gmail does after about a week: older starts answer 404. */
  expireHistoryBefore(historyId: number): void {
    // Gmail always keeps the mailbox's current position: a history id from a fresh profile is valid.
    historyId = Math.min(historyId, this.historyId);
    this.oldestKeptHistoryId = Math.max(this.oldestKeptHistoryId, historyId);
    while (this.history.length > 0 && this.history[0]!.id < historyId) this.history.shift();
  }

  /** From now on messages.get for `id` answers `answer` (any JSON) instead of the message: malformed input. */
  corruptMessage(id: string, answer: unknown): void {
    this.mustGet(id);
    this.corrupted.set(id, answer);
  }

  /** The message as Gmail stores it, or undefined when deleted. */
  message(id: string): SeedMessage | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const built =
      entry.message ?? (entry.sourceIndex !== undefined ? this.source!.message(entry.sourceIndex) : undefined);
    if (!built) return undefined;
    return { ...built, labelIds: entry.labelIds };
  }

  /** Messages newest first, as messages.list walks them (for tests that count). */
  ids(filter: (entry: SeedEntry) => boolean = () => true): string[] {
    return [...this.ordered]
      .reverse()
      .filter(filter)
      .map((entry) => entry.id);
  }

  // --- what the router needs -------------------------------------------------------------------

  /** `resource` or the corrupted answer for message `id`, in the given format; undefined when gone. */
  answerFor(id: string, format: string, metadataHeaders: string[]): unknown {
    if (this.corrupted.has(id) && this.entries.has(id)) return this.corrupted.get(id);
    const message = this.message(id);
    const entry = this.entries.get(id);
    if (!message || !entry) return undefined;
    const base = {
      id: message.id,
      threadId: message.threadId,
      labelIds: message.labelIds,
      snippet: message.snippet,
      sizeEstimate: message.sizeEstimate,
      historyId: String(entry.historyId),
      internalDate: String(message.internalDate),
    };
    if (format === "minimal") return base;
    if (format === "raw") return { ...base, raw: Buffer.from(renderRaw(message.payload)).toString("base64url") };
    if (format === "metadata") {
      const wanted = metadataHeaders.map((name) => name.toLowerCase());
      const headers = message.payload.headers.filter(
        (header) => wanted.length === 0 || wanted.includes(header.name.toLowerCase()),
      );
      return { ...base, payload: { partId: "", mimeType: message.payload.mimeType, filename: "", headers } };
    }
    return { ...base, payload: message.payload };
  }

  /** One page of messages.list: newest first, keyset-paginated so arrivals do not shift pages. */
  listMessages(query: {
    after: number | null;
    before: number | null;
    labelIds: string[];
    includeSpamTrash: boolean;
    maxResults: number;
    pageToken: string | undefined;
  }): { messages: MessageRef[]; nextPageToken?: string; resultSizeEstimate: number } {
    const token = decodeToken(query.pageToken);
    const matches = (entry: Entry) =>
      (query.after === null || entry.internalDate >= query.after) &&
      (query.before === null || entry.internalDate < query.before) &&
      query.labelIds.every((label) => entry.labelIds.includes(label)) &&
      (query.includeSpamTrash || !entry.labelIds.some((label) => label === "SPAM" || label === "TRASH"));
    const lowest = query.after === null ? 0 : this.lowerBound(query.after, "");
    const highest = query.before === null ? this.ordered.length : this.lowerBound(query.before, "");
    const resultSizeEstimate = Math.max(0, highest - lowest);
    let position = token ? this.lowerBound(token.date, token.id) : highest;
    position = Math.min(position, highest);
    const page = token?.page ?? 0;
    if (this.isEmptyPage(page) && position > lowest) {
      return {
        messages: [],
        nextPageToken: encodeToken({ ...(token ?? this.tokenAt(position)), page: page + 1 }),
        resultSizeEstimate,
      };
    }
    const messages: MessageRef[] = [];
    while (position > lowest && messages.length < query.maxResults) {
      position -= 1;
      const entry = this.ordered[position]!;
      if (matches(entry)) messages.push(ref(entry));
    }
    const answer: { messages: MessageRef[]; nextPageToken?: string; resultSizeEstimate: number } = {
      messages,
      resultSizeEstimate,
    };
    if (position > lowest) answer.nextPageToken = encodeToken({ ...this.tokenAt(position), page: page + 1 });
    return answer;
  }

  /** One page of history.list, or "expired" for a start older than what is kept. */
  listHistory(query: {
    startHistoryId: number;
    historyTypes: string[];
    labelId: string | undefined;
    maxResults: number;
    pageToken: string | undefined;
  }): "expired" | { history?: unknown[]; nextPageToken?: string; historyId: string } {
    if (query.startHistoryId < this.oldestKeptHistoryId) return "expired";
    const token = decodeToken(query.pageToken);
    const after = token ? Number(token.id) : query.startHistoryId;
    const page = token?.page ?? 0;
    const historyId = String(this.lastHistoryId);
    const start = this.history.findIndex((record) => record.id > after);
    if (start === -1) return { historyId };
    if (this.isEmptyPage(page)) {
      return { history: [], nextPageToken: encodeToken({ date: 0, id: String(after), page: page + 1 }), historyId };
    }
    const types = new Set(query.historyTypes);
    const keys = ["messagesAdded", "messagesDeleted", "labelsAdded", "labelsRemoved"] as const;
    const typeOf = {
      messagesAdded: "messageAdded",
      messagesDeleted: "messageDeleted",
      labelsAdded: "labelAdded",
      labelsRemoved: "labelRemoved",
    } as const;
    const out: unknown[] = [];
    let index = start;
    let lastId = after;
    while (index < this.history.length && out.length < query.maxResults) {
      const record = this.history[index]!;
      index += 1;
      lastId = record.id;
      const shown: Record<string, unknown> = { id: String(record.id), messages: record.messages };
      let any = false;
      for (const key of keys) {
        const items = record[key];
        if (!items) continue;
        if (types.size > 0 && !types.has(typeOf[key])) continue;
        const filtered = query.labelId ? items.filter((item) => item.message.labelIds.includes(query.labelId!)) : items;
        if (filtered.length === 0) continue;
        shown[key] = filtered;
        any = true;
      }
      // Gmail lists a record that only touched `messages` when no type filter is given.
      if (any || (types.size === 0 && !query.labelId)) out.push(shown);
    }
    const answer: { history?: unknown[]; nextPageToken?: string; historyId: string } = { history: out, historyId };
    if (index < this.history.length)
      answer.nextPageToken = encodeToken({ date: 0, id: String(lastId), page: page + 1 });
    return answer;
  }

  private isEmptyPage(page: number): boolean {
    return this.emptyPageEvery > 0 && page % this.emptyPageEvery === this.emptyPageEvery - 1;
  }

  private tokenAt(position: number): { date: number; id: string } {
    const entry = this.ordered[position];
    return entry ? { date: entry.internalDate, id: entry.id } : { date: Number.MAX_SAFE_INTEGER, id: "" };
  }

  /** The first position whose (internalDate, id) is not below (date, id). */
  private lowerBound(date: number, id: string): number {
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entry = this.ordered[middle]!;
      if (entry.internalDate < date || (entry.internalDate === date && entry.id < id)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private insert(entry: Entry): void {
    this.entries.set(entry.id, entry);
    const last = this.ordered[this.ordered.length - 1];
    if (
      !last ||
      last.internalDate < entry.internalDate ||
      (last.internalDate === entry.internalDate && last.id < entry.id)
    ) {
      this.ordered.push(entry);
    } else {
      this.ordered.splice(this.lowerBound(entry.internalDate, entry.id), 0, entry);
    }
  }

  private record(): HistoryRecord {
    this.lastHistoryId += 1;
    const record: HistoryRecord = { id: this.lastHistoryId, messages: [] };
    this.history.push(record);
    return record;
  }

  private mustGet(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`no message ${id}`);
    return entry;
  }
}

function ref(entry: SeedEntry): MessageRef {
  return { id: entry.id, threadId: entry.threadId };
}

type PageToken = { date: number; id: string; page: number };

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

function decodeToken(token: string | undefined): PageToken | null {
  if (!token) return null;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString()) as PageToken;
    if (typeof parsed.date === "number" && typeof parsed.id === "string" && typeof parsed.page === "number")
      return parsed;
  } catch {
    // An unreadable token answers 400 below.
  }
  return null;
}

/** An RFC 822 rendering of a payload (format=raw): leaves base64-encoded, multipart with their boundary. */
function renderRaw(part: GmailMessagePart): string {
  const headers = part.headers.filter((header) => header.name.toLowerCase() !== "content-transfer-encoding");
  const lines = headers.map((header) => `${header.name}: ${header.value}`);
  if (part.parts) {
    const boundary =
      /boundary="?([^";]+)"?/i.exec(part.headers.find((h) => /^content-type$/i.test(h.name))?.value ?? "")?.[1] ?? "b";
    const body = part.parts.map((child) => `--${boundary}\r\n${renderRaw(child)}`).join("\r\n");
    return `${lines.join("\r\n")}\r\n\r\n${body}\r\n--${boundary}--\r\n`;
  }
  const data = Buffer.from(part.body.data ?? "", "base64url")
    .toString("base64")
    .replace(/.{76}/g, "$&\r\n");
  return `${lines.join("\r\n")}\r\nContent-Transfer-Encoding: base64\r\n\r\n${data}\r\n`;
}

/** Gmail's `q` operators after:/before: with epoch seconds or YYYY/MM/DD (midnight UTC here). */
function parseQueryDate(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const match = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
}

/** A query parameter given once (the first when repeated), or undefined. */
function one(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : undefined;
}

function many(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** maxResults as Gmail reads it (default 100, at most 500), or Google's 400 for a bad one. */
function boundedMaxResults(value: unknown): number | ApiAnswer {
  if (value === undefined) return 100;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) return googleError(400, "Invalid maxResults", "invalidArgument");
  return Math.min(number, 500);
}

type Query = Record<string, unknown>;

/**
 * The Gmail API as one function of (caller, method, path under /gmail/v1, query): the routes of
 * `gmailRouter` and the inner requests of a batch (/batch/gmail/v1) are both answered by it.
 */
export function gmailApi(lookup: (email: string) => GmailStore | undefined): ApiAnswerer {
  const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

  const mailbox = (caller: GoogleApiCaller, userId: string): GmailStore | ApiAnswer => {
    if (userId !== "me" && userId.toLowerCase() !== caller.email.toLowerCase()) {
      return googleError(403, "Delegation denied for " + caller.email, "forbidden");
    }
    return lookup(caller.email) ?? googleError(400, "Mail service not enabled", "failedPrecondition");
  };

  const profile = (store: GmailStore): ApiAnswer =>
    ok({
      emailAddress: store.emailAddress,
      messagesTotal: store.messageCount,
      threadsTotal: store.messageCount,
      historyId: String(store.historyId),
    });

  const listMessages = (store: GmailStore, query: Query): ApiAnswer => {
    const maxResults = boundedMaxResults(query.maxResults);
    if (typeof maxResults !== "number") return maxResults;
    let after: number | null = null;
    let before: number | null = null;
    for (const term of (one(query.q) ?? "").split(/\s+/).filter(Boolean)) {
      const match = /^(after|before|newer|older):(.+)$/i.exec(term);
      if (!match) continue;
      const at = parseQueryDate(match[2]!);
      if (at === null) return googleError(400, "Invalid query", "invalidArgument");
      if (/^(after|newer)$/i.test(match[1]!)) after = at;
      else before = at;
    }
    const pageToken = one(query.pageToken);
    if (pageToken !== undefined && !decodeToken(pageToken))
      return googleError(400, "Invalid pageToken", "invalidArgument");
    return ok(
      store.listMessages({
        after,
        before,
        labelIds: many(query.labelIds),
        includeSpamTrash: one(query.includeSpamTrash) === "true",
        maxResults,
        pageToken,
      }),
    );
  };

  const getMessage = (store: GmailStore, id: string, query: Query): ApiAnswer => {
    const format = one(query.format) ?? "full";
    if (!["full", "metadata", "minimal", "raw"].includes(format)) {
      return googleError(400, "Invalid format", "invalidArgument");
    }
    const answer = store.answerFor(id, format, many(query.metadataHeaders));
    if (answer === undefined) return googleError(404, "Requested entity was not found.", "notFound");
    return ok(answer);
  };

  const listHistory = (store: GmailStore, query: Query): ApiAnswer => {
    const start = Number(query.startHistoryId);
    if (query.startHistoryId === undefined || !Number.isSafeInteger(start) || start < 0) {
      return googleError(400, "Invalid startHistoryId", "invalidArgument");
    }
    const maxResults = boundedMaxResults(query.maxResults);
    if (typeof maxResults !== "number") return maxResults;
    const pageToken = one(query.pageToken);
    if (pageToken !== undefined && !decodeToken(pageToken))
      return googleError(400, "Invalid pageToken", "invalidArgument");
    const answer = store.listHistory({
      startHistoryId: start,
      historyTypes: many(query.historyTypes),
      labelId: one(query.labelId),
      maxResults,
      pageToken,
    });
    if (answer === "expired") return googleError(404, "Requested entity was not found.", "notFound");
    return ok(answer);
  };

  return (caller, method, path, query) => {
    const match = /^\/users\/([^/]+)\/(profile|messages|history)(?:\/([^/]+))?\/?$/.exec(path);
    if (method !== "GET" || !match || (match[3] !== undefined && match[2] !== "messages")) {
      return googleError(404, "Not Found", "notFound");
    }
    const store = mailbox(caller, decodeURIComponent(match[1]!));
    if (!(store instanceof GmailStore)) return store;
    if (match[2] === "profile")
      return match[3] === undefined ? profile(store) : googleError(404, "Not Found", "notFound");
    if (match[2] === "history") return listHistory(store, query);
    if (match[3] !== undefined) return getMessage(store, decodeURIComponent(match[3]), query);
    return listMessages(store, query);
  };
}

/**
 * The Gmail API routes, mounted at /gmail/v1 of a FakeGoogleApis (which then also serves
 * /batch/gmail/v1 with the same answers). `lookup` finds a caller's mailbox.
 */
export function gmailRouter(lookup: (email: string) => GmailStore | undefined): BatchableRouter {
  const answer = gmailApi(lookup);
  const router = express.Router();
  router.use((req: Request, res: Response) =>
    sendAnswer(res, answer(FakeGoogleApis.caller(res), req.method, req.path, req.query as Query)),
  );
  return Object.assign(router, { answer });
}

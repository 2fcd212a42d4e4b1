// Gmail's `format=full` answer for one message → a provider-neutral SyncedEmail, or the reason it
// was skipped. Everything here is untrusted input: the answer is checked with zod, headers are
// decoded (RFC 2047 encoded words through libmime, address lists through nodemailer's
// addressparser, both well kept and already how Node mail software reads mail), bodies are decoded
// by their charset, HTML becomes text without script or style, and the quoted history of a reply is
// moved out of the body (it repeats earlier messages, and search and the brain should find each
// sentence once). No exception escapes: a message that cannot be read is skipped with a reason.
import { compile, type HtmlToTextOptions } from "html-to-text";
import libmime from "libmime";
import addressparser from "nodemailer/lib/addressparser/index.js";
import { z } from "zod";
import { maxLengths } from "../../crm/limits";
import { truncateLine, truncateText } from "../../utils/text";
import type { SkippedItem, SyncedEmail, SyncedPerson } from "../types";

export type GmailMessagePart = {
  partId?: string;
  mimeType: string;
  filename?: string;
  headers: { name: string; value: string }[];
  body?: { size?: number; data?: string; attachmentId?: string };
  parts?: GmailMessagePart[];
};

const header = z.object({ name: z.string(), value: z.string() });

const partSchema: z.ZodType<GmailMessagePart> = z.lazy(() =>
  z.object({
    partId: z.string().optional(),
    mimeType: z.string(),
    filename: z.string().optional(),
    headers: z.array(header).default([]),
    body: z
      .object({
        size: z.number().int().nonnegative().optional(),
        data: z
          .string()
          .regex(/^[A-Za-z0-9_=+/-]*$/, "base64url")
          .optional(),
        attachmentId: z.string().optional(),
      })
      .optional(),
    parts: z.array(partSchema).max(500).optional(),
  }),
);

/** users.messages.get with format=full, as much of it as we read. */
export const gmailMessageSchema = z.object({
  id: z.string().min(1).max(maxLengths.externalId),
  threadId: z.string().min(1).max(maxLengths.externalId),
  labelIds: z.array(z.string()).default([]),
  historyId: z.string().optional(),
  internalDate: z.string().regex(/^\d{1,16}$/),
  sizeEstimate: z.number().optional(),
  payload: partSchema,
});

export type GmailMessage = z.infer<typeof gmailMessageSchema>;

/** Labels of what is not correspondence (or not wanted): such messages are skipped. */
const NOT_CORRESPONDENCE = new Set(["SPAM", "TRASH", "DRAFT", "CHAT"]);

/**
 * Text parts larger than this in total (decoded bytes) are not read at all: converting megabytes of
 * HTML to keep the first 50,000 characters costs a sync far more than the message is worth.
 */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/** Deeper MIME trees than this are not real mail. */
const MAX_PART_DEPTH = 32;

const HTML_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  // Links stay readable as text with their address; images and their sources are noise in a body.
  selectors: [
    { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
    { selector: "img", format: "skip" },
  ],
  limits: { maxInputLength: MAX_TEXT_BYTES, maxDepth: 200 },
};

/** Compiled once: `convert` would rebuild its selector matcher for every message. */
const htmlToText = compile(HTML_OPTIONS);

export type ParsedMessage = { email: SyncedEmail } | { skipped: SkippedItem };

/** Parses one message answer (already JSON) from Gmail. Never throws. */
export function parseGmailMessage(answer: unknown): ParsedMessage {
  const rawId =
    answer && typeof answer === "object" && typeof (answer as { id?: unknown }).id === "string"
      ? (answer as { id: string }).id.slice(0, maxLengths.externalId)
      : "unknown";
  try {
    const parsed = gmailMessageSchema.safeParse(answer);
    if (!parsed.success) return { skipped: { externalId: rawId, reason: "malformed" } };
    return parseValidMessage(parsed.data);
  } catch {
    // A hostile answer (a MIME tree nested thousands deep) can exhaust the stack inside the schema
    // or the walk; that is one bad item, not a failed sync.
    return { skipped: { externalId: rawId, reason: "malformed" } };
  }
}

function parseValidMessage(message: GmailMessage): ParsedMessage {
  const skip = (reason: SkippedItem["reason"]): ParsedMessage => ({ skipped: { externalId: message.id, reason } });
  if (message.labelIds.some((label) => NOT_CORRESPONDENCE.has(label))) return skip("not_correspondence");

  const headers = message.payload.headers;
  const from = addresses(headerValue(headers, "from"))[0];
  if (!from) return skip("missing_field");

  const sentAt = messageDate(headerValue(headers, "date"), message.internalDate);
  if (!sentAt) return skip("missing_field");

  const walked = walkParts(message.payload);
  if (walked === "too_deep") return skip("malformed");
  const chosen = walked.plain.length > 0 ? walked.plain : walked.html;
  const textBytes = chosen.reduce((sum, part) => sum + base64urlByteLength(part.body?.data ?? ""), 0);
  if (textBytes > MAX_TEXT_BYTES) return skip("too_large");
  const text = chosen
    .map((part) => {
      const decoded = decodeBytes(Buffer.from(part.body?.data ?? "", "base64url"), contentTypeOf(part).params.charset);
      return walked.plain.length > 0 ? decoded : htmlToText(decoded);
    })
    .join("\n\n");
  const { body, quoted } = splitQuotedHistory(normaliseText(text));

  const subject = truncateLine(clean(decodeWords(headerValue(headers, "subject") ?? "")), maxLengths.subject);
  return {
    email: {
      kind: "email",
      externalId: message.id,
      threadId: message.threadId,
      rfcMessageId: messageIdOf(headerValue(headers, "message-id")),
      subject,
      from,
      to: addresses(headerValue(headers, "to")),
      cc: addresses(headerValue(headers, "cc")),
      sentAt,
      body: truncateText(body, maxLengths.messageBody),
      quotedText: quoted ? truncateText(quoted, maxLengths.messageBody) : null,
      attachmentNames: walked.attachments,
    },
  };
}

/** The first header of that name (case-insensitive), or null. */
function headerValue(headers: { name: string; value: string }[], name: string): string | null {
  return headers.find((h) => h.name.toLowerCase() === name)?.value ?? null;
}

/** RFC 2047 encoded words → text; a broken word stays as it came rather than failing the message. */
function decodeWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/** Text PostgreSQL can store, with lines folded the way mail headers fold them undone. */
function clean(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL and other C0 controls are exactly what is removed.
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "").trim();
}

const EMAIL_SHAPE = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

/** An address-list header → people (groups flattened, names decoded, invalid addresses dropped). */
export function addresses(value: string | null): SyncedPerson[] {
  if (!value) return [];
  type Parsed = { address?: string; name?: string; group?: Parsed[] };
  let parsed: Parsed[];
  try {
    parsed = addressparser(value);
  } catch {
    return [];
  }
  const people: SyncedPerson[] = [];
  const stack = [...parsed].reverse();
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.group) {
      stack.push(...[...item.group].reverse());
      continue;
    }
    const email = (item.address ?? "").trim();
    if (!EMAIL_SHAPE.test(email) || email.length > maxLengths.email) continue;
    const name = truncateLine(clean(decodeWords(item.name ?? "")), maxLengths.firstName + maxLengths.lastName);
    people.push({ email, name: name === "" || name.toLowerCase() === email.toLowerCase() ? null : name });
  }
  return people;
}

/** The Date header if it reads as a plausible date, else Gmail's internalDate; null if neither does. */
function messageDate(dateHeader: string | null, internalDate: string): Date | null {
  const fromHeader = dateHeader ? Date.parse(dateHeader.replace(/\s*\([^)]*\)\s*$/, "")) : Number.NaN;
  const plausible = (ms: number) =>
    Number.isFinite(ms) && ms > Date.UTC(1980, 0, 1) && ms < Date.now() + 366 * 86_400_000;
  if (plausible(fromHeader)) return new Date(fromHeader);
  const received = Number(internalDate);
  return plausible(received) ? new Date(received) : null;
}

function messageIdOf(value: string | null): string | null {
  if (!value) return null;
  const id = clean(value).replace(/^<|>$/g, "").trim();
  return id === "" || id.length > maxLengths.externalId || /\s/.test(id) ? null : id;
}

type ContentType = { value: string; params: Record<string, string> };

function contentTypeOf(part: GmailMessagePart): ContentType {
  const raw = headerValue(part.headers, "content-type");
  if (!raw) return { value: part.mimeType.toLowerCase(), params: {} };
  try {
    const parsed = libmime.parseHeaderValue(raw) as { value: string; params: Record<string, string> };
    return { value: parsed.value.toLowerCase(), params: parsed.params };
  } catch {
    return { value: part.mimeType.toLowerCase(), params: {} };
  }
}

/**
 * The readable parts of a message: inline text/plain and text/html leaves, and attachment names.
 * Walks with its own stack, so a deep tree cannot overflow the call stack.
 */
function walkParts(
  root: GmailMessagePart,
): { plain: GmailMessagePart[]; html: GmailMessagePart[]; attachments: string[] } | "too_deep" {
  const plain: GmailMessagePart[] = [];
  const html: GmailMessagePart[] = [];
  const attachments: string[] = [];
  const stack: { part: GmailMessagePart; depth: number }[] = [{ part: root, depth: 0 }];
  while (stack.length > 0) {
    const { part, depth } = stack.pop()!;
    if (depth > MAX_PART_DEPTH) return "too_deep";
    if (part.parts && part.parts.length > 0) {
      for (let i = part.parts.length - 1; i >= 0; i -= 1) stack.push({ part: part.parts[i]!, depth: depth + 1 });
      continue;
    }
    const name = attachmentName(part);
    if (name !== null) {
      if (name !== "") attachments.push(truncateLine(name, 255));
      continue;
    }
    const type = part.mimeType.toLowerCase();
    if (type === "text/plain") plain.push(part);
    else if (type === "text/html") html.push(part);
  }
  return { plain, html, attachments };
}

/** An attachment's file name, "" for a nameless attachment, null when the part is inline content. */
function attachmentName(part: GmailMessagePart): string | null {
  if (part.filename) return clean(decodeWords(part.filename));
  const disposition = headerValue(part.headers, "content-disposition");
  let dispositionValue = "";
  let filename: string | undefined;
  if (disposition) {
    try {
      const parsed = libmime.parseHeaderValue(disposition) as { value: string; params: Record<string, string> };
      dispositionValue = parsed.value.toLowerCase();
      filename = parsed.params.filename;
    } catch {
      dispositionValue = "";
    }
  }
  filename ??= contentTypeOf(part).params.name;
  if (filename) return clean(decodeWords(filename));
  if (dispositionValue === "attachment") return "";
  // Inline text is the body; any other leaf (an inline image) is neither body nor a named file.
  const type = part.mimeType.toLowerCase();
  return type === "text/plain" || type === "text/html" ? null : "";
}

function base64urlByteLength(data: string): number {
  return Math.floor((data.replace(/=+$/, "").length * 3) / 4);
}

/**
 * Bytes in a mail charset → text. WHATWG's charsets (Node's full ICU: ISO-8859-*, windows-125x,
 * Shift_JIS, ISO-2022-JP, EUC-KR, GB18030, …) by label; an unknown label is read as UTF-8 when the
 * bytes are valid UTF-8 and otherwise as windows-1252, which maps every byte to a character, so no
 * text is dropped.
 */
export function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? "utf-8").trim().toLowerCase() || "utf-8";
  let decoder: TextDecoder | null = null;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = null;
  }
  if (decoder?.encoding === "windows-1252") return decodeWindows1252(bytes);
  if (decoder) return decoder.decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/** windows-1252's bytes 0x80–0x9F (curly quotes, dashes, €): the rest is ISO-8859-1. */
const WINDOWS_1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/**
 * Node 20's TextDecoder reads windows-1252 (and ISO-8859-1, its WHATWG alias) as plain Latin-1, so
 * 0x80–0x9F come out as invisible C1 controls instead of “ ” – €. Mail labelled ISO-8859-1 is
 * written by Windows software more often than not, which is why WHATWG maps both to windows-1252.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    text += String.fromCharCode(...chunk);
  }
  return text.replace(/[\u0080-\u009f]/g, (char) => WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80]!);
}

function normaliseText(text: string): string {
  return clean(
    text
      .replace(/\r\n?/g, "\n")
      .replace(/[ \t]+$/gm, "")
      .replace(/\n{3,}/g, "\n\n"),
  );
}

/** Where quoted history starts: the earliest of these, each at the start of a line. */
const QUOTE_STARTS: RegExp[] = [
  // Gmail, Apple Mail, Thunderbird: "On Mon, 1 Dec 2026 at 10:00, Name <a@b> wrote:" (often wrapped once).
  /^[ \t]*On\b[^\n]{0,300}(?:\n[^\n]{0,300})?\bwrote:[ \t]*$/m,
  // The same in German and French mail clients.
  /^[ \t]*Am\b[^\n]{0,300}(?:\n[^\n]{0,300})?\bschrieb[^\n]{0,100}:[ \t]*$/m,
  /^[ \t]*Le\b[^\n]{0,300}(?:\n[^\n]{0,300})?\ba écrit[ \t]*:[ \t]*$/m,
  // Outlook: "-----Original Message-----", or a header block "From: … Sent: …" after a rule.
  /^[ \t]*-{2,}[ \t]*Original Message[ \t]*-{2,}[ \t]*$/im,
  /^[ \t]*_{8,}[ \t]*\n[ \t]*From:[^\n]*$/m,
  /^[ \t]*From:[^\n]+\n(?:[^\n]+\n){0,3}?[ \t]*(?:Sent|Date):[^\n]+$/m,
];

/**
 * Splits quoted history from what this message says: the earliest quote marker, or else a trailing
 * block of `>` lines. A message that is nothing but a quote (a bare forward) keeps its text as body.
 */
export function splitQuotedHistory(text: string): { body: string; quoted: string | null } {
  let start = text.length;
  for (const pattern of QUOTE_STARTS) {
    const match = pattern.exec(text);
    if (match && match.index < start) start = match.index;
  }
  if (start === text.length) {
    // A trailing run of "> " lines (with blank lines between) with no attribution line above it.
    const lines = text.split("\n");
    let first = lines.length;
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      const line = lines[i]!;
      if (line.startsWith(">")) first = i;
      else if (line.trim() !== "") break;
    }
    if (first < lines.length) start = lines.slice(0, first).join("\n").length;
  }
  const body = text.slice(0, start).trim();
  const quoted = text.slice(start).trim();
  if (quoted === "") return { body, quoted: null };
  if (body === "") return { body: quoted, quoted: null };
  return { body, quoted };
}

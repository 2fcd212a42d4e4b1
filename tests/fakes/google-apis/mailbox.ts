// A deterministic mailbox generator for the fake Gmail (./gmail.ts): the same seed gives the same
// mailbox, byte for byte. Message i is built on demand from (seed, i), so a 50,000-message mailbox
// costs only its light metadata in memory. It aims at the variety real mailboxes have: threads of
// 1–6 messages in both directions, replies quoting history (Gmail's "On … wrote:" with `>` lines and
// its gmail_quote HTML, Outlook's "-----Original Message-----"), multipart/alternative, HTML-only,
// attachments, several charsets (UTF-8 base64 and quoted-printable, ISO-8859-1, windows-1252,
// Shift_JIS), RFC 2047 encoded subjects and names, colleagues-only threads, free-mail senders,
// newsletters, and a few odd ones (no Date, no From, a huge body, an unknown charset name).
import type { GmailHeader, GmailMessagePart, GmailStore, MailboxSource, SeedEntry, SeedMessage } from "./gmail";

export type MailboxPerson = { email: string; name: string };

export type MailboxOptions = {
  seed: number;
  /** Whose mailbox it is. */
  owner: MailboxPerson;
  /** People at the owner's own domain. */
  colleagues: MailboxPerson[];
  /** People at customer domains. */
  counterparts: MailboxPerson[];
  messageCount: number;
  /** The messages spread over this many days before `now`. */
  days: number;
  now: Date;
};

/** What kind of thread a message belongs to (for tests that count what ingest should keep). */
export type ThreadKind = "customer" | "internal" | "freemail" | "newsletter";

/** Messages per block: each block is split into whole threads, so message i needs only its block. */
const BLOCK = 6;

/** mulberry32 over a seed mixed from (seed, stream, index): independent, reproducible streams. */
function random(seed: number, stream: number, index: number): () => number {
  let state =
    Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35) ^ Math.imul(index + 7, 0x27d4eb2f);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

const TOPICS = [
  "Renewal terms for next year",
  "Pilot kickoff",
  "Pricing question",
  "Security questionnaire",
  "Follow-up from our call",
  "Contract redlines",
  "Onboarding plan",
  "Invoice and PO number",
  "Intro: data platform team",
  "Quarterly business review",
];
const INTERNAL_TOPICS = ["Pipeline review", "Deal desk approval", "Team offsite", "Forecast call notes"];
const SENTENCES = [
  "Thanks for the time today, it was good to walk through the roadmap together.",
  "Could you share the latest numbers before Thursday?",
  "We are aligned on scope; legal still needs to look at the liability clause.",
  "I have attached the deck we discussed.",
  "Let me check with procurement and come back to you.",
  "The team liked the demo, especially the reporting part.",
  "Can we move the review to next week?",
  "Budget is approved for the first phase.",
  "Please find the signed order form attached.",
  "Happy to set up a call with our CTO.",
];
const FREEMAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com"];
const FREEMAIL_NAMES = ["Sam Rivera", "Alex Kim", "Jordan Lee", "Chris Novak"];
const NEWSLETTERS = [
  { email: "news@weekly-saas-digest.example", name: "SaaS Weekly" },
  { email: "hello@events-roundup.example", name: "Events Roundup" },
];
const LATIN1_LINES = [
  "Grüße aus Köln, wir freuen uns auf das Angebot.",
  "À bientôt, et merci pour la réunion très utile.",
];
const CP1252_LINES = [
  "Thanks for the “quick” turnaround – the quote is €12,500.",
  "We’ll review it with the CFO — talk soon.",
];
/** Shift_JIS bytes (base64) of Japanese lines, with their text: no encoder for it in Node. */
const SHIFT_JIS_LINES = [
  { text: "お世話になっております。", base64: "gqiQophigsmCyILBgsSCqILogtyCt4FC" },
  { text: "見積書をお送りします。", base64: "jKmQz4+RgvCCqJGXguiCtYLcgreBQg==" },
];
const ATTACHMENTS = [
  "proposal.pdf",
  "pricing-2027.xlsx",
  "Order Form (signed).pdf",
  "diagram.png",
  "Angebot_Müller.docx",
];

type Variant =
  | "alternative"
  | "plain"
  | "html-only"
  | "attachment"
  | "quoted-printable"
  | "latin1"
  | "cp1252"
  | "shift-jis"
  | "encoded-words"
  | "missing-date"
  | "missing-from"
  | "huge"
  | "unknown-charset";

type Plan = {
  index: number;
  threadId: string;
  threadStart: number;
  position: number;
  kind: ThreadKind;
  topic: string;
  outgoing: boolean;
  other: MailboxPerson;
  variant: Variant;
  internalDate: number;
  labelIds: string[];
};

/** The odd variants, each at a fixed offset of every 500 messages so small mailboxes have them too. */
const ODD_AT: Record<number, Variant> = {
  7: "missing-date",
  19: "missing-from",
  31: "huge",
  43: "unknown-charset",
  55: "shift-jis",
  67: "latin1",
  79: "cp1252",
  91: "encoded-words",
};

export type GeneratedMailbox = MailboxSource & {
  /** Which kind of thread message i belongs to. */
  kind(index: number): ThreadKind;
  options: MailboxOptions;
};

export function generateMailbox(options: MailboxOptions): GeneratedMailbox {
  const { seed, owner, messageCount, days, now } = options;
  if (options.counterparts.length === 0 || options.colleagues.length === 0)
    throw new Error("need counterparts and colleagues");
  const span = days * 86_400_000;
  const start = now.getTime() - span;
  const slot = span / Math.max(1, messageCount);
  const idPrefix = (seed >>> 0).toString(16).padStart(8, "0").slice(-6);
  const idOf = (index: number) => `${idPrefix}${index.toString(16).padStart(10, "0")}`;

  /** Thread boundaries of one block: sizes 1–6 summing to BLOCK (fewer at the very end). */
  const threadsOf = (block: number): number[] => {
    const rng = random(seed, 1, block);
    const sizes: number[] = [];
    let left = Math.min(BLOCK, messageCount - block * BLOCK);
    while (left > 0) {
      const size = Math.min(left, 1 + Math.floor(rng() * 6));
      sizes.push(size);
      left -= size;
    }
    return sizes;
  };

  const plan = (index: number): Plan => {
    const block = Math.floor(index / BLOCK);
    let threadStart = block * BLOCK;
    for (const size of threadsOf(block)) {
      if (index < threadStart + size) break;
      threadStart += size;
    }
    const threadRng = random(seed, 2, threadStart);
    const roll = threadRng();
    const kind: ThreadKind =
      roll < 0.62 ? "customer" : roll < 0.75 ? "internal" : roll < 0.88 ? "freemail" : "newsletter";
    const other =
      kind === "customer"
        ? pick(threadRng, options.counterparts)
        : kind === "internal"
          ? pick(threadRng, options.colleagues)
          : kind === "freemail"
            ? (() => {
                const name = pick(threadRng, FREEMAIL_NAMES);
                return { name, email: `${name.toLowerCase().replace(/\s+/g, ".")}@${pick(threadRng, FREEMAIL)}` };
              })()
            : pick(threadRng, NEWSLETTERS);
    const topic = kind === "internal" ? pick(threadRng, INTERNAL_TOPICS) : pick(threadRng, TOPICS);
    const firstOutgoing = kind !== "newsletter" && threadRng() < 0.4;
    const position = index - threadStart;
    const outgoing = kind === "newsletter" ? false : position % 2 === 0 ? firstOutgoing : !firstOutgoing;
    const rng = random(seed, 3, index);
    const variantRoll = rng();
    const variant: Variant =
      ODD_AT[index % 500] ??
      (variantRoll < 0.45
        ? "alternative"
        : variantRoll < 0.6
          ? "plain"
          : variantRoll < 0.72
            ? "html-only"
            : variantRoll < 0.84
              ? "attachment"
              : "quoted-printable");
    const internalDate = Math.floor(start + index * slot + rng() * slot * 0.9);
    const labelIds = outgoing ? ["SENT"] : ["INBOX", ...(rng() < 0.5 ? ["UNREAD"] : [])];
    if (kind === "newsletter") labelIds.push("CATEGORY_PROMOTIONS");
    else if (!outgoing) labelIds.push("CATEGORY_PERSONAL");
    // A few land in Spam or Trash, which a listing leaves out by default.
    if (index % 500 === 101) labelIds.splice(0, labelIds.length, "SPAM");
    if (index % 500 === 113) labelIds.splice(0, labelIds.length, "TRASH");
    return {
      index,
      threadId: idOf(threadStart),
      threadStart,
      position,
      kind,
      topic,
      outgoing,
      other,
      variant,
      internalDate,
      labelIds,
    };
  };

  const entry = (index: number): SeedEntry => {
    const p = plan(index);
    return { id: idOf(index), threadId: p.threadId, labelIds: p.labelIds, internalDate: p.internalDate };
  };

  const message = (index: number): SeedMessage => {
    const p = plan(index);
    const rng = random(seed, 4, index);
    const from = p.outgoing ? owner : p.other;
    const to = p.outgoing ? p.other : owner;
    const cc = p.kind === "customer" && rng() < 0.3 ? [pick(rng, options.colleagues)] : [];
    const subject = p.position === 0 ? p.topic : `Re: ${p.topic}`;
    const lines = [pick(rng, SENTENCES), pick(rng, SENTENCES)];
    let text = `Hi ${to.name.split(" ")[0]},\n\n${lines.join("\n")}\n\nBest,\n${from.name}`;
    let quoteStyle: "gmail" | "outlook" | null = null;
    let previous: { text: string; from: MailboxPerson; date: Date } | null = null;
    if (p.position > 0) {
      const before = plan(index - 1);
      const prevRng = random(seed, 4, index - 1);
      previous = {
        text: `${pick(prevRng, SENTENCES)}\n${pick(prevRng, SENTENCES)}`,
        from: before.outgoing ? owner : before.other,
        date: new Date(before.internalDate),
      };
      quoteStyle = rng() < 0.7 ? "gmail" : "outlook";
    }
    if (p.variant === "huge")
      text += `\n\n${"This is a very long status report line that keeps going. ".repeat(2_500)}`;
    const quotedPlain = previous ? quotePlain(previous, quoteStyle!) : "";
    const plain = quotedPlain ? `${text}\n\n${quotedPlain}` : text;
    const html = htmlOf(text, previous, quoteStyle);

    const headers: GmailHeader[] = [];
    if (p.variant !== "missing-from")
      headers.push({ name: "From", value: formatAddress(from, p.variant === "encoded-words") });
    headers.push({ name: "To", value: formatAddress(to, false) });
    if (cc.length) headers.push({ name: "Cc", value: cc.map((person) => formatAddress(person, false)).join(", ") });
    headers.push({
      name: "Subject",
      value: p.variant === "encoded-words" ? encodeWord(`${subject} – Überblick ✓`) : subject,
    });
    if (p.variant !== "missing-date") headers.push({ name: "Date", value: rfc2822Date(new Date(p.internalDate)) });
    const domain = from.email.split("@")[1] ?? "example.com";
    headers.push({ name: "Message-ID", value: `<gen.${seed}.${index}@${domain}>` });
    if (p.position > 0) {
      headers.push({
        name: "In-Reply-To",
        value: `<gen.${seed}.${index - 1}@${previous!.from.email.split("@")[1] ?? "example.com"}>`,
      });
    }
    headers.push({ name: "MIME-Version", value: "1.0" });

    let payload: GmailMessagePart;
    switch (p.variant) {
      case "plain":
      case "missing-date":
      case "missing-from":
      case "huge":
      case "encoded-words":
        payload = leaf(headers, "text/plain", "utf-8", "7bit", Buffer.from(plain));
        break;
      case "html-only":
        payload = leaf(headers, "text/html", "utf-8", "base64", Buffer.from(html));
        break;
      case "quoted-printable":
        payload = alternative(headers, [
          leaf([], "text/plain", "utf-8", "quoted-printable", Buffer.from(`${plain}\n— Ça va? 👍`)),
          leaf([], "text/html", "utf-8", "quoted-printable", Buffer.from(html)),
        ]);
        break;
      case "latin1":
        payload = leaf(
          headers,
          "text/plain",
          "iso-8859-1",
          "quoted-printable",
          Buffer.from(`${pick(rng, LATIN1_LINES)}\n\n${plain}`, "latin1"),
        );
        break;
      case "cp1252":
        payload = leaf(
          headers,
          "text/plain",
          "windows-1252",
          "8bit",
          encodeWindows1252(`${pick(rng, CP1252_LINES)}\n\n${plain}`),
        );
        break;
      case "shift-jis": {
        const line = pick(rng, SHIFT_JIS_LINES);
        payload = leaf(
          headers,
          "text/plain",
          "Shift_JIS",
          "base64",
          Buffer.concat([Buffer.from(line.base64, "base64"), Buffer.from(`\n\n${plain}`)]),
        );
        break;
      }
      case "unknown-charset":
        payload = leaf(headers, "text/plain", "x-unknown-8bit-legacy", "8bit", Buffer.from(plain));
        break;
      case "attachment": {
        const name = pick(rng, ATTACHMENTS);
        payload = {
          partId: "",
          mimeType: "multipart/mixed",
          filename: "",
          headers: [...headers, { name: "Content-Type", value: `multipart/mixed; boundary="mixed-${index}"` }],
          body: { size: 0 },
          parts: [
            alternative(
              [],
              [
                leaf([], "text/plain", "utf-8", "7bit", Buffer.from(plain)),
                leaf([], "text/html", "utf-8", "base64", Buffer.from(html)),
              ],
            ),
            attachment(name, 2_000 + Math.floor(rng() * 200_000), index),
          ],
        };
        break;
      }
      default:
        payload = alternative(headers, [
          leaf([], "text/plain", "utf-8", "base64", Buffer.from(plain)),
          leaf([], "text/html", "utf-8", "base64", Buffer.from(html)),
        ]);
    }
    numberParts(payload, "");
    return {
      id: idOf(index),
      threadId: p.threadId,
      labelIds: p.labelIds,
      internalDate: p.internalDate,
      payload,
      snippet: text.slice(0, 120).replace(/\s+/g, " "),
      sizeEstimate: 600 + plain.length + html.length,
    };
  };

  return { count: messageCount, entry, message, kind: (index) => plan(index).kind, options };
}

function formatAddress(person: MailboxPerson, encoded: boolean): string {
  if (encoded) return `${encodeWord(`${person.name} (Ärger-frei)`)} <${person.email}>`;
  return /[,;"<>@()]/.test(person.name)
    ? `"${person.name.replace(/"/g, '\\"')}" <${person.email}>`
    : `${person.name} <${person.email}>`;
}

/** An RFC 2047 encoded word (UTF-8, B encoding). */
function encodeWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text).toString("base64")}?=`;
}

function rfc2822Date(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

function quotePlain(previous: { text: string; from: MailboxPerson; date: Date }, style: "gmail" | "outlook"): string {
  if (style === "gmail") {
    const quoted = previous.text
      .split("\n")
      .map((line) => `> ${line}`)
      .join("\n");
    return `On ${previous.date.toUTCString()}, ${previous.from.name} <${previous.from.email}> wrote:\n${quoted}`;
  }
  return `-----Original Message-----\nFrom: ${previous.from.name} <${previous.from.email}>\nSent: ${previous.date.toUTCString()}\nSubject: previous\n\n${previous.text}`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

function htmlOf(
  text: string,
  previous: { text: string; from: MailboxPerson; date: Date } | null,
  style: "gmail" | "outlook" | null,
): string {
  const body = text
    .split("\n")
    .map((line) => (line ? `<div>${escapeHtml(line)}</div>` : "<br>"))
    .join("");
  const head = `<style>.x{color:red}</style><script>track()</script>`;
  const link = `<p>Details: <a href="https://example.com/deal">the deal room</a></p>`;
  if (!previous) return `<html><head>${head}</head><body><div dir="ltr">${body}${link}</div></body></html>`;
  const quoted = previous.text
    .split("\n")
    .map((line) => `${escapeHtml(line)}<br>`)
    .join("");
  const quote =
    style === "gmail"
      ? `<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On ${previous.date.toUTCString()}, ${escapeHtml(previous.from.name)} &lt;${previous.from.email}&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0 0 0 .8ex">${quoted}</blockquote></div>`
      : `<div id="divRplyFwdMsg"><hr><b>From:</b> ${escapeHtml(previous.from.name)}<br><b>Sent:</b> ${previous.date.toUTCString()}<br></div><div>${quoted}</div>`;
  return `<html><head>${head}</head><body><div dir="ltr">${body}${link}</div><br>${quote}</body></html>`;
}

function leaf(
  headers: GmailHeader[],
  mimeType: string,
  charset: string,
  transferEncoding: string,
  bytes: Buffer,
): GmailMessagePart {
  return {
    partId: "",
    mimeType,
    filename: "",
    headers: [
      ...headers,
      { name: "Content-Type", value: `${mimeType}; charset="${charset}"` },
      { name: "Content-Transfer-Encoding", value: transferEncoding },
    ],
    body: { size: bytes.length, data: bytes.toString("base64url") },
  };
}

function alternative(headers: GmailHeader[], parts: GmailMessagePart[]): GmailMessagePart {
  const boundary = `alt-${parts.length}-${headers.length}`;
  return {
    partId: "",
    mimeType: "multipart/alternative",
    filename: "",
    headers: [...headers, { name: "Content-Type", value: `multipart/alternative; boundary="${boundary}"` }],
    body: { size: 0 },
    parts,
  };
}

function attachment(filename: string, size: number, index: number): GmailMessagePart {
  const encodedName = /[^\x20-\x7e]/.test(filename)
    ? `filename*=UTF-8''${encodeURIComponent(filename)}`
    : `filename="${filename}"`;
  return {
    partId: "",
    mimeType: "application/octet-stream",
    filename,
    headers: [
      { name: "Content-Type", value: `application/octet-stream; name="${filename}"` },
      { name: "Content-Disposition", value: `attachment; ${encodedName}` },
      { name: "Content-Transfer-Encoding", value: "base64" },
    ],
    body: { size, attachmentId: `ANGjdJ${index.toString(36)}x${size.toString(36)}` },
  };
}

/** Gmail numbers parts "", "0", "1", "0.0", … in the tree. */
function numberParts(part: GmailMessagePart, id: string): void {
  part.partId = id;
  part.parts?.forEach((child, index) => numberParts(child, id === "" ? String(index) : `${id}.${index}`));
}

const CP1252_EXTRA: Record<string, number> = {
  "€": 0x80,
  "‘": 0x91,
  "’": 0x92,
  "“": 0x93,
  "”": 0x94,
  "–": 0x96,
  "—": 0x97,
};

function encodeWindows1252(text: string): Buffer {
  return Buffer.from(
    [...text].map((char) => CP1252_EXTRA[char] ?? (char.charCodeAt(0) < 256 ? char.charCodeAt(0) : 0x3f)),
  );
}

/**
 * The mailbox the local demo's fake Google serves (FAKE_GOOGLE) for `owner`: a few hundred messages
 * over the last 90 days with the demo workspace's prospects (so a sync finds people it knows), plus
 * colleagues at the owner's domain, free-mail senders and newsletters (so it has things to skip).
 */
export async function demoGmailStore(owner: MailboxPerson, now = new Date()): Promise<GmailStore> {
  const { GmailStore: Store } = await import("./gmail");
  const counterparts = await demoCounterparts();
  const domain = owner.email.split("@")[1] ?? "example.com";
  const store = new Store(owner.email);
  store.seed(
    generateMailbox({
      seed: 2026,
      owner,
      colleagues: [
        { email: `dana.kim@${domain}`, name: "Dana Kim" },
        { email: `jordan.lee@${domain}`, name: "Jordan Lee" },
      ],
      counterparts: counterparts.length > 0 ? counterparts : [{ email: "buyer@customer.example", name: "Casey Buyer" }],
      messageCount: 400,
      days: 90,
      now,
    }),
  );
  return store;
}

/** The demo workspace's prospects who write to the demo mailboxes (the first 60 with an address). */
export async function demoCounterparts(): Promise<MailboxPerson[]> {
  const { generateDemoWorkspace } = await import("../../../prisma/seed/demo-workspace");
  return (generateDemoWorkspace().prospects ?? [])
    .flatMap((prospect) =>
      prospect.email
        ? [{ email: prospect.email, name: `${prospect.firstName ?? ""} ${prospect.lastName ?? ""}`.trim() }]
        : [],
    )
    .slice(0, 60);
}

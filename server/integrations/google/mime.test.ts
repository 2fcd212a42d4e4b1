import { describe, expect, it } from "vitest";
import { generateMailbox } from "../../../tests/fakes/google-apis/mailbox";
import { maxLengths } from "../../crm/limits";
import type { SyncedEmail } from "../types";
import { MAX_TEXT_BYTES, parseGmailMessage, splitQuotedHistory, type GmailMessagePart } from "./mime";

const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString("base64url");

function textPart(
  mimeType: string,
  bytes: Buffer | string,
  charset = "utf-8",
  headers: { name: string; value: string }[] = [],
): GmailMessagePart {
  return {
    mimeType,
    filename: "",
    headers: [...headers, { name: "Content-Type", value: `${mimeType}; charset="${charset}"` }],
    body: { size: Buffer.from(bytes).length, data: b64(bytes) },
  };
}

const baseHeaders = [
  { name: "From", value: "Ana Silva <ana@customer.example>" },
  { name: "To", value: "me@seller.example" },
  { name: "Subject", value: "Pricing" },
  { name: "Date", value: "Tue, 1 Dec 2026 10:00:00 +0100" },
  { name: "Message-ID", value: "<abc.123@customer.example>" },
];

function message(payload: Partial<GmailMessagePart> & { mimeType: string }, extra: Record<string, unknown> = {}) {
  return {
    id: "18c0000000000001",
    threadId: "18c0000000000001",
    labelIds: ["INBOX"],
    historyId: "1234",
    internalDate: String(Date.UTC(2026, 11, 1, 9, 0, 5)),
    sizeEstimate: 1000,
    payload: {
      partId: "",
      filename: "",
      body: { size: 0 },
      ...payload,
      headers: [...baseHeaders, ...(payload.headers ?? [])],
    },
    ...extra,
  };
}

function email(answer: unknown): SyncedEmail {
  const parsed = parseGmailMessage(answer);
  if (!("email" in parsed)) throw new Error(`skipped: ${parsed.skipped.reason}`);
  return parsed.email;
}

describe("parseGmailMessage: headers", () => {
  it("reads sender, recipients, date, subject and Message-ID (without <>)", () => {
    const parsed = email(
      message({
        ...textPart("text/plain", "Hello there"),
        headers: [
          { name: "Cc", value: '"Doe, John" <john@customer.example>, Team: a@customer.example, b@customer.example;' },
        ],
      }),
    );
    expect(parsed.from).toEqual({ email: "ana@customer.example", name: "Ana Silva" });
    expect(parsed.to).toEqual([{ email: "me@seller.example", name: null }]);
    expect(parsed.cc.map((p) => p.email)).toEqual([
      "john@customer.example",
      "a@customer.example",
      "b@customer.example",
    ]);
    expect(parsed.cc[0]!.name).toBe("Doe, John");
    expect(parsed.sentAt.toISOString()).toBe("2026-12-01T09:00:00.000Z");
    expect(parsed.rfcMessageId).toBe("abc.123@customer.example");
    expect(parsed.subject).toBe("Pricing");
    expect(parsed.body).toBe("Hello there");
    expect(parsed.quotedText).toBeNull();
  });

  it("decodes RFC 2047 encoded subjects and names (UTF-8 B, ISO-8859-1 Q, ISO-2022-JP)", () => {
    const encoded = email({
      ...message(textPart("text/plain", "x")),
      payload: {
        ...textPart("text/plain", "x"),
        headers: [
          { name: "Subject", value: "=?UTF-8?B?w5xiZXJibGljayDinJM=?= =?iso-8859-1?Q?f=FCr_Sie?=" },
          { name: "From", value: "=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= <jp@customer.example>" },
          { name: "Date", value: "Tue, 1 Dec 2026 10:00:00 +0000" },
          { name: "Content-Type", value: "text/plain; charset=utf-8" },
        ],
      },
    });
    expect(encoded.subject).toBe("Überblick ✓für Sie");
    expect(encoded.from).toEqual({ email: "jp@customer.example", name: "テスト" });
  });

  it("skips a message without a From as missing_field", () => {
    const answer = message(textPart("text/plain", "x"));
    answer.payload.headers = answer.payload.headers.filter((h) => h.name !== "From");
    expect(parseGmailMessage(answer)).toEqual({ skipped: { externalId: "18c0000000000001", reason: "missing_field" } });
  });

  it("falls back to Gmail's internalDate for a missing or unreadable Date", () => {
    const missing = message(textPart("text/plain", "x"));
    missing.payload.headers = missing.payload.headers.filter((h) => h.name !== "Date");
    expect(email(missing).sentAt.toISOString()).toBe("2026-12-01T09:00:05.000Z");
    const garbage = message({ ...textPart("text/plain", "x"), headers: [] });
    garbage.payload.headers = garbage.payload.headers.map((h) =>
      h.name === "Date" ? { ...h, value: "the day after" } : h,
    );
    expect(email(garbage).sentAt.toISOString()).toBe("2026-12-01T09:00:05.000Z");
  });

  it("skips spam, trash, drafts and chats as not_correspondence", () => {
    for (const label of ["SPAM", "TRASH", "DRAFT", "CHAT"]) {
      const parsed = parseGmailMessage(message(textPart("text/plain", "x"), { labelIds: [label] }));
      expect(parsed).toEqual({ skipped: { externalId: "18c0000000000001", reason: "not_correspondence" } });
    }
  });

  it("skips an answer that does not have Gmail's shape as malformed, keeping its id when it has one", () => {
    expect(parseGmailMessage({ id: "x1", threadId: 5, payload: {} })).toEqual({
      skipped: { externalId: "x1", reason: "malformed" },
    });
    expect(parseGmailMessage("<html>502</html>")).toEqual({ skipped: { externalId: "unknown", reason: "malformed" } });
    expect(parseGmailMessage(message(textPart("text/plain", "x"), { internalDate: "yesterday" }))).toMatchObject({
      skipped: { reason: "malformed" },
    });
  });

  it("skips a MIME tree nested absurdly deep as malformed without overflowing the stack", () => {
    let part: GmailMessagePart = textPart("text/plain", "deep");
    for (let i = 0; i < 5_000; i += 1) part = { mimeType: "multipart/mixed", headers: [], parts: [part] };
    expect(parseGmailMessage(message(part))).toMatchObject({ skipped: { reason: "malformed" } });
  });
});

describe("parseGmailMessage: bodies and charsets", () => {
  const cases: [string, Buffer, string][] = [
    ["iso-8859-1", Buffer.from("Grüße aus Köln", "latin1"), "Grüße aus Köln"],
    ["windows-1252", Buffer.from([0x93, 0x68, 0x69, 0x94, 0x20, 0x80, 0x35]), "“hi” €5"],
    ["Shift_JIS", Buffer.from("g2WDWINn", "base64"), "テスト"],
    ["ISO-2022-JP", Buffer.from("1b244225462539254 81b2842".replace(/\s/g, ""), "hex"), "テスト"],
    ["utf-8", Buffer.from("Ça va 👍"), "Ça va 👍"],
  ];
  for (const [charset, bytes, text] of cases) {
    it(`decodes ${charset}`, () => {
      expect(email(message(textPart("text/plain", bytes, charset))).body).toBe(text);
    });
  }

  it("reads an unknown charset as UTF-8 when valid, else as windows-1252 (nothing dropped)", () => {
    expect(email(message(textPart("text/plain", Buffer.from("naïve"), "x-unknown-legacy"))).body).toBe("naïve");
    expect(
      email(message(textPart("text/plain", Buffer.from([0x6e, 0x61, 0xef, 0x76, 0x65]), "x-unknown-legacy"))).body,
    ).toBe("naïve");
  });

  it("prefers text/plain in multipart/alternative and lists attachments by name only", () => {
    const parsed = email(
      message({
        mimeType: "multipart/mixed",
        headers: [],
        parts: [
          {
            mimeType: "multipart/alternative",
            headers: [],
            parts: [textPart("text/plain", "plain version"), textPart("text/html", "<p>html version</p>")],
          },
          {
            mimeType: "application/pdf",
            filename: "proposal.pdf",
            headers: [],
            body: { size: 9000, attachmentId: "A1" },
          },
          {
            mimeType: "application/octet-stream",
            filename: "",
            headers: [{ name: "Content-Disposition", value: "attachment; filename*=UTF-8''Angebot_M%C3%BCller.docx" }],
            body: { size: 10, attachmentId: "A2" },
          },
          {
            mimeType: "image/png",
            filename: "",
            headers: [{ name: "Content-ID", value: "<logo>" }],
            body: { size: 10, attachmentId: "A3" },
          },
        ],
      }),
    );
    expect(parsed.body).toBe("plain version");
    expect(parsed.attachmentNames).toEqual(["proposal.pdf", "Angebot_Müller.docx"]);
  });

  it("turns HTML-only mail into text: no script or style, links kept as text, Gmail's quote trimmed", () => {
    const html =
      '<html><head><style>.x{color:red}</style><script>steal()</script></head><body><div dir="ltr"><div>Hi Sam,</div><div>See <a href="https://example.com/deal">the deal room</a>.</div></div>' +
      '<div class="gmail_quote"><div class="gmail_attr">On Mon, 30 Nov 2026 at 09:00, Sam &lt;sam@customer.example&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote">Earlier words<br>more</blockquote></div></body></html>';
    const parsed = email(message(textPart("text/html", html)));
    expect(parsed.body).toBe("Hi Sam,\nSee the deal room [https://example.com/deal].");
    expect(parsed.body).not.toMatch(/steal|color/);
    expect(parsed.quotedText).toMatch(/^On Mon, 30 Nov 2026 at 09:00, Sam <sam@customer.example> wrote:/);
    expect(parsed.quotedText).toContain("> Earlier words");
  });

  it("cuts a long body to the message body limit", () => {
    const parsed = email(message(textPart("text/plain", "word ".repeat(40_000))));
    expect(parsed.body.length).toBeLessThanOrEqual(maxLengths.messageBody);
    expect(parsed.body.endsWith("…")).toBe(true);
  });

  it("skips a message whose text is larger than it is worth reading as too_large", () => {
    const huge = textPart("text/plain", Buffer.alloc(MAX_TEXT_BYTES + 10, "a"));
    expect(parseGmailMessage(message(huge))).toMatchObject({ skipped: { reason: "too_large" } });
  });

  it("removes NUL and control characters PostgreSQL cannot store", () => {
    expect(email(message(textPart("text/plain", "a\u0000b\u0007c"))).body).toBe("abc");
  });
});

describe("splitQuotedHistory", () => {
  it("Gmail / Apple: 'On … wrote:' (wrapped) and > lines", () => {
    const text =
      "Sounds good.\n\nOn Mon, Nov 30, 2026 at 9:00 AM Sam Lee <\nsam@customer.example> wrote:\n> Can we talk?\n> Thanks";
    expect(splitQuotedHistory(text)).toEqual({
      body: "Sounds good.",
      quoted: "On Mon, Nov 30, 2026 at 9:00 AM Sam Lee <\nsam@customer.example> wrote:\n> Can we talk?\n> Thanks",
    });
  });

  it("Outlook: -----Original Message-----", () => {
    const text = "Approved.\n\n-----Original Message-----\nFrom: Sam\nSent: Monday\nSubject: PO\n\nPlease approve.";
    expect(splitQuotedHistory(text)).toEqual({ body: "Approved.", quoted: text.slice(text.indexOf("-----")) });
  });

  it("Outlook: a From: … Sent: header block", () => {
    const text =
      "Done.\n\nFrom: Sam Lee <sam@customer.example>\nSent: Monday, November 30, 2026 9:00 AM\nTo: Me\nSubject: PO\n\nPlease.";
    expect(splitQuotedHistory(text).body).toBe("Done.");
    expect(splitQuotedHistory(text).quoted).toMatch(/^From: Sam Lee/);
  });

  it("trailing > lines without an attribution", () => {
    expect(splitQuotedHistory("Yes.\n\n> Are you in?\n>\n> Sam")).toEqual({
      body: "Yes.",
      quoted: "> Are you in?\n>\n> Sam",
    });
  });

  it("keeps interleaved replies and a bare quote as body", () => {
    expect(splitQuotedHistory("> question one\nanswer one\n> question two\nanswer two").quoted).toBeNull();
    expect(splitQuotedHistory("> only a quote")).toEqual({ body: "> only a quote", quoted: null });
  });
});

describe("the generated mailbox reads cleanly", () => {
  it("parses every message of a 1,000-message mailbox into an email or a counted skip, never a crash", () => {
    const mailbox = generateMailbox({
      seed: 42,
      owner: { email: "me@seller.example", name: "Me Seller" },
      colleagues: [{ email: "kim@seller.example", name: "Kim Colleague" }],
      counterparts: [
        { email: "ana@customer.example", name: "Ana Silva" },
        { email: "bo@other-customer.example", name: "Bo Berg" },
      ],
      messageCount: 1_000,
      days: 90,
      now: new Date("2026-12-01T00:00:00Z"),
    });
    const reasons: Record<string, number> = {};
    let emails = 0;
    let quoted = 0;
    let attachments = 0;
    for (let i = 0; i < mailbox.count; i += 1) {
      const generated = mailbox.message(i);
      const parsed = parseGmailMessage({ ...generated, historyId: "1", internalDate: String(generated.internalDate) });
      if ("skipped" in parsed) {
        reasons[parsed.skipped.reason] = (reasons[parsed.skipped.reason] ?? 0) + 1;
        continue;
      }
      emails += 1;
      if (parsed.email.quotedText) quoted += 1;
      attachments += parsed.email.attachmentNames.length;
      expect(parsed.email.body).not.toMatch(/track\(\)|color:red/);
      expect(parsed.email.body).not.toMatch(/^> /m);
    }
    // Two of each odd kind per 1,000: missing From (skipped), spam and trash (skipped).
    expect(reasons).toEqual({ missing_field: 2, not_correspondence: 4 });
    expect(emails).toBe(994);
    expect(quoted).toBeGreaterThan(300);
    expect(attachments).toBeGreaterThan(50);
    // The odd ones: missing Date falls back to internalDate; the Shift_JIS one reads as Japanese.
    const shiftJis = parseGmailMessage({
      ...mailbox.message(55),
      historyId: "1",
      internalDate: String(mailbox.message(55).internalDate),
    });
    expect("email" in shiftJis && shiftJis.email.body).toMatch(/お世話になっております|見積書をお送りします/);
    const noDate = mailbox.message(7);
    const parsedNoDate = parseGmailMessage({ ...noDate, historyId: "1", internalDate: String(noDate.internalDate) });
    expect("email" in parsedNoDate && parsedNoDate.email.sentAt.getTime()).toBe(noDate.internalDate);
  });

  it("is deterministic: the same seed gives the same messages", () => {
    const options = {
      seed: 7,
      owner: { email: "me@seller.example", name: "Me" },
      colleagues: [{ email: "kim@seller.example", name: "Kim" }],
      counterparts: [{ email: "ana@customer.example", name: "Ana" }],
      messageCount: 200,
      days: 30,
      now: new Date("2026-12-01T00:00:00Z"),
    };
    const a = generateMailbox(options);
    const b = generateMailbox(options);
    for (const i of [0, 7, 31, 55, 199]) expect(JSON.stringify(a.message(i))).toBe(JSON.stringify(b.message(i)));
    expect(JSON.stringify(generateMailbox({ ...options, seed: 8 }).message(3))).not.toBe(JSON.stringify(a.message(3)));
  });
});

import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { sourceLabel } from "../utils/source-labels";
import { ConversationThread } from "./conversation-thread";
import { CancelledBadge, SourceBadge } from "./source-badge";

describe("where a record came from", () => {
  it("synced records say which tool; records typed here say nothing", () => {
    expect(renderToStaticMarkup(<SourceBadge source="gmail" />)).toContain("from Gmail");
    expect(renderToStaticMarkup(<SourceBadge source="gcal" />)).toContain("from Google Calendar");
    expect(renderToStaticMarkup(<SourceBadge source="manual" />)).toBe("");
    expect(renderToStaticMarkup(<CancelledBadge />)).toContain("Cancelled");
  });

  it("labels every value as text, inherited property names included", () => {
    for (const value of ["__proto__", "constructor", "toString", "some_new_tool"])
      expect(typeof sourceLabel(value)).toBe("string");
    expect(sourceLabel("some_new_tool")).toBe("Some new tool");
  });
});

describe("a synced message", () => {
  it("lists its attachments by name and keeps the quoted history collapsed, as text", () => {
    const out = renderToStaticMarkup(
      <ConversationThread
        me="me@example.com"
        people={{}}
        messages={[
          {
            id: "m1",
            fromEmail: "dana@acme.example",
            toEmails: [],
            sentAt: new Date(0),
            body: "See attached.",
            quotedText: "> On Monday you wrote:\n> <b>not html</b>",
            attachmentNames: ["pricing.pdf", "<script>.txt"],
          },
          { id: "m2", fromEmail: "dana@acme.example", toEmails: [], sentAt: new Date(0), body: "Plain" },
        ]}
      />,
    );
    expect(out).toContain("pricing.pdf");
    expect(out).toContain("&lt;script&gt;.txt");
    expect(out).toMatch(/<details[^>]*data-testid="message-quoted"[^>]*><summary[^>]*>Show quoted text<\/summary>/);
    expect(out).not.toMatch(/<details[^>]*open/);
    expect(out).toContain("&lt;b&gt;not html&lt;/b&gt;");
    expect(out.match(/data-testid="message-quoted"/g)).toHaveLength(1);
    expect(out.match(/data-testid="message-attachments"/g)).toHaveLength(1);
  });
});

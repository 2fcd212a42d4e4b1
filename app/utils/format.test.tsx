import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ownValue } from "../../server/utils/own";
import { ConversationThread } from "../components/conversation-thread";
import { formatTier } from "./format";

// Names every object inherits. An imported account's tier or a message's sender is anyone's text.
const inherited = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

describe("lookups by a user's text see only the table's own keys", () => {
  it("ownValue", () => {
    const table = { smb: "SMB" };
    expect(ownValue(table, "smb")).toBe("SMB");
    for (const key of inherited) expect(ownValue(table, key)).toBeUndefined();
  });

  it("a tier named like an inherited property renders as its words", () => {
    expect(formatTier("mid_market")).toBe("Mid-market");
    for (const tier of inherited) {
      expect(formatTier(tier)).toBe(tier.replace(/_/g, " "));
      // An object or a function here would break the accounts page.
      expect(renderToStaticMarkup(<>{formatTier(tier)}</>)).toBe(tier.replace(/_/g, " "));
    }
  });

  it("a message from an address named like an inherited property shows the address", () => {
    const out = renderToStaticMarkup(
      <ConversationThread
        me="me@example.com"
        people={{}}
        messages={inherited.map((from, i) => ({
          id: `m${i}`,
          fromEmail: from,
          toEmails: [],
          sentAt: new Date(0),
          body: "hi",
        }))}
      />,
    );
    expect(out).not.toContain("/prospects/");
    for (const from of inherited) expect(out).toContain(`>${from}</span>`);
  });
});

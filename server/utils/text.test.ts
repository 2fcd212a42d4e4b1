import { describe, expect, it } from "vitest";
import { truncateLine, truncateText } from "./text";

/** True when `text` has no lone surrogate (what PostgreSQL's JSON refuses). */
const wellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe("truncateText", () => {
  it("leaves text that fits alone, and cuts plain text to exactly the limit, ellipsis included", () => {
    expect(truncateText("short", 5)).toBe("short");
    expect(truncateText("abcdefgh", 5)).toBe("abcd…");
    expect(truncateText("abcdefgh", 5, "")).toBe("abcde");
    expect(truncateText("abcdefgh", 1)).toBe("…");
  });

  it("never splits an emoji's surrogate pair (the note that broke an answer)", () => {
    // "Note added: " + 66 × "w" puts 🎉 at code units 78–79; a label cut at 80 with "…" ends at 79.
    const summary = `Note added: ${"w".repeat(66)}🎉 after`;
    expect(summary.slice(0, 79)).not.toSatisfy(wellFormed);
    const cut = truncateText(summary, 80);
    expect(cut).toBe(`Note added: ${"w".repeat(66)}…`);
    expect(cut).toSatisfy(wellFormed);
    // Serialised as JSON, nothing is left that PostgreSQL would refuse.
    expect(JSON.stringify(cut)).not.toMatch(/\\ud[89a-f]/i);
  });

  it("keeps ZWJ sequences, flags, skin tones and combining marks whole, or leaves them out", () => {
    const family = "👩‍👩‍👧"; // five code points, eight code units
    expect(truncateText(`ab${family}cd`, 9)).toBe("ab…");
    expect(truncateText(`ab${family}cd`, 11)).toBe(`ab${family}…`);
    expect(truncateText("go 🇫🇷 now", 6)).toBe("go …");
    expect(truncateText("hi 👋🏽 there", 6)).toBe("hi …");
    // "é" written as e + U+0301: the accent stays with its letter.
    const cafe = "cafe\u0301 au lait";
    expect(truncateText(cafe, 5)).toBe("caf…");
    expect(truncateText(cafe, 7)).toBe("cafe\u0301 …");
    for (let max = 0; max < 20; max += 1) {
      for (const text of [`${family}${family}x`, "🇫🇷🇩🇪🇮🇹", cafe, "👋🏽👋🏽👋🏽"]) {
        const cut = truncateText(text, max);
        expect(cut.length).toBeLessThanOrEqual(Math.max(max, 0));
        expect(cut).toSatisfy(wellFormed);
      }
    }
  });

  it("cuts a very long text", () => {
    const huge = "🎉".repeat(5_000_000);
    expect(truncateText(huge, 11)).toBe(`${"🎉".repeat(5)}…`);
  });

  it("cuts far into a long text the way it cuts near the start (only the stretch before the cut is segmented)", () => {
    const family = "👩‍👩‍👧";
    for (const filler of ["plain words ", "déjà vu ", "日本語の文 ", "🎉", "e\u0301"]) {
      const prefix = filler.repeat(Math.ceil(60_000 / filler.length)).slice(0, 60_000);
      const text = `${prefix}${family}tail`;
      const cut = truncateText(text, 60_000 + 4);
      expect(cut).toSatisfy(wellFormed);
      // The family (8 code units) does not fit in the 3 left before the ellipsis: it is left out whole.
      expect(cut.endsWith(`${family}…`)).toBe(false);
      expect(cut.includes("\u200d")).toBe(filler.includes("\u200d"));
      expect(truncateText(text, 60_000 + 9)).toBe(`${prefix}${family}…`);
    }
  });
});

describe("truncateLine", () => {
  it("folds whitespace and newlines before cutting", () => {
    expect(truncateLine("  one\n\ttwo   three ", 9)).toBe("one two …");
    expect(truncateLine("one\ntwo", 20)).toBe("one two");
  });
});

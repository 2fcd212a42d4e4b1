// Cutting text to a length, for display and for storage. `.slice(0, n)` counts UTF-16 code units, so
// it can split an emoji's surrogate pair and leave half of it: PostgreSQL refuses such a string in
// JSON ("unsupported Unicode escape sequence") and shows it as "�" in text. It can also split what a
// reader sees as one character: 👩‍👩‍👧 is five code points, "é" may be "e" plus a combining accent.
// So text is cut between grapheme clusters (Intl.Segmenter, in Node and in every browser we
// support), and the limit stays in code units, so the result also fits a budget counted in code
// points (PostgreSQL's varchar(n)) or in JavaScript's `.length`.
// No imports: pages use it in the browser too.

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * `text` if it is at most `max` UTF-16 code units long; otherwise its longest prefix of whole
 * grapheme clusters that fits in `max` together with `ellipsis` (default "…"; "" cuts without a
 * mark), followed by it. Never splits a surrogate pair, a ZWJ sequence or a base letter from its
 * combining marks.
 */
export function truncateText(text: string, max: number, ellipsis = "…"): string {
  if (text.length <= max) return text;
  const budget = max - ellipsis.length;
  if (budget <= 0) return ellipsis.slice(0, Math.max(0, max));
  let end = 0;
  // The segmenter is lazy: only the kept prefix (and one cluster more) is ever segmented.
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > budget) break;
    end = index + segment.length;
  }
  return text.slice(0, end) + ellipsis;
}

/** Whitespace (newlines included) folded to single spaces, trimmed, then cut with `truncateText`. */
export function truncateLine(text: string, max: number, ellipsis = "…"): string {
  return truncateText(text.replace(/\s+/g, " ").trim(), max, ellipsis);
}

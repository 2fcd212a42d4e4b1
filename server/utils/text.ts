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
  // Segmenting is slow (about 30 µs per character in V8: 1.5 s for a 50,000-character email), so only
  // the stretch just before the cut is segmented, from a point that is surely a cluster boundary.
  // The slice reaches well past the cut, so the cluster that crosses it is seen whole.
  const from = safeBoundaryBefore(text, budget);
  let end = from;
  for (const { index, segment } of graphemes.segment(text.slice(from, budget + CLUSTER_LOOKAHEAD))) {
    if (from + index + segment.length > budget) break;
    end = from + index + segment.length;
  }
  return text.slice(0, end) + ellipsis;
}

/** How far around a cut text is segmented: longer clusters than this exist only in contrived text. */
const CLUSTER_LOOKAHEAD = 256;
const BOUNDARY_SEARCH = 1_024;

/**
 * Characters that join no neighbour (grapheme break property "Other" with no rule of UAX #29 that
 * keeps them together): Latin, Latin-1 and Latin Extended letters below the combining marks, CJK
 * ideographs, kana without the voicing marks. Between two of them there is always a boundary.
 */
function standsAlone(code: number): boolean {
  return (
    (code >= 0x20 && code < 0x7f) ||
    (code >= 0xa0 && code < 0x300 && code !== 0xad) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3041 && code <= 0x3096) ||
    (code >= 0x30a1 && code <= 0x30fa)
  );
}

/**
 * A position at or before `at` that is a grapheme cluster boundary: between two characters that
 * stand alone, if one is near; else `at - BOUNDARY_SEARCH` (not inside a surrogate pair), which is a
 * boundary in all but contrived text (a thousand combining marks in a row), where the worst outcome
 * is a cut inside such a cluster; never a broken surrogate pair.
 */
function safeBoundaryBefore(text: string, at: number): number {
  for (let i = at; i > 0 && i > at - BOUNDARY_SEARCH; i -= 1) {
    if (standsAlone(text.charCodeAt(i - 1)) && standsAlone(text.charCodeAt(i))) return i;
  }
  let from = Math.max(0, at - BOUNDARY_SEARCH);
  const code = text.charCodeAt(from);
  if (from > 0 && code >= 0xdc00 && code <= 0xdfff) from -= 1;
  return from;
}

/** Whitespace (newlines included) folded to single spaces, trimmed, then cut with `truncateText`. */
export function truncateLine(text: string, max: number, ellipsis = "…"): string {
  return truncateText(text.replace(/\s+/g, " ").trim(), max, ellipsis);
}

// Without any Claude key (the fresh-machine demo), the brain still answers: it says plainly that
// this is a retrieval-only answer, states the figures we computed, and lists the records that best
// match — each cited, so the chips work exactly as in a model's answer.
//
// Only our own words are Markdown here. Record text (and the figures, which carry record values such
// as currency codes) is anyone's text — an imported description can hold "[Verify login](https://…)
// [A1]" — so it goes into code spans, the one Markdown construct whose content is never parsed: no
// link, emphasis, HTML or autolink, and no citation, can come out of it. The renderer shows a
// retrieval-only answer's code spans as ordinary text (ADR 014), and the citations are the handles
// we place after each line, returned beside the text so nothing has to read them back out of it.
import { truncateLine } from "../utils/text";
import type { ContextPack, PackItem } from "./retrieval";

export const RETRIEVAL_ONLY_NOTICE =
  "Retrieval-only answer: no Claude key is set, so here are the records that best match your question, not a written answer.";

const headings: Record<PackItem["type"], string> = {
  account: "Accounts",
  prospect: "People",
  opportunity: "Deals",
  meeting: "Meetings",
  message: "Emails and messages",
  note: "Notes",
  activity: "Timeline",
  conversation: "Conversations",
};

/**
 * `text` as a Markdown code span that reads back as exactly `text`: fenced with one backtick more
 * than its longest run of backticks, and padded with a space each side (CommonMark strips one from
 * each side, so text that starts or ends with a backtick or a space survives too). Text on one line.
 */
export function literal(text: string): string {
  // Spaces alone are no Markdown (and a code span would keep them all, padding included).
  if (/^ *$/.test(text)) return text;
  const longestRun = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longestRun + 1);
  return `${fence} ${text} ${fence}`;
}

function summary(item: PackItem): string {
  return literal(truncateLine(item.text, 220));
}

/** The answer's Markdown, and the handles it cites, in order — placed by us, never read from record text. */
export function retrievalOnlyAnswer(
  pack: ContextPack,
  maxItems = 12,
  /** Why the answer is not written (no key; or, on a billed instance, the plan or its allowance). */
  notice = RETRIEVAL_ONLY_NOTICE,
): { text: string; cited: string[] } {
  if (pack.items.length === 0) {
    return {
      text: `_${notice}_\n\nYour records don't contain anything that matches this question. Try naming an account, a person or a deal, or use different words.`,
      cited: [],
    };
  }
  const cited: string[] = [];
  const cite = (handles: string[]) => {
    for (const handle of handles) if (!cited.includes(handle)) cited.push(handle);
    return handles.map((handle) => `[${handle}]`).join("");
  };
  const shown = pack.items.slice(0, maxItems);
  const lines = [`_${notice}_`, ""];
  const facts = pack.facts.map((fact) => truncateLine(fact, 500)).filter(Boolean);
  if (facts.length > 0) {
    const basis = shown
      .filter((item) => item.type === "opportunity" || item.type === "meeting")
      .slice(0, 6)
      .map((item) => item.handle);
    lines.push(
      "**What the records add up to**",
      ...facts.map((fact) => `- ${literal(fact)}${basis.length ? ` ${cite(basis)}` : ""}`),
      "",
    );
  }
  // Grouped by kind, in the order the kinds first appear (the pack's order is its relevance).
  const kinds = [...new Set(shown.map((item) => item.type))];
  for (const kind of kinds) {
    lines.push(
      `**${headings[kind]}**`,
      ...shown.filter((item) => item.type === kind).map((item) => `- ${summary(item)} ${cite([item.handle])}`),
      "",
    );
  }
  if (pack.items.length > shown.length || pack.omitted > 0)
    lines.push(`_${pack.items.length - shown.length + pack.omitted} more matching records are not listed._`);
  return { text: lines.join("\n").trim(), cited };
}

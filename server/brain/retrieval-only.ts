// Without any Claude key (the fresh-machine demo), the brain still answers: it says plainly that
// this is a retrieval-only answer, states the figures we computed, and lists the records that best
// match — each cited, so the chips work exactly as in a model's answer.
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

function summary(item: PackItem): string {
  const text = item.text.replace(/\s+/g, " ");
  return text.length > 220 ? `${text.slice(0, 219)}…` : text;
}

export function retrievalOnlyAnswer(pack: ContextPack, maxItems = 12): string {
  if (pack.items.length === 0) {
    return `_${RETRIEVAL_ONLY_NOTICE}_\n\nYour records don't contain anything that matches this question. Try naming an account, a person or a deal, or use different words.`;
  }
  const shown = pack.items.slice(0, maxItems);
  const lines = [`_${RETRIEVAL_ONLY_NOTICE}_`, ""];
  if (pack.facts.length > 0) {
    const basis = shown
      .filter((item) => item.type === "opportunity" || item.type === "meeting")
      .slice(0, 6)
      .map((item) => `[${item.handle}]`)
      .join("");
    lines.push(
      "**What the records add up to**",
      ...pack.facts.map((fact) => `- ${fact}${basis ? ` ${basis}` : ""}`),
      "",
    );
  }
  // Grouped by kind, in the order the kinds first appear (the pack's order is its relevance).
  const kinds = [...new Set(shown.map((item) => item.type))];
  for (const kind of kinds) {
    lines.push(
      `**${headings[kind]}**`,
      ...shown.filter((item) => item.type === kind).map((item) => `- ${summary(item)} [${item.handle}]`),
      "",
    );
  }
  if (pack.items.length > shown.length || pack.omitted > 0)
    lines.push(`_${pack.items.length - shown.length + pack.omitted} more matching records are not listed._`);
  return lines.join("\n").trim();
}

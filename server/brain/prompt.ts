// Everything the brain says to Claude, in one module: the system prompt (the rules), how a context
// pack is written into the conversation, and the citation syntax answers must use — with the code
// that reads citations back and drops any that point at records Claude was never given.
import { truncateText } from "../utils/text";
import type { ContextPack, PackItem } from "./retrieval";

export const SYSTEM_PROMPT = `You are the sales brain of Sales-as-Code: you answer an account executive's questions about their own book of business — their accounts, the people there, deals, emails, meetings, notes and timeline.

Rules:
1. Use only the records in the conversation and the results of your tools. Never use outside knowledge about these companies or people, and never guess.
2. Every sentence that states a fact from the records ends with the handles of the records it rests on, in square brackets, one handle per bracket: "The champion is Nadia Shah [P1]." or "It closes on 2026-11-17 [D3][T2]." Cite only handles that appear in the records you were given.
3. When the records do not contain the answer, say so plainly ("Your records don't say …") and, if useful, what the seller could check. Do not fill the gap with assumptions.
4. Use the computed figures (totals, counts) as given; do not add up amounts yourself.
5. If the records are not enough and a tool can find more (search the records, open an account, deal or person, list deals, the pipeline, the calendar), use it before answering.
6. Be brief and concrete: lead with the answer, then the supporting facts; use short bullet lists for several items; dates as YYYY-MM-DD; times in UTC. Plain Markdown only — no HTML, no tables.
7. When the seller asks what to do next, ground each suggestion in the records (who, what was last said, what is pending) and cite them.`;

/** A handle as it appears in answers: [A1], [D12]. */
export const CITATION = /\[([A-Z]\d{1,3})\]/g;

/** How one record is written for the model: its handle, then its line. */
export function recordLine(item: Pick<PackItem, "handle" | "text">): string {
  return `[${item.handle}] ${item.text}`;
}

/** The user turn that carries the pack and the question. */
export function renderPackMessage(pack: ContextPack, question: string, now: Date): string {
  const lines = [
    `Today is ${now.toISOString().slice(0, 10)} (UTC; it is ${now.toISOString().slice(11, 16)} UTC now).`,
    "",
    pack.items.length > 0
      ? "Records from the seller's workspace that may answer the question (cite them by their handle):"
      : "No records in the seller's workspace matched the question.",
    ...pack.items.map(recordLine),
  ];
  if (pack.facts.length > 0) lines.push("", "Computed from the records:", ...pack.facts.map((fact) => `- ${fact}`));
  if (pack.omitted > 0)
    lines.push("", `(${pack.omitted} more matching records did not fit; use the tools to look further.)`);
  lines.push("", `Question: ${question}`);
  return lines.join("\n");
}

/** Earlier turns of the thread, shortened, so follow-up questions make sense. */
export function historyTurns(turns: { role: "user" | "assistant"; content: string }[], maxChars = 6_000) {
  const kept: { role: "user" | "assistant"; content: string }[] = [];
  let used = 0;
  for (const turn of [...turns].reverse()) {
    const content = truncateText(turn.content, 1_501);
    if (used + content.length > maxChars) break;
    used += content.length;
    kept.unshift({ role: turn.role, content });
  }
  // The API wants the conversation to start with the user.
  while (kept[0]?.role === "assistant") kept.shift();
  return kept;
}

/** "[A1, P2]" or "[A1][P2]" → "[A1][P2]": models sometimes group handles. */
export function normaliseCitations(text: string): string {
  return text.replace(/\[((?:[A-Z]\d{1,3}\s*[,;]\s*)+[A-Z]\d{1,3})\]/g, (_m, list: string) =>
    list
      .split(/[,;]/)
      .map((h) => `[${h.trim()}]`)
      .join(""),
  );
}

/**
 * Keeps only citations of records that were really sent (the manifest); the rest are removed from
 * the text, so no chip can point at a record Claude never saw. Returns the cited handles in order
 * of first appearance.
 */
export function checkCitations(
  text: string,
  sentHandles: ReadonlySet<string>,
): { text: string; cited: string[]; dropped: string[] } {
  const cited: string[] = [];
  const dropped: string[] = [];
  const cleaned = normaliseCitations(text).replace(CITATION, (match, handle: string) => {
    if (sentHandles.has(handle)) {
      if (!cited.includes(handle)) cited.push(handle);
      return match;
    }
    if (!dropped.includes(handle)) dropped.push(handle);
    return "";
  });
  return { text: cleaned.replace(/[ \t]+([.,;:!?])/g, "$1"), cited, dropped };
}

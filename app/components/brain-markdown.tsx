// The brain's answers are Markdown written by a model (or by us, for retrieval-only answers), so
// they are untrusted text. This small renderer turns the subset the prompt allows into React
// elements — paragraphs, line breaks, bold, italic, code, lists, headings, links — and everything
// else stays text: no HTML is ever interpreted and nothing goes through dangerouslySetInnerHTML.
// Citations ([A1]) become chips for the records in the answer's manifest; a handle that is not in
// the manifest renders as nothing, so a chip can only point at a record that was really used.
import type { ComponentType, ReactNode } from "react";

export type CitationTarget = { handle: string; type: string; label: string; href: string };

export type LinkProps = {
  href: string;
  className?: string;
  title?: string;
  children: ReactNode;
  "data-testid"?: string;
  "data-handle"?: string;
};
export type LinkRenderer = ComponentType<LinkProps>;

type Options = {
  citations: ReadonlyMap<string, CitationTarget>;
  /** Renders same-site links (the app passes Remix's Link for client-side navigation). */
  InternalLink: LinkRenderer;
};

// ---------------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------------

/** An href we are willing to render: http(s) URLs and same-site paths; anything else is null. */
export function safeHref(raw: string): string | null {
  const url = raw.trim();
  if (/^https?:\/\//i.test(url)) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch {
      return null;
    }
  }
  // "/accounts/1" is ours; "//evil.example" and "/\evil.example" are other hosts in a browser.
  if (url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\")) return url;
  return null;
}

const isInternal = (href: string) => href.startsWith("/");

function PlainLink({ href, children, ...rest }: LinkProps) {
  return (
    <a href={href} {...rest}>
      {children}
    </a>
  );
}

// ---------------------------------------------------------------------------------------------
// Citation chips
// ---------------------------------------------------------------------------------------------

const recordKinds: Record<string, { letter: string; name: string; tone: string }> = {
  account: { letter: "A", name: "Account", tone: "bg-brand-600" },
  prospect: { letter: "P", name: "Person", tone: "bg-emerald-600" },
  opportunity: { letter: "D", name: "Deal", tone: "bg-amber-600" },
  meeting: { letter: "M", name: "Meeting", tone: "bg-violet-600" },
  message: { letter: "E", name: "Email", tone: "bg-sky-600" },
  conversation: { letter: "C", name: "Conversation", tone: "bg-sky-600" },
  note: { letter: "N", name: "Note", tone: "bg-slate-600" },
  activity: { letter: "T", name: "Timeline entry", tone: "bg-slate-500" },
};

export function recordKind(type: string) {
  return recordKinds[type] ?? { letter: "•", name: "Record", tone: "bg-slate-500" };
}

/** The small letter badge that says what kind of record a chip or manifest row is. */
export function RecordTypeIcon({ type }: { type: string }) {
  const kind = recordKind(type);
  return (
    <span
      aria-hidden
      className={`inline-flex h-4 w-4 shrink-0 items-center justify-center rounded text-[10px] font-bold leading-none text-white ${kind.tone}`}
    >
      {kind.letter}
    </span>
  );
}

function CitationChip({ target, InternalLink }: { target: CitationTarget; InternalLink: LinkRenderer }) {
  const kind = recordKind(target.type);
  const className =
    "mx-0.5 inline-flex max-w-[18rem] items-center gap-1 rounded-full bg-white px-1.5 py-0.5 align-baseline text-xs font-medium text-slate-800 no-underline ring-1 ring-slate-300 hover:bg-brand-50 hover:ring-brand-500";
  const content = (
    <>
      <RecordTypeIcon type={target.type} />
      <span className="sr-only">{kind.name}: </span>
      <span className="truncate">{target.label}</span>
    </>
  );
  const href = safeHref(target.href);
  if (!href) return <span className={className}>{content}</span>;
  const props = {
    href,
    className,
    title: `${kind.name}: ${target.label}`,
    "data-testid": "citation-chip",
    "data-handle": target.handle,
  };
  return isInternal(href) ? (
    <InternalLink {...props}>{content}</InternalLink>
  ) : (
    <a {...props} rel="noreferrer">
      {content}
    </a>
  );
}

// ---------------------------------------------------------------------------------------------
// Inline: code, bold, italic, links, bare URLs, citations, escapes
// ---------------------------------------------------------------------------------------------

const ESCAPABLE = /[\\`*_{}[\]()#+\-.!|>~]/;
const CITATION_GROUP = /^\[((?:[A-Z]\d{1,3}\s*[,;]\s*)*[A-Z]\d{1,3})\]/;
const LINK = /^\[([^\]\n]+)\]\(\s*([^()\s]+(?:\([^()\s]*\)[^()\s]*)*)(?:\s+"[^"\n]*")?\s*\)/;
const BARE_URL = /^https?:\/\/[^\s<>"'`[\]{}|\\^]+/i;

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/** Where the closing delimiter of an emphasis opened at `from` is, or -1. */
function findClosing(text: string, delimiter: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const found = text.indexOf(delimiter, i);
    if (found === -1) return -1;
    const before = text[found - 1];
    const after = text[found + delimiter.length];
    const escaped = before === "\\";
    // A closing delimiter follows text (not a space), and `_` must end a word.
    const closes =
      !escaped &&
      found > from &&
      before !== undefined &&
      !/\s/.test(before) &&
      (delimiter[0] !== "_" || !isWordChar(after));
    // "**" inside "***" belongs to the bold, not to an italic that ends here.
    const partOfLonger = delimiter.length === 1 && (after === delimiter || before === delimiter);
    if (closes && !partOfLonger) return found;
    i = found + delimiter.length;
  }
  return -1;
}

function trimUrl(url: string): string {
  // Sentence punctuation after a URL is not part of it; nor is a ")" that was never opened.
  let end = url.length;
  while (end > 0 && /[.,;:!?'"*_]/.test(url[end - 1]!)) end -= 1;
  let trimmed = url.slice(0, end);
  while (trimmed.endsWith(")") && (trimmed.match(/\(/g)?.length ?? 0) < (trimmed.match(/\)/g)?.length ?? 0))
    trimmed = trimmed.slice(0, -1);
  return trimmed;
}

function renderInline(text: string, options: Options, keyPrefix: string, allowLinks = true): ReactNode[] {
  const nodes: ReactNode[] = [];
  let plain = "";
  let key = 0;
  const flush = () => {
    if (plain) nodes.push(plain);
    plain = "";
  };
  const push = (node: ReactNode) => {
    flush();
    nodes.push(node);
  };
  const nextKey = () => `${keyPrefix}.${key++}`;

  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const rest = text.slice(i);

    if (ch === "\\" && i + 1 < text.length && ESCAPABLE.test(text[i + 1]!)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }

    if (ch === "`") {
      const run = /^`+/.exec(rest)![0];
      const close = text.indexOf(run, i + run.length);
      if (close !== -1) {
        push(
          <code key={nextKey()} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em] text-slate-800">
            {text.slice(i + run.length, close).trim() || text.slice(i + run.length, close)}
          </code>,
        );
        i = close + run.length;
        continue;
      }
      plain += run;
      i += run.length;
      continue;
    }

    if (ch === "[") {
      const citation = CITATION_GROUP.exec(rest);
      if (citation) {
        // Known handles become chips; unknown ones (never sent, or made up) disappear.
        for (const handle of citation[1]!.split(/\s*[,;]\s*/)) {
          const target = options.citations.get(handle);
          if (target) push(<CitationChip key={nextKey()} target={target} InternalLink={options.InternalLink} />);
        }
        i += citation[0].length;
        continue;
      }
      const link = allowLinks ? LINK.exec(rest) : null;
      if (link) {
        const href = safeHref(link[2]!);
        const label = renderInline(link[1]!, options, nextKey(), false);
        if (href) {
          const className = "font-medium text-brand-600 underline hover:text-brand-700";
          push(
            isInternal(href) ? (
              <options.InternalLink key={nextKey()} href={href} className={className}>
                {label}
              </options.InternalLink>
            ) : (
              <a key={nextKey()} href={href} rel="noreferrer" className={className}>
                {label}
              </a>
            ),
          );
        } else {
          // javascript:, data: and friends: the words stay, the link does not.
          flush();
          nodes.push(...label);
        }
        i += link[0].length;
        continue;
      }
    }

    if (allowLinks && (ch === "h" || ch === "H") && !isWordChar(text[i - 1]) && BARE_URL.test(rest)) {
      const url = trimUrl(BARE_URL.exec(rest)![0]);
      const href = safeHref(url);
      if (href && url.length > "https://".length) {
        push(
          <a
            key={nextKey()}
            href={href}
            rel="noreferrer"
            className="font-medium text-brand-600 underline hover:text-brand-700"
          >
            {url}
          </a>,
        );
        i += url.length;
        continue;
      }
    }

    if (ch === "*" || ch === "_") {
      const double = text[i + 1] === ch;
      const delimiter = double ? ch + ch : ch;
      const after = text[i + delimiter.length];
      const opens = after !== undefined && !/\s/.test(after) && (ch !== "_" || !isWordChar(text[i - 1]));
      if (opens) {
        const close = findClosing(text, delimiter, i + delimiter.length);
        if (close !== -1) {
          const inner = renderInline(text.slice(i + delimiter.length, close), options, nextKey(), allowLinks);
          push(
            double ? (
              <strong key={nextKey()} className="font-semibold text-slate-900">
                {inner}
              </strong>
            ) : (
              <em key={nextKey()}>{inner}</em>
            ),
          );
          i = close + delimiter.length;
          continue;
        }
      }
      plain += delimiter;
      i += delimiter.length;
      continue;
    }

    plain += ch;
    i += 1;
  }
  flush();
  return nodes;
}

/** Lines of one paragraph or list item, with a <br> between them. */
function renderLines(lines: string[], options: Options, keyPrefix: string): ReactNode[] {
  return lines.flatMap((line, index) => [
    ...(index > 0 ? [<br key={`${keyPrefix}.br${index}`} />] : []),
    ...renderInline(line, options, `${keyPrefix}.${index}`),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Blocks: headings, paragraphs, lists (nested by indentation), code fences, quotes, rules
// ---------------------------------------------------------------------------------------------

type ListItem = { blocks: Block[] };
export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; text: string }
  | { kind: "paragraph"; lines: string[] }
  | { kind: "list"; ordered: boolean; start: number; items: ListItem[] }
  | { kind: "code"; text: string }
  | { kind: "quote"; blocks: Block[] }
  | { kind: "rule" };

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const FENCE = /^ {0,3}(```+|~~~+)/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const RULE = /^ {0,3}((\*\s*){3,}|(-\s*){3,}|(_\s*){3,})$/;

const indentOf = (line: string) => line.length - line.trimStart().length;
const isBlank = (line: string) => line.trim() === "";

function startsBlock(line: string): boolean {
  if (HEADING.test(line) || FENCE.test(line) || QUOTE.test(line) || RULE.test(line)) return true;
  const item = LIST_ITEM.exec(line);
  return item !== null && item[1]!.length <= 3;
}

export function parseBlocks(source: string): Block[] {
  return parseLines(source.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n"));
}

function parseLines(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlank(line)) {
      i += 1;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(marker)) body.push(lines[i++]!);
      i += 1;
      blocks.push({ kind: "code", text: body.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: "heading", level: Math.min(heading[1]!.length, 3) as 1 | 2 | 3, text: heading[2]! });
      i += 1;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ kind: "rule" });
      i += 1;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) inner.push(QUOTE.exec(lines[i++]!)![1]!);
      blocks.push({ kind: "quote", blocks: parseLines(inner) });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item && item[1]!.length <= 3) {
      const parsed = parseList(lines, i);
      blocks.push(parsed.block);
      i = parsed.next;
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && !isBlank(lines[i]!) && (paragraph.length === 0 || !startsBlock(lines[i]!)))
      paragraph.push(lines[i++]!.trim());
    blocks.push({ kind: "paragraph", lines: paragraph });
  }
  return blocks;
}

function parseList(lines: string[], from: number): { block: Block; next: number } {
  const first = LIST_ITEM.exec(lines[from]!)!;
  const indent = first[1]!.length;
  const ordered = /\d/.test(first[2]!);
  const start = ordered ? Number.parseInt(first[2]!, 10) : 1;
  const items: ListItem[] = [];
  let i = from;
  while (i < lines.length) {
    const match = LIST_ITEM.exec(lines[i]!);
    if (!match || match[1]!.length !== indent || /\d/.test(match[2]!) !== ordered) break;
    const contentIndent = indent + match[2]!.length + 1;
    const body = [match[3]!];
    i += 1;
    // The item goes on while lines are indented under it (continuations and nested lists), or
    // are plain text right below it (a lazy continuation).
    while (i < lines.length) {
      const next = lines[i]!;
      if (isBlank(next)) {
        const following = lines.slice(i + 1).find((l) => !isBlank(l));
        if (
          following !== undefined &&
          indentOf(following) > indent &&
          !(LIST_ITEM.test(following) && indentOf(following) === indent)
        ) {
          body.push("");
          i += 1;
          continue;
        }
        break;
      }
      if (indentOf(next) > indent) {
        body.push(next.slice(Math.min(indentOf(next), contentIndent)));
        i += 1;
        continue;
      }
      if (!startsBlock(next)) {
        body.push(next.trim());
        i += 1;
        continue;
      }
      break;
    }
    items.push({ blocks: parseLines(body) });
    // A blank line between items of the same list keeps the list going.
    if (i < lines.length && isBlank(lines[i]!)) {
      const nextNonBlank = lines.slice(i).findIndex((l) => !isBlank(l));
      const candidate = nextNonBlank === -1 ? undefined : lines[i + nextNonBlank];
      const again = candidate ? LIST_ITEM.exec(candidate) : null;
      if (again && again[1]!.length === indent && /\d/.test(again[2]!) === ordered) i += nextNonBlank;
    }
  }
  return { block: { kind: "list", ordered, start, items }, next: i };
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function renderBlocks(blocks: Block[], options: Options, keyPrefix: string, inItem = false): ReactNode[] {
  return blocks.map((block, index) => {
    const key = `${keyPrefix}.${index}`;
    switch (block.kind) {
      case "heading": {
        const content = renderInline(block.text, options, key);
        if (block.level === 1)
          return (
            <h3 key={key} className="mt-4 text-base font-semibold text-slate-900 first:mt-0">
              {content}
            </h3>
          );
        if (block.level === 2)
          return (
            <h4 key={key} className="mt-3 text-sm font-semibold text-slate-900 first:mt-0">
              {content}
            </h4>
          );
        return (
          <h5 key={key} className="mt-3 text-sm font-medium text-slate-800 first:mt-0">
            {content}
          </h5>
        );
      }
      case "paragraph":
        return inItem ? (
          <div key={key}>{renderLines(block.lines, options, key)}</div>
        ) : (
          <p key={key} className="mt-2 first:mt-0">
            {renderLines(block.lines, options, key)}
          </p>
        );
      case "list": {
        const items = block.items.map((item, n) => (
          <li key={`${key}.${n}`} className="pl-1">
            {renderBlocks(item.blocks, options, `${key}.${n}`, true)}
          </li>
        ));
        return block.ordered ? (
          <ol
            key={key}
            start={block.start === 1 ? undefined : block.start}
            className={`list-decimal space-y-1 pl-5 ${inItem ? "mt-1" : "mt-2 first:mt-0"}`}
          >
            {items}
          </ol>
        ) : (
          <ul key={key} className={`list-disc space-y-1 pl-5 ${inItem ? "mt-1" : "mt-2 first:mt-0"}`}>
            {items}
          </ul>
        );
      }
      case "code":
        return (
          <pre
            key={key}
            className="mt-2 overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs text-slate-800 first:mt-0"
          >
            <code>{block.text}</code>
          </pre>
        );
      case "quote":
        return (
          <blockquote key={key} className="mt-2 border-l-2 border-slate-300 pl-3 text-slate-600 first:mt-0">
            {renderBlocks(block.blocks, options, key)}
          </blockquote>
        );
      case "rule":
        return <hr key={key} className="my-3 border-slate-200" />;
    }
  });
}

/** Markdown from the brain, rendered safely, with citation chips for the records in `citations`. */
export function BrainMarkdown({
  text,
  citations = new Map(),
  InternalLink = PlainLink,
  className = "",
}: {
  text: string;
  citations?: ReadonlyMap<string, CitationTarget>;
  InternalLink?: LinkRenderer;
  className?: string;
}) {
  return (
    <div className={`text-sm leading-relaxed text-slate-800 ${className}`}>
      {renderBlocks(parseBlocks(text), { citations, InternalLink }, "md")}
    </div>
  );
}

/** The chips an answer can show: its manifest's records, by handle. */
export function citationTargets(items: readonly CitationTarget[] | null | undefined): Map<string, CitationTarget> {
  return new Map((items ?? []).map((item) => [item.handle, item]));
}

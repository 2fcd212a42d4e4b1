// The brain's answers are Markdown written by a model (or by us, for retrieval-only answers, which
// quote records verbatim), so they are untrusted text. react-markdown with GFM parses it; raw HTML
// in it stays text (no rehype-raw, no dangerouslySetInnerHTML), links go only where `safeHref`
// allows, an external link shows the host it leads to beside its words, and images are never
// fetched. Citations ([A1]) become chips for the records in the answer's manifest; a handle that is
// not in the manifest renders as nothing, so a chip can only point at a record that was really used.
// A retrieval-only answer carries record text in code spans, which Markdown never parses (no link,
// no chip can come out of them): shown here as ordinary text, and such an answer has no links but
// its chips, since we never write any (ADR 014).
import type { Parent, PhrasingContent, Root, RootContent, Text } from "mdast";
import { createContext, useContext, type ComponentType, type JSX, type ReactNode } from "react";
import Markdown, { type Components, type ExtraProps } from "react-markdown";
import remarkGfm from "remark-gfm";
import { ownValue } from "../../server/utils/own";
import { sameOriginPath } from "../utils/redirect-target";

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

type Rendering = {
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
  // "/accounts/1" is ours; "//evil.example", "/\evil.example", "/\t/evil.example" are other hosts
  // in a browser: the one redirect-target check decides.
  return sameOriginPath(url);
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
  return ownValue(recordKinds, type) ?? { letter: "•", name: "Record", tone: "bg-slate-500" };
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
// Citations in the Markdown tree
// ---------------------------------------------------------------------------------------------

const HANDLES = String.raw`(?:[A-Z]\d{1,3}\s*[,;]\s*)*[A-Z]\d{1,3}`;
const CITATION_GROUP = new RegExp(String.raw`\[(${HANDLES})\]`, "g");
const WHOLE_GROUP = new RegExp(`^${HANDLES}$`);
const LINE_END = /[ \t]*\n[ \t]*/;

// A chip travels through the tree as a text node that remark-rehype turns into a <cite> element,
// which Markdown itself has no syntax for, so every <cite> the renderer sees is one of ours.
const CHIP_ELEMENT = "cite";

function chipNodes(group: string): Text[] {
  return group.split(/\s*[,;]\s*/).map((handle) => ({
    type: "text",
    value: `[${handle}]`,
    data: { hName: CHIP_ELEMENT, hProperties: { dataHandle: handle } },
  }));
}

const isChip = (node: PhrasingContent) => node.type === "text" && node.data?.hName === CHIP_ELEMENT;

/** One text node as text, chips, and a line break wherever the answer started a new line. */
function splitText(value: string): PhrasingContent[] {
  const nodes: PhrasingContent[] = [];
  const pushText = (text: string) =>
    text.split(LINE_END).forEach((line, index) => {
      // Models write one fact per line without Markdown's two trailing spaces; the lines should stay lines.
      if (index > 0) nodes.push({ type: "break" });
      if (line) nodes.push({ type: "text", value: line });
    });
  let done = 0;
  for (const match of value.matchAll(CITATION_GROUP)) {
    pushText(value.slice(done, match.index));
    nodes.push(...chipNodes(match[1]!));
    done = match.index + match[0].length;
  }
  pushText(value.slice(done));
  return nodes;
}

/**
 * Rewrites the text under `parent` into text, line breaks and chips. Returns the chips found inside
 * a link: a chip is a link itself and cannot sit inside one, so they follow the link instead.
 */
function rewrite(parent: Parent, inLink: boolean): Text[] {
  const children: RootContent[] = [];
  const lifted: Text[] = [];
  for (const child of parent.children) {
    if (child.type === "text" || child.type === "image" || child.type === "imageReference") {
      // An image would be fetched as soon as the answer shows, from whatever URL the model wrote (a
      // way to send data out of the page); its description is enough.
      for (const node of splitText(child.type === "text" ? child.value : (child.alt ?? ""))) {
        if (inLink && isChip(node)) lifted.push(node as Text);
        else children.push(node);
      }
    } else if (
      child.type === "linkReference" &&
      child.referenceType !== "full" &&
      WHOLE_GROUP.test(child.label ?? "")
    ) {
      // "[A1]" is a reference only if the text also defines "[A1]: <url>"; it is still a citation.
      children.push(...chipNodes(child.label!));
    } else if ("children" in child) {
      const inner = rewrite(child, inLink || child.type === "link" || child.type === "linkReference");
      children.push(child);
      if (inLink) lifted.push(...inner);
      else children.push(...inner);
    } else {
      children.push(child);
    }
  }
  parent.children = children;
  return lifted;
}

function remarkCitations() {
  return (tree: Root) => {
    rewrite(tree, false);
  };
}

const remarkPlugins = [remarkGfm, remarkCitations];

// ---------------------------------------------------------------------------------------------
// Elements
// ---------------------------------------------------------------------------------------------

const RenderingContext = createContext<Rendering>({ citations: new Map(), InternalLink: PlainLink });
const InListItem = createContext(false);

type Props<Tag extends keyof JSX.IntrinsicElements> = JSX.IntrinsicElements[Tag] & ExtraProps;
type HastElement = NonNullable<ExtraProps["node"]>;

function Citation({ node }: Props<"cite">) {
  const { citations, InternalLink } = useContext(RenderingContext);
  const handle = node?.properties.dataHandle;
  const target = typeof handle === "string" ? citations.get(handle) : undefined;
  // Known handles become chips; unknown ones (never sent, or made up) disappear.
  return target ? <CitationChip target={target} InternalLink={InternalLink} /> : null;
}

const linkClass = "font-medium text-brand-600 underline hover:text-brand-700";

/** The host an external link leads to, unless its words already are its address. */
function shownHost(href: string, node: HastElement | undefined): string | null {
  let host: string;
  try {
    host = new URL(href).host;
  } catch {
    return null;
  }
  const words = (node ? textOf(node).trim() : "").replace(/^https?:\/\//i, "").toLowerCase();
  return words === host || words.startsWith(`${host}/`) ? null : host;
}

function MarkdownLink({ href, children, node }: Props<"a">) {
  const { InternalLink } = useContext(RenderingContext);
  // No href means `safeHref` refused it (javascript:, data: and friends): the words stay, the link does not.
  if (!href) return <>{children}</>;
  if (isInternal(href))
    return (
      <InternalLink href={href} className={linkClass}>
        {children}
      </InternalLink>
    );
  // A model quoting a record can repeat "[Verify login](https://evil.example/…)": where it leads is shown.
  const host = shownHost(href, node);
  return (
    <>
      <a href={href} rel="noreferrer" className={linkClass}>
        {children}
      </a>
      {host ? (
        <span className="text-xs text-slate-500" data-testid="link-host">
          {" "}
          ({host})
        </span>
      ) : null}
    </>
  );
}

/** In a retrieval-only answer a link can only have come from record text: its words stay, as text. */
function WordsOnly({ children }: Props<"a">) {
  return <>{children}</>;
}

/** Record text a retrieval-only answer quotes (a code span): shown as the text it is. */
function QuotedText({ children }: Props<"code">) {
  return <span data-testid="record-text">{children}</span>;
}

function InlineCode({ children }: Props<"code">) {
  return <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em] text-slate-800">{children}</code>;
}

const textOf = (node: HastElement | HastElement["children"][number]): string =>
  node.type === "text" ? node.value : node.type === "element" ? node.children.map(textOf).join("") : "";

// Fenced code renders whole here, so InlineCode only ever sees code inside a line.
function CodeBlock({ node }: Props<"pre">) {
  return (
    <pre className="mt-2 overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs text-slate-800 first:mt-0">
      <code>{node ? textOf(node).replace(/\n$/, "") : null}</code>
    </pre>
  );
}

function BulletList({ children }: Props<"ul">) {
  const nested = useContext(InListItem);
  return <ul className={`list-disc space-y-1 pl-5 ${nested ? "mt-1" : "mt-2 first:mt-0"}`}>{children}</ul>;
}

function NumberedList({ start, children }: Props<"ol">) {
  const nested = useContext(InListItem);
  return (
    <ol start={start} className={`list-decimal space-y-1 pl-5 ${nested ? "mt-1" : "mt-2 first:mt-0"}`}>
      {children}
    </ol>
  );
}

function ListItem({ children }: Props<"li">) {
  return (
    <li className="pl-1">
      <InListItem.Provider value={true}>{children}</InListItem.Provider>
    </li>
  );
}

function MinorHeading({ children }: Props<"h3">) {
  return <h5 className="mt-3 text-sm font-medium text-slate-800 first:mt-0">{children}</h5>;
}

// Headings start at <h3>: the page around the answer has its own <h1> and <h2>.
const components: Components = {
  p: ({ children }) => <p className="mt-2 first:mt-0">{children}</p>,
  strong: ({ children }) => <strong className="font-semibold text-slate-900">{children}</strong>,
  code: InlineCode,
  pre: CodeBlock,
  a: MarkdownLink,
  cite: Citation,
  h1: ({ children }) => <h3 className="mt-4 text-base font-semibold text-slate-900 first:mt-0">{children}</h3>,
  h2: ({ children }) => <h4 className="mt-3 text-sm font-semibold text-slate-900 first:mt-0">{children}</h4>,
  h3: MinorHeading,
  h4: MinorHeading,
  h5: MinorHeading,
  h6: MinorHeading,
  ul: BulletList,
  ol: NumberedList,
  li: ListItem,
  blockquote: ({ children }) => (
    <blockquote className="mt-2 border-l-2 border-slate-300 pl-3 text-slate-600 first:mt-0">{children}</blockquote>
  ),
  hr: () => <hr className="my-3 border-slate-200" />,
  table: ({ children }) => (
    <div className="mt-2 overflow-x-auto first:mt-0">
      <table className="min-w-full border-collapse text-left text-xs">{children}</table>
    </div>
  ),
  th: ({ children, style }) => (
    <th style={style} className="border-b border-slate-300 px-2 py-1 font-semibold text-slate-900">
      {children}
    </th>
  ),
  td: ({ children, style }) => (
    <td style={style} className="border-b border-slate-200 px-2 py-1 align-top">
      {children}
    </td>
  ),
};

const retrievalOnlyComponents: Components = { ...components, a: WordsOnly, code: QuotedText };

/**
 * Markdown from the brain, rendered safely, with citation chips for the records in `citations`.
 * `retrievalOnly`: an answer we composed from records (mode "retrieval_only"), whose code spans are
 * record text.
 */
export function BrainMarkdown({
  text,
  citations = new Map(),
  InternalLink = PlainLink,
  className = "",
  retrievalOnly = false,
}: {
  text: string;
  citations?: ReadonlyMap<string, CitationTarget>;
  InternalLink?: LinkRenderer;
  className?: string;
  retrievalOnly?: boolean;
}) {
  return (
    <div className={`text-sm leading-relaxed text-slate-800 ${className}`}>
      <RenderingContext.Provider value={{ citations, InternalLink }}>
        <Markdown
          remarkPlugins={remarkPlugins}
          urlTransform={safeHref}
          components={retrievalOnly ? retrievalOnlyComponents : components}
        >
          {text}
        </Markdown>
      </RenderingContext.Provider>
    </div>
  );
}

/** The chips an answer can show: its manifest's records, by handle. */
export function citationTargets(items: readonly CitationTarget[] | null | undefined): Map<string, CitationTarget> {
  return new Map((items ?? []).map((item) => [item.handle, item]));
}

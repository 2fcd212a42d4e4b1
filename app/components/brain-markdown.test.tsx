import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ContextPack, PackItem } from "../../server/brain/retrieval";
import { literal, retrievalOnlyAnswer } from "../../server/brain/retrieval-only";
import { BrainMarkdown, citationTargets, safeHref, type CitationTarget, type LinkRenderer } from "./brain-markdown";

const manifest: CitationTarget[] = [
  { handle: "A1", type: "account", label: "Kestrel Aerospace", href: "/accounts/acc1" },
  { handle: "P1", type: "prospect", label: "Nadia Shah", href: "/prospects/pro1" },
  { handle: "D1", type: "opportunity", label: "Kestrel – Data reliability", href: "/opportunities/opp1" },
];
// The renderer puts a newline between block elements (and after a <br>); it shows as nothing, so
// the assertions below read the markup without it.
const html = (text: string, items: CitationTarget[] = manifest) =>
  renderToStaticMarkup(<BrainMarkdown text={text} citations={citationTargets(items)} />).replace(/>\n/g, ">");

const chipHandles = (out: string) =>
  [...out.matchAll(/data-testid="citation-chip" data-handle="([A-Z]\d+)"/g)].map((m) => m[1]);

describe("BrainMarkdown", () => {
  it("renders HTML in an answer as text: no script, no image, no event handler", () => {
    const out = html('Hi <script>alert(1)</script> and <img src=x onerror="alert(2)"> <b>bold?</b>');
    expect(out).not.toContain("<script");
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<b>");
    expect(out).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
  });

  it("renders paragraphs, line breaks, bold, italic and code", () => {
    const out = html(
      "First line\nsecond line\n\n**Bold** and *italic* and _also italic_ and `a <b> code`\n\nsnake_case_word stays",
    );
    expect(out).toBe(
      '<div class="text-sm leading-relaxed text-slate-800 "><p class="mt-2 first:mt-0">First line<br/>second line</p>' +
        '<p class="mt-2 first:mt-0"><strong class="font-semibold text-slate-900">Bold</strong> and <em>italic</em> and <em>also italic</em> and ' +
        '<code class="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em] text-slate-800">a &lt;b&gt; code</code></p>' +
        '<p class="mt-2 first:mt-0">snake_case_word stays</p></div>',
    );
  });

  it("renders bullet and numbered lists, nested lists and headings", () => {
    const outline = html(
      "## Deals\n- one\n- two\n  - two a\n  - two b\n- three\n\n3. third\n4. fourth\n\n# Big\n### Small\n#### Smaller",
    );
    expect([...outline.matchAll(/<(h\d|ul|ol|li)\b/g)].map((m) => m[1]).join(" ")).toBe(
      "h4 ul li li ul li li li ol li li h3 h5 h5",
    );
    const out = html("## Deals\n- one\n- **two**\n  - two a\n\n3. third\n4. fourth");
    expect(out).toContain('<h4 class="mt-3 text-sm font-semibold text-slate-900 first:mt-0">Deals</h4>');
    expect(out).toMatch(
      /<ul class="list-disc[^"]*mt-2 first:mt-0"><li class="pl-1">one<\/li><li class="pl-1"><strong[^>]*>two<\/strong><ul class="list-disc[^"]*mt-1"><li class="pl-1">two a<\/li><\/ul><\/li><\/ul>/,
    );
    expect(out).toMatch(
      /<ol start="3" class="list-decimal[^"]*"><li class="pl-1">third<\/li><li class="pl-1">fourth<\/li><\/ol>/,
    );
  });

  it("turns citations into chips for records in the manifest and drops unknown handles", () => {
    const out = html("The champion is Nadia Shah [P1]. It closes soon [D1][Z9]. Grouped [A1, P1]. Unknown [Q7].");
    const chips = [...out.matchAll(/<a href="([^"]+)"[^>]*data-testid="citation-chip" data-handle="([A-Z]\d+)"/g)].map(
      (m) => [m[2], m[1]],
    );
    expect(chips).toEqual([
      ["P1", "/prospects/pro1"],
      ["D1", "/opportunities/opp1"],
      ["A1", "/accounts/acc1"],
      ["P1", "/prospects/pro1"],
    ]);
    expect(out).toContain("Nadia Shah</span></a>");
    expect(out).toContain('<span class="sr-only">Person: </span>');
    expect(out).not.toContain("Z9");
    expect(out).not.toContain("Q7");
    // Without a manifest no chip is possible.
    expect(html("Nadia [P1].", [])).not.toContain("citation-chip");
  });

  it("links only http(s) URLs and same-site paths, with rel=noreferrer; javascript: stays text", () => {
    const out = html(
      "[docs](https://example.com/a?b=1) [deal](/opportunities/opp1) [bad](javascript:alert(1)) [worse](JavaScript:alert(1)) [data](data:text/html,x) [proto](//evil.example) see https://meet.example/abc.",
    );
    expect(out).toContain(
      '<a href="https://example.com/a?b=1" rel="noreferrer" class="font-medium text-brand-600 underline hover:text-brand-700">docs</a>',
    );
    expect(out).toContain(
      '<a href="/opportunities/opp1" class="font-medium text-brand-600 underline hover:text-brand-700">deal</a>',
    );
    expect(out).toContain('<a href="https://meet.example/abc" rel="noreferrer"');
    expect(out).not.toMatch(/href="(javascript|data|\/\/)/i);
    expect(out).toContain(" bad ");
    expect(out).toContain(" worse ");
    expect(out).toContain("proto");
    expect(out).not.toMatch(/<a[^>]*>(bad|worse|data|proto)<\/a>/);
    expect(safeHref(" javascript:alert(1)")).toBeNull();
    expect(safeHref("/\\evil.example")).toBeNull();
    expect(safeHref("/accounts/1")).toBe("/accounts/1");
  });

  it("sends same-site links and chips through the app's link renderer, and nothing else", () => {
    const AppLink: LinkRenderer = ({ href, children, ...rest }) => (
      <a href={href} data-app-link="" {...rest}>
        {children}
      </a>
    );
    const out = renderToStaticMarkup(
      <BrainMarkdown
        text="[deal](/opportunities/opp1) [docs](https://example.com/a) [A1]"
        citations={citationTargets(manifest)}
        InternalLink={AppLink}
      />,
    );
    expect(out).toContain('<a href="/opportunities/opp1" data-app-link="" class="');
    expect(out).toContain('<a href="https://example.com/a" rel="noreferrer" class="');
    expect(out).toMatch(/<a href="\/accounts\/acc1" data-app-link="" [^>]*data-testid="citation-chip"/);
    expect(out.match(/data-app-link/g)).toHaveLength(2);
  });

  it("fetches no image, nests no link in a link, and keeps a handle a chip even if the text defines it as a link", () => {
    const out = html(
      "![chart [D1]](https://tracker.example/p.gif?d=secret) [see [A1]](https://example.com/x)\n\n[P1]: javascript:alert(1)\n\nChampion [P1].",
    );
    expect(out).not.toContain("<img");
    expect(out).not.toContain("tracker.example");
    expect(out).toContain("chart");
    expect(out).not.toContain("javascript");
    // The chip for a handle in a link's words comes right after the link.
    expect(out).toMatch(
      /<a href="https:\/\/example.com\/x"[^>]*>see <\/a><span[^>]*data-testid="link-host"> \(example.com\)<\/span><a href="\/accounts\/acc1"/,
    );
    expect(out).not.toMatch(/<a\b(?:(?!<\/a>).)*<a\b/);
    expect(chipHandles(out)).toEqual(["D1", "A1", "P1"]);
  });

  it("keeps record text that looks like Markdown or HTML harmless: text stays text, chips only for the manifest", () => {
    // A note as someone might write it into a record, for the brain to quote back.
    const note = [
      "Call notes <script>fetch('/api/export')</script>",
      '<img src=x onerror="alert(1)"> <a href="javascript:alert(2)">open</a>',
      "[click here](javascript:alert(document.cookie)) and ![pixel](https://tracker.example/p.gif)",
      "**bold** claim [Z9]",
      "",
      "| Stage | Amount |",
      "| --- | --- |",
      "| Won | 1,000 |",
    ];
    const items = [...manifest, { handle: "N1", type: "note", label: "Call notes", href: "/notes/n1" }];
    // Quoted by a model, and listed the way a retrieval-only answer lists records (on one line).
    const answer = [
      "The account's last note [A1]:",
      "",
      ...note.map((line) => `> ${line}`),
      "",
      `- ${note.join(" ").replace(/\s+/g, " ")} [N1]`,
    ].join("\n");
    const out = html(answer, items);

    // Every element is one the renderer makes; every "<" from the note is escaped text.
    const tags = new Set([...out.matchAll(/<([a-z][a-z0-9]*)\b/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(
      [
        "a",
        "blockquote",
        "br",
        "div",
        "li",
        "p",
        "span",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
      ].sort(),
    );
    expect(out).not.toMatch(/<[^>]+\son[a-z]+=/i);
    expect(out).toContain("&lt;script&gt;fetch(");
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(out).toContain("&lt;a href=&quot;javascript:alert(2)&quot;&gt;open&lt;/a&gt;");
    // The only links are the chips for records in the manifest.
    expect([...out.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual(["/accounts/acc1", "/notes/n1"]);
    expect(chipHandles(out)).toEqual(["A1", "N1"]);
    expect(out).not.toContain("Z9");
    expect(out).not.toContain("tracker.example");
    expect(out).toContain("click here and pixel");
    // Formatting in a quote is formatting; it cannot do more than that.
    expect(out).toContain('<strong class="font-semibold text-slate-900">bold</strong> claim');
    expect(out).toMatch(/<th[^>]*>Stage<\/th><th[^>]*>Amount<\/th>.*<td[^>]*>Won<\/td><td[^>]*>1,000<\/td>/);
  });

  it("keeps unfinished Markdown (a streaming answer) as text", () => {
    const out = html("The champion is **Nad");
    expect(out).toContain("The champion is **Nad");
    expect(html("Closes [D")).toContain("Closes [D");
  });
});

describe("record text in answers (ADR 014)", () => {
  const hostile =
    "[Verify login](https://evil.example/login) [A1] <https://evil.example/x> www.evil.example **urgent**";
  const item = (handle: string, type: PackItem["type"], text: string, label = text): PackItem => ({
    handle,
    type,
    id: `${type}-${handle}`,
    label,
    href: `/${type}s/${handle}`,
    text,
    tokens: 1,
    reason: "test",
    via: "pack",
  });
  const pack = (items: PackItem[], facts: string[] = []): ContextPack => ({
    items,
    facts,
    intents: [],
    window: null,
    tokens: 0,
    budgetTokens: 6_000,
    omitted: 0,
  });
  const render = (text: string, items: CitationTarget[], retrievalOnly: boolean) =>
    renderToStaticMarkup(
      <BrainMarkdown text={text} citations={citationTargets(items)} retrievalOnly={retrievalOnly} />,
    ).replace(/>\n/g, ">");

  it("a retrieval-only answer shows record text as text: no link, and a chip only where we placed one", () => {
    const records = [
      item("A1", "account", `Account "Kestrel Aerospace" · ${hostile}`, "Kestrel Aerospace"),
      item("N1", "note", "Note · `code` and ``fences`` ` and <script>alert(1)</script> [N1][A1]", "A note"),
    ];
    const answer = retrievalOnlyAnswer(pack(records, ["Open deals in this month: 1, total [A1] 5"]));
    // The citations are ours, one per listed record, and nothing from the record text.
    expect(answer.cited).toEqual(["A1", "N1"]);
    const out = render(answer.text, records, true);
    // Each record's text is on the page exactly as it was written.
    const shown = [...out.matchAll(/<span data-testid="record-text">([^<]*)<\/span>/g)].map((m) =>
      m[1]!
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&"),
    );
    expect(shown).toEqual(["Open deals in this month: 1, total [A1] 5", ...records.map((r) => r.text)]);
    // The only links are the chips we placed: one per record, none from "[A1]" or "[N1][A1]" in the text.
    expect([...out.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1])).toEqual(["/accounts/A1", "/notes/N1"]);
    expect(chipHandles(out)).toEqual(["A1", "N1"]);
    expect(out).not.toContain('href="https://evil.example');
    expect(out).not.toContain("<strong>urgent");
    expect(out).not.toContain("<script");
  });

  it("a retrieval-only answer stored before record text was quoted still links nowhere but its chips", () => {
    const out = render(
      `- Account · ${hostile} [A1]`,
      [{ handle: "A1", type: "account", label: "K", href: "/a/1" }],
      true,
    );
    expect([...out.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1])).toEqual(["/a/1", "/a/1"]);
    expect(out).toContain("Verify login");
  });

  it("quotes any text so that Markdown reads it back exactly: backticks, spaces, brackets, HTML", () => {
    for (const text of [
      "`",
      "``",
      " x ",
      "a ` b `` c",
      "`lead",
      "trail`",
      "[A1](https://evil.example)",
      "<b>x</b>",
      "\\*",
      "a  b",
    ]) {
      const out = render(`- ${literal(text)} [A1]`, [], true);
      const quoted = /<span data-testid="record-text">(.*?)<\/span>/.exec(out)?.[1];
      expect(quoted?.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")).toBe(text);
    }
  });

  it("in a model's answer, an external link shows the host it really leads to", () => {
    const out = render(
      "[Verify login](https://evil.example/login) and [meet.example/abc](https://meet.example/abc) and https://docs.example/x",
      [],
      false,
    );
    expect(out).toContain(
      '<a href="https://evil.example/login" rel="noreferrer" class="font-medium text-brand-600 underline hover:text-brand-700">Verify login</a><span class="text-xs text-slate-500" data-testid="link-host"> (evil.example)</span>',
    );
    // Words that already are the address say where the link goes.
    expect(out.match(/data-testid="link-host"/g)).toHaveLength(1);
  });
});

// One search over everything: accounts, people, deals, email messages, notes and activities, using
// the generated tsvector columns (GIN-indexed). Whole words match stemmed ("questionnaires" finds
// "questionnaire"); the words being typed match by prefix ("acm" finds "Acme"). Results are ranked
// (names weigh most) and carry a highlighted snippet as plain text parts, never HTML.
import { z } from "zod";
import type { Db } from "../db/client";

export const searchInput = z.object({
  q: z.string().trim().min(1, "Type something to search for.").max(200, "Search for at most 200 characters."),
  limit: z.number().int().min(1).max(50).default(20),
  types: z
    .array(z.enum(["account", "prospect", "opportunity", "message", "note", "activity"]))
    .max(6)
    .nullish(),
});

export type SearchResultType = "account" | "prospect" | "opportunity" | "message" | "note" | "activity";
export type SnippetPart = { text: string; match: boolean };
export type SearchResult = {
  type: SearchResultType;
  id: string;
  title: string;
  subtitle: string | null;
  /** The title with the matched words marked. */
  titleParts: SnippetPart[];
  snippet: SnippetPart[];
  rank: number;
  /** Where the result opens. */
  href: string;
};

const START = "\uE000";
const STOP = "\uE001";
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;
const TITLE_HEADLINE = `StartSel=${START}, StopSel=${STOP}, HighlightAll=true`;

/** `acme pric` → `acme:* & pric:*` (letters and digits only: nothing else reaches to_tsquery). */
export function prefixQuery(q: string): string | null {
  const terms =
    q
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, 8) ?? [];
  return terms.length > 0 ? terms.map((t) => `${t}:*`).join(" & ") : null;
}

export function splitSnippet(text: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const [i, piece] of text.split(START).entries()) {
    if (i === 0) {
      if (piece) parts.push({ text: piece, match: false });
      continue;
    }
    const [hit, rest] = piece.split(STOP) as [string, string | undefined];
    if (hit) parts.push({ text: hit, match: true });
    if (rest) parts.push({ text: rest, match: false });
  }
  return parts;
}

type Row = {
  type: SearchResultType;
  id: string;
  title: string;
  subtitle: string | null;
  headline: string;
  title_headline: string;
  rank: number;
  link_id: string | null;
  link_type: "opportunity" | "account" | "prospect" | null;
};

export async function search(db: Db, userId: string, input: z.output<typeof searchInput>): Promise<SearchResult[]> {
  const prefix = prefixQuery(input.q);
  if (!prefix) return [];
  const types = new Set(
    input.types?.length ? input.types : ["account", "prospect", "opportunity", "message", "note", "activity"],
  );
  const per = input.limit;
  // Each table contributes its best `per` matches; the union is ranked once more and cut to `limit`,
  // and only those few get the (costly) highlighted headline.
  const rows = await db.$queryRawUnsafe<Row[]>(
    `WITH q AS (SELECT websearch_to_tsquery('english', $2) || to_tsquery('simple', $3) AS query),
     hits (type, id, title, subtitle, body, rank, link_id, link_type) AS (
       ${[
         types.has("account") &&
           `(SELECT 'account' AS type, t.id, t.name AS title, concat_ws(' · ', t.industry, t."hqCity") AS subtitle,
                    concat_ws(' ', t.description, t."ownerNotes") AS body, ts_rank_cd(t."searchVector", q.query) AS rank, NULL::text AS link_id, NULL::text AS link_type
               FROM accounts t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY rank DESC LIMIT $4)`,
         types.has("prospect") &&
           `(SELECT 'prospect', t.id, t."firstName" || ' ' || t."lastName", concat_ws(' · ', t.title, a.name),
                    concat_ws(' ', t.title, t.email), ts_rank_cd(t."searchVector", q.query), NULL, NULL
               FROM prospects t LEFT JOIN accounts a ON a.id = t."accountId", q
              WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY 6 DESC LIMIT $4)`,
         types.has("opportunity") &&
           `(SELECT 'opportunity', t.id, t.name, a.name, concat_ws(' ', t."nextStep", t."lossReason"), ts_rank_cd(t."searchVector", q.query), NULL, NULL
               FROM opportunities t LEFT JOIN accounts a ON a.id = t."accountId", q
              WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY 6 DESC LIMIT $4)`,
         types.has("message") &&
           `(SELECT 'message', t.id, c.subject, t."fromEmail", t.body, ts_rank_cd(t."searchVector", q.query), t."conversationId", NULL
               FROM messages t JOIN conversations c ON c.id = t."conversationId", q
              WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY 6 DESC LIMIT $4)`,
         types.has("note") &&
           `(SELECT 'note', t.id, COALESCE(m.title, o.name, a.name, 'Note'), to_char(t."updatedAt", 'YYYY-MM-DD'), t.body,
                    ts_rank_cd(t."searchVector", q.query), COALESCE(t."opportunityId", t."accountId", t."prospectId"),
                    CASE WHEN t."opportunityId" IS NOT NULL THEN 'opportunity' WHEN t."accountId" IS NOT NULL THEN 'account' WHEN t."prospectId" IS NOT NULL THEN 'prospect' END
               FROM notes t LEFT JOIN meetings m ON m.id = t."meetingId" LEFT JOIN opportunities o ON o.id = t."opportunityId"
                    LEFT JOIN accounts a ON a.id = t."accountId", q
              WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY 6 DESC LIMIT $4)`,
         types.has("activity") &&
           `(SELECT 'activity', t.id, t.type::text, to_char(t.at, 'YYYY-MM-DD'), t.summary, ts_rank_cd(t."searchVector", q.query),
                    COALESCE(t."opportunityId", t."accountId", t."prospectId"), CASE WHEN t."opportunityId" IS NOT NULL THEN 'opportunity' WHEN t."accountId" IS NOT NULL THEN 'account' WHEN t."prospectId" IS NOT NULL THEN 'prospect' END
               FROM activities t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY 6 DESC LIMIT $4)`,
       ]
         .filter(Boolean)
         .join("\n UNION ALL \n")}
     ),
     best AS (SELECT * FROM hits ORDER BY rank DESC, id LIMIT $4)
     SELECT best.type, best.id, best.title, best.subtitle, best.rank::float8 AS rank, best.link_id, best.link_type,
            ts_headline('english', COALESCE(NULLIF(best.body, ''), best.title), q.query, '${HEADLINE}') AS headline,
            ts_headline('simple', best.title, q.query, '${TITLE_HEADLINE}') AS title_headline
       FROM best, q ORDER BY best.rank DESC, best.id`,
    userId,
    input.q,
    prefix,
    per,
  );
  return rows.map(present);
}

const activityLabels: Record<string, string> = {
  email_sent: "Email sent",
  email_received: "Email received",
  meeting_held: "Meeting held",
  call_logged: "Call logged",
  stage_changed: "Stage changed",
  sequence_step: "Sequence step",
  task_completed: "Task completed",
  note_added: "Note added",
};

function present(row: Row): SearchResult {
  const base = {
    type: row.type,
    id: row.id,
    subtitle: row.subtitle || null,
    snippet: splitSnippet(row.headline),
    rank: Number(row.rank),
  };
  const marked = (title: string) => ({
    title,
    titleParts: row.type === "activity" ? [{ text: title, match: false }] : splitSnippet(row.title_headline),
  });
  switch (row.type) {
    case "account":
      return { ...base, ...marked(row.title), href: `/accounts/${row.id}` };
    case "prospect":
      return { ...base, ...marked(row.title), href: `/prospects/${row.id}` };
    case "opportunity":
      return { ...base, ...marked(row.title), href: `/opportunities/${row.id}` };
    case "message":
      return { ...base, ...marked(row.title), href: `/conversations/${row.link_id}#message-${row.id}` };
    case "note":
    case "activity": {
      const title = row.type === "activity" ? (activityLabels[row.title] ?? row.title) : row.title;
      // Notes and activities open on the deal, account or person they belong to (in that order).
      const href =
        row.link_id && row.link_type
          ? `/${row.link_type === "opportunity" ? "opportunities" : `${row.link_type}s`}/${row.link_id}`
          : "/dashboard";
      return { ...base, ...marked(title), href };
    }
  }
}

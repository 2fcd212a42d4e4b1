// Grounding: for one question, the subset of the seller's records Claude needs (P7), most useful
// first, within a token budget. Four sources, in priority order:
//   1. entities the question names (accounts, people, deals — fuzzy, through trigram similarity),
//      with the people, deals, upcoming meetings and latest timeline of a named account, and the
//      latest messages of a named person;
//   2. structured answers to the question's intent (deals closing in a window and their totals, the
//      calendar, the pipeline by stage, deals needing attention, won and lost deals);
//   3. full-text evidence (messages with their thread's subject, notes with their meeting's title,
//      meetings, timeline, and the rest), ranked by how many of the question's words — rare words
//      counting more — a record holds and weighted by recency, focused on the named accounts when
//      there are any; its best hits come right after the named records, since a question with words
//      beyond names ("what did they say about SSO?") is answered by them;
//   4. recent activity, when the question is about "latest" and names nothing.
// The pack is also the manifest: exactly these records, with these handles, were sent (P7).
import type { Db } from "../db/client";
import { OPEN_STAGES, stageLabels } from "../crm/opportunities";
import type { OpportunityStage } from "../db/generated/client";
import {
  estimateTokens,
  handlePrefix,
  loadRecords,
  totalsText,
  type BrainRecord,
  type BrainRecordType,
} from "./records";

export type Intent = "closing" | "calendar" | "pipeline" | "latest" | "people" | "attention" | "won_lost";

export type PackItem = BrainRecord & {
  /** The short name the model cites: [A1], [D3]. */
  handle: string;
  tokens: number;
  /** Why it is in the pack (shown in the manifest). */
  reason: string;
  via: "pack" | "tool";
};

export type ContextPack = {
  items: PackItem[];
  /** Figures we computed from the records (totals, counts) — stated, so the model does not add up. */
  facts: string[];
  intents: Intent[];
  window: { label: string; from: Date; to: Date } | null;
  tokens: number;
  budgetTokens: number;
  /** Records that matched but did not fit the budget. */
  omitted: number;
};

export const DEFAULT_PACK_BUDGET = 6_000;

// Words that name nothing and find nothing: function words, the vocabulary of the intents (answered
// by the structured source, not by text search), and the verbs of asking ("what did she say").
const STOPWORDS = new Set(
  `a about above after again all am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours out over own same she should so some such than that the their theirs them then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours
   what's whats who's where's latest recent recently last next this week weeks month months quarter year today tomorrow yesterday upcoming calendar meeting meetings deal deals account accounts opportunity opportunities pipeline total totals close closes closing closed won win wins winning lost lose loses losing champion buyer economic blocker evaluator technical people person contact contacts status update updates going happening new news show tell give list summarize summary should do anything everything happened happen stage stages amount value worth forecast plan plans schedule scheduled agenda mine my me us our
   much many also still yet ever let get got gave say said says told send sent ask asked asking want wanted wants need needed needs know think thought raise raised mention mentioned discuss discussed talk talked talking come came went gone like please thanks exactly really step steps email emails thread threads message messages note notes die died dead fall fell open biggest largest top break breakdown`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words of the question that could name something (not stopwords, at least 3 letters). */
export function nameTokens(question: string): string[] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'&.-]*/gu) ?? [];
  return [
    ...new Set(
      words
        .map((w) => w.replace(/['’]s$/, "").replace(/[.'-]+$/, ""))
        .filter((w) => w.length >= 3 && !STOPWORDS.has(w)),
    ),
  ].slice(0, 12);
}

/** Words to look for in the records' text: the name tokens except `exclude`, cut at punctuation
 *  ("in-house" → "house"), letters and digits only so they are safe inside a tsquery, and the
 *  question's two-letter acronyms ("EU", "ML"). */
function searchTerms(question: string, exclude: string[]): string[] {
  const words = nameTokens(question)
    .filter((t) => !exclude.includes(t))
    .flatMap((t) => t.split(/[^\p{L}\p{N}]+/u));
  const acronyms = (question.match(/\b[A-Z]{2}\b/g) ?? [])
    .filter((a) => !["AM", "PM", "OK"].includes(a))
    .map((a) => a.toLowerCase());
  return [...new Set([...words.filter((w) => w.length >= 3 && !STOPWORDS.has(w)), ...acronyms])];
}

// "Past their close date" and "overdue" ask for deals needing attention, not for a closing window.
const PAST_CLOSE = /\bpast (their |its |the )?close( date)?\b|\boverdue\b/;

/** Open stages the question names ("in negotiation", "the proposal stage"). */
export function askedStages(question: string): OpportunityStage[] {
  const q = question.toLowerCase();
  const words: Partial<Record<OpportunityStage, string>> = {
    prospecting: "prospecting",
    discovery: "discovery",
    demo: "demo",
    evaluation: "evaluation",
    proposal: "proposal",
    negotiation: "negotiat(ion|ions|ing)",
  };
  return OPEN_STAGES.filter(
    (stage) => words[stage] && new RegExp(`\\b(in|at) (the )?${words[stage]}\\b|\\b${words[stage]} stage\\b`).test(q),
  );
}

export function detectIntents(question: string): Intent[] {
  const q = question.toLowerCase();
  const intents: Intent[] = [];
  if (/\bclos(e|es|ing)\b|close date|closing date|land(ing)? this|commit/.test(q) && !PAST_CLOSE.test(q))
    intents.push("closing");
  // A meeting spoken of in the past ("what was decided in the re-plan meeting?") is a question
  // about its notes, not about the calendar — unless the question gives a window.
  const pastMeeting =
    /\b(was|were|did|happened|decided|discussed|agreed|said)\b/.test(q) &&
    !/\b(today|tomorrow|yesterday|this week|next week|last week|next \d+ days?)\b/.test(q);
  if (
    /\bcalendar\b|\bmeetings?\b|\bschedule\b|\bagenda\b|\bon my plate\b|\bwho am i (meeting|seeing)\b/.test(q) &&
    !pastMeeting
  )
    intents.push("calendar");
  if (
    /\bpipeline\b|\bforecast\b|\bby stage\b|\bhow much\b.*\b(open|pipeline)\b|\bopen deals\b/.test(q) ||
    askedStages(q).length > 0
  )
    intents.push("pipeline");
  if (
    /\blatest\b|\brecent(ly)?\b|\bwhat'?s (going on|new|happening|up)\b|\bupdate\b|\bstatus\b|\bnews\b|\blast (email|call|meeting|touch|contact)\b|\bwhat happened\b/.test(
      q,
    )
  )
    intents.push("latest");
  if (
    /\bchampion\b|\beconomic buyer\b|\bdecision[- ]maker\b|\bbuyer\b|\bblocker\b|\bevaluator\b|\bwho (is|are|should)\b|\bcontacts?\b|\bstakeholders?\b|\bwho signs?\b|\bsigns? off\b|\bsignator(y|ies)\b|\bbudget (holder|owner)\b/.test(
      q,
    )
  )
    intents.push("people");
  if (
    /\bstuck\b|\bstale\b|\bstall(ed|ing)?\b|\bat risk\b|\bneeds? attention\b|\bslipp(ed|ing)\b|\boverdue\b|\bneglected\b|\b(gone|went|go|going) (dark|quiet|silent)\b/.test(
      q,
    ) ||
    PAST_CLOSE.test(q)
  )
    intents.push("attention");
  if (
    /\b(won|win|wins|winning)\b|\blost\b|\blos(e|es|ing)\b|\bloss reason\b|\bwhy did we lose\b|\b(fell|fall|falls|fallen) through\b|\bdied\b|\bdie\b|\bdead\b|\b(say|said|says) no\b|\bturn(ed|s)? (us )?down\b|\bdeclined?\b|\bchurn(ed)?\b/.test(
      q,
    )
  )
    intents.push("won_lost");
  return intents;
}

/** The prospect roles a question asks about ("who is the champion", "who signs"). */
function askedRoles(question: string): string[] {
  const q = question.toLowerCase();
  const roles: string[] = [];
  if (/\bchampion\b|\bsponsor\b/.test(q)) roles.push("champion");
  if (
    /\beconomic buyer\b|\bbuyer\b|\bdecision[- ]maker\b|\bwho signs?\b|\bsigns? off\b|\bsignator(y|ies)\b|\bbudget (holder|owner)\b/.test(
      q,
    )
  )
    roles.push("economic_buyer");
  if (/\bevaluator\b|\btechnical (lead|contact)\b/.test(q)) roles.push("technical_evaluator");
  if (/\bblocker\b/.test(q)) roles.push("blocker");
  return roles;
}

const DAY = 86_400_000;

function utcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/** The time window a question speaks of ("next week", "this month"), for closing dates and the calendar. */
export function detectWindow(
  question: string,
  now: Date,
  intent: "closing" | "calendar",
): { label: string; from: Date; to: Date } {
  const q = question.toLowerCase();
  const today = utcDay(now);
  const monday = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY);
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const nextMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const quarterStart = new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3, 1));
  const days = q.match(/\bnext (\d{1,3}) days?\b/);
  if (days)
    return {
      label: `the next ${days[1]} days`,
      from: intent === "calendar" ? now : today,
      to: new Date(today.getTime() + (Number(days[1]) + 1) * DAY),
    };
  if (/\btoday\b/.test(q))
    return { label: "today", from: intent === "calendar" ? now : today, to: new Date(today.getTime() + DAY) };
  if (/\btomorrow\b/.test(q))
    return { label: "tomorrow", from: new Date(today.getTime() + DAY), to: new Date(today.getTime() + 2 * DAY) };
  if (/\byesterday\b/.test(q)) return { label: "yesterday", from: new Date(today.getTime() - DAY), to: today };
  if (/\bnext week\b/.test(q))
    return {
      label: "next week",
      from: new Date(monday.getTime() + 7 * DAY),
      to: new Date(monday.getTime() + 14 * DAY),
    };
  if (/\blast week\b/.test(q)) return { label: "last week", from: new Date(monday.getTime() - 7 * DAY), to: monday };
  if (/\bthis week\b/.test(q))
    return { label: "this week", from: intent === "calendar" ? now : monday, to: new Date(monday.getTime() + 7 * DAY) };
  if (/\bnext month\b/.test(q))
    return {
      label: "next month",
      from: nextMonthStart,
      to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1)),
    };
  if (/\bthis year\b/.test(q))
    return {
      label: "this year",
      from: new Date(Date.UTC(now.getUTCFullYear(), 0, 1)),
      to: new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1)),
    };
  if (/\bthis quarter\b|\bquarter\b/.test(q))
    return {
      label: "this quarter",
      from: quarterStart,
      to: new Date(Date.UTC(quarterStart.getUTCFullYear(), quarterStart.getUTCMonth() + 3, 1)),
    };
  if (/\bthis month\b|\bmonth\b/.test(q) || intent === "closing")
    return { label: "this month", from: monthStart, to: nextMonthStart };
  return { label: "the next 7 days", from: now, to: new Date(now.getTime() + 7 * DAY) };
}

type Ref = { type: BrainRecordType; id: string; reason: string };

type Match = { id: string; accountId?: string | null; score: number; strong?: boolean; tokens: string[] };

/** Accounts, people and deals the question names, best match first; `accountTokens` are the
 *  question's words that named the accounts. */
export async function resolveEntities(db: Db, userId: string, question: string) {
  const tokens = nameTokens(question);
  if (tokens.length === 0)
    return {
      accounts: [] as string[],
      prospects: [] as string[],
      deals: [] as string[],
      accountTokens: [] as string[],
    };
  // word_similarity(token, name): how well the token matches the best stretch of the name, so
  // "wexford" finds "Wexford Freight" and "wexfrod" still does; 0.6 keeps near-misses out. People
  // and deals are matched on whole words (strict_word_similarity), so "call" does not name "Callahan".
  // Scores add up over the tokens, so "Orbit Health" beats "Orbit Logistics" and a full name
  // beats a first name.
  const [accountRows, prospectRows, dealRows] = await Promise.all([
    db.$queryRaw<Match[]>`
      SELECT a.id, sum(word_similarity(t, a.name))::float AS score, array_agg(t) AS tokens,
             bool_or(word_similarity(t, split_part(a.name, ' ', 1)) >= 0.6) AS strong
        FROM accounts a, unnest(${tokens}::text[]) t
       WHERE a."userId" = ${userId} AND t <% a.name
       GROUP BY a.id ORDER BY score DESC, min(a.name) LIMIT 6`,
    db.$queryRaw<Match[]>`
      SELECT p.id, p."accountId", sum(strict_word_similarity(t, p."firstName" || ' ' || p."lastName"))::float AS score, array_agg(t) AS tokens
        FROM prospects p, unnest(${tokens}::text[]) t
       WHERE p."userId" = ${userId} AND t <% (p."firstName" || ' ' || p."lastName")
       GROUP BY p.id HAVING max(strict_word_similarity(t, p."firstName" || ' ' || p."lastName")) >= 0.75
       ORDER BY score DESC LIMIT 8`,
    // Deal names start with their account's name ("Wexford Freight – Pilot"): the account's words
    // name the account, whose context brings its deals anyway; a deal is named by its own words.
    db.$queryRaw<Match[]>`
      SELECT o.id, o."accountId", sum(strict_word_similarity(t, o.name))::float AS score, array_agg(t) AS tokens
        FROM opportunities o LEFT JOIN accounts a ON a.id = o."accountId", unnest(${tokens}::text[]) t
       WHERE o."userId" = ${userId} AND t <% o.name AND (a.name IS NULL OR NOT t <% a.name)
       GROUP BY o.id HAVING max(strict_word_similarity(t, o.name)) >= 0.75
       ORDER BY score DESC, max(o."updatedAt") DESC LIMIT 12`,
  ]);

  // A word matching only a later word of a name ("security" in "Tidewell Security") names that
  // account only when nothing matches by its first word; and an account all of whose matching
  // words a better match explains ("orbit" of "Orbit Helth" in "Orbit Logistics") is not named.
  const anyStrong = accountRows.some((r) => r.strong);
  const explained = new Set<string>();
  const accounts: string[] = [];
  for (const row of accountRows) {
    if ((anyStrong && !row.strong) || row.tokens.every((t) => explained.has(t))) continue;
    accounts.push(row.id);
    for (const t of row.tokens) explained.add(t);
    if (accounts.length === 3) break;
  }
  // The best-matching people and deals (near ties kept); at a named account when some are there,
  // unless the match is a whole name ("Jordan Marlowe" is them wherever they work now).
  const best = <T extends Match>(rows: T[], wholeName = Infinity): T[] => {
    const top = rows[0]?.score ?? 0;
    const atNamed =
      accounts.length > 0 && top < wholeName ? rows.filter((r) => r.accountId && accounts.includes(r.accountId)) : [];
    const pool = atNamed.length > 0 ? atNamed : rows;
    return pool.filter((r) => r.score >= (pool[0]?.score ?? 0) - 0.25);
  };
  return {
    accounts,
    prospects: best(prospectRows, 1.5)
      .slice(0, 4)
      .map((r) => r.id),
    deals: best(accounts.length > 0 ? dealRows.filter((r) => r.accountId && accounts.includes(r.accountId)) : dealRows)
      .slice(0, 4)
      .map((r) => r.id),
    accountTokens: [...explained],
  };
}

const rolePriority = ["champion", "economic_buyer", "technical_evaluator", "blocker", "user", "other"];

/** Whether a job title is what the question's words name: a word of it ("procurement", "security")
 *  or its initials ("CISO" for Chief Information Security Officer). */
function titleMatches(title: string | null, terms: string[]): boolean {
  if (!title) return false;
  const words = title.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  const initials = words
    .filter((w) => !["of", "and", "the"].includes(w))
    .map((w) => w[0])
    .join("");
  return terms.some(
    (t) =>
      words.some((w) => w.length >= 4 && t.length >= 4 && (w.startsWith(t) || t.startsWith(w))) ||
      (t.length >= 3 && initials.includes(t)),
  );
}

/**
 * A named account: `core` (itself, then the people the question asks about — its champion and
 * economic buyer when it asks about no one in particular) and `rest` (its deals, upcoming meetings,
 * latest messages and timeline, its other people), in the order the question makes most useful.
 */
async function accountContext(
  db: Db,
  userId: string,
  accountId: string,
  intents: Intent[],
  roles: string[],
  terms: string[],
  now: Date,
): Promise<{ core: Ref[]; rest: Ref[] }> {
  const wonLost = intents.includes("won_lost");
  const [people, openDeals, closedDeals, meetings, activities, messages] = await Promise.all([
    db.prospect.findMany({
      where: { userId, accountId },
      select: { id: true, role: true, status: true, title: true },
      take: 30,
    }),
    db.opportunity.findMany({
      where: { userId, accountId, stage: { in: OPEN_STAGES } },
      orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
      select: { id: true },
      take: 5,
    }),
    db.opportunity.findMany({
      where: { userId, accountId, stage: { in: ["closed_won", "closed_lost"] } },
      orderBy: [{ closeDate: { sort: "desc", nulls: "last" } }, { id: "asc" }],
      select: { id: true },
      take: 3,
    }),
    db.meeting.findMany({
      where: { userId, accountId, startsAt: { gte: now } },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
      select: { id: true },
      take: 2,
    }),
    db.activity.findMany({
      where: { userId, accountId },
      orderBy: [{ at: "desc" }, { id: "asc" }],
      select: { id: true },
      take: 5,
    }),
    db.message.findMany({
      where: { userId, conversation: { accountId } },
      orderBy: [{ sentAt: "desc" }, { id: "asc" }],
      select: { id: true },
      take: 2,
    }),
  ]);
  people.sort(
    (a, b) =>
      rolePriority.indexOf(a.role) - rolePriority.indexOf(b.role) ||
      Number(a.status !== "active") - Number(b.status !== "active"),
  );
  // Asked for: the roles the question names, or people whose title it names ("the CISO").
  const byTitle = intents.includes("people") ? people.filter((p) => titleMatches(p.title, terms)) : [];
  const asked =
    roles.length > 0 || byTitle.length > 0
      ? people.filter((p) => roles.includes(p.role) || byTitle.includes(p))
      : intents.includes("people")
        ? people.slice(0, 4)
        : people.filter((p) => p.role === "champion" || p.role === "economic_buyer").slice(0, 3);
  const others = people.filter((p) => !asked.includes(p));
  const personRef = (p: { id: string; role: string }) => ({
    type: "prospect" as const,
    id: p.id,
    reason: `${/^[aeiou]/.test(p.role) ? "an" : "a"} ${p.role.replace("_", " ")} at the account`,
  });

  // Why a deal was lost is told in the messages about it: the latest few of the closed deals.
  const lossMessages = wonLost
    ? await db.message.findMany({
        where: { userId, conversation: { opportunityId: { in: closedDeals.slice(0, 2).map((d) => d.id) } } },
        orderBy: [{ sentAt: "desc" }, { id: "asc" }],
        select: { id: true },
        take: 3,
      })
    : [];
  // Closed deals matter when the question is about them, or when the account has no open deal.
  const deals: Ref[] = [
    ...(wonLost
      ? closedDeals.map((d) => ({ type: "opportunity" as const, id: d.id, reason: "a closed deal at the account" }))
      : []),
    ...lossMessages.map((m) => ({ type: "message" as const, id: m.id, reason: "on a closed deal at the account" })),
    ...openDeals.map((d) => ({ type: "opportunity" as const, id: d.id, reason: "an open deal at the account" })),
    ...(!wonLost && openDeals.length === 0
      ? closedDeals
          .slice(0, 2)
          .map((d) => ({ type: "opportunity" as const, id: d.id, reason: "a closed deal at the account" }))
      : []),
  ];
  const upcoming = meetings.map((m) => ({
    type: "meeting" as const,
    id: m.id,
    reason: "next on the calendar with the account",
  }));
  const latestMessages = messages.map((m) => ({
    type: "message" as const,
    id: m.id,
    reason: "latest message with the account",
  }));
  const timeline = activities
    .slice(0, 3)
    .map((a) => ({ type: "activity" as const, id: a.id, reason: "latest on the account's timeline" }));
  const tail = [
    ...activities.slice(3).map((a) => ({ type: "activity" as const, id: a.id, reason: "on the account's timeline" })),
    ...(intents.includes("people") ? others : others.slice(0, 3)).map((p) => ({
      ...personRef(p),
      reason: "a person at the account",
    })),
  ];
  return {
    core: [{ type: "account", id: accountId, reason: "named in the question" }, ...asked.map(personRef)],
    rest: intents.includes("latest")
      ? [...latestMessages, ...deals, ...upcoming, ...timeline, ...tail]
      : [...deals, ...upcoming, ...latestMessages, ...timeline, ...tail],
  };
}

/**
 * Full-text evidence for the question's words, best first. A record's score is the sum over the
 * words it holds of how rare each is among the matches (so "SCIM" counts more than "pilot"), times
 * recency (half weight after ~90 days, either side of now); messages also match on their thread's
 * subject and notes on their meeting's title; a timeline entry, one line mirroring a message, note or
 * meeting, weighs less than the record itself. Focused on `accountIds` when given; records at the
 * accounts of the people the question names, and messages from them, weigh more.
 */
async function textEvidence(
  db: Db,
  userId: string,
  terms: string[],
  now: Date,
  accountIds: string[],
  people: { accountIds: string[]; emails: string[] },
  limit: number,
): Promise<Ref[]> {
  if (terms.length === 0) return [];
  const focus = accountIds.length > 0;
  const inFocus = (column: string) => (focus ? `AND ${column} = ANY($5::text[])` : "");
  const recency = (column: string) =>
    `(1 + 1 / (1 + abs(extract(epoch FROM ($4::timestamptz - ${column}))) / 7776000))`;
  // Words of four letters or more match as prefixes of their stem ("blocking" finds "blocker").
  const any = terms.map((w) => (w.length >= 4 ? `${w}:*` : w)).join(" | ");
  // $5 is named in the first CTE even when unused: PostgreSQL refuses a parameter whose type it cannot tell.
  const rows = await db.$queryRawUnsafe<{ type: BrainRecordType; id: string; score: number }[]>(
    `WITH terms AS (
       SELECT w, to_tsquery('english', w || suffix) || to_tsquery('simple', w || suffix) AS tq, $5::text[] AS focus
         FROM unnest($2::text[]) AS w, LATERAL (SELECT CASE WHEN length(w) >= 4 THEN ':*' ELSE '' END AS suffix) s
     ), q AS (
       SELECT to_tsquery('english', $3) || to_tsquery('simple', $3) AS query
     ), subjects AS (
       SELECT c.id, c."searchVector" AS v FROM conversations c, q
        WHERE c."userId" = $1 AND c."searchVector" @@ q.query ${inFocus(`c."accountId"`)}
     ), hits AS (
       SELECT 'message' AS type, t.id, t."searchVector" || coalesce(s.v, ''::tsvector) AS v,
              ${recency(`t."sentAt"`)} * (CASE WHEN c."accountId" = ANY($7::text[]) THEN 1.5 ELSE 1 END)
                * (CASE WHEN t."fromEmail" = ANY($8::text[]) THEN 2 ELSE 1 END) AS weight
         FROM messages t JOIN conversations c ON c.id = t."conversationId" LEFT JOIN subjects s ON s.id = c.id, q
        WHERE t."userId" = $1 AND (t."searchVector" @@ q.query OR s.id IS NOT NULL) ${inFocus(`c."accountId"`)}
       UNION ALL
       SELECT 'note', t.id, t."searchVector" || coalesce(m."searchVector", ''::tsvector),
              ${recency(`t."updatedAt"`)} * (CASE WHEN t."accountId" = ANY($7::text[]) THEN 1.5 ELSE 1 END)
         FROM notes t LEFT JOIN meetings m ON m.id = t."meetingId", q
        WHERE t."userId" = $1 AND (t."searchVector" @@ q.query OR m."searchVector" @@ q.query) ${inFocus(`t."accountId"`)}
       UNION ALL
       SELECT 'meeting', t.id, t."searchVector",
              ${recency(`t."startsAt"`)} * (CASE WHEN t."accountId" = ANY($7::text[]) THEN 1.5 ELSE 1 END)
         FROM meetings t, q
        WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${inFocus(`t."accountId"`)}
       UNION ALL
       SELECT 'activity', t.id, t."searchVector", 0.6 * ${recency("t.at")} * (CASE WHEN t."accountId" = ANY($7::text[]) THEN 1.5 ELSE 1 END)
         FROM activities t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${inFocus(`t."accountId"`)}
       UNION ALL
       SELECT 'opportunity', t.id, t."searchVector", 1.5 * (CASE WHEN t."accountId" = ANY($7::text[]) THEN 1.5 ELSE 1 END)
         FROM opportunities t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${inFocus(`t."accountId"`)}
       UNION ALL
       SELECT 'account', t.id, t."searchVector", 1.5 FROM accounts t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${inFocus("t.id")}
       UNION ALL
       SELECT 'prospect', t.id, t."searchVector", 1.5 FROM prospects t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${inFocus(`t."accountId"`)}
     ), matched AS (
       SELECT h.type, h.id, terms.w FROM hits h JOIN terms ON h.v @@ terms.tq
     ), df AS (
       SELECT w, count(*)::float AS n FROM matched GROUP BY w
     ), idf AS (
       SELECT m.type, m.id, sum(ln(1 + (SELECT count(*) FROM hits)::float / df.n)) AS idf FROM matched m JOIN df USING (w) GROUP BY m.type, m.id
     )
     SELECT h.type, h.id, (i.idf * h.weight)::float AS score FROM hits h JOIN idf i ON i.type = h.type AND i.id = h.id
      ORDER BY score DESC, h.id LIMIT $6`,
    userId,
    terms,
    any,
    now,
    accountIds,
    limit,
    people.accountIds,
    people.emails,
  );
  return rows.map((r) => ({
    type: r.type,
    id: r.id,
    reason: focus ? "matches the question's words at the named account" : "matches the question's words",
  }));
}

/**
 * The open pipeline, for the context pack and the pipeline tool alike: per stage in stage order,
 * "Discovery: 6 deals, GBP 64,500 + USD 1,980,000." (stages without open deals left out), and the
 * largest open deals. `accountIds` narrows it to those accounts; empty means the whole book.
 */
export async function openPipeline(
  db: Db,
  userId: string,
  accountIds: string[] = [],
): Promise<{ byStage: string[]; largest: string[] }> {
  const where = {
    userId,
    ...(accountIds.length > 0 ? { accountId: { in: accountIds } } : {}),
    stage: { in: OPEN_STAGES },
  };
  const [groups, largest] = await Promise.all([
    db.opportunity.groupBy({ by: ["stage", "currency"], where, _count: { _all: true }, _sum: { amount: true } }),
    db.opportunity.findMany({
      where,
      orderBy: [{ amount: { sort: "desc", nulls: "last" } }, { id: "asc" }],
      select: { id: true },
      take: 8,
    }),
  ]);
  const byStage = OPEN_STAGES.flatMap((stage) => {
    const mine = groups.filter((g) => g.stage === stage);
    if (mine.length === 0) return [];
    const count = mine.reduce((n, g) => n + g._count._all, 0);
    const totals = totalsText(mine.map((g) => ({ currency: g.currency, minor: g._sum.amount })));
    return [`${stageLabels[stage]}: ${count} deals, ${totals}.`];
  });
  return { byStage, largest: largest.map((d) => d.id) };
}

type Built = { refs: Ref[]; facts: string[]; window: ContextPack["window"] };

async function structured(
  db: Db,
  userId: string,
  question: string,
  intents: Intent[],
  now: Date,
  accountIds: string[],
): Promise<Built> {
  const refs: Ref[] = [];
  const facts: string[] = [];
  let window: ContextPack["window"] = null;
  const scope = accountIds.length > 0 ? { accountId: { in: accountIds } } : {};

  if (intents.includes("closing")) {
    window = detectWindow(question, now, "closing");
    const where = { userId, ...scope, stage: { in: OPEN_STAGES }, closeDate: { gte: window.from, lt: window.to } };
    const [deals, totals] = await Promise.all([
      db.opportunity.findMany({
        where,
        orderBy: [{ closeDate: "asc" }, { id: "asc" }],
        select: { id: true },
        take: 25,
      }),
      db.opportunity.groupBy({ by: ["currency"], where, _count: { _all: true }, _sum: { amount: true } }),
    ]);
    const count = totals.reduce((n, t) => n + t._count._all, 0);
    const sums = totalsText(totals.map((t) => ({ currency: t.currency, minor: t._sum.amount })));
    facts.push(
      `Open deals with a close date in ${window.label} (${window.from.toISOString().slice(0, 10)} to ${new Date(window.to.getTime() - 1).toISOString().slice(0, 10)}): ${count}${count ? `, total ${sums}` : ""}.`,
    );
    refs.push(...deals.map((d) => ({ type: "opportunity" as const, id: d.id, reason: `closes in ${window!.label}` })));
  }
  if (intents.includes("calendar")) {
    const calendarWindow = detectWindow(question, now, "calendar");
    window ??= calendarWindow;
    const meetings = await db.meeting.findMany({
      where: { userId, ...scope, startsAt: { gte: calendarWindow.from, lt: calendarWindow.to } },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
      select: { id: true },
      take: 25,
    });
    facts.push(
      `Meetings in ${calendarWindow.label} (${calendarWindow.from.toISOString().slice(0, 10)} to ${new Date(calendarWindow.to.getTime() - 1).toISOString().slice(0, 10)}): ${meetings.length}.`,
    );
    refs.push(
      ...meetings.map((m) => ({
        type: "meeting" as const,
        id: m.id,
        reason: `on the calendar in ${calendarWindow.label}`,
      })),
    );
  }
  // The specific intents before the pipeline: "open deals past their close date" asks for those.
  if (intents.includes("attention")) {
    const staleBefore = new Date(now.getTime() - 14 * DAY);
    // Deals past their close date first when the question is about close dates; otherwise the quietest first.
    const overdueFirst = PAST_CLOSE.test(question.toLowerCase()) || /\bclose date\b/.test(question.toLowerCase());
    const stale = await db.$queryRaw<{ id: string }[]>`
      SELECT o.id FROM opportunities o
        LEFT JOIN LATERAL (SELECT max(x.at) AS at FROM activities x WHERE x."opportunityId" = o.id) last ON true
       WHERE o."userId" = ${userId} AND o.stage::text NOT IN ('closed_won', 'closed_lost')
         AND (o."closeDate" < ${utcDay(now)} OR COALESCE(last.at, o."createdAt") < ${staleBefore})
       ORDER BY (${overdueFirst} AND o."closeDate" < ${utcDay(now)}) DESC, COALESCE(last.at, o."createdAt") ASC LIMIT 12`;
    refs.push(
      ...stale.map((d) => ({
        type: "opportunity" as const,
        id: d.id,
        reason: "open, and past its close date or quiet for 14 days",
      })),
    );
  }
  if (intents.includes("won_lost")) {
    const q = question.toLowerCase();
    const lost =
      /\blos(t|e|es|ing)\b|\bloss\b|\b(fell|fall|falls|fallen) through\b|\bdied?\b|\bdead\b|\b(say|said|says) no\b|\bturn(ed|s)? (us )?down\b|\bdeclined?\b|\bchurn(ed)?\b/.test(
        q,
      );
    const won = /\b(won|win|wins|winning)\b/.test(q);
    // Closed in the window the question names ("this quarter"), if it names one.
    const closedWindow = /\b(this|last) (week|month|quarter|year)\b|\btoday\b|\byesterday\b/.test(q)
      ? detectWindow(question, now, "closing")
      : null;
    const closed = await db.opportunity.findMany({
      where: {
        userId,
        ...scope,
        stage: { in: lost && !won ? ["closed_lost"] : won && !lost ? ["closed_won"] : ["closed_won", "closed_lost"] },
        ...(closedWindow ? { closeDate: { gte: closedWindow.from, lt: closedWindow.to } } : {}),
      },
      orderBy: [{ closeDate: { sort: "desc", nulls: "last" } }, { id: "asc" }],
      select: { id: true },
      take: 10,
    });
    refs.push(...closed.map((d) => ({ type: "opportunity" as const, id: d.id, reason: "a closed deal" })));
  }
  if (intents.includes("pipeline")) {
    const pipeline = await openPipeline(db, userId, accountIds);
    facts.push(...pipeline.byStage.map((line) => `Open pipeline, ${line}`));
    // The deals of the stages the question names ("which deals are in negotiation?"), then the largest.
    const stages = askedStages(question);
    const inStages =
      stages.length > 0
        ? await db.opportunity.findMany({
            where: { userId, ...scope, stage: { in: stages } },
            orderBy: [{ amount: { sort: "desc", nulls: "last" } }, { id: "asc" }],
            select: { id: true, stage: true },
            take: 25,
          })
        : [];
    refs.push(
      ...inStages.map((d) => ({ type: "opportunity" as const, id: d.id, reason: `in ${stageLabels[d.stage]}` })),
    );
    refs.push(
      ...pipeline.largest.map((id) => ({ type: "opportunity" as const, id, reason: "among the largest open deals" })),
    );
  }
  return { refs, facts, window };
}

/** How many of the best text hits go right after the named records. */
const LEADING_EVIDENCE = 4;

export async function buildContextPack(
  db: Db,
  userId: string,
  question: string,
  options: { now: Date; budgetTokens?: number; scope?: { accountId?: string | null; opportunityId?: string | null } },
): Promise<ContextPack> {
  const budgetTokens = options.budgetTokens ?? DEFAULT_PACK_BUDGET;
  const intents = detectIntents(question);
  const named = await resolveEntities(db, userId, question);

  // A thread started from an account or deal page is about that record, even when the question is not explicit.
  const scopeAccount = options.scope?.accountId ?? null;
  const scopeDeal = options.scope?.opportunityId ?? null;
  const dealAccounts = await db.opportunity.findMany({
    where: { userId, id: { in: [...named.deals, ...(scopeDeal ? [scopeDeal] : [])] } },
    select: { id: true, accountId: true },
  });
  const accountIds = [
    ...new Set([
      ...named.accounts,
      ...(scopeAccount ? [scopeAccount] : []),
      ...dealAccounts.flatMap((d) => (d.accountId ? [d.accountId] : [])),
    ]),
  ];
  // People the question names: the text evidence leans towards them (their account, their messages).
  const people =
    named.prospects.length > 0
      ? await db.prospect.findMany({
          where: { userId, id: { in: named.prospects } },
          select: { accountId: true, email: true },
        })
      : [];

  // The question's words beyond the names of the accounts it is focused on (those add nothing there).
  // The stages it names are answered by the pipeline, not searched for ("deals in negotiation").
  const stageWords = nameTokens(question).filter((t) =>
    askedStages(question).some((stage) => t.startsWith(stage.slice(0, 6))),
  );
  const terms = searchTerms(question, [...(accountIds.length > 0 ? named.accountTokens : []), ...stageWords]);
  const evidence = await textEvidence(
    db,
    userId,
    terms,
    options.now,
    accountIds,
    {
      accountIds: people.flatMap((p) => (p.accountId ? [p.accountId] : [])),
      emails: people.flatMap((p) => (p.email ? [p.email] : [])),
    },
    12,
  );

  const refs: Ref[] = [];
  for (const id of [...named.deals, ...(scopeDeal ? [scopeDeal] : [])])
    refs.push({ type: "opportunity", id, reason: "named in the question" });
  for (const id of named.prospects) refs.push({ type: "prospect", id, reason: "named in the question" });
  // "What closes this month at Acme?" is about Acme; without a named account, about the whole book.
  const built = await structured(db, userId, question, intents, options.now, accountIds);
  const focusedStructured = built.refs.length > 0 && (intents.includes("closing") || intents.includes("calendar"));
  // Structured answers that the question's words also find ("deals we lost to Sentinel") come first.
  const refKey = (r: Ref) => `${r.type}:${r.id}`;
  const found = new Set(evidence.map(refKey));
  const [confirmed, unconfirmed] = [
    built.refs.filter((r) => found.has(refKey(r))),
    built.refs.filter((r) => !found.has(refKey(r))),
  ];
  if (focusedStructured) refs.push(...confirmed, ...unconfirmed);
  const contexts = await Promise.all(
    accountIds
      .slice(0, 2)
      .map((accountId) => accountContext(db, userId, accountId, intents, askedRoles(question), terms, options.now)),
  );
  for (const context of contexts) refs.push(...context.core);
  if (!focusedStructured) refs.push(...confirmed);
  // The best text hits not already in, right after the named records and confirmed answers.
  const placed = new Set(refs.map(refKey));
  // Fewer when a structured answer waits behind them: the intent is the better guide then.
  refs.push(
    ...evidence
      .filter((r) => !placed.has(refKey(r)))
      .slice(0, !focusedStructured && unconfirmed.length > 0 ? 2 : LEADING_EVIDENCE),
  );
  // A person the question names speaks for themselves: their latest messages.
  const spoken = await Promise.all(
    people.slice(0, 2).flatMap((p) =>
      p.email
        ? [
            db.message.findMany({
              where: { userId, fromEmail: p.email },
              orderBy: [{ sentAt: "desc" }, { id: "asc" }],
              select: { id: true },
              take: 2,
            }),
          ]
        : [],
    ),
  );
  refs.push(
    ...spoken
      .flat()
      .map((m) => ({ type: "message" as const, id: m.id, reason: "latest message from the person named" })),
  );
  if (!focusedStructured) refs.push(...unconfirmed);
  for (const context of contexts) refs.push(...context.rest);
  for (const id of named.deals) {
    const [timeline, messages] = await Promise.all([
      db.activity.findMany({
        where: { userId, opportunityId: id },
        orderBy: [{ at: "desc" }, { id: "asc" }],
        select: { id: true },
        take: 3,
      }),
      db.message.findMany({
        where: { userId, conversation: { opportunityId: id } },
        orderBy: [{ sentAt: "desc" }, { id: "asc" }],
        select: { id: true },
        take: 1,
      }),
    ]);
    refs.push(
      ...messages.map((m) => ({ type: "message" as const, id: m.id, reason: "latest message about the deal" })),
    );
    refs.push(
      ...timeline.map((a) => ({ type: "activity" as const, id: a.id, reason: "latest on the deal's timeline" })),
    );
  }
  refs.push(...evidence);
  if (intents.includes("latest") && accountIds.length === 0 && named.prospects.length === 0) {
    const latest = await db.activity.findMany({
      where: { userId },
      orderBy: [{ at: "desc" }, { id: "asc" }],
      select: { id: true },
      take: 8,
    });
    refs.push(...latest.map((a) => ({ type: "activity" as const, id: a.id, reason: "recent activity" })));
  }

  // Each record once, in the order it first earned its place.
  const seen = new Set<string>();
  const unique = refs.filter((ref) => {
    const key = `${ref.type}:${ref.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const records = await loadRecords(db, userId, unique);
  const reasons = new Map(unique.map((ref) => [`${ref.type}:${ref.id}`, ref.reason]));

  const facts = built.facts;
  let tokens = estimateTokens(facts.join("\n")) + 200; // the frame around the records
  const counters = new Map<string, number>();
  const items: PackItem[] = [];
  let omitted = 0;
  for (const record of records) {
    const prefix = handlePrefix[record.type];
    const next = (counters.get(prefix) ?? 0) + 1;
    const handle = `${prefix}${next}`;
    const cost = estimateTokens(`[${handle}] ${record.text}`);
    if (tokens + cost > budgetTokens) {
      omitted += 1;
      continue;
    }
    counters.set(prefix, next);
    tokens += cost;
    items.push({
      ...record,
      handle,
      tokens: cost,
      reason: reasons.get(`${record.type}:${record.id}`) ?? "",
      via: "pack",
    });
  }
  return { items, facts, intents, window: built.window, tokens, budgetTokens, omitted };
}

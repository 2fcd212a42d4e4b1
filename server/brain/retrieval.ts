// Grounding: for one question, the subset of the seller's records Claude needs (P7), most useful
// first, within a token budget. Four sources, in priority order:
//   1. entities the question names (accounts, people, deals — fuzzy, through trigram similarity),
//      with the people, open deals and latest timeline of a named account;
//   2. structured answers to the question's intent (deals closing in a window and their totals, the
//      calendar, the pipeline by stage, deals needing attention);
//   3. full-text evidence (messages, notes, timeline, and the rest), ranked and weighted by recency,
//      focused on the named accounts when there are any;
//   4. recent activity, when the question is about "latest" and names nothing.
// The pack is also the manifest: exactly these records, with these handles, were sent (P7).
import type { Db } from "../db/client";
import { OPEN_STAGES, stageLabels } from "../crm/opportunities";
import { prefixQuery } from "../crm/search";
import { estimateTokens, handlePrefix, loadRecords, type BrainRecord, type BrainRecordType } from "./records";

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

const STOPWORDS = new Set(
  `a about above after again all am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours out over own same she should so some such than that the their theirs them then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours
   what's whats who's latest recent recently last next this week weeks month months quarter year today tomorrow yesterday upcoming calendar meeting meetings deal deals account accounts opportunity opportunities pipeline total totals close closes closing closed won lost champion buyer economic blocker evaluator technical people person contact contacts status update updates going happening new show tell give list summarize summary should do anything everything happened happen stage stages amount value worth forecast plan plans schedule scheduled agenda mine my me us our`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words of the question that could name something (not stopwords, at least 3 letters). */
export function nameTokens(question: string): string[] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'&.-]*/gu) ?? [];
  return [...new Set(words.map((w) => w.replace(/['’]s$/, "").replace(/[.'-]+$/, "")).filter((w) => w.length >= 3 && !STOPWORDS.has(w)))].slice(0, 12);
}

export function detectIntents(question: string): Intent[] {
  const q = question.toLowerCase();
  const intents: Intent[] = [];
  if (/\bclos(e|es|ing)\b|close date|closing date|land(ing)? this|commit/.test(q)) intents.push("closing");
  if (/\bcalendar\b|\bmeetings?\b|\bschedule\b|\bagenda\b|\bon my plate\b|\bwho am i (meeting|seeing)\b/.test(q)) intents.push("calendar");
  if (/\bpipeline\b|\bforecast\b|\bby stage\b|\bhow much\b.*\b(open|pipeline)\b|\bopen deals\b/.test(q)) intents.push("pipeline");
  if (/\blatest\b|\brecent(ly)?\b|\bwhat'?s (going on|new|happening|up)\b|\bupdate\b|\bstatus\b|\blast (email|call|meeting|touch|contact)\b|\bwhat happened\b/.test(q)) intents.push("latest");
  if (/\bchampion\b|\beconomic buyer\b|\bdecision[- ]maker\b|\bbuyer\b|\bblocker\b|\bevaluator\b|\bwho (is|are|should)\b|\bcontacts?\b|\bstakeholders?\b/.test(q)) intents.push("people");
  if (/\bstuck\b|\bstale\b|\bat risk\b|\bneeds? attention\b|\bslipp(ed|ing)\b|\boverdue\b|\bpast (their |its )?close\b|\bneglected\b/.test(q)) intents.push("attention");
  if (/\bwon\b|\blost\b|\bloss reason\b|\bwhy did we lose\b/.test(q)) intents.push("won_lost");
  return intents;
}

const DAY = 86_400_000;

function utcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/** The time window a question speaks of ("next week", "this month"), for closing dates and the calendar. */
export function detectWindow(question: string, now: Date, intent: "closing" | "calendar"): { label: string; from: Date; to: Date } {
  const q = question.toLowerCase();
  const today = utcDay(now);
  const monday = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY);
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const nextMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const quarterStart = new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3, 1));
  const days = q.match(/\bnext (\d{1,3}) days?\b/);
  if (days) return { label: `the next ${days[1]} days`, from: intent === "calendar" ? now : today, to: new Date(today.getTime() + (Number(days[1]) + 1) * DAY) };
  if (/\btoday\b/.test(q)) return { label: "today", from: intent === "calendar" ? now : today, to: new Date(today.getTime() + DAY) };
  if (/\btomorrow\b/.test(q)) return { label: "tomorrow", from: new Date(today.getTime() + DAY), to: new Date(today.getTime() + 2 * DAY) };
  if (/\bnext week\b/.test(q)) return { label: "next week", from: new Date(monday.getTime() + 7 * DAY), to: new Date(monday.getTime() + 14 * DAY) };
  if (/\bthis week\b/.test(q)) return { label: "this week", from: intent === "calendar" ? now : monday, to: new Date(monday.getTime() + 7 * DAY) };
  if (/\bnext month\b/.test(q)) return { label: "next month", from: nextMonthStart, to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1)) };
  if (/\bthis quarter\b|\bquarter\b/.test(q)) return { label: "this quarter", from: quarterStart, to: new Date(Date.UTC(quarterStart.getUTCFullYear(), quarterStart.getUTCMonth() + 3, 1)) };
  if (/\bthis month\b|\bmonth\b/.test(q) || intent === "closing") return { label: "this month", from: monthStart, to: nextMonthStart };
  return { label: "the next 7 days", from: now, to: new Date(now.getTime() + 7 * DAY) };
}

type Ref = { type: BrainRecordType; id: string; reason: string };

/** Accounts, people and deals the question names, best match first. */
export async function resolveEntities(db: Db, userId: string, question: string) {
  const tokens = nameTokens(question);
  if (tokens.length === 0) return { accounts: [] as string[], prospects: [] as string[], deals: [] as string[] };
  // word_similarity(token, name): how well the token matches the best stretch of the name, so
  // "kestrel" finds "Kestrel Aerospace" and "kestral" still does; 0.6 keeps near-misses out.
  const [accounts, prospects, deals] = await Promise.all([
    db.$queryRaw<{ id: string; score: number }[]>`
      SELECT a.id, max(word_similarity(t, a.name)) AS score
        FROM accounts a, unnest(${tokens}::text[]) t
       WHERE a."userId" = ${userId} AND t <% a.name
       GROUP BY a.id ORDER BY score DESC, min(a.name) LIMIT 3`,
    db.$queryRaw<{ id: string; score: number }[]>`
      SELECT p.id, max(word_similarity(t, p."firstName" || ' ' || p."lastName")) AS score
        FROM prospects p, unnest(${tokens}::text[]) t
       WHERE p."userId" = ${userId} AND t <% (p."firstName" || ' ' || p."lastName")
       GROUP BY p.id HAVING max(word_similarity(t, p."firstName" || ' ' || p."lastName")) >= 0.75
       ORDER BY score DESC LIMIT 4`,
    db.$queryRaw<{ id: string; score: number }[]>`
      SELECT o.id, max(word_similarity(t, o.name)) AS score
        FROM opportunities o, unnest(${tokens}::text[]) t
       WHERE o."userId" = ${userId} AND t <% o.name
       GROUP BY o.id HAVING max(word_similarity(t, o.name)) >= 0.75
       ORDER BY score DESC, max(o."updatedAt") DESC LIMIT 4`,
  ]);
  return { accounts: accounts.map((r) => r.id), prospects: prospects.map((r) => r.id), deals: deals.map((r) => r.id) };
}

const rolePriority = ["champion", "economic_buyer", "technical_evaluator", "blocker", "user", "other"];

/** A named account: itself, its people (champion first), its open deals, its latest timeline. */
async function accountContext(db: Db, userId: string, accountId: string, intents: Intent[]): Promise<Ref[]> {
  const [people, deals, activities, messages] = await Promise.all([
    db.prospect.findMany({ where: { userId, accountId }, select: { id: true, role: true, status: true }, take: 30 }),
    db.opportunity.findMany({
      where: { userId, accountId, ...(intents.includes("won_lost") ? {} : { stage: { in: OPEN_STAGES } }) },
      orderBy: [{ updatedAt: "desc" }],
      select: { id: true },
      take: 5,
    }),
    db.activity.findMany({ where: { userId, accountId }, orderBy: [{ at: "desc" }, { id: "asc" }], select: { id: true }, take: 5 }),
    db.message.findMany({ where: { userId, conversation: { accountId } }, orderBy: [{ sentAt: "desc" }, { id: "asc" }], select: { id: true }, take: 2 }),
  ]);
  people.sort((a, b) => rolePriority.indexOf(a.role) - rolePriority.indexOf(b.role) || Number(a.status !== "active") - Number(b.status !== "active"));
  const wantsPeople = intents.includes("people");
  const keyPeople = people.filter((p) => p.role === "champion" || p.role === "economic_buyer");
  return [
    { type: "account", id: accountId, reason: "named in the question" },
    ...(wantsPeople ? people.slice(0, 8) : keyPeople.slice(0, 3)).map((p) => ({ type: "prospect" as const, id: p.id, reason: `${/^[aeiou]/.test(p.role) ? "an" : "a"} ${p.role.replace("_", " ")} at the account` })),
    ...activities.slice(0, 3).map((a) => ({ type: "activity" as const, id: a.id, reason: "latest on the account's timeline" })),
    ...messages.slice(0, 1).map((m) => ({ type: "message" as const, id: m.id, reason: "latest message with the account" })),
    ...deals.map((d) => ({ type: "opportunity" as const, id: d.id, reason: "an open deal at the account" })),
    ...activities.slice(3).map((a) => ({ type: "activity" as const, id: a.id, reason: "on the account's timeline" })),
    ...(wantsPeople ? [] : people.filter((p) => !keyPeople.includes(p)).slice(0, 3)).map((p) => ({ type: "prospect" as const, id: p.id, reason: "a person at the account" })),
  ];
}

/** Full-text evidence for the question, ranked and weighted towards recent records. */
async function textEvidence(db: Db, userId: string, question: string, now: Date, accountIds: string[], limit: number): Promise<Ref[]> {
  const prefix = prefixQuery(nameTokens(question).join(" "));
  if (!prefix) return [];
  const focus = accountIds.length > 0;
  // Records of the named accounts first; otherwise everything. Recency: half weight after ~90 days.
  // $5 is named in the CTE even when unused: PostgreSQL refuses a parameter whose type it cannot tell.
  const rows = await db.$queryRawUnsafe<{ type: BrainRecordType; id: string; score: number }[]>(
    `WITH q AS (SELECT websearch_to_tsquery('english', $2) || to_tsquery('simple', $3) AS query, $5::text[] AS accounts)
     SELECT * FROM (
       (SELECT 'message' AS type, t.id, ts_rank_cd(t."searchVector", q.query) * (1 + 1 / (1 + extract(epoch FROM ($4::timestamptz - t."sentAt")) / 7776000)) AS score
          FROM messages t JOIN conversations c ON c.id = t."conversationId", q
         WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${focus ? `AND c."accountId" = ANY($5)` : ""} ORDER BY score DESC LIMIT $6)
       UNION ALL
       (SELECT 'note', t.id, ts_rank_cd(t."searchVector", q.query) * (1 + 1 / (1 + extract(epoch FROM ($4::timestamptz - t."updatedAt")) / 7776000))
          FROM notes t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${focus ? `AND t."accountId" = ANY($5)` : ""} ORDER BY 3 DESC LIMIT $6)
       UNION ALL
       (SELECT 'activity', t.id, ts_rank_cd(t."searchVector", q.query) * (1 + 1 / (1 + extract(epoch FROM ($4::timestamptz - t.at)) / 7776000))
          FROM activities t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${focus ? `AND t."accountId" = ANY($5)` : ""} ORDER BY 3 DESC LIMIT $6)
       UNION ALL
       (SELECT 'opportunity', t.id, ts_rank_cd(t."searchVector", q.query) * 1.5
          FROM opportunities t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${focus ? `AND t."accountId" = ANY($5)` : ""} ORDER BY 3 DESC LIMIT $6)
       UNION ALL
       (SELECT 'account', t.id, ts_rank_cd(t."searchVector", q.query) * 1.5
          FROM accounts t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${focus ? `AND t.id = ANY($5)` : ""} ORDER BY 3 DESC LIMIT $6)
       UNION ALL
       (SELECT 'prospect', t.id, ts_rank_cd(t."searchVector", q.query) * 1.5
          FROM prospects t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ${focus ? `AND t."accountId" = ANY($5)` : ""} ORDER BY 3 DESC LIMIT $6)
     ) hits ORDER BY score DESC, id LIMIT $6`,
    userId,
    question,
    prefix,
    now,
    accountIds,
    limit,
  );
  return rows.map((r) => ({ type: r.type, id: r.id, reason: focus ? "matches the question's words at the named account" : "matches the question's words" }));
}

type Built = { refs: Ref[]; facts: string[]; window: ContextPack["window"] };

async function structured(db: Db, userId: string, question: string, intents: Intent[], now: Date, accountIds: string[]): Promise<Built> {
  const refs: Ref[] = [];
  const facts: string[] = [];
  let window: ContextPack["window"] = null;
  const scope = accountIds.length > 0 ? { accountId: { in: accountIds } } : {};

  if (intents.includes("closing")) {
    window = detectWindow(question, now, "closing");
    const where = { userId, ...scope, stage: { in: OPEN_STAGES }, closeDate: { gte: window.from, lt: window.to } };
    const [deals, totals] = await Promise.all([
      db.opportunity.findMany({ where, orderBy: [{ closeDate: "asc" }, { id: "asc" }], select: { id: true }, take: 25 }),
      db.opportunity.groupBy({ by: ["currency"], where, _count: { _all: true }, _sum: { amount: true } }),
    ]);
    const count = totals.reduce((n, t) => n + t._count._all, 0);
    const sums = totals.map((t) => `${t.currency} ${(Number(t._sum.amount ?? 0n) / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}`);
    facts.push(`Open deals with a close date in ${window.label} (${window.from.toISOString().slice(0, 10)} to ${new Date(window.to.getTime() - 1).toISOString().slice(0, 10)}): ${count}${count ? `, total ${sums.join(" + ")}` : ""}.`);
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
    facts.push(`Meetings in ${calendarWindow.label} (${calendarWindow.from.toISOString().slice(0, 10)} to ${new Date(calendarWindow.to.getTime() - 1).toISOString().slice(0, 10)}): ${meetings.length}.`);
    refs.push(...meetings.map((m) => ({ type: "meeting" as const, id: m.id, reason: `on the calendar in ${calendarWindow.label}` })));
  }
  if (intents.includes("pipeline")) {
    const groups = await db.opportunity.groupBy({ by: ["stage", "currency"], where: { userId, ...scope, stage: { in: OPEN_STAGES } }, _count: { _all: true }, _sum: { amount: true } });
    for (const stage of OPEN_STAGES) {
      const mine = groups.filter((g) => g.stage === stage);
      if (mine.length === 0) continue;
      const count = mine.reduce((n, g) => n + g._count._all, 0);
      facts.push(`Open pipeline, ${stageLabels[stage]}: ${count} deals, ${mine.map((g) => `${g.currency} ${(Number(g._sum.amount ?? 0n) / 100).toLocaleString("en-US")}`).join(" + ")}.`);
    }
    const biggest = await db.opportunity.findMany({ where: { userId, ...scope, stage: { in: OPEN_STAGES } }, orderBy: [{ amount: { sort: "desc", nulls: "last" } }, { id: "asc" }], select: { id: true }, take: 8 });
    refs.push(...biggest.map((d) => ({ type: "opportunity" as const, id: d.id, reason: "among the largest open deals" })));
  }
  if (intents.includes("attention")) {
    const staleBefore = new Date(now.getTime() - 14 * DAY);
    const stale = await db.$queryRaw<{ id: string }[]>`
      SELECT o.id FROM opportunities o
        LEFT JOIN LATERAL (SELECT max(x.at) AS at FROM activities x WHERE x."opportunityId" = o.id) last ON true
       WHERE o."userId" = ${userId} AND o.stage::text NOT IN ('closed_won', 'closed_lost')
         AND (o."closeDate" < ${utcDay(now)} OR COALESCE(last.at, o."createdAt") < ${staleBefore})
       ORDER BY COALESCE(last.at, o."createdAt") ASC LIMIT 12`;
    refs.push(...stale.map((d) => ({ type: "opportunity" as const, id: d.id, reason: "open, and past its close date or quiet for 14 days" })));
  }
  if (intents.includes("won_lost")) {
    const closed = await db.opportunity.findMany({
      where: { userId, ...scope, stage: { in: /\blost\b/.test(question.toLowerCase()) ? ["closed_lost"] : ["closed_won", "closed_lost"] } },
      orderBy: [{ closeDate: { sort: "desc", nulls: "last" } }, { id: "asc" }],
      select: { id: true },
      take: 10,
    });
    refs.push(...closed.map((d) => ({ type: "opportunity" as const, id: d.id, reason: "a closed deal" })));
  }
  return { refs, facts, window };
}

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
  const dealAccounts = await db.opportunity.findMany({ where: { userId, id: { in: [...named.deals, ...(scopeDeal ? [scopeDeal] : [])] } }, select: { id: true, accountId: true } });
  // Deal names start with their account's name: "Kestrel" matching "Kestrel Aerospace – Pilot" names
  // the account, whose context brings its deals anyway. A deal counts as named on its own only when
  // its account was not named.
  named.deals = named.deals.filter((id) => {
    const accountId = dealAccounts.find((d) => d.id === id)?.accountId;
    return !accountId || !named.accounts.includes(accountId);
  });
  const accountIds = [...new Set([...named.accounts, ...(scopeAccount ? [scopeAccount] : []), ...dealAccounts.flatMap((d) => (d.accountId ? [d.accountId] : []))])];

  const refs: Ref[] = [];
  for (const id of [...named.deals, ...(scopeDeal ? [scopeDeal] : [])]) refs.push({ type: "opportunity", id, reason: "named in the question" });
  for (const id of named.prospects) refs.push({ type: "prospect", id, reason: "named in the question" });
  // "What closes this month at Acme?" is about Acme; without a named account, about the whole book.
  const built = await structured(db, userId, question, intents, options.now, accountIds);
  const focusedStructured = built.refs.length > 0 && (intents.includes("closing") || intents.includes("calendar"));
  if (focusedStructured) refs.push(...built.refs);
  for (const accountId of accountIds.slice(0, 2)) refs.push(...(await accountContext(db, userId, accountId, intents)));
  if (!focusedStructured) refs.push(...built.refs);
  for (const id of named.deals) {
    const timeline = await db.activity.findMany({ where: { userId, opportunityId: id }, orderBy: [{ at: "desc" }, { id: "asc" }], select: { id: true }, take: 3 });
    refs.push(...timeline.map((a) => ({ type: "activity" as const, id: a.id, reason: "latest on the deal's timeline" })));
  }
  refs.push(...(await textEvidence(db, userId, question, options.now, accountIds, 12)));
  if (intents.includes("latest") && accountIds.length === 0 && named.prospects.length === 0) {
    const latest = await db.activity.findMany({ where: { userId }, orderBy: [{ at: "desc" }, { id: "asc" }], select: { id: true }, take: 8 });
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
    items.push({ ...record, handle, tokens: cost, reason: reasons.get(`${record.type}:${record.id}`) ?? "", via: "pack" });
  }
  return { items, facts, intents, window: built.window, tokens, budgetTokens, omitted };
}

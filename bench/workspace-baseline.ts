// The baseline of the workspace HTTP benchmark (bench/workspace-http.ts): a bare node:http server
// with a pg Pool of 10 (the app's size) that answers the benchmarked routes by sending PostgreSQL
// exactly the statements the app sends for them — the SQL text Prisma generates, copied from a
// `log_statement = 'all'` capture of the built app, with the same parameters, the same order and
// the same concurrency (Prisma runs relation loads after their parent query, Promise.all branches
// side by side) — and answering JSON. What is left out is everything between the socket and the
// SQL in the app: Express and its middleware, Remix (loaders and React rendering to HTML), tRPC,
// zod, superjson, Prisma's query building and result mapping.
//
// Mirrored on every route: the session lookup of server/auth/session.ts (three queries: session,
// user, deletion request; then SHA-256 of the secret compared in constant time and the expiry
// checked), so "who is asking" costs the same database work as in the app. The hash is node:crypto's
// where the app uses @oslojs's. Not mirrored: the hourly lastSeenAt refresh (never due during a
// run) and input validation beyond parsing.
//
// Started as a child process: `node --import tsx bench/workspace-baseline.ts` with DATABASE_URL
// and PORT; GET /healthz answers when it is ready. If the app's queries change, capture them again
// (see the README's "Workspace HTTP benchmark") and update the SQL below.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { readSessionToken } from "../server/auth/session";
import { prefixQuery, splitSnippet } from "../server/crm/search";
import { PRIVACY_POLICY } from "../server/privacy/policy";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pool.on("error", () => {});

const DAY_MS = 86_400_000;
const STALE_AFTER_DAYS = 14;
const INACTIVITY_TIMEOUT_MS = 14 * DAY_MS;
const STAGES = [
  "prospecting",
  "discovery",
  "demo",
  "evaluation",
  "proposal",
  "negotiation",
  "closed_won",
  "closed_lost",
] as const;
const OPEN_STAGES = STAGES.filter((stage) => !stage.startsWith("closed_"));

type Row = Record<string, unknown>;

async function query<R extends Row = Row>(text: string, params: unknown[]): Promise<R[]> {
  return (await pool.query<R>(text, params)).rows;
}

/** `$from, $from+1, …` for Prisma's `IN (…)` relation loads, which send one parameter per parent row. */
function placeholders(count: number, from: number): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(",");
}

/** Prisma loads a to-one relation with one parameter per parent row (nulls included, as captured). */
async function loadByIds(select: string, table: string, ids: unknown[]): Promise<Map<string, Row>> {
  if (ids.length === 0) return new Map();
  const rows = await query(
    `SELECT ${select} FROM "public"."${table}" WHERE "public"."${table}"."id" IN (${placeholders(ids.length, 1)}) OFFSET $${ids.length + 1}`,
    [...ids, 0],
  );
  return new Map(rows.map((row) => [String(row.id), row]));
}

const dateOnly = (date: Date) => date.toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Session (server/auth/session.ts validateSessionToken)
// ---------------------------------------------------------------------------------------------

async function authenticate(cookieHeader: string | undefined): Promise<string | null> {
  const token = readSessionToken(cookieHeader);
  const [id, secret] = token?.split(".") ?? [];
  if (!id || !secret) return null;
  const [session] = await query<{ userId: string; secretHash: Buffer; lastSeenAt: Date; expiresAt: Date }>(
    `SELECT "public"."sessions"."id", "public"."sessions"."userId", "public"."sessions"."secretHash", "public"."sessions"."createdAt", "public"."sessions"."lastSeenAt", "public"."sessions"."expiresAt" FROM "public"."sessions" WHERE ("public"."sessions"."id" = $1 AND 1=1) LIMIT $2 OFFSET $3`,
    [id, 1, 0],
  );
  if (!session) return null;
  await query(
    `SELECT "public"."users"."id", "public"."users"."email", "public"."users"."name" FROM "public"."users" WHERE "public"."users"."id" = $1 OFFSET $2`,
    [session.userId, 0],
  );
  const deletion = await query(
    `SELECT "public"."account_deletion_requests"."id", "public"."account_deletion_requests"."userId" FROM "public"."account_deletion_requests" WHERE "public"."account_deletion_requests"."userId" IN ($1) OFFSET $2`,
    [session.userId, 0],
  );
  const hash = createHash("sha256").update(secret).digest();
  if (hash.length !== session.secretHash.length || !timingSafeEqual(hash, session.secretHash)) return null;
  const now = Date.now();
  if (
    now >= session.expiresAt.getTime() ||
    now - session.lastSeenAt.getTime() >= INACTIVITY_TIMEOUT_MS ||
    deletion.length > 0
  )
    return null;
  return session.userId;
}

// ---------------------------------------------------------------------------------------------
// accounts.list (server/crm/accounts.ts listAccounts, sort "name", first page)
// ---------------------------------------------------------------------------------------------

async function listAccounts(userId: string, input: { limit?: number; sort?: string }) {
  if (input.sort !== undefined && input.sort !== "name") throw new Error("the baseline mirrors only sort=name");
  const limit = input.limit ?? 25;
  type AccountRow = { id: string; name: string } & Row;
  // The page and the total in parallel, then the page's people and deal counts in parallel — the
  // app's statements in the app's order (server/crm/accounts.ts).
  const [rows, count] = await Promise.all([
    query<AccountRow>(
      `SELECT "public"."accounts"."id", "public"."accounts"."name", "public"."accounts"."domain", "public"."accounts"."industry", "public"."accounts"."tier", "public"."accounts"."hqCity", "public"."accounts"."employeeCount", "public"."accounts"."updatedAt" FROM "public"."accounts" WHERE "public"."accounts"."userId" = $1 ORDER BY "public"."accounts"."name" ASC, "public"."accounts"."id" ASC LIMIT $2 OFFSET $3`,
      [userId, limit + 1, 0],
    ),
    query(
      `SELECT COUNT(*) AS "_count$_all" FROM (SELECT "public"."accounts"."id" FROM "public"."accounts" WHERE "public"."accounts"."userId" = $1 OFFSET $2) AS "sub"`,
      [userId, 0],
    ),
  ]);
  const page = rows.slice(0, limit);
  const ids = page.map((account) => account.id);
  const placeholders = ids.map((_, i) => `$${i + 2}`).join(",");
  const countBy = (table: "prospects" | "opportunities") =>
    ids.length === 0
      ? Promise.resolve([] as { accountId: string; _count$_all: string }[])
      : query<{ accountId: string; _count$_all: string }>(
          `SELECT COUNT(*) AS "_count$_all", "public"."${table}"."accountId" FROM "public"."${table}" WHERE ("public"."${table}"."userId" = $1 AND "public"."${table}"."accountId" IN (${placeholders})) GROUP BY "public"."${table}"."accountId" OFFSET $${ids.length + 2}`,
          [userId, ...ids, 0],
        );
  const [people, deals] = await Promise.all([countBy("prospects"), countBy("opportunities")]);
  const countOf = (groups: { accountId: string; _count$_all: string }[], id: string) =>
    Number(groups.find((g) => g.accountId === id)?.["_count$_all"] ?? 0);
  const items = page.map((account) => ({
    ...account,
    _count: { prospects: countOf(people, account.id), opportunities: countOf(deals, account.id) },
  }));
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify({ v: last.name, id: last.id })).toString("base64url")
      : null;
  return { items, nextCursor, total: Number(count[0]?.["_count$_all"] ?? 0) };
}

// ---------------------------------------------------------------------------------------------
// search.query (server/crm/search.ts search, all six types)
// ---------------------------------------------------------------------------------------------

const HEADLINE = `StartSel=\uE000, StopSel=\uE001, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;
const SEARCH_SQL = `WITH q AS (SELECT websearch_to_tsquery('english', $2) || to_tsquery('simple', $3) AS query),
     hits (type, id, title, subtitle, body, rank, link_id, link_type) AS (
       (SELECT 'account' AS type, t.id, t.name AS title, concat_ws(' · ', t.industry, t."hqCity") AS subtitle,
                    concat_ws(' ', t.description, t."ownerNotes") AS body, ts_rank_cd(t."searchVector", q.query) AS rank, NULL::text AS link_id, NULL::text AS link_type
               FROM accounts t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY rank DESC LIMIT $4)
 UNION ALL 
(SELECT 'prospect', t.id, t."firstName" || ' ' || t."lastName", concat_ws(' · ', t.title, a.name),
                    concat_ws(' ', t.title, t.email), ts_rank_cd(t."searchVector", q.query), NULL, NULL
               FROM prospects t LEFT JOIN accounts a ON a.id = t."accountId", q
              WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY 6 DESC LIMIT $4)
 UNION ALL 
(SELECT 'opportunity', t.id, t.name, a.name, concat_ws(' ', t."nextStep", t."lossReason"), ts_rank_cd(t."searchVector", q.query), NULL, NULL
               FROM opportunities t LEFT JOIN accounts a ON a.id = t."accountId", q
              WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY 6 DESC LIMIT $4)
 UNION ALL 
(SELECT 'message', t.id, c.subject, t."fromEmail", t.body, ts_rank_cd(t."searchVector", q.query), t."conversationId", NULL
               FROM messages t JOIN conversations c ON c.id = t."conversationId", q
              WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY 6 DESC LIMIT $4)
 UNION ALL 
(SELECT 'note', t.id, COALESCE(m.title, o.name, a.name, 'Note'), to_char(t."updatedAt", 'YYYY-MM-DD'), t.body,
                    ts_rank_cd(t."searchVector", q.query), COALESCE(t."opportunityId", t."accountId", t."prospectId"),
                    CASE WHEN t."opportunityId" IS NOT NULL THEN 'opportunity' WHEN t."accountId" IS NOT NULL THEN 'account' WHEN t."prospectId" IS NOT NULL THEN 'prospect' END
               FROM notes t LEFT JOIN meetings m ON m.id = t."meetingId" LEFT JOIN opportunities o ON o.id = t."opportunityId"
                    LEFT JOIN accounts a ON a.id = t."accountId", q
              WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY 6 DESC LIMIT $4)
 UNION ALL 
(SELECT 'activity', t.id, t.type::text, to_char(t.at, 'YYYY-MM-DD'), t.summary, ts_rank_cd(t."searchVector", q.query),
                    COALESCE(t."opportunityId", t."accountId", t."prospectId"), CASE WHEN t."opportunityId" IS NOT NULL THEN 'opportunity' WHEN t."accountId" IS NOT NULL THEN 'account' WHEN t."prospectId" IS NOT NULL THEN 'prospect' END
               FROM activities t, q WHERE t."userId" = $1 AND t."searchVector" @@ q.query ORDER BY 6 DESC LIMIT $4)
     ),
     best AS (SELECT * FROM hits ORDER BY rank DESC, id LIMIT $4)
     SELECT best.type, best.id, best.title, best.subtitle, best.rank::float8 AS rank, best.link_id, best.link_type,
            ts_headline('english', COALESCE(NULLIF(best.body, ''), best.title), q.query, '${HEADLINE}') AS headline
       FROM best, q ORDER BY best.rank DESC, best.id`;

async function search(userId: string, input: { q?: string; limit?: number }) {
  const q = (input.q ?? "").trim();
  const prefix = prefixQuery(q);
  if (!prefix) return [];
  const rows = await query<{
    type: string;
    id: string;
    title: string;
    subtitle: string | null;
    rank: number;
    link_id: string | null;
    link_type: string | null;
    headline: string;
  }>(SEARCH_SQL, [userId, q, prefix, input.limit ?? 20]);
  // The app's present(): snippet parts and a link; the link rule is simplified, the work is the same.
  return rows.map((row) => ({
    type: row.type,
    id: row.id,
    title: row.title,
    subtitle: row.subtitle || null,
    snippet: splitSnippet(row.headline),
    rank: Number(row.rank),
    href: row.link_id ? `/${row.link_type ?? "conversation"}s/${row.link_id}` : `/${row.type}s/${row.id}`,
  }));
}

// ---------------------------------------------------------------------------------------------
// The dashboard page: the root loader's policy-notice query beside dashboard.summary
// (server/crm/dashboard.ts dashboardSummary and server/crm/activity.ts recentActivity)
// ---------------------------------------------------------------------------------------------

async function withAccounts<R extends { accountId: unknown }>(rows: R[]) {
  const accounts = await loadByIds(
    `"public"."accounts"."id", "public"."accounts"."name"`,
    "accounts",
    rows.map((row) => row.accountId),
  );
  return rows.map(({ accountId, ...row }) => ({ ...row, account: accounts.get(String(accountId)) ?? null }));
}

async function recentActivity(userId: string) {
  const rows = await query(
    `SELECT "public"."activities"."id", "public"."activities"."type"::text, "public"."activities"."at", "public"."activities"."summary", "public"."activities"."source"::text, "public"."activities"."accountId", "public"."activities"."prospectId", "public"."activities"."opportunityId" FROM "public"."activities" WHERE "public"."activities"."userId" = $1 ORDER BY "public"."activities"."at" DESC, "public"."activities"."id" ASC LIMIT $2 OFFSET $3`,
    [userId, 12, 0],
  );
  const [accounts, prospects, opportunities] = await Promise.all([
    loadByIds(
      `"public"."accounts"."id", "public"."accounts"."name"`,
      "accounts",
      rows.map((row) => row.accountId),
    ),
    loadByIds(
      `"public"."prospects"."id", "public"."prospects"."firstName", "public"."prospects"."lastName"`,
      "prospects",
      rows.map((row) => row.prospectId),
    ),
    loadByIds(
      `"public"."opportunities"."id", "public"."opportunities"."name"`,
      "opportunities",
      rows.map((row) => row.opportunityId),
    ),
  ]);
  return rows.map(({ accountId, prospectId, opportunityId, ...row }) => ({
    ...row,
    account: accounts.get(String(accountId)) ?? null,
    prospect: prospects.get(String(prospectId)) ?? null,
    opportunity: opportunities.get(String(opportunityId)) ?? null,
  }));
}

async function dashboard(userId: string) {
  const now = new Date();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const staleBefore = new Date(now.getTime() - STALE_AFTER_DAYS * DAY_MS);

  const [policy, groups, closing, closingTotals, meetings, recent, attention] = await Promise.all([
    query(
      `SELECT "public"."policy_acknowledgements"."id" FROM "public"."policy_acknowledgements" WHERE (("public"."policy_acknowledgements"."userId" = $1 AND "public"."policy_acknowledgements"."policyVersion" = $2) AND 1=1) LIMIT $3 OFFSET $4`,
      [userId, PRIVACY_POLICY.version, 1, 0],
    ),
    query<{ _count$_all: string; _sum$amount: string | null; stage: string; currency: string }>(
      `SELECT COUNT(*) AS "_count$_all", SUM("public"."opportunities"."amount") AS "_sum$amount", "public"."opportunities"."stage"::text, "public"."opportunities"."currency" FROM "public"."opportunities" WHERE "public"."opportunities"."userId" = $1 GROUP BY "public"."opportunities"."stage", "public"."opportunities"."currency" OFFSET $2`,
      [userId, 0],
    ),
    query<{ accountId: string | null; amount: string | null }>(
      `SELECT "public"."opportunities"."id", "public"."opportunities"."name", "public"."opportunities"."stage"::text, "public"."opportunities"."amount", "public"."opportunities"."currency", "public"."opportunities"."closeDate", "public"."opportunities"."probability", "public"."opportunities"."accountId" FROM "public"."opportunities" WHERE ("public"."opportunities"."userId" = $1 AND "public"."opportunities"."stage" IN (CAST($2::text AS "public"."OpportunityStage"),CAST($3::text AS "public"."OpportunityStage"),CAST($4::text AS "public"."OpportunityStage"),CAST($5::text AS "public"."OpportunityStage"),CAST($6::text AS "public"."OpportunityStage"),CAST($7::text AS "public"."OpportunityStage")) AND "public"."opportunities"."closeDate" >= $8 AND "public"."opportunities"."closeDate" < $9) ORDER BY "public"."opportunities"."closeDate" ASC, "public"."opportunities"."id" ASC LIMIT $10 OFFSET $11`,
      [userId, ...OPEN_STAGES, dateOnly(monthStart), dateOnly(nextMonth), 25, 0],
    ).then(withAccounts),
    query<{ _count$_all: string; _sum$amount: string | null; currency: string }>(
      `SELECT COUNT(*) AS "_count$_all", SUM("public"."opportunities"."amount") AS "_sum$amount", "public"."opportunities"."currency" FROM "public"."opportunities" WHERE ("public"."opportunities"."userId" = $1 AND "public"."opportunities"."stage" IN (CAST($2::text AS "public"."OpportunityStage"),CAST($3::text AS "public"."OpportunityStage"),CAST($4::text AS "public"."OpportunityStage"),CAST($5::text AS "public"."OpportunityStage"),CAST($6::text AS "public"."OpportunityStage"),CAST($7::text AS "public"."OpportunityStage")) AND "public"."opportunities"."closeDate" >= $8 AND "public"."opportunities"."closeDate" < $9) GROUP BY "public"."opportunities"."currency" OFFSET $10`,
      [userId, ...OPEN_STAGES, dateOnly(monthStart), dateOnly(nextMonth), 0],
    ),
    query<{ accountId: string | null }>(
      `SELECT "public"."meetings"."id", "public"."meetings"."title", "public"."meetings"."startsAt", "public"."meetings"."endsAt", "public"."meetings"."location", "public"."meetings"."accountId" FROM "public"."meetings" WHERE ("public"."meetings"."userId" = $1 AND "public"."meetings"."startsAt" >= $2 AND "public"."meetings"."startsAt" < $3) ORDER BY "public"."meetings"."startsAt" ASC, "public"."meetings"."id" ASC LIMIT $4 OFFSET $5`,
      [userId, now, new Date(now.getTime() + 7 * DAY_MS), 25, 0],
    ).then(withAccounts),
    recentActivity(userId),
    query<{ closeDate: Date | null; quietSince: Date; amount: string | null; total: string }>(
      `
      SELECT o.id, o.name, o.stage, o.amount, o.currency, o."closeDate", o."accountId", a.name AS "accountName",
             last.at AS "lastActivityAt", COALESCE(last.at, o."createdAt") AS "quietSince", count(*) OVER () AS total
        FROM opportunities o
        LEFT JOIN accounts a ON a.id = o."accountId"
        LEFT JOIN LATERAL (SELECT max(x.at) AS at FROM activities x WHERE x."opportunityId" = o.id) last ON true
       WHERE o."userId" = $1
         AND o.stage::text NOT IN ('closed_won', 'closed_lost')
         AND (o."closeDate" < $2 OR COALESCE(last.at, o."createdAt") < $3)
       ORDER BY COALESCE(last.at, o."createdAt") ASC, o.id
       LIMIT 25`,
      [userId, dateOnly(today), staleBefore],
    ),
  ]);

  return {
    now,
    policyNotice: policy.length === 0 ? { version: PRIVACY_POLICY.version } : null,
    pipeline: STAGES.map((stage) => {
      const mine = groups.filter((group) => group.stage === stage);
      return {
        stage,
        open: !stage.startsWith("closed_"),
        count: mine.reduce((n, group) => n + Number(group["_count$_all"]), 0),
        totals: mine
          .map((group) => ({ currency: group.currency, amount: Number(group["_sum$amount"] ?? 0) }))
          .sort((a, b) => b.amount - a.amount),
      };
    }),
    closingThisMonth: {
      count: closingTotals.reduce((n, group) => n + Number(group["_count$_all"]), 0),
      totals: closingTotals
        .map((group) => ({ currency: group.currency, amount: Number(group["_sum$amount"] ?? 0) }))
        .sort((a, b) => b.amount - a.amount),
      deals: closing.map((deal) => ({ ...deal, amount: deal.amount === null ? null : Number(deal.amount) })),
    },
    upcomingMeetings: meetings,
    recentActivity: recent,
    needsAttention: {
      total: Number(attention[0]?.total ?? 0),
      deals: attention.map(({ total: _total, ...deal }) => ({
        ...deal,
        amount: deal.amount === null ? null : Number(deal.amount),
        pastCloseDate: deal.closeDate !== null && deal.closeDate < today,
        stale: deal.quietSince < staleBefore,
      })),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(json),
    "Cache-Control": "no-store",
  });
  res.end(json);
}

/** The tRPC GET input: `?input=` superjson-encoded, i.e. `{"json": …}`. */
function trpcInput<T>(url: URL): T {
  const raw = url.searchParams.get("input");
  return ((raw ? (JSON.parse(raw) as { json?: T }).json : undefined) ?? {}) as T;
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? "/", "http://baseline");
    if (url.pathname === "/healthz") {
      await pool.query("SELECT 1");
      return send(res, 200, { status: "ok" });
    }
    const userId = await authenticate(req.headers.cookie);
    if (!userId) return send(res, 401, { error: "Sign in to continue." });
    switch (url.pathname) {
      case "/dashboard":
        return send(res, 200, await dashboard(userId));
      case "/api/trpc/accounts.list":
        return send(res, 200, { result: { data: { json: await listAccounts(userId, trpcInput(url)) } } });
      case "/api/trpc/search.query":
        return send(res, 200, { result: { data: { json: await search(userId, trpcInput(url)) } } });
      default:
        return send(res, 404, { error: "not found" });
    }
  } catch (error) {
    send(res, 500, { error: error instanceof Error ? error.message : String(error) });
  }
}

// answer() catches everything itself, so the promise it returns never rejects.
const server = createServer((req, res) => void answer(req, res));

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeAllConnections();
});

// Who each address of a page is: the user, one of the user's prospects (by email, case-insensitive),
// a colleague, a personal mailbox, someone at one of the user's accounts (by domain), or nobody we
// know. Two queries per page, whatever its size; new prospects in one more.
import { Prisma } from "../../db/generated/client";
import type { IngestRun, Tx } from "./run";
import {
  domainAndParents,
  domainOf,
  isInternal,
  isPersonal,
  normalizeAccountDomain,
  splitName,
  type Self,
} from "./people";

export type KnownProspect = { id: string; accountId: string | null };

export type PeopleIndex = {
  /** The user's prospects by lower-case email (the oldest when two share one). */
  prospects: Map<string, KnownProspect>;
  /** Account ids by normalized domain (the oldest account when two share one). */
  accounts: Map<string, string>;
};

export type Who =
  | { kind: "self" }
  | { kind: "prospect"; prospect: KnownProspect }
  | { kind: "internal" }
  | { kind: "personal" }
  | { kind: "account"; accountId: string }
  | { kind: "unknown" };

/**
 * SQL for "= one of these strings" (`column = ${oneOf(list)}`), as one JSON parameter (the same on
 * both databases' drivers). An array (`= ANY(ARRAY(…))`), not `IN (SELECT …)`: the planner can use an
 * index for it, also inside an OR, where a subquery made PostgreSQL scan all of the user's messages.
 */
export function oneOf(values: Iterable<string>): Prisma.Sql {
  return Prisma.sql`ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify([...values])}::jsonb)))`;
}

/**
 * SQL for a row source `k(v)` of these strings, to look records up one key at a time with
 * `FROM ${keys(list)}, LATERAL (SELECT … WHERE "externalId" = k.v OFFSET 0)`: an equality on every
 * column of a unique index is an index lookup whatever the planner believes about the table, as long
 * as the planner cannot pull the subquery up into a join (OFFSET 0 fences it: without the fence, a
 * first sync's young tables were scanned whole on every page, twice the ingest time at 50,000). (With `= ANY(…)` and
 * the statistics of a table that was empty a minute ago, PostgreSQL filtered all of a user's messages
 * on every page: 65 ms a page at 20,000 messages, growing.)
 */
export function keys(values: Iterable<string>): Prisma.Sql {
  return Prisma.sql`jsonb_array_elements_text(${JSON.stringify([...values])}::jsonb) AS k(v)`;
}

// What normalizeAccountDomain does, in SQL (the patterns are parameters: no escaping to get wrong).
const SCHEME = "^[a-z]+://";
const WWW = "^www\\.";
const PATH = "[/?#].*$";

export async function resolvePeople(tx: Tx, userId: string, self: Self, addresses: Set<string>): Promise<PeopleIndex> {
  const others = [...addresses].filter((a) => !self.addresses.has(a));
  const prospects = new Map<string, KnownProspect>();
  const accounts = new Map<string, string>();
  if (others.length === 0) return { prospects, accounts };
  const domains = new Set<string>();
  for (const address of others) {
    if (isInternal(self, address) || isPersonal(address)) continue;
    for (const domain of domainAndParents(domainOf(address))) domains.add(domain);
  }
  // Prospects by email and accounts by domain in one round trip; the oldest record wins a tie.
  const rows = await tx.$queryRaw<
    { kind: "prospect" | "account"; id: string; key: string; accountId: string | null }[]
  >`
    SELECT 'prospect' AS kind, id, lower(email) AS key, "accountId", "createdAt" AS ord FROM prospects
    WHERE "userId" = ${userId} AND email IS NOT NULL AND lower(email) = ${oneOf(others)}
    UNION ALL
    SELECT 'account', id, domain, NULL, "createdAt" FROM accounts
    WHERE "userId" = ${userId} AND domain IS NOT NULL
      AND regexp_replace(regexp_replace(regexp_replace(lower(trim(domain)), ${SCHEME}, ''), ${WWW}, ''), ${PATH}, '')
          = ${oneOf(domains)}
    ORDER BY 1, 5, 2`;
  for (const row of rows) {
    if (row.kind === "prospect") {
      if (!prospects.has(row.key)) prospects.set(row.key, { id: row.id, accountId: row.accountId });
    } else {
      const domain = normalizeAccountDomain(row.key);
      if (!accounts.has(domain)) accounts.set(domain, row.id);
    }
  }
  return { prospects, accounts };
}

export function classify(self: Self, people: PeopleIndex, address: string): Who {
  if (self.addresses.has(address)) return { kind: "self" };
  const prospect = people.prospects.get(address);
  if (prospect) return { kind: "prospect", prospect };
  if (isInternal(self, address)) return { kind: "internal" };
  if (isPersonal(address)) return { kind: "personal" };
  for (const domain of domainAndParents(domainOf(address))) {
    const accountId = people.accounts.get(domain);
    if (accountId) return { kind: "account", accountId };
  }
  return { kind: "unknown" };
}

/** Whether an item with these people is worth records, and if not, why not. */
export function relevance(
  self: Self,
  people: PeopleIndex,
  addresses: Iterable<string>,
): "known" | "internal_only" | "personal_only" | "no_known_party" {
  let personal = false;
  let unknown = false;
  for (const address of addresses) {
    const who = classify(self, people, address);
    if (who.kind === "prospect" || who.kind === "account") return "known";
    if (who.kind === "personal") personal = true;
    if (who.kind === "unknown") unknown = true;
  }
  return unknown ? "no_known_party" : personal ? "personal_only" : "internal_only";
}

/** The account an item belongs to: the one most of its outside people belong to (ties: the first seen). */
export function accountOf(self: Self, people: PeopleIndex, addresses: Iterable<string>): string | null {
  const counts = new Map<string, number>();
  for (const address of addresses) {
    const who = classify(self, people, address);
    const accountId = who.kind === "prospect" ? who.prospect.accountId : who.kind === "account" ? who.accountId : null;
    if (accountId) counts.set(accountId, (counts.get(accountId) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [accountId, count] of counts) if (count > bestCount) [best, bestCount] = [accountId, count];
  return best;
}

/**
 * Creates a prospect for each outside person at a known account's domain (once: keyed on the address
 * as the prospect's external id for this source), and adds them to the index so the page's items link
 * to them.
 */
export async function createProspects(
  run: IngestRun,
  wanted: { email: string; name: string | null; accountId: string }[],
): Promise<void> {
  if (wanted.length === 0) return;
  const { tx, context } = run;
  const rows = JSON.stringify(
    wanted.map((p) => ({ id: run.newId(), accountId: p.accountId, email: p.email, ...splitName(p.name, p.email) })),
  );
  const created = await tx.$queryRaw<{ id: string; email: string; accountId: string | null }[]>`
    INSERT INTO prospects (id, "userId", "accountId", "firstName", "lastName", email, source, "externalId", "createdAt", "updatedAt")
    SELECT x.id, ${context.userId}, x."accountId", x."firstName", x."lastName", x.email,
           ${context.source}::"RecordSource", x.email, ${context.now}, ${context.now}
    FROM jsonb_to_recordset(${rows}::jsonb) AS x(id text, "accountId" text, "firstName" text, "lastName" text, email text)
    ON CONFLICT ("userId", source, "externalId") DO UPDATE SET "externalId" = EXCLUDED."externalId"
    RETURNING id, "externalId" AS email, "accountId"`;
  for (const row of created) run.people.prospects.set(row.email, { id: row.id, accountId: row.accountId });
}

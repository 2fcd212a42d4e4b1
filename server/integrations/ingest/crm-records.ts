// Accounts, people and deals from a CRM into the workspace's own records (ADR 021): linked to what
// exists (a link, the same provider id, a domain, an email, a Salesforce id) or created; then merged
// field by field against what the provider sent last time (SyncedRecord.remote), so a field the
// provider did not change never overwrites the workspace's value. Set-based: per kind a look-up of
// candidates, a read of the current rows, one insert and one update, whatever the page size.
import { Prisma, type OpportunityStage, type RecordSource } from "../../db/generated/client";
import type { Clean } from "./crm-clean";
import {
  idKeys,
  linkKey,
  resolveRef,
  sameJson,
  setLink,
  storedRef,
  type CrmRun,
  type Json,
  type Link,
  type RecordType,
  type Remote,
  type StoredRef,
} from "./crm-links";
import { isFreeMailDomain } from "./free-mail";
import { domainAndParents, domainOf } from "./people";
import { keys } from "./resolve";

/** The provider whose links make it the system of record for accounts, people and deals. */
const PRIMARY: RecordSource = "salesforce";

type Column = { name: string; sqlType: string; cast?: string; read?: string };
type Spec = { table: string; recordType: RecordType; columns: Column[] };

const ACCOUNT: Spec = {
  table: "accounts",
  recordType: "account",
  columns: [
    { name: "name", sqlType: "text" },
    { name: "domain", sqlType: "text" },
    { name: "industry", sqlType: "text" },
    { name: "employeeCount", sqlType: "int" },
    { name: "hqCity", sqlType: "text" },
    { name: "tier", sqlType: "text" },
    { name: "description", sqlType: "text" },
  ],
};
const PROSPECT: Spec = {
  table: "prospects",
  recordType: "prospect",
  columns: [
    { name: "accountId", sqlType: "text" },
    { name: "firstName", sqlType: "text" },
    { name: "lastName", sqlType: "text" },
    { name: "email", sqlType: "text" },
    { name: "title", sqlType: "text" },
    { name: "phone", sqlType: "text" },
    { name: "linkedinUrl", sqlType: "text" },
  ],
};
const DEAL: Spec = {
  table: "opportunities",
  recordType: "opportunity",
  columns: [
    { name: "accountId", sqlType: "text" },
    { name: "name", sqlType: "text" },
    { name: "stage", sqlType: "text", cast: `::"OpportunityStage"`, read: `t.stage::text` },
    { name: "amount", sqlType: "bigint", read: `t.amount::float8` },
    { name: "currency", sqlType: "text", read: `trim(t.currency)` },
    { name: "closeDate", sqlType: "date", read: `to_char(t."closeDate", 'YYYY-MM-DD')` },
    { name: "probability", sqlType: "int" },
    { name: "nextStep", sqlType: "text" },
    { name: "crmStage", sqlType: "text" },
    { name: "crmStageUnmapped", sqlType: "boolean" },
  ],
};

type Values = { [column: string]: Json };
/** A workspace row as read for merging. */
type Current = Values & {
  id: string;
  source: RecordSource;
  /** Never edited since it was created (raw SQL writes keep updatedAt = createdAt until a change). */
  pristine: boolean;
  /** Linked to a record of the system of record (Salesforce). */
  primaryLinked: boolean;
};

/** How a record's fields are merged (ADR 021). */
type Mode =
  /** The sync makes the record: every field as the provider has it. */
  | "create"
  /** First link to a record that existed: fill only what is empty. */
  | "first"
  /** Linked before: apply the fields the provider changed since. */
  | "linked"
  /** An engagement tool's copy of a record the CRM also links: it only fills what is empty. */
  | "secondary";

/**
 * `IN (…)` of a set of strings, for matching a computed key (a lower-cased email, a normalised
 * domain) that no index covers: the planner hashes the set and scans the user's rows once, where
 * `= ANY(array)` compared every row with every element (50,000 contacts × a page of 2,000 emails:
 * 1.4 s a page in the issue's org).
 */
const inSet = (values: Iterable<string>) =>
  Prisma.sql`(SELECT jsonb_array_elements_text(${JSON.stringify([...new Set(values)])}::jsonb))`;

const quoted = (name: string) => Prisma.raw(`"${name}"`);
const isEmpty = (v: Json | undefined) => v === null || v === undefined || v === "";

async function readRows(run: CrmRun, spec: Spec, ids: Iterable<string>): Promise<Map<string, Current>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const { tx, context } = run;
  const columns = Prisma.join(
    spec.columns.map((c) => Prisma.raw(`${c.read ?? `t."${c.name}"`} AS "${c.name}"`)),
    ", ",
  );
  const rows = await tx.$queryRaw<Current[]>`
    SELECT t.id, t.source::text AS source, (t."updatedAt" = t."createdAt") AS pristine,
           EXISTS (SELECT 1 FROM synced_records l
                   WHERE l."userId" = ${context.userId} AND l."recordType" = ${spec.recordType} AND l."recordId" = t.id
                     AND l.source = ${PRIMARY}::"RecordSource" AND l."deletedAt" IS NULL) AS "primaryLinked",
           ${columns}
    FROM ${idKeys(list)},
      LATERAL (SELECT * FROM ${Prisma.raw(spec.table)} WHERE id = k.v AND "userId" = ${context.userId} OFFSET 0) t`;
  return new Map(rows.map((r) => [r.id, r]));
}

async function insertRows(run: CrmRun, spec: Spec, rows: (Values & { id: string; externalId: string })[]) {
  if (rows.length === 0) return 0;
  const { tx, context } = run;
  const names = spec.columns.map((c) => c.name);
  const cols = Prisma.join(names.map(quoted), ", ");
  const values = Prisma.join(
    spec.columns.map((c) => Prisma.raw(`x."${c.name}"${c.cast ?? ""}`)),
    ", ",
  );
  const shape = Prisma.raw(spec.columns.map((c) => `"${c.name}" ${c.sqlType}`).join(", "));
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO ${Prisma.raw(spec.table)} (id, "userId", source, "externalId", "createdAt", "updatedAt", ${cols})
    SELECT x.id, ${context.userId}, ${context.source}::"RecordSource", x."externalId", ${context.now}, ${context.now}, ${values}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, "externalId" text, ${shape})
    ON CONFLICT DO NOTHING
    RETURNING id`;
  return inserted.length;
}

async function updateRows(run: CrmRun, spec: Spec, rows: (Values & { id: string })[]) {
  if (rows.length === 0) return 0;
  const { tx, context } = run;
  const set = Prisma.join(
    spec.columns.map((c) => Prisma.raw(`"${c.name}" = x."${c.name}"${c.cast ?? ""}`)),
    ", ",
  );
  const shape = Prisma.raw(spec.columns.map((c) => `"${c.name}" ${c.sqlType}`).join(", "));
  return tx.$executeRaw`
    UPDATE ${Prisma.raw(spec.table)} t SET ${set}, "updatedAt" = ${context.now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, ${shape})
    WHERE t.id = x.id AND t."userId" = ${context.userId}`;
}

/** The mode for a record: by its link, the row it matched, and who else links it. */
function modeOf(run: CrmRun, link: Link | undefined, current: Current | undefined): Mode {
  if (!current) return "create";
  if (run.context.source !== PRIMARY && current.primaryLinked) return "secondary";
  return link && link.recordId === current.id && !link.deletedAt ? "linked" : "first";
}

/** The three-way merge of plain fields: which of `next` to write over `current`. */
function mergeFields(mode: Mode, current: Current | undefined, prev: Values | null, next: Values): Values {
  const out: Values = {};
  for (const [field, value] of Object.entries(next)) {
    if (mode === "create" || !current) out[field] = value;
    else if (mode === "first") {
      if (isEmpty(current[field]) && !isEmpty(value)) out[field] = value;
    } else if (prev && field in prev && sameJson(prev[field], value)) continue;
    else if (mode === "secondary") {
      if (isEmpty(current[field]) && !isEmpty(value)) out[field] = value;
    } else if (!sameJson(current[field], value)) out[field] = value;
  }
  return out;
}

/**
 * A reference field (accountId): resolved through the links; applied like a field, with the CRM's
 * reference as its remote value. One that does not resolve yet leaves the field as it is and is
 * remembered as pending.
 */
function mergeRef(
  mode: Mode,
  current: Current | undefined,
  column: string,
  prevRemote: Remote | null,
  name: string,
  ref: StoredRef | null,
  resolved: string | null,
): { value?: string | null; pending: boolean } {
  const pending = ref !== null && resolved === null;
  const currentValue = (current?.[column] as string | null | undefined) ?? null;
  if (mode === "create") return { value: resolved, pending };
  if (mode === "first" || mode === "secondary") {
    const changed = mode === "first" || !prevRemote || !sameJson(prevRemote.r[name] ?? null, ref);
    return changed && currentValue === null && resolved !== null ? { value: resolved, pending } : { pending };
  }
  const wasPending = prevRemote?.p?.includes(name) ?? false;
  const changed = !prevRemote || !(name in prevRemote.r) || !sameJson(prevRemote.r[name] ?? null, ref) || wasPending;
  if (!changed || pending || resolved === currentValue) return { pending };
  return { value: resolved, pending };
}

type Plan = {
  ref: StoredRef;
  modifiedAt: Date;
  link: Link | undefined;
  current: Current | undefined;
  id: string;
  mode: Mode;
};

/** Writes the planned rows and their links; counts created and changed records. */
async function apply(run: CrmRun, spec: Spec, planned: { plan: Plan; write: Values; remote: Remote }[]): Promise<void> {
  const inserts: (Values & { id: string; externalId: string })[] = [];
  const updates: (Values & { id: string })[] = [];
  for (const { plan, write } of planned) {
    if (plan.mode === "create") inserts.push({ ...write, id: plan.id, externalId: plan.ref.e });
    else if (Object.keys(write).length > 0) {
      const full: Values & { id: string } = { id: plan.id };
      for (const c of spec.columns) full[c.name] = c.name in write ? write[c.name]! : plan.current![c.name]!;
      updates.push(full);
    }
  }
  const created = await insertRows(run, spec, inserts);
  const updated = await updateRows(run, spec, updates);
  run.stats.created += created;
  run.stats.updated += updated;
  for (const { plan, remote } of planned)
    setLink(run, plan.ref, {
      recordType: spec.recordType,
      recordId: plan.id,
      createdBySync: plan.mode === "create" ? true : plan.link?.recordId === plan.id ? plan.link.createdBySync : false,
      remote,
      remoteModifiedAt: plan.modifiedAt,
      deletedAt: null,
    });
}

/** The live link of a record, if it has one that names a row. */
function liveLink(run: CrmRun, ref: StoredRef): Link | undefined {
  const link = run.links.get(linkKey(ref.o, ref.e));
  return link && !link.deletedAt && link.recordId ? link : undefined;
}

/** Records of this source already stored under the provider's id (an import of an earlier export). */
function byProviderIdSql(run: CrmRun, spec: Spec, externalIds: string[]): Prisma.Sql {
  const { context } = run;
  return Prisma.sql`
    SELECT 'id' AS how, t.id, t."externalId" AS key FROM ${keys(externalIds)},
      LATERAL (SELECT id, "externalId" FROM ${Prisma.raw(spec.table)}
               WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource" AND "externalId" = k.v OFFSET 0) t`;
}

/** Not linked already to another record of this provider (a link is one to one per provider). */
function unlinkedSql(run: CrmRun, spec: Spec): Prisma.Sql {
  return Prisma.sql`NOT EXISTS (SELECT 1 FROM synced_records l
    WHERE l."userId" = ${run.context.userId} AND l.source = ${run.context.source}::"RecordSource"
      AND l."recordType" = ${spec.recordType} AND l."recordId" = t.id AND l."deletedAt" IS NULL)`;
}

// What normalizeAccountDomain does, in SQL (the patterns are parameters).
const normalizedDomainSql = Prisma.sql`regexp_replace(regexp_replace(regexp_replace(lower(trim(t.domain)), ${"^[a-z]+://"}, ''), ${"^www\\."}, ''), ${"[/?#].*$"}, '')`;

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

export async function writeAccounts(run: CrmRun, accounts: Clean<"account">[]): Promise<void> {
  if (accounts.length === 0) return;
  const refs = accounts.map((a) => ({ o: a.objectType, e: a.externalId }));
  const unlinked = accounts.filter((a, i) => !liveLink(run, refs[i]!));
  const byId = new Map<string, string>();
  const byDomain = new Map<string, string[]>();
  if (unlinked.length > 0) {
    const domains = [...new Set(unlinked.flatMap((a) => (a.fields.domain ? [a.fields.domain] : [])))];
    const rows = await run.tx.$queryRaw<{ how: "id" | "domain"; id: string; key: string }[]>`
      ${byProviderIdSql(
        run,
        ACCOUNT,
        unlinked.map((a) => a.externalId),
      )}
      UNION ALL
      SELECT 'domain', t.id, ${normalizedDomainSql} FROM accounts t
      WHERE t."userId" = ${run.context.userId} AND t.domain IS NOT NULL AND ${normalizedDomainSql} IN ${inSet(domains)}
        AND ${unlinkedSql(run, ACCOUNT)}`;
    for (const row of rows) {
      if (row.how === "id") byId.set(row.key, row.id);
      else byDomain.set(row.key, [...(byDomain.get(row.key) ?? []), row.id]);
    }
  }
  const claimed = new Set<string>();
  const matched = accounts.map((a, i) => {
    const link = liveLink(run, refs[i]!);
    if (link) return link.recordId!;
    const sameId = byId.get(a.externalId);
    if (sameId && !claimed.has(sameId)) return sameId;
    // One unambiguous match only: two accounts at the domain and the sync cannot tell which.
    const candidates = a.fields.domain ? (byDomain.get(a.fields.domain) ?? []) : [];
    if (candidates.length === 1 && !claimed.has(candidates[0]!)) return candidates[0]!;
    return null;
  });
  for (const id of matched) if (id) claimed.add(id);
  const current = await readRows(
    run,
    ACCOUNT,
    matched.flatMap((id) => (id ? [id] : [])),
  );
  const planned = accounts.map((a, i) => {
    const ref = refs[i]!;
    const link = run.links.get(linkKey(ref.o, ref.e));
    const row = matched[i] ? current.get(matched[i]) : undefined;
    const plan: Plan = {
      ref,
      modifiedAt: a.modifiedAt,
      link,
      current: row,
      id: row?.id ?? run.newId(),
      mode: "create",
    };
    plan.mode = modeOf(run, link, row);
    const prev = plan.mode === "linked" || plan.mode === "secondary" ? (link?.remote ?? null) : null;
    const next: Values = { ...a.fields };
    return { plan, write: mergeFields(plan.mode, row, prev?.f ?? null, next), remote: { f: next, r: {} } };
  });
  await apply(run, ACCOUNT, planned);
}

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

export async function writeProspects(run: CrmRun, people: Clean<"prospect">[]): Promise<void> {
  if (people.length === 0) return;
  const { tx, context } = run;
  const refs = people.map((p) => ({ o: p.objectType, e: p.externalId }));
  const unlinked = people.filter((p, i) => !liveLink(run, refs[i]!));
  const byId = new Map<string, string>();
  const byEmail = new Map<string, string[]>();
  const byDomain = new Map<string, string[]>();
  // A person without an account in the CRM (a Lead) goes to the account of their email's domain.
  const domainsOf = (email: string | null) =>
    email && !isFreeMailDomain(domainOf(email)) ? domainAndParents(domainOf(email)) : [];
  const needDomain = people.filter((p) => !p.account && p.fields.email);
  if (unlinked.length > 0 || needDomain.length > 0) {
    const emails = [...new Set(unlinked.flatMap((p) => (p.fields.email ? [p.fields.email] : [])))];
    const domains = [...new Set(needDomain.flatMap((p) => domainsOf(p.fields.email)))];
    const rows = await tx.$queryRaw<{ how: "id" | "email" | "domain"; id: string; key: string }[]>`
      ${byProviderIdSql(
        run,
        PROSPECT,
        unlinked.map((p) => p.externalId),
      )}
      UNION ALL
      SELECT 'email', t.id, lower(t.email) FROM prospects t
      WHERE t."userId" = ${context.userId} AND t.email IS NOT NULL AND lower(t.email) IN ${inSet(emails)}
        AND ${unlinkedSql(run, PROSPECT)}
      UNION ALL
      SELECT 'domain', t.id, ${normalizedDomainSql} FROM accounts t
      WHERE t."userId" = ${context.userId} AND t.domain IS NOT NULL AND ${normalizedDomainSql} IN ${inSet(domains)}`;
    for (const row of rows) {
      const map = row.how === "id" ? null : row.how === "email" ? byEmail : byDomain;
      if (!map) byId.set(row.key, row.id);
      else map.set(row.key, [...(map.get(row.key) ?? []), row.id]);
    }
  }
  const accountByEmailDomain = (email: string | null) => {
    // The most specific domain with exactly one account.
    for (const domain of domainsOf(email)) {
      const found = byDomain.get(domain) ?? [];
      if (found.length === 1) return found[0]!;
      if (found.length > 1) return null;
    }
    return null;
  };
  const claimed = new Set<string>();
  const matched = people.map((p, i) => {
    const link = liveLink(run, refs[i]!);
    if (link) return link.recordId!;
    const sameId = byId.get(p.externalId);
    if (sameId && !claimed.has(sameId)) return sameId;
    const candidates = p.fields.email ? (byEmail.get(p.fields.email) ?? []) : [];
    if (candidates.length === 1 && !claimed.has(candidates[0]!)) return candidates[0]!;
    return null;
  });
  for (const id of matched) if (id) claimed.add(id);
  const current = await readRows(
    run,
    PROSPECT,
    matched.flatMap((id) => (id ? [id] : [])),
  );
  const planned = people.map((p, i) => {
    const ref = refs[i]!;
    const link = run.links.get(linkKey(ref.o, ref.e));
    const row = matched[i] ? current.get(matched[i]) : undefined;
    const plan: Plan = {
      ref,
      modifiedAt: p.modifiedAt,
      link,
      current: row,
      id: row?.id ?? run.newId(),
      mode: "create",
    };
    plan.mode = modeOf(run, link, row);
    const prev = plan.mode === "linked" || plan.mode === "secondary" ? (link?.remote ?? null) : null;
    const next: Values = { ...p.fields };
    const write = mergeFields(plan.mode, row, prev?.f ?? null, next);
    // A name Gmail or Calendar guessed from a display name, never edited since, gives way to the CRM's.
    if (plan.mode === "first" && row && (row.source === "gmail" || row.source === "gcal") && row.pristine) {
      if (row.firstName !== next.firstName) write.firstName = next.firstName!;
      if (row.lastName !== next.lastName) write.lastName = next.lastName!;
    }
    const accountRef = storedRef(p.account);
    const resolved = accountRef ? resolveRef(run, accountRef) : accountByEmailDomain(p.fields.email);
    const account = mergeRef(plan.mode, row, "accountId", prev, "account", accountRef, resolved);
    if (account.value !== undefined && (plan.mode === "create" || account.value !== row?.accountId))
      write.accountId = account.value;
    const remote: Remote = { f: next, r: { account: accountRef }, p: account.pending ? ["account"] : [] };
    return { plan, write, remote };
  });
  await apply(run, PROSPECT, planned);
}

// ---------------------------------------------------------------------------------------------
// Deals
// ---------------------------------------------------------------------------------------------

export async function writeDeals(run: CrmRun, deals: Clean<"deal">[]): Promise<void> {
  if (deals.length === 0) return;
  const { tx, context } = run;
  const refs = deals.map((d) => ({ o: d.objectType, e: d.externalId }));
  const unlinked = deals.filter((d, i) => !liveLink(run, refs[i]!));
  const byId = new Map<string, string>();
  const byCrmId = new Map<string, string>();
  if (unlinked.length > 0) {
    const crmIds = [...new Set(unlinked.flatMap((d) => (d.crmId ? [d.crmId] : [])))];
    // Deals match by Salesforce id only: this provider's id, or the Salesforce deal an engagement
    // tool says it mirrors (its live link). Never by name.
    const rows = await tx.$queryRaw<{ how: "id" | "crm"; id: string; key: string }[]>`
      ${byProviderIdSql(
        run,
        DEAL,
        unlinked.map((d) => d.externalId),
      )}
      UNION ALL
      SELECT 'crm', l."recordId", l."externalId" FROM ${keys(crmIds)},
        LATERAL (SELECT "recordId", "externalId" FROM synced_records
                 WHERE "userId" = ${context.userId} AND source = ${PRIMARY}::"RecordSource" AND "objectType" = 'Opportunity'
                   AND "externalId" = k.v AND "deletedAt" IS NULL AND "recordId" IS NOT NULL OFFSET 0) l
      UNION ALL
      SELECT 'crm', t.id, t."externalId" FROM ${keys(crmIds)},
        LATERAL (SELECT id, "externalId" FROM opportunities
                 WHERE "userId" = ${context.userId} AND source = ${PRIMARY}::"RecordSource" AND "externalId" = k.v OFFSET 0) t`;
    for (const row of rows) {
      if (row.how === "id") byId.set(row.key, row.id);
      else if (!byCrmId.has(row.key)) byCrmId.set(row.key, row.id);
    }
  }
  const claimed = new Set<string>();
  const matched = deals.map((d, i) => {
    const link = liveLink(run, refs[i]!);
    if (link) return link.recordId!;
    const sameId = byId.get(d.externalId) ?? (d.crmId ? byCrmId.get(d.crmId) : undefined);
    return sameId && !claimed.has(sameId) ? sameId : null;
  });
  for (const id of matched) if (id) claimed.add(id);
  const current = await readRows(
    run,
    DEAL,
    matched.flatMap((id) => (id ? [id] : [])),
  );
  const planned = deals.map((d, i) => {
    const ref = refs[i]!;
    const link = run.links.get(linkKey(ref.o, ref.e));
    const row = matched[i] ? current.get(matched[i]) : undefined;
    const plan: Plan = {
      ref,
      modifiedAt: d.modifiedAt,
      link,
      current: row,
      id: row?.id ?? run.newId(),
      mode: "create",
    };
    plan.mode = modeOf(run, link, row);
    const prev = plan.mode === "linked" || plan.mode === "secondary" ? (link?.remote ?? null) : null;
    const fields: Values = { ...d.fields };
    const write = mergeFields(plan.mode, row, prev?.f ?? null, fields);
    // The stage is one field of three columns. It follows the CRM when the CRM changed it, and on a
    // first link when the deal has no CRM stage yet (a deal matched by its Salesforce id is that deal;
    // the CRM is its system of record). An unmapped stage keeps our stage and shows the CRM's label.
    const stageNow: Values = { label: d.stage.label, mapped: d.stage.mapped };
    const prevStage = (prev?.f.stage as Values | undefined) ?? null;
    const stageApplies =
      plan.mode === "create" ||
      (plan.mode === "first" && row?.crmStage === null) ||
      (plan.mode === "linked" && !sameJson(prevStage, stageNow)) ||
      (plan.mode === "secondary" && row?.crmStage === null && !sameJson(prevStage, stageNow));
    if (stageApplies) {
      const stage: OpportunityStage = d.stage.mapped ?? (row?.stage as OpportunityStage | undefined) ?? "prospecting";
      if (plan.mode === "create" || row?.stage !== stage) write.stage = stage;
      if (plan.mode === "create" || row?.crmStage !== d.stage.label) write.crmStage = d.stage.label;
      if (plan.mode === "create" || row?.crmStageUnmapped !== (d.stage.mapped === null))
        write.crmStageUnmapped = d.stage.mapped === null;
    }
    const accountRef = storedRef(d.account);
    const account = mergeRef(plan.mode, row, "accountId", prev, "account", accountRef, resolveRef(run, accountRef));
    if (account.value !== undefined && (plan.mode === "create" || account.value !== row?.accountId))
      write.accountId = account.value;
    const remote: Remote = {
      f: { ...fields, stage: stageNow, crmId: d.crmId ?? null },
      r: { account: accountRef },
      p: account.pending ? ["account"] : [],
    };
    return { plan, write, remote };
  });
  await apply(run, DEAL, planned);
}

/** The record types whose rows a pending reference can name, and the column it fills. */
export const REF_COLUMNS: Partial<Record<RecordType, Record<string, { table: string; column: string }>>> = {
  prospect: { account: { table: "prospects", column: "accountId" } },
  opportunity: { account: { table: "opportunities", column: "accountId" } },
  activity: {
    account: { table: "activities", column: "accountId" },
    person: { table: "activities", column: "prospectId" },
    deal: { table: "activities", column: "opportunityId" },
  },
  meeting: {
    account: { table: "meetings", column: "accountId" },
    deal: { table: "meetings", column: "opportunityId" },
  },
};

// What happened on CRM records, into the workspace's own rows (ADR 021): stage history, people on
// deals, tasks and calls, CRM meetings, sequence states. These rows belong to the sync (the user does
// not edit them), so they follow the provider: upserted on (source, externalId), rewritten only when
// what they say changed. A change whose required reference (the deal, the person) does not resolve
// yet is kept whole in its link and applied when the reference arrives.
import { maxLengths } from "../../crm/limits";
import { stageLabels } from "../../crm/stage-labels";
import type { OpportunityStage } from "../../db/generated/client";
import { truncateLine } from "../../utils/text";
import type { Clean } from "./crm-clean";
import { linkKey, resolveRef, setLink, storedRef, type CrmRun, type Json, type Remote } from "./crm-links";
import { keys, oneOf } from "./resolve";
import { personLabel } from "./people";

const SUMMARY_MAX = 300;
const summary = (text: string) => truncateLine(text, Math.min(SUMMARY_MAX, maxLengths.activitySummary));

/** The provider's name in words, for summaries. */
function providerName(source: string): string {
  return source === "salesforce" ? "Salesforce" : source === "outreach" ? "Outreach" : source;
}

/** The key of a row this sync owns in a table shared by several object types (activities). */
export const ownKey = (objectType: string, externalId: string) => `${objectType}/${externalId}`;

/** A change kept whole in its link until its required references resolve. */
function keepPending(
  run: CrmRun,
  change: { objectType: string; externalId: string },
  missing: string[],
  recordType: Parameters<typeof setLink>[2]["recordType"],
) {
  const link = run.links.get(linkKey(change.objectType, change.externalId));
  setLink(
    run,
    { o: change.objectType, e: change.externalId },
    {
      recordType,
      recordId: link?.recordId ?? null,
      createdBySync: link?.createdBySync ?? true,
      remote: { f: { change: JSON.parse(JSON.stringify(change)) as Json }, r: {}, p: missing },
      remoteModifiedAt: "modifiedAt" in change ? (change.modifiedAt as Date) : null,
      deletedAt: null,
    },
  );
}

type ActivityRow = {
  id: string;
  type: string;
  at: Date;
  accountId: string | null;
  prospectId: string | null;
  opportunityId: string | null;
  conversationId: string | null;
  meetingId: string | null;
  summary: string;
  externalId: string;
};

/** Timeline entries keyed on (source, externalId): inserted, or rewritten when what they say changed. */
async function writeActivities(run: CrmRun, rows: ActivityRow[]): Promise<{ id: string; inserted: boolean }[]> {
  if (rows.length === 0) return [];
  const { tx, context } = run;
  return tx.$queryRaw<{ id: string; inserted: boolean }[]>`
    INSERT INTO activities (id, "userId", type, at, "accountId", "prospectId", "opportunityId", "conversationId", "meetingId",
                            summary, source, "externalId", "createdAt", "updatedAt")
    SELECT x.id, ${context.userId}, x.type::"ActivityType", x.at, x."accountId", x."prospectId", x."opportunityId",
           x."conversationId", x."meetingId", x.summary, ${context.source}::"RecordSource", x."externalId", ${context.now}, ${context.now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, type text, at timestamptz, "accountId" text,
         "prospectId" text, "opportunityId" text, "conversationId" text, "meetingId" text, summary text, "externalId" text)
    ON CONFLICT ("userId", source, "externalId") DO UPDATE
    SET type = EXCLUDED.type, at = EXCLUDED.at, "accountId" = EXCLUDED."accountId", "prospectId" = EXCLUDED."prospectId",
        "opportunityId" = EXCLUDED."opportunityId", "conversationId" = EXCLUDED."conversationId",
        "meetingId" = EXCLUDED."meetingId", summary = EXCLUDED.summary, "updatedAt" = EXCLUDED."updatedAt"
    WHERE (activities.type, activities.at, activities."accountId", activities."prospectId", activities."opportunityId",
           activities."conversationId", activities."meetingId", activities.summary)
          IS DISTINCT FROM
          (EXCLUDED.type, EXCLUDED.at, EXCLUDED."accountId", EXCLUDED."prospectId", EXCLUDED."opportunityId",
           EXCLUDED."conversationId", EXCLUDED."meetingId", EXCLUDED.summary)
    RETURNING id, (xmax = 0) AS inserted`;
}

type DealInfo = { id: string; name: string; accountId: string | null };
type PersonInfo = { id: string; firstName: string; lastName: string; email: string | null; accountId: string | null };

async function dealsById(run: CrmRun, ids: Iterable<string>): Promise<Map<string, DealInfo>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const rows = await run.tx.$queryRaw<DealInfo[]>`
    SELECT id, name, "accountId" FROM opportunities WHERE "userId" = ${run.context.userId} AND id = ${oneOf(list)}`;
  return new Map(rows.map((r) => [r.id, r]));
}

/** People by id, and by lower-case email (for activities that name a person only by address). */
async function people(run: CrmRun, ids: Iterable<string>, emails: Iterable<string>) {
  const idList = [...new Set(ids)];
  const emailList = [...new Set(emails)];
  const byId = new Map<string, PersonInfo>();
  const byEmail = new Map<string, PersonInfo>();
  if (idList.length === 0 && emailList.length === 0) return { byId, byEmail };
  const rows = await run.tx.$queryRaw<(PersonInfo & { how: string })[]>`
    SELECT 'id' AS how, id, "firstName", "lastName", lower(email) AS email, "accountId", "createdAt" FROM prospects
    WHERE "userId" = ${run.context.userId} AND id = ${oneOf(idList)}
    UNION ALL
    SELECT 'email', id, "firstName", "lastName", lower(email), "accountId", "createdAt" FROM prospects
    -- Only when there are emails to match (no index covers lower(email): the branch scans the
    -- user's people), and then as a hashed set rather than = ANY(array) compared row by row.
    WHERE ${emailList.length > 0} AND "userId" = ${run.context.userId} AND email IS NOT NULL
      AND lower(email) IN (SELECT jsonb_array_elements_text(${JSON.stringify(emailList)}::jsonb))
    ORDER BY 1, 7, 2`;
  for (const row of rows) {
    if (row.how === "id") byId.set(row.id, row);
    else if (row.email && !byEmail.has(row.email)) byEmail.set(row.email, row);
  }
  return { byId, byEmail };
}

const fullName = (p: PersonInfo) => personLabel(`${p.firstName} ${p.lastName}`.trim(), p.email ?? "");

// ---------------------------------------------------------------------------------------------
// Stage history
// ---------------------------------------------------------------------------------------------

/**
 * Entries of a deal's stage history. `stage` is our stage for the CRM's; an entry whose CRM stage is
 * unmapped keeps the stage the deal had before it (so the history never claims a stage it did not
 * have) and names the CRM's label in `crmStage`. `fromStage` is the stage of the entry before.
 */
export async function writeStageChanges(run: CrmRun, changes: Clean<"stage_change">[]): Promise<void> {
  if (changes.length === 0) return;
  const { tx, context, stats } = run;
  const ready: (Clean<"stage_change"> & { dealId: string })[] = [];
  for (const c of changes) {
    const dealId = resolveRef(run, storedRef(c.deal));
    if (dealId) ready.push({ ...c, dealId });
    else keepPending(run, c, ["deal"], "stage_change");
  }
  if (ready.length === 0) return;
  const dealIds = [...new Set(ready.map((c) => c.dealId))];
  // The deals' whole stored history (a deal has a handful of entries), to order the page's among them.
  const stored = await tx.$queryRaw<
    {
      id: string;
      opportunityId: string;
      stage: OpportunityStage;
      fromStage: OpportunityStage | null;
      at: Date;
      crmStage: string | null;
      source: string;
      externalId: string | null;
      mapped: string | null;
    }[]
  >`
    SELECT c.id, c."opportunityId", c.stage::text AS stage, c."fromStage"::text AS "fromStage", c.at, c."crmStage",
           c.source::text AS source, c."externalId", l.remote->'f'->>'mapped' AS mapped
    FROM opportunity_stage_changes c
    LEFT JOIN synced_records l ON l."userId" = c."userId" AND l."recordType" = 'stage_change' AND l."recordId" = c.id
    WHERE c."userId" = ${context.userId} AND c."opportunityId" = ${oneOf(dealIds)}`;
  const deals = await dealsById(run, dealIds);
  type Entry = {
    id: string;
    dealId: string;
    at: Date;
    mapped: OpportunityStage | null;
    label: string | null;
    ownKey: string | null;
    stored?: { stage: OpportunityStage; fromStage: OpportunityStage | null; crmStage: string | null; at: Date };
    change?: Clean<"stage_change">;
  };
  const entries = new Map<string, Entry>();
  for (const s of stored) {
    const mine = s.source === context.source && s.externalId !== null;
    const key = mine ? `own:${s.externalId}` : `row:${s.id}`;
    entries.set(key, {
      id: s.id,
      dealId: s.opportunityId,
      at: new Date(s.at),
      // A manual entry (or one without a link) is what it says; a synced one maps as it did.
      mapped: mine && s.mapped === null && s.crmStage !== null ? null : s.stage,
      label: s.crmStage,
      ownKey: mine ? s.externalId : null,
      stored: { stage: s.stage, fromStage: s.fromStage, crmStage: s.crmStage, at: new Date(s.at) },
    });
  }
  for (const c of ready) {
    const key = `own:${c.externalId}`;
    const before = entries.get(key);
    entries.set(key, {
      id: before?.id ?? run.newId(),
      dealId: c.dealId,
      at: c.at,
      mapped: c.stage.mapped,
      label: c.stage.label,
      ownKey: c.externalId,
      stored: before?.stored,
      change: c,
    });
  }
  const byDeal = new Map<string, Entry[]>();
  for (const e of entries.values()) byDeal.set(e.dealId, [...(byDeal.get(e.dealId) ?? []), e]);
  const rows: Record<string, unknown>[] = [];
  const activities: ActivityRow[] = [];
  for (const list of byDeal.values()) {
    list.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.ownKey ?? a.id).localeCompare(b.ownKey ?? b.id));
    let previous: OpportunityStage | null = null;
    for (const e of list) {
      const stage: OpportunityStage = e.mapped ?? previous ?? "prospecting";
      const fromStage = previous;
      previous = stage;
      if (e.ownKey === null) continue; // not ours to rewrite
      const same =
        e.stored &&
        e.stored.stage === stage &&
        e.stored.fromStage === fromStage &&
        e.stored.crmStage === e.label &&
        e.stored.at.getTime() === e.at.getTime();
      if (!same)
        rows.push({
          id: e.id,
          opportunityId: e.dealId,
          fromStage,
          stage,
          at: e.at,
          crmStage: e.label,
          externalId: e.ownKey,
        });
      if (e.change) {
        const deal = deals.get(e.dealId);
        // Our stages in lower case, as the workspace's own stage entries read; a CRM stage that maps
        // to none of ours as the CRM names it.
        const label = e.mapped ? stageLabels[e.mapped].toLowerCase() : (e.label ?? stageLabels[stage].toLowerCase());
        activities.push({
          id: run.newId(),
          type: "stage_changed",
          at: e.at,
          accountId: deal?.accountId ?? null,
          prospectId: null,
          opportunityId: e.dealId,
          conversationId: null,
          meetingId: null,
          summary: summary(
            `Stage ${fromStage ? "changed" : "set"} to ${label} on ${deal?.name ?? "a deal"} (${providerName(context.source)}).`,
          ),
          externalId: ownKey(e.change.objectType, e.change.externalId),
        });
        setLink(
          run,
          { o: e.change.objectType, e: e.change.externalId },
          {
            recordType: "stage_change",
            recordId: e.id,
            createdBySync: true,
            remote: { f: { label: e.label, mapped: e.mapped }, r: { deal: storedRef(e.change.deal) } },
            remoteModifiedAt: e.at,
            deletedAt: null,
          },
        );
      }
    }
  }
  if (rows.length > 0) {
    const written = await tx.$queryRaw<{ inserted: boolean }[]>`
      INSERT INTO opportunity_stage_changes (id, "userId", "opportunityId", "fromStage", stage, at, "crmStage", source, "externalId")
      SELECT x.id, ${context.userId}, x."opportunityId", x."fromStage"::"OpportunityStage", x.stage::"OpportunityStage", x.at,
             x."crmStage", ${context.source}::"RecordSource", x."externalId"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, "opportunityId" text, "fromStage" text, stage text,
           at timestamptz, "crmStage" text, "externalId" text)
      ON CONFLICT ("userId", source, "externalId") DO UPDATE
      SET "opportunityId" = EXCLUDED."opportunityId", "fromStage" = EXCLUDED."fromStage", stage = EXCLUDED.stage,
          at = EXCLUDED.at, "crmStage" = EXCLUDED."crmStage"
      RETURNING (xmax = 0) AS inserted`;
    for (const row of written) {
      if (row.inserted) stats.created += 1;
      else stats.updated += 1;
    }
  }
  await writeActivities(run, activities);
}

// ---------------------------------------------------------------------------------------------
// People on deals
// ---------------------------------------------------------------------------------------------

export async function writeDealContacts(run: CrmRun, contacts: Clean<"deal_contact">[]): Promise<void> {
  if (contacts.length === 0) return;
  const { tx, context, stats } = run;
  const ready: { c: Clean<"deal_contact">; dealId: string; personId: string }[] = [];
  for (const c of contacts) {
    const dealId = resolveRef(run, storedRef(c.deal));
    const personId = resolveRef(run, storedRef(c.person));
    if (dealId && personId) ready.push({ c, dealId, personId });
    else keepPending(run, c, [...(dealId ? [] : ["deal"]), ...(personId ? [] : ["person"])], "deal_contact");
  }
  if (ready.length === 0) return;
  // A person is on a deal once: the pair may exist already (the seller added them by hand).
  const pairs = JSON.stringify(ready.map((r) => ({ o: r.dealId, p: r.personId })));
  const existing = await tx.$queryRaw<
    {
      id: string;
      opportunityId: string;
      prospectId: string;
      role: string | null;
      isPrimary: boolean;
      source: string;
      externalId: string | null;
    }[]
  >`
    SELECT c.id, c."opportunityId", c."prospectId", c.role, c."isPrimary", c.source::text AS source, c."externalId"
    FROM jsonb_to_recordset(${pairs}::jsonb) AS k(o text, p text),
      LATERAL (SELECT * FROM opportunity_contacts WHERE "opportunityId" = k.o AND "prospectId" = k.p AND "userId" = ${context.userId} OFFSET 0) c`;
  const byPair = new Map(existing.map((e) => [`${e.opportunityId}\u0001${e.prospectId}`, e]));
  const inserts: Record<string, unknown>[] = [];
  const updates: { id: string; role: string | null; isPrimary: boolean }[] = [];
  for (const { c, dealId, personId } of ready) {
    const pair = `${dealId}\u0001${personId}`;
    const row = byPair.get(pair);
    let id: string;
    let created = false;
    if (!row) {
      id = run.newId();
      created = true;
      inserts.push({
        id,
        opportunityId: dealId,
        prospectId: personId,
        role: c.role,
        isPrimary: c.isPrimary,
        externalId: c.externalId,
      });
      byPair.set(pair, {
        id,
        opportunityId: dealId,
        prospectId: personId,
        role: c.role,
        isPrimary: c.isPrimary,
        source: context.source,
        externalId: c.externalId,
      });
    } else {
      id = row.id;
      const ours = row.source === context.source;
      // The seller's own entry keeps what they typed; the CRM fills a role they left empty.
      const role = ours ? c.role : (row.role ?? c.role);
      const isPrimary = ours ? c.isPrimary : row.isPrimary || c.isPrimary;
      if (role !== row.role || isPrimary !== row.isPrimary) {
        updates.push({ id, role, isPrimary });
        row.role = role;
        row.isPrimary = isPrimary;
      }
    }
    const link = run.links.get(linkKey(c.objectType, c.externalId));
    setLink(
      run,
      { o: c.objectType, e: c.externalId },
      {
        recordType: "deal_contact",
        recordId: id,
        createdBySync: created || (link?.recordId === id && link.createdBySync),
        remote: {
          f: { role: c.role, isPrimary: c.isPrimary },
          r: { deal: storedRef(c.deal), person: storedRef(c.person) },
        },
        remoteModifiedAt: c.modifiedAt,
        deletedAt: null,
      },
    );
  }
  if (inserts.length > 0) {
    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO opportunity_contacts (id, "userId", "opportunityId", "prospectId", role, "isPrimary", source, "externalId", "createdAt", "updatedAt")
      SELECT x.id, ${context.userId}, x."opportunityId", x."prospectId", x.role, x."isPrimary", ${context.source}::"RecordSource",
             x."externalId", ${context.now}, ${context.now}
      FROM jsonb_to_recordset(${JSON.stringify(inserts)}::jsonb) AS x(id text, "opportunityId" text, "prospectId" text, role text,
           "isPrimary" boolean, "externalId" text)
      ON CONFLICT DO NOTHING
      RETURNING id`;
    stats.created += inserted.length;
  }
  if (updates.length > 0)
    stats.updated += await tx.$executeRaw`
      UPDATE opportunity_contacts c SET role = x.role, "isPrimary" = x."isPrimary", "updatedAt" = ${context.now}
      FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS x(id text, role text, "isPrimary" boolean)
      WHERE c.id = x.id AND c."userId" = ${context.userId}`;
}

// ---------------------------------------------------------------------------------------------
// Tasks and calls
// ---------------------------------------------------------------------------------------------

/**
 * A completed task or a logged call → a timeline entry on the person, account and deal. A call is
 * also a conversation on the call channel whose one message is the call's note, so search and the
 * brain read it like mail. References that do not resolve yet are left empty and kept pending.
 */
export async function writeCrmActivities(run: CrmRun, items: Clean<"activity">[]): Promise<void> {
  if (items.length === 0) return;
  const { tx, context, stats } = run;
  const personIds = items.flatMap((a) => resolveRef(run, storedRef(a.person)) ?? []);
  const dealIds = items.flatMap((a) => resolveRef(run, storedRef(a.deal)) ?? []);
  const emails = items.flatMap((a) => (!a.person && a.personEmail ? [a.personEmail] : []));
  const [who, deals] = [await people(run, personIds, emails), await dealsById(run, dealIds)];
  const activities: ActivityRow[] = [];
  const calls: {
    id: string;
    conversation: Record<string, unknown>;
    message: Record<string, unknown>;
    prospectId: string | null;
  }[] = [];
  for (const a of items) {
    const personRef = storedRef(a.person);
    const byRef = resolveRef(run, personRef);
    const person = byRef ? who.byId.get(byRef) : a.personEmail ? who.byEmail.get(a.personEmail) : undefined;
    const dealId = resolveRef(run, storedRef(a.deal));
    const deal = dealId ? deals.get(dealId) : undefined;
    const accountId = resolveRef(run, storedRef(a.account)) ?? person?.accountId ?? deal?.accountId ?? null;
    const pending = [
      ...(a.person && !byRef ? ["person"] : []),
      ...(a.account && !resolveRef(run, storedRef(a.account)) ? ["account"] : []),
      ...(a.deal && !dealId ? ["deal"] : []),
    ];
    const key = ownKey(a.objectType, a.externalId);
    const name = person ? fullName(person) : (a.personEmail ?? null);
    let conversationId: string | null = null;
    let text: string;
    if (a.type === "call_logged") {
      // Outreach often names a call by its outcome ("Answered"): say it once.
      const outcome =
        a.call?.outcome && !a.subject.toLowerCase().includes(a.call.outcome.toLowerCase())
          ? ` (${a.call.outcome})`
          : "";
      const direction = a.call?.direction === "inbound" ? "Call from" : "Call with";
      text = name ? `${direction} ${name}: ${a.subject}${outcome}` : `Call: ${a.subject}${outcome}`;
      conversationId = run.newId();
      const self = context.ownEmails[0] ?? "";
      const other = person?.email ?? a.personEmail ?? "";
      calls.push({
        id: conversationId,
        prospectId: person?.id ?? null,
        conversation: {
          id: conversationId,
          accountId,
          opportunityId: dealId,
          subject: a.subject,
          lastMessageAt: a.occurredAt,
          externalId: key,
        },
        message: {
          id: run.newId(),
          fromEmail: (a.call?.direction === "inbound" ? other : self) || self || other,
          toEmails: [(a.call?.direction === "inbound" ? self : other) || other].filter(Boolean),
          sentAt: a.occurredAt,
          body: a.body ?? a.subject,
          externalId: key,
        },
      });
    } else if (a.type === "task_completed") text = `Task done: ${a.subject}`;
    else text = `${a.type === "email_sent" ? "Email to" : "Email from"} ${name ?? "someone"}: ${a.subject}`;
    activities.push({
      id: run.newId(),
      type: a.type,
      at: a.occurredAt,
      accountId,
      prospectId: person?.id ?? null,
      opportunityId: dealId,
      conversationId,
      meetingId: null,
      summary: summary(text),
      externalId: key,
    });
    setLink(
      run,
      { o: a.objectType, e: a.externalId },
      {
        recordType: "activity",
        recordId: null, // set below, from the row the upsert kept
        createdBySync: true,
        remote: { f: {}, r: { person: personRef, account: storedRef(a.account), deal: storedRef(a.deal) }, p: pending },
        remoteModifiedAt: a.modifiedAt,
        deletedAt: null,
      },
    );
  }
  // Calls' conversations first (the activity names them); an existing one keeps its id.
  const conversationIds = new Map<string, string>();
  if (calls.length > 0) {
    const rows = await tx.$queryRaw<{ id: string; externalId: string; inserted: boolean }[]>`
      INSERT INTO conversations (id, "userId", "accountId", "opportunityId", channel, subject, "lastMessageAt", source, "externalId", "createdAt", "updatedAt")
      SELECT x.id, ${context.userId}, x."accountId", x."opportunityId", 'call'::"ConversationChannel", x.subject, x."lastMessageAt",
             ${context.source}::"RecordSource", x."externalId", ${context.now}, ${context.now}
      FROM jsonb_to_recordset(${JSON.stringify(calls.map((c) => c.conversation))}::jsonb)
        AS x(id text, "accountId" text, "opportunityId" text, subject text, "lastMessageAt" timestamptz, "externalId" text)
      ON CONFLICT ("userId", source, "externalId") DO UPDATE
      SET "accountId" = COALESCE(conversations."accountId", EXCLUDED."accountId"),
          "opportunityId" = COALESCE(conversations."opportunityId", EXCLUDED."opportunityId"),
          "lastMessageAt" = EXCLUDED."lastMessageAt", "updatedAt" = EXCLUDED."updatedAt"
      RETURNING id, "externalId", (xmax = 0) AS inserted`;
    for (const row of rows) conversationIds.set(row.externalId, row.id);
    const fresh = new Set(rows.filter((r) => r.inserted).map((r) => r.id));
    const participants = calls.flatMap((c) => {
      const id = conversationIds.get(c.conversation.externalId as string)!;
      if (!fresh.has(id)) return [];
      return c.prospectId ? [{ id: run.newId(), conversationId: id, prospectId: c.prospectId, email: null }] : [];
    });
    const messages = calls.map((c) => ({
      ...c.message,
      conversationId: conversationIds.get(c.conversation.externalId as string)!,
    }));
    await tx.$executeRaw`
      WITH participants_written AS (
        INSERT INTO conversation_participants (id, "userId", "conversationId", "prospectId", email)
        SELECT x.id, ${context.userId}, x."conversationId", x."prospectId", x.email
        FROM jsonb_to_recordset(${JSON.stringify(participants)}::jsonb) AS x(id text, "conversationId" text, "prospectId" text, email text))
      INSERT INTO messages (id, "userId", "conversationId", "fromEmail", "toEmails", "sentAt", body, source, "externalId", "createdAt", "updatedAt")
      SELECT x.id, ${context.userId}, x."conversationId", x."fromEmail", x."toEmails", x."sentAt", x.body,
             ${context.source}::"RecordSource", x."externalId", ${context.now}, ${context.now}
      FROM jsonb_to_recordset(${JSON.stringify(messages)}::jsonb)
        AS x(id text, "conversationId" text, "fromEmail" text, "toEmails" text[], "sentAt" timestamptz, body text, "externalId" text)
      ON CONFLICT ("userId", source, "externalId") DO UPDATE
      SET "fromEmail" = EXCLUDED."fromEmail", "toEmails" = EXCLUDED."toEmails", "sentAt" = EXCLUDED."sentAt", body = EXCLUDED.body,
          "updatedAt" = EXCLUDED."updatedAt"
      WHERE (messages."fromEmail", messages."toEmails", messages."sentAt", messages.body)
            IS DISTINCT FROM (EXCLUDED."fromEmail", EXCLUDED."toEmails", EXCLUDED."sentAt", EXCLUDED.body)`;
  }
  for (const row of activities)
    if (row.conversationId) row.conversationId = conversationIds.get(row.externalId) ?? null;
  const written = await writeActivities(run, activities);
  for (const row of written) {
    if (row.inserted) stats.created += 1;
    else stats.updated += 1;
  }
  // The links name the timeline entry; one already stored (and unchanged) is found by its key.
  const writtenIds = new Set(written.map((w) => w.id));
  const ids = new Map<string, string>();
  for (const row of activities) if (writtenIds.has(row.id)) ids.set(row.externalId, row.id);
  const missing = activities.filter((a) => !writtenIds.has(a.id)).map((a) => a.externalId);
  if (missing.length > 0) {
    const found = await tx.$queryRaw<{ id: string; externalId: string }[]>`
      SELECT a.id, a."externalId" FROM ${keys(missing)},
        LATERAL (SELECT id, "externalId" FROM activities
                 WHERE "userId" = ${context.userId} AND source = ${context.source}::"RecordSource" AND "externalId" = k.v OFFSET 0) a`;
    for (const f of found) ids.set(f.externalId, f.id);
  }
  for (const a of items) {
    const link = run.links.get(linkKey(a.objectType, a.externalId))!;
    const recordId = ids.get(ownKey(a.objectType, a.externalId)) ?? null;
    setLink(run, { o: a.objectType, e: a.externalId }, { ...link, recordId });
  }
}

// ---------------------------------------------------------------------------------------------
// CRM meetings
// ---------------------------------------------------------------------------------------------

export async function writeCrmMeetings(run: CrmRun, items: Clean<"crm_meeting">[]): Promise<void> {
  if (items.length === 0) return;
  const { tx, context, stats } = run;
  const personIds = items.flatMap((m) => resolveRef(run, storedRef(m.person)) ?? []);
  const dealIds = items.flatMap((m) => resolveRef(run, storedRef(m.deal)) ?? []);
  const [who, deals] = [await people(run, personIds, []), await dealsById(run, dealIds)];
  const rows: Record<string, unknown>[] = [];
  const meta = new Map<
    string,
    {
      personId: string | null;
      accountId: string | null;
      dealId: string | null;
      m: Clean<"crm_meeting">;
      pending: string[];
    }
  >();
  for (const m of items) {
    const personId = resolveRef(run, storedRef(m.person));
    const dealId = resolveRef(run, storedRef(m.deal));
    const accountId =
      resolveRef(run, storedRef(m.account)) ??
      (personId ? who.byId.get(personId)?.accountId : null) ??
      (dealId ? deals.get(dealId)?.accountId : null) ??
      null;
    const pending = [
      ...(m.person && !personId ? ["person"] : []),
      ...(m.account && !resolveRef(run, storedRef(m.account)) ? ["account"] : []),
      ...(m.deal && !dealId ? ["deal"] : []),
    ];
    rows.push({
      id: run.newId(),
      accountId,
      opportunityId: dealId,
      title: m.title,
      startsAt: m.startsAt,
      endsAt: m.endsAt,
      location: m.location,
      externalId: m.externalId,
    });
    meta.set(m.externalId, { personId, accountId, dealId, m, pending });
  }
  // The user may have filed the meeting elsewhere: an account or deal they set stays.
  const written = await tx.$queryRaw<{ id: string; externalId: string; inserted: boolean; changed: boolean }[]>`
    WITH upserted AS (
      INSERT INTO meetings (id, "userId", "accountId", "opportunityId", title, "startsAt", "endsAt", location, source, "externalId", "createdAt", "updatedAt")
      SELECT x.id, ${context.userId}, x."accountId", x."opportunityId", x.title, x."startsAt", x."endsAt", x.location,
             ${context.source}::"RecordSource", x."externalId", ${context.now}, ${context.now}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, "accountId" text, "opportunityId" text, title text,
           "startsAt" timestamptz, "endsAt" timestamptz, location text, "externalId" text)
      ON CONFLICT ("userId", source, "externalId") DO UPDATE
      SET "accountId" = COALESCE(meetings."accountId", EXCLUDED."accountId"),
          "opportunityId" = COALESCE(meetings."opportunityId", EXCLUDED."opportunityId"),
          title = EXCLUDED.title, "startsAt" = EXCLUDED."startsAt", "endsAt" = EXCLUDED."endsAt", location = EXCLUDED.location,
          "updatedAt" = EXCLUDED."updatedAt"
      WHERE (meetings."accountId", meetings."opportunityId", meetings.title, meetings."startsAt", meetings."endsAt", meetings.location)
            IS DISTINCT FROM
            (COALESCE(meetings."accountId", EXCLUDED."accountId"), COALESCE(meetings."opportunityId", EXCLUDED."opportunityId"),
             EXCLUDED.title, EXCLUDED."startsAt", EXCLUDED."endsAt", EXCLUDED.location)
      RETURNING id, "externalId", (xmax = 0) AS inserted, true AS changed)
    SELECT * FROM upserted
    UNION ALL
    SELECT m.id, m."externalId", false, false FROM meetings m
    WHERE m."userId" = ${context.userId} AND m.source = ${context.source}::"RecordSource"
      AND m."externalId" = ${oneOf(items.map((m) => m.externalId))}
      AND m."externalId" NOT IN (SELECT "externalId" FROM upserted)`;
  const attendees: Record<string, unknown>[] = [];
  const activities: ActivityRow[] = [];
  for (const row of written) {
    if (row.inserted) stats.created += 1;
    else if (row.changed) stats.updated += 1;
    const info = meta.get(row.externalId)!;
    if (row.inserted && info.personId)
      attendees.push({ id: run.newId(), meetingId: row.id, prospectId: info.personId });
    activities.push({
      id: run.newId(),
      type: "meeting_held",
      at: info.m.startsAt,
      accountId: info.accountId,
      prospectId: info.personId,
      opportunityId: info.dealId,
      conversationId: null,
      meetingId: row.id,
      summary: summary(`Meeting: ${info.m.title}`),
      externalId: ownKey(info.m.objectType, info.m.externalId),
    });
    setLink(
      run,
      { o: info.m.objectType, e: info.m.externalId },
      {
        recordType: "meeting",
        recordId: row.id,
        createdBySync: true,
        remote: {
          f: {},
          r: { person: storedRef(info.m.person), account: storedRef(info.m.account), deal: storedRef(info.m.deal) },
          p: info.pending,
        },
        remoteModifiedAt: info.m.modifiedAt,
        deletedAt: null,
      },
    );
  }
  if (attendees.length > 0)
    await tx.$executeRaw`
      INSERT INTO meeting_attendees (id, "userId", "meetingId", "prospectId")
      SELECT x.id, ${context.userId}, x."meetingId", x."prospectId"
      FROM jsonb_to_recordset(${JSON.stringify(attendees)}::jsonb) AS x(id text, "meetingId" text, "prospectId" text)`;
  await writeActivities(run, activities);
}

// ---------------------------------------------------------------------------------------------
// Sequence states
// ---------------------------------------------------------------------------------------------

export async function writeSequenceStates(run: CrmRun, items: Clean<"sequence_state">[]): Promise<void> {
  if (items.length === 0) return;
  const { tx, context, stats } = run;
  const rows: Record<string, unknown>[] = [];
  for (const s of items) {
    const personId = resolveRef(run, storedRef(s.person));
    if (!personId) {
      keepPending(run, s, ["person"], "sequence_enrollment");
      continue;
    }
    rows.push({
      id: run.newId(),
      prospectId: personId,
      sequenceName: s.sequenceName,
      step: s.step,
      totalSteps: s.totalSteps,
      state: s.state,
      stateChangedAt: s.modifiedAt,
      externalId: s.externalId,
    });
  }
  if (rows.length === 0) return;
  const written = await tx.$queryRaw<{ id: string; externalId: string; inserted: boolean }[]>`
    WITH upserted AS (
      INSERT INTO sequence_enrollments (id, "userId", "prospectId", "sequenceName", step, "totalSteps", state, "stateChangedAt", source, "externalId", "createdAt", "updatedAt")
      SELECT x.id, ${context.userId}, x."prospectId", x."sequenceName", x.step, x."totalSteps", x.state, x."stateChangedAt",
             ${context.source}::"RecordSource", x."externalId", ${context.now}, ${context.now}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, "prospectId" text, "sequenceName" text, step int,
           "totalSteps" int, state text, "stateChangedAt" timestamptz, "externalId" text)
      ON CONFLICT ("userId", source, "externalId") DO UPDATE
      SET "prospectId" = EXCLUDED."prospectId", "sequenceName" = EXCLUDED."sequenceName", step = EXCLUDED.step,
          "totalSteps" = EXCLUDED."totalSteps", state = EXCLUDED.state, "stateChangedAt" = EXCLUDED."stateChangedAt",
          "updatedAt" = EXCLUDED."updatedAt"
      WHERE (sequence_enrollments."prospectId", sequence_enrollments."sequenceName", sequence_enrollments.step,
             sequence_enrollments."totalSteps", sequence_enrollments.state, sequence_enrollments."stateChangedAt")
            IS DISTINCT FROM
            (EXCLUDED."prospectId", EXCLUDED."sequenceName", EXCLUDED.step, EXCLUDED."totalSteps", EXCLUDED.state, EXCLUDED."stateChangedAt")
      RETURNING id, "externalId", (xmax = 0) AS inserted)
    SELECT id, "externalId", inserted FROM upserted
    UNION ALL
    SELECT e.id, e."externalId", NULL FROM sequence_enrollments e
    WHERE e."userId" = ${context.userId} AND e.source = ${context.source}::"RecordSource"
      AND e."externalId" = ${oneOf(rows.map((r) => r.externalId as string))}
      AND e."externalId" NOT IN (SELECT "externalId" FROM upserted)`;
  const byKey = new Map(written.map((w) => [w.externalId, w.id]));
  for (const row of written) {
    if (row.inserted === true) stats.created += 1;
    else if (row.inserted === false) stats.updated += 1;
  }
  for (const s of items) {
    const id = byKey.get(s.externalId);
    if (!id) continue;
    const remote: Remote = { f: { state: s.state, step: s.step }, r: { person: storedRef(s.person) } };
    setLink(
      run,
      { o: s.objectType, e: s.externalId },
      {
        recordType: "sequence_enrollment",
        recordId: id,
        createdBySync: true,
        remote,
        remoteModifiedAt: s.modifiedAt,
        deletedAt: null,
      },
    );
  }
}

// The records the brain can put in front of Claude, each as a compact line of text with a short
// handle ([A1], [D3]) that answers cite. One renderer per kind, shared by the context pack and the
// tools, so the model sees the same shape whichever way a record reached it.
import type { Queryable } from "../db/client";
import { stageLabels } from "../crm/opportunities";
import { crmSourceOf, linksOf } from "../crm/record-links";
import { sequenceStateWords, sequenceStepWords } from "../crm/stage-labels";
import type { OpportunityStage, RecordSource } from "../db/generated/client";
import { ownValue } from "../utils/own";
import { truncateLine } from "../utils/text";

export const brainRecordTypes = [
  "account",
  "prospect",
  "opportunity",
  "conversation",
  "message",
  "meeting",
  "note",
  "activity",
] as const;
export type BrainRecordType = (typeof brainRecordTypes)[number];

/** Handle prefixes: A account, P person, D deal, C conversation, M message, E event (meeting), N note, T timeline entry. */
export const handlePrefix: Record<BrainRecordType, string> = {
  account: "A",
  prospect: "P",
  opportunity: "D",
  conversation: "C",
  message: "M",
  meeting: "E",
  note: "N",
  activity: "T",
};

export type BrainRecord = {
  type: BrainRecordType;
  id: string;
  /** What a citation chip says. */
  label: string;
  /** Where the chip opens. */
  href: string;
  /** The line the model reads (without the handle). */
  text: string;
};

const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : "none");
const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * An amount in minor units as the model reads it: "USD 1,234.56", "EUR 163,500". Every amount the
 * brain writes goes through here, so a deal's line and the totals computed over it always look alike.
 */
export function moneyText(minor: bigint | number, currency: string): string {
  return `${currency} ${(Number(minor) / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
}

/** Totals per currency, side by side ("GBP 53,000 + USD 434,010.5"): currencies are never added together. */
export function totalsText(totals: { currency: string; minor: bigint | number | null }[]): string {
  return totals.map((t) => moneyText(t.minor ?? 0, t.currency)).join(" + ");
}

const clip = (text: string | null | undefined, max: number) => (text ? truncateLine(text, max) : "");
const roleLabels: Record<string, string> = {
  champion: "champion",
  economic_buyer: "economic buyer",
  technical_evaluator: "technical evaluator",
  blocker: "blocker",
  user: "user",
  other: "other",
};

/** At most this many sequences and deals on a person's line, and people on a deal's. */
const MAX_SEQUENCES = 5;
const MAX_PEOPLE_DEALS = 6;
const MAX_DEAL_PEOPLE = 8;

export async function loadAccounts(db: Queryable, userId: string, ids: string[]): Promise<BrainRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.account.findMany({
    where: { userId, id: { in: ids } },
    select: {
      id: true,
      name: true,
      domain: true,
      industry: true,
      tier: true,
      hqCity: true,
      employeeCount: true,
      description: true,
      ownerNotes: true,
    },
  });
  return order(ids, rows).map((a) => ({
    type: "account",
    id: a.id,
    label: a.name,
    href: `/accounts/${a.id}`,
    text: `Account "${a.name}"${a.domain ? ` (${a.domain})` : ""} · ${[a.industry, a.tier?.replace("_", "-"), a.hqCity, a.employeeCount ? `${a.employeeCount} employees` : null].filter(Boolean).join(" · ")}${a.description ? ` · ${clip(a.description, 300)}` : ""}${a.ownerNotes ? ` · Owner notes: ${clip(a.ownerNotes, 300)}` : ""}`,
  }));
}

export async function loadProspects(db: Queryable, userId: string, ids: string[]): Promise<BrainRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.prospect.findMany({
    where: { userId, id: { in: ids } },
    select: {
      id: true,
      firstName: true,
      lastName: true,
      title: true,
      email: true,
      phone: true,
      role: true,
      status: true,
      account: { select: { name: true } },
      // Where the person stands in the seller's sequences and deals: what "what should I do next" turns on.
      sequences: {
        where: { userId },
        orderBy: [{ stateChangedAt: { sort: "desc", nulls: "last" } }, { id: "asc" }],
        take: MAX_SEQUENCES,
        select: { sequenceName: true, step: true, totalSteps: true, state: true, stateChangedAt: true },
      },
      deals: {
        where: { userId, opportunity: { userId } },
        orderBy: [{ isPrimary: "desc" }, { opportunity: { updatedAt: "desc" } }, { id: "asc" }],
        take: MAX_PEOPLE_DEALS,
        select: { role: true, isPrimary: true, opportunity: { select: { name: true } } },
      },
    },
  });
  return order(ids, rows).map((p) => {
    const name = `${p.firstName} ${p.lastName}`.trim();
    return {
      type: "prospect",
      id: p.id,
      label: name,
      href: `/prospects/${p.id}`,
      text: `Person ${name}${p.title ? `, ${p.title}` : ""}${p.account ? ` at ${p.account.name}` : ""} · role: ${ownValue(roleLabels, p.role) ?? p.role} · status: ${p.status.replace("_", " ")}${p.email ? ` · ${p.email}` : ""}${p.phone ? ` · ${p.phone}` : ""}${sequencesText(p.sequences)}${personDealsText(p.deals)}`,
    };
  });
}

/** ` · sequences: "Q4 Outbound" step 3 of 5, paused (since 2026-11-02); …` */
function sequencesText(
  sequences: {
    sequenceName: string;
    step: number | null;
    totalSteps: number | null;
    state: string;
    stateChangedAt: Date | null;
  }[],
): string {
  if (sequences.length === 0) return "";
  const items = sequences.map((e) => {
    const step = sequenceStepWords(e.step, e.totalSteps);
    return `"${clip(e.sequenceName, 80)}"${step ? ` ${step}` : ""}, ${sequenceStateWords(clip(e.state, 40))}${e.stateChangedAt ? ` (since ${day(e.stateChangedAt)})` : ""}`;
  });
  return ` · sequences: ${items.join("; ")}`;
}

/** ` · on deals: "Acme – Platform" as Decision Maker (primary contact); …` */
function personDealsText(deals: { role: string | null; isPrimary: boolean; opportunity: { name: string } }[]): string {
  if (deals.length === 0) return "";
  const items = deals.map(
    (d) =>
      `"${clip(d.opportunity.name, 120)}"${d.role ? ` as ${clip(d.role, 60)}` : ""}${d.isPrimary ? " (primary contact)" : ""}`,
  );
  return ` · on deals: ${items.join("; ")}`;
}

/**
 * A deal's stage as the model must read it: ours; ours with the CRM's name for it when they differ;
 * or, when the CRM's stage maps onto none of ours, the CRM's label alone, said to be unmapped (the
 * stage column then only holds where the deal was before: stating it would be a guess).
 */
export function dealStageText(deal: {
  stage: OpportunityStage;
  crmStage: string | null;
  crmStageUnmapped: boolean;
  crmSource: RecordSource | null;
}): string {
  const ours = stageLabels[deal.stage];
  const tool = deal.crmSource === "salesforce" ? "Salesforce" : deal.crmSource === "outreach" ? "Outreach" : "the CRM";
  const crm = deal.crmStage?.trim() ? clip(deal.crmStage, 80) : null;
  if (crm === null) return `stage: ${ours}`;
  if (deal.crmStageUnmapped) return `stage: "${crm}" in ${tool} (not mapped to any stage here)`;
  if (crm.toLowerCase() === ours.toLowerCase()) return `stage: ${ours}`;
  return `stage: ${ours} (${tool} calls it "${crm}")`;
}

export async function loadDeals(db: Queryable, userId: string, ids: string[]): Promise<BrainRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.opportunity.findMany({
    where: { userId, id: { in: ids } },
    select: {
      id: true,
      name: true,
      stage: true,
      amount: true,
      currency: true,
      closeDate: true,
      probability: true,
      nextStep: true,
      lossReason: true,
      updatedAt: true,
      source: true,
      crmStage: true,
      crmStageUnmapped: true,
      account: { select: { name: true } },
      contacts: {
        where: { userId, prospect: { userId } },
        orderBy: [{ isPrimary: "desc" }, { prospect: { lastName: "asc" } }, { id: "asc" }],
        take: MAX_DEAL_PEOPLE,
        select: { role: true, isPrimary: true, prospect: { select: { firstName: true, lastName: true } } },
      },
    },
  });
  const links = await linksOf(
    db,
    userId,
    "opportunity",
    rows.filter((o) => o.crmStage !== null).map((o) => o.id),
  );
  return order(ids, rows).map((o) => {
    const stage = dealStageText({ ...o, crmSource: crmSourceOf(o.source, links.get(o.id) ?? []) });
    const people = o.contacts.map(
      (c) =>
        `${`${c.prospect.firstName} ${c.prospect.lastName}`.trim()}${c.role || c.isPrimary ? ` (${[c.role ? clip(c.role, 60) : null, c.isPrimary ? "primary contact" : null].filter(Boolean).join(", ")})` : ""}`,
    );
    return {
      type: "opportunity",
      id: o.id,
      label: o.name,
      href: `/opportunities/${o.id}`,
      text: `Deal "${o.name}"${o.account ? ` with ${o.account.name}` : ""} · ${stage} · ${o.amount === null ? "no amount" : moneyText(o.amount, o.currency)} · close date ${day(o.closeDate)}${o.probability !== null ? ` · ${o.probability}% probability` : ""}${o.nextStep ? ` · next step: ${clip(o.nextStep, 200)}` : ""}${o.lossReason ? ` · loss reason: ${clip(o.lossReason, 200)}` : ""}${people.length ? ` · people on the deal: ${people.join(", ")}` : ""}`,
    };
  });
}

export async function loadMeetings(db: Queryable, userId: string, ids: string[]): Promise<BrainRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.meeting.findMany({
    where: { userId, id: { in: ids } },
    select: {
      id: true,
      title: true,
      startsAt: true,
      endsAt: true,
      location: true,
      cancelledAt: true,
      account: { select: { name: true } },
      attendees: { select: { email: true, prospect: { select: { firstName: true, lastName: true, title: true } } } },
      notes: { select: { body: true } },
    },
  });
  return order(ids, rows).map((m) => {
    const people = m.attendees
      .map((a) => (a.prospect ? `${a.prospect.firstName} ${a.prospect.lastName}`.trim() : a.email))
      .filter(Boolean);
    return {
      type: "meeting",
      id: m.id,
      label: m.title,
      href: `/meetings/${m.id}`,
      // A cancelled meeting stays (with its notes) and must not read as one that happens.
      text: `${m.cancelledAt ? `Cancelled meeting (cancelled ${minute(m.cancelledAt)})` : "Meeting"} "${m.title}" · ${minute(m.startsAt)} to ${minute(m.endsAt)}${m.account ? ` · account ${m.account.name}` : ""}${people.length ? ` · with ${people.join(", ")}` : ""}${m.location ? ` · at ${clip(m.location, 120)}` : ""}${m.notes ? ` · notes: ${clip(m.notes.body, 400)}` : ""}`,
    };
  });
}

export async function loadMessages(db: Queryable, userId: string, ids: string[]): Promise<BrainRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.message.findMany({
    where: { userId, id: { in: ids } },
    select: {
      id: true,
      fromEmail: true,
      toEmails: true,
      sentAt: true,
      body: true,
      conversation: { select: { id: true, subject: true, channel: true } },
    },
  });
  return order(ids, rows).map((m) => ({
    type: "message",
    id: m.id,
    label: `${m.conversation.subject} (${day(m.sentAt)})`,
    href: `/conversations/${m.conversation.id}#message-${m.id}`,
    text: `${m.conversation.channel === "email" ? "Email" : m.conversation.channel === "call" ? "Call note" : "LinkedIn message"} "${clip(m.conversation.subject, 120)}" · ${minute(m.sentAt)} · from ${m.fromEmail} to ${m.toEmails.join(", ") || "—"} · ${clip(m.body, 700)}`,
  }));
}

export async function loadNotes(db: Queryable, userId: string, ids: string[]): Promise<BrainRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.note.findMany({
    where: { userId, id: { in: ids } },
    select: {
      id: true,
      body: true,
      updatedAt: true,
      accountId: true,
      opportunityId: true,
      prospectId: true,
      meeting: { select: { id: true, title: true } },
      account: { select: { name: true } },
    },
  });
  return order(ids, rows).map((n) => ({
    type: "note",
    id: n.id,
    label: n.meeting ? `Notes: ${n.meeting.title}` : `Note (${day(n.updatedAt)})`,
    href: n.meeting
      ? `/meetings/${n.meeting.id}`
      : n.opportunityId
        ? `/opportunities/${n.opportunityId}`
        : n.accountId
          ? `/accounts/${n.accountId}/notes`
          : `/prospects/${n.prospectId}`,
    text: `Note${n.meeting ? ` from meeting "${n.meeting.title}"` : ""}${n.account ? ` on ${n.account.name}` : ""} · ${day(n.updatedAt)} · ${clip(n.body, 700)}`,
  }));
}

export async function loadActivities(db: Queryable, userId: string, ids: string[]): Promise<BrainRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.activity.findMany({
    where: { userId, id: { in: ids } },
    select: { id: true, type: true, at: true, summary: true, accountId: true, opportunityId: true, prospectId: true },
  });
  return order(ids, rows).map((a) => ({
    type: "activity",
    id: a.id,
    label: clip(a.summary, 80),
    href: a.opportunityId
      ? `/opportunities/${a.opportunityId}`
      : a.accountId
        ? `/accounts/${a.accountId}/timeline`
        : a.prospectId
          ? `/prospects/${a.prospectId}`
          : "/dashboard",
    text: `Timeline ${minute(a.at)} · ${a.type.replace(/_/g, " ")} · ${clip(a.summary, 300)}`,
  }));
}

export async function loadConversations(db: Queryable, userId: string, ids: string[]): Promise<BrainRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.conversation.findMany({
    where: { userId, id: { in: ids } },
    select: {
      id: true,
      subject: true,
      channel: true,
      lastMessageAt: true,
      account: { select: { name: true } },
      _count: { select: { messages: true } },
    },
  });
  return order(ids, rows).map((c) => ({
    type: "conversation",
    id: c.id,
    label: c.subject,
    href: `/conversations/${c.id}`,
    text: `Conversation (${c.channel}) "${clip(c.subject, 150)}"${c.account ? ` with ${c.account.name}` : ""} · ${c._count.messages} messages · last ${day(c.lastMessageAt)}`,
  }));
}

const loaders: Record<BrainRecordType, (db: Queryable, userId: string, ids: string[]) => Promise<BrainRecord[]>> = {
  account: loadAccounts,
  prospect: loadProspects,
  opportunity: loadDeals,
  conversation: loadConversations,
  message: loadMessages,
  meeting: loadMeetings,
  note: loadNotes,
  activity: loadActivities,
};

/** Loads records of mixed kinds, in the order asked (missing or foreign ids are skipped). */
export async function loadRecords(
  db: Queryable,
  userId: string,
  refs: { type: BrainRecordType; id: string }[],
): Promise<BrainRecord[]> {
  const byType = new Map<BrainRecordType, string[]>();
  for (const ref of refs) byType.set(ref.type, [...(byType.get(ref.type) ?? []), ref.id]);
  const loaded = new Map<string, BrainRecord>();
  await Promise.all(
    [...byType].map(async ([type, ids]) => {
      for (const record of await loaders[type](db, userId, [...new Set(ids)]))
        loaded.set(`${type}:${record.id}`, record);
    }),
  );
  return refs.flatMap((ref) => loaded.get(`${ref.type}:${ref.id}`) ?? []);
}

function order<T extends { id: string }>(ids: string[], rows: T[]): T[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Rough token count (≈ 4 characters a token for English); budgets only need to be about right. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

// CRM changes checked and cleaned before anything is written (the provider modules parsed the wire
// format; this is ingest's own boundary, ADR 021). A change that cannot be made valid is skipped with
// a reason; text that is merely too long is cut to what the product stores.
import { z } from "zod";
import { EMPLOYEE_COUNT_MAX, INT4_MAX, isInDateRange, maxLengths } from "../../crm/limits";
import { OpportunityStage } from "../../db/generated/client";
import { truncateText } from "../../utils/text";
import type { CrmChange, SkipReason } from "../types";
import { normalizeAccountDomain, normalizeAddress } from "./people";

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text as PostgreSQL can store it, trimmed and cut to `max`; null when nothing is left. */
export function text(raw: string | null | undefined, max: number): string | null {
  if (raw === null || raw === undefined) return null;
  const cleaned = raw.replaceAll("\u0000", "").replace(LONE_SURROGATE, "\ufffd").trim();
  return cleaned ? truncateText(cleaned, max) : null;
}

const date = z.date().refine((d) => !Number.isNaN(d.getTime()) && isInDateRange(d));
const id = z
  .string()
  .transform((s) => s.trim())
  .refine((s) => s.length > 0 && s.length <= maxLengths.externalId && !s.includes("\u0000"));
const ref = z.object({ objectType: id, externalId: id });
const str = z.string().nullable();
const stage = z.object({ label: z.string(), mapped: z.enum(OpportunityStage).nullable() });
const base = { objectType: id, externalId: id };

const shapes = {
  account: z.object({
    kind: z.literal("account"),
    ...base,
    modifiedAt: date,
    fields: z.object({
      name: z.string(),
      domain: str,
      industry: str,
      employeeCount: z.number().int().nullable(),
      hqCity: str,
      tier: str,
      description: str,
    }),
  }),
  prospect: z.object({
    kind: z.literal("prospect"),
    ...base,
    modifiedAt: date,
    account: ref.nullable(),
    fields: z.object({
      firstName: z.string(),
      lastName: z.string(),
      email: str,
      title: str,
      phone: str,
      linkedinUrl: str,
    }),
  }),
  deal: z.object({
    kind: z.literal("deal"),
    ...base,
    modifiedAt: date,
    account: ref.nullable(),
    stage,
    crmId: z.string().nullish(),
    fields: z.object({
      name: z.string(),
      amount: z.number().int().nullable(),
      currency: z.string(),
      closeDate: str,
      probability: z.number().nullable(),
      nextStep: str,
    }),
  }),
  stage_change: z.object({ kind: z.literal("stage_change"), ...base, deal: ref, stage, at: date }),
  deal_contact: z.object({
    kind: z.literal("deal_contact"),
    ...base,
    modifiedAt: date,
    deal: ref,
    person: ref,
    role: str,
    isPrimary: z.boolean(),
  }),
  activity: z.object({
    kind: z.literal("activity"),
    ...base,
    modifiedAt: date,
    type: z.enum(["call_logged", "task_completed", "email_sent", "email_received"]),
    subject: z.string(),
    body: str,
    occurredAt: date,
    person: ref.nullable(),
    personEmail: str,
    account: ref.nullable(),
    deal: ref.nullable(),
    call: z
      .object({
        direction: z.enum(["inbound", "outbound"]).nullable(),
        outcome: str,
        durationSeconds: z.number().nullable(),
      })
      .nullable(),
  }),
  crm_meeting: z.object({
    kind: z.literal("crm_meeting"),
    ...base,
    modifiedAt: date,
    title: z.string(),
    startsAt: date,
    endsAt: date,
    location: str,
    description: str,
    person: ref.nullable(),
    account: ref.nullable(),
    deal: ref.nullable(),
  }),
  sequence_state: z.object({
    kind: z.literal("sequence_state"),
    ...base,
    modifiedAt: date,
    person: ref,
    sequenceName: z.string(),
    step: z.number().int().nullable(),
    totalSteps: z.number().int().nullable(),
    state: z.string(),
  }),
  removed: z.object({ kind: z.literal("removed"), ...base }),
  present: z.object({ kind: z.literal("present"), objectType: id, externalIds: z.array(id), sweepStartedAt: date }),
  sweep_end: z.object({ kind: z.literal("sweep_end"), objectType: id, sweepStartedAt: date }),
} as const;

export type Clean<K extends CrmChange["kind"]> = z.output<(typeof shapes)[K]>;
export type CleanCrm = { [K in CrmChange["kind"]]: Clean<K> }[CrmChange["kind"]];
export type CleanedCrm = { ok: true; change: CleanCrm } | { ok: false; reason: SkipReason };

const bounded = (n: number | null, min: number, max: number) => (n === null || n < min || n > max ? null : n);

/** One change checked against its kind's shape, its text cut to size; or why it is skipped. */
export function cleanCrmChange(raw: CrmChange): CleanedCrm {
  const kind = (raw as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !(kind in shapes)) return { ok: false, reason: "malformed" };
  const parsed = shapes[kind as keyof typeof shapes].safeParse(raw);
  if (!parsed.success) {
    // A date that is missing or unusable (and nothing else wrong) is a missing field; anything else is
    // the wrong shape.
    const dateIssue = parsed.error.issues.every((i) =>
      ["modifiedAt", "at", "occurredAt", "startsAt", "endsAt"].includes(String(i.path[0])),
    );
    return { ok: false, reason: dateIssue ? "missing_field" : "malformed" };
  }
  const change = parsed.data;
  switch (change.kind) {
    case "account": {
      const name = text(change.fields.name, maxLengths.accountName);
      if (!name) return { ok: false, reason: "missing_field" };
      const domain = change.fields.domain
        ? text(normalizeAccountDomain(change.fields.domain), maxLengths.domain)
        : null;
      change.fields = {
        name,
        domain,
        industry: text(change.fields.industry, maxLengths.industry),
        employeeCount: bounded(change.fields.employeeCount, 0, EMPLOYEE_COUNT_MAX),
        hqCity: text(change.fields.hqCity, maxLengths.city),
        tier: text(change.fields.tier, maxLengths.tier),
        description: text(change.fields.description, maxLengths.accountDescription),
      };
      return { ok: true, change };
    }
    case "prospect": {
      const firstName = text(change.fields.firstName, maxLengths.firstName);
      const lastName = text(change.fields.lastName, maxLengths.lastName);
      // Salesforce requires LastName; a person with no name at all is not a person we can show.
      if (!firstName && !lastName) return { ok: false, reason: "missing_field" };
      change.fields = {
        firstName: firstName ?? "",
        lastName: lastName ?? "",
        email: change.fields.email ? normalizeAddress(change.fields.email.replaceAll("\u0000", "")) : null,
        title: text(change.fields.title, maxLengths.jobTitle),
        phone: text(change.fields.phone, maxLengths.phone),
        linkedinUrl: text(change.fields.linkedinUrl, maxLengths.url),
      };
      return { ok: true, change };
    }
    case "deal": {
      const name = text(change.fields.name, maxLengths.dealName);
      if (!name) return { ok: false, reason: "missing_field" };
      const currency = change.fields.currency.trim().toUpperCase();
      if (!/^[A-Z]{3}$/.test(currency)) return { ok: false, reason: "unknown_value" };
      const closeDate = change.fields.closeDate;
      if (closeDate !== null && !isDay(closeDate)) return { ok: false, reason: "malformed" };
      const label = text(change.stage.label, 255);
      if (!label) return { ok: false, reason: "missing_field" };
      change.stage = { label, mapped: change.stage.mapped };
      change.crmId = change.crmId ? text(change.crmId, maxLengths.externalId) : null;
      change.fields = {
        name,
        amount:
          change.fields.amount !== null && Number.isSafeInteger(change.fields.amount) ? change.fields.amount : null,
        currency,
        closeDate,
        probability: change.fields.probability === null ? null : bounded(Math.round(change.fields.probability), 0, 100),
        nextStep: text(change.fields.nextStep, maxLengths.nextStep),
      };
      return { ok: true, change };
    }
    case "stage_change": {
      const label = text(change.stage.label, 255);
      if (!label) return { ok: false, reason: "missing_field" };
      change.stage = { label, mapped: change.stage.mapped };
      return { ok: true, change };
    }
    case "deal_contact":
      change.role = text(change.role, 200);
      return { ok: true, change };
    case "activity":
      change.subject = text(change.subject, maxLengths.subject) ?? "(no subject)";
      change.body = text(change.body, maxLengths.messageBody);
      change.personEmail = change.personEmail ? normalizeAddress(change.personEmail.replaceAll("\u0000", "")) : null;
      if (change.call) change.call.outcome = text(change.call.outcome, 200);
      return { ok: true, change };
    case "crm_meeting":
      if (change.endsAt < change.startsAt) return { ok: false, reason: "malformed" };
      change.title = text(change.title, maxLengths.meetingTitle) ?? "(no title)";
      change.location = text(change.location, maxLengths.location);
      change.description = text(change.description, maxLengths.noteBody);
      return { ok: true, change };
    case "sequence_state": {
      const name = text(change.sequenceName, 300);
      const state = text(change.state, 40);
      if (!name || !state) return { ok: false, reason: "missing_field" };
      change.sequenceName = name;
      change.state = state;
      change.step = bounded(change.step, 0, INT4_MAX);
      change.totalSteps = bounded(change.totalSteps, 0, INT4_MAX);
      return { ok: true, change };
    }
    default:
      return { ok: true, change };
  }
}

function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value) && isInDateRange(d);
}

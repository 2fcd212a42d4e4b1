// One spec per Salesforce object the sync reads: the fields it selects and how one record becomes a
// SyncChange of ../types.ts. Each record is validated on its own (zod): one that does not have the
// documented shape is skipped as `malformed`, one without a required field as `missing_field`, a
// picklist value we do not know (a Task subtype) as `unknown_value`, an open task as `not_done`; the
// rest of its page goes on. Long text is cut, not skipped.
import { z } from "zod";
import type { CrmChange, ExternalRef, SkipReason } from "../types";
import { stageFor, type StageMap } from "./stages";

export type MappingContext = {
  stages: StageMap;
  /** The org's default currency (Organization.DefaultCurrencyIsoCode). */
  currency: string;
  /** Opportunity has CurrencyIsoCode (a multi-currency org). */
  multiCurrency: boolean;
};

export type Mapped = { change: CrmChange } | { skip: SkipReason };

export type ObjectSpec = {
  name: string;
  fields: (ctx: { multiCurrency: boolean }) => string[];
  map(record: Record<string, unknown>, ctx: MappingContext): Mapped;
};

export const SALESFORCE_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

/** Salesforce's datetime (2026-06-01T12:00:00.000+0000) as a Date; null when unreadable. */
export function parseDateTime(value: string): Date | null {
  const iso = value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return null;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}

const id = z.string().regex(SALESFORCE_ID);
const dateTime = z
  .string()
  .transform(
    (value, ctx) => parseDateTime(value) ?? (ctx.addIssue({ code: "custom", message: "not a datetime" }), z.NEVER),
  );
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const text = z.string();
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const MAX_NAME = 255;
const MAX_TEXT = 32_000;
const cut = (value: string | null | undefined, max: number): string | null =>
  value == null ? null : value.length > max ? value.slice(0, max) : value;
const present = (value: string | null | undefined): value is string => typeof value === "string" && value.trim() !== "";

const base = { Id: id, SystemModstamp: dateTime };

/** A reference by its id's key prefix; null for an empty one or an object we do not sync. */
const PREFIXES: Record<string, string> = {
  "001": "Account",
  "003": "Contact",
  "00Q": "Lead",
  "006": "Opportunity",
};
export function refTo(value: string | null | undefined, only?: string[]): ExternalRef | null {
  if (!value) return null;
  const objectType = PREFIXES[value.slice(0, 3)];
  if (!objectType || (only && !only.includes(objectType))) return null;
  return { objectType, externalId: value };
}

/** The schema of a shape, built once per shape (building one per record costs more than parsing). */
const schemas = new WeakMap<z.ZodRawShape, z.ZodObject>();

/** Parses with `shape`'s schema; `required` fields must be non-empty. */
function read<T extends z.ZodRawShape>(
  record: Record<string, unknown>,
  shape: T,
  required: (keyof T & string)[],
): { data: z.infer<z.ZodObject<T>> } | { skip: SkipReason } {
  for (const field of required) {
    const value = record[field];
    if (value === null || value === undefined || (typeof value === "string" && value.trim() === ""))
      return { skip: "missing_field" };
  }
  let schema = schemas.get(shape);
  if (!schema) {
    schema = z.object(shape);
    schemas.set(shape, schema);
  }
  const parsed = schema.safeParse(record);
  return parsed.success ? { data: parsed.data as z.infer<z.ZodObject<T>> } : { skip: "malformed" };
}

/** Decimal places of a currency's minor unit (ISO 4217); two for every currency not listed. */
const MINOR_UNITS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  CLP: 0,
  VND: 0,
  ISK: 0,
  UGX: 0,
  XAF: 0,
  XOF: 0,
  PYG: 0,
  BHD: 3,
  KWD: 3,
  JOD: 3,
  OMR: 3,
  TND: 3,
  IQD: 3,
  LYD: 3,
};
export function toMinorUnits(amount: number, currency: string): number {
  return Math.round(amount * 10 ** (MINOR_UNITS[currency] ?? 2));
}

const accountShape = {
  ...base,
  Name: text,
  Website: optional(text),
  Industry: optional(text),
  NumberOfEmployees: optional(z.number().int()),
  BillingCity: optional(text),
  Rating: optional(text),
  Description: optional(text),
};
const personShape = {
  ...base,
  FirstName: optional(text),
  LastName: text,
  Email: optional(text),
  Title: optional(text),
  Phone: optional(text),
};
const contactShape = { ...personShape, AccountId: optional(id) };
const leadShape = { ...personShape, Company: optional(text) };
const opportunityShape = {
  ...base,
  Name: text,
  AccountId: optional(id),
  StageName: text,
  Amount: optional(z.number().finite()),
  CloseDate: optional(date),
  Probability: optional(z.number()),
  NextStep: optional(text),
  CurrencyIsoCode: optional(z.string().regex(/^[A-Za-z]{3}$/)),
};
const contactRoleShape = {
  ...base,
  OpportunityId: id,
  ContactId: id,
  Role: optional(text),
  IsPrimary: optional(z.boolean()),
};
const historyShape = { ...base, OpportunityId: id, StageName: text, CreatedDate: dateTime };
const TASK_SUBTYPES = ["Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"] as const;
const taskShape = {
  ...base,
  Subject: optional(text),
  Description: optional(text),
  Status: optional(text),
  IsClosed: z.boolean(),
  TaskSubtype: optional(text),
  ActivityDate: optional(date),
  CompletedDateTime: optional(dateTime),
  CreatedDate: dateTime,
  CallDurationInSeconds: optional(z.number().int().nonnegative()),
  CallType: optional(text),
  CallDisposition: optional(text),
  WhoId: optional(id),
  WhatId: optional(id),
  AccountId: optional(id),
};
const eventShape = {
  ...base,
  Subject: optional(text),
  Description: optional(text),
  Location: optional(text),
  StartDateTime: dateTime,
  EndDateTime: dateTime,
  IsAllDayEvent: optional(z.boolean()),
  WhoId: optional(id),
  WhatId: optional(id),
  AccountId: optional(id),
};

const fieldsOf = (shape: Record<string, unknown>) => () => Object.keys(shape);

export const OBJECTS: ObjectSpec[] = [
  {
    name: "Account",
    fields: fieldsOf(accountShape),
    map(record) {
      const r = read(record, accountShape, ["Name"]);
      if ("skip" in r) return r;
      const a = r.data;
      return {
        change: {
          kind: "account",
          objectType: "Account",
          externalId: a.Id,
          modifiedAt: a.SystemModstamp,
          fields: {
            name: cut(a.Name, MAX_NAME)!,
            domain: cut(a.Website, MAX_NAME),
            industry: cut(a.Industry, MAX_NAME),
            employeeCount: a.NumberOfEmployees ?? null,
            hqCity: cut(a.BillingCity, MAX_NAME),
            tier: cut(a.Rating, MAX_NAME),
            description: cut(a.Description, MAX_TEXT),
          },
        },
      };
    },
  },
  ...(["Contact", "Lead"] as const).map((objectType): ObjectSpec => ({
    name: objectType,
    fields: fieldsOf(objectType === "Contact" ? contactShape : leadShape),
    map(record) {
      const r = read(record, objectType === "Contact" ? contactShape : leadShape, ["LastName"]);
      if ("skip" in r) return r;
      const p = r.data;
      const email = present(p.Email) && /^[^\s@]+@[^\s@]+$/.test(p.Email.trim()) ? p.Email.trim() : null;
      return {
        change: {
          kind: "prospect",
          objectType,
          externalId: p.Id,
          modifiedAt: p.SystemModstamp,
          // A Lead names its company as text only: ingest matches it by the email's domain.
          account: "AccountId" in p ? refTo(p.AccountId, ["Account"]) : null,
          fields: {
            firstName: cut(p.FirstName ?? "", MAX_NAME)!,
            lastName: cut(p.LastName, MAX_NAME)!,
            email,
            title: cut(p.Title, MAX_NAME),
            phone: cut(p.Phone, MAX_NAME),
            linkedinUrl: null,
          },
        },
      };
    },
  })),
  {
    name: "Opportunity",
    fields: ({ multiCurrency }) =>
      Object.keys(opportunityShape).filter((f) => multiCurrency || f !== "CurrencyIsoCode"),
    map(record, ctx) {
      const r = read(record, opportunityShape, ["Name", "StageName"]);
      if ("skip" in r) return r;
      const o = r.data;
      const currency = (ctx.multiCurrency && o.CurrencyIsoCode ? o.CurrencyIsoCode : ctx.currency).toUpperCase();
      return {
        change: {
          kind: "deal",
          objectType: "Opportunity",
          externalId: o.Id,
          modifiedAt: o.SystemModstamp,
          account: refTo(o.AccountId, ["Account"]),
          stage: stageFor(ctx.stages, o.StageName),
          fields: {
            name: cut(o.Name, MAX_NAME)!,
            amount: o.Amount == null ? null : toMinorUnits(o.Amount, currency),
            currency,
            closeDate: o.CloseDate ?? null,
            probability: o.Probability ?? null,
            nextStep: cut(o.NextStep, MAX_NAME),
          },
        },
      };
    },
  },
  {
    name: "OpportunityContactRole",
    fields: fieldsOf(contactRoleShape),
    map(record) {
      const r = read(record, contactRoleShape, ["OpportunityId", "ContactId"]);
      if ("skip" in r) return r;
      const c = r.data;
      return {
        change: {
          kind: "deal_contact",
          objectType: "OpportunityContactRole",
          externalId: c.Id,
          modifiedAt: c.SystemModstamp,
          deal: { objectType: "Opportunity", externalId: c.OpportunityId },
          person: { objectType: "Contact", externalId: c.ContactId },
          role: cut(c.Role, MAX_NAME),
          isPrimary: c.IsPrimary ?? false,
        },
      };
    },
  },
  {
    name: "OpportunityHistory",
    fields: fieldsOf(historyShape),
    map(record, ctx) {
      const r = read(record, historyShape, ["OpportunityId", "StageName", "CreatedDate"]);
      if ("skip" in r) return r;
      const h = r.data;
      return {
        change: {
          kind: "stage_change",
          objectType: "OpportunityHistory",
          externalId: h.Id,
          deal: { objectType: "Opportunity", externalId: h.OpportunityId },
          stage: stageFor(ctx.stages, h.StageName),
          at: h.CreatedDate,
        },
      };
    },
  },
  {
    name: "Task",
    fields: fieldsOf(taskShape),
    map(record) {
      const r = read(record, taskShape, ["CreatedDate"]);
      if ("skip" in r) return r;
      const t = r.data;
      if (!t.IsClosed) return { skip: "not_done" };
      const subtype = t.TaskSubtype ?? "Task";
      if (!(TASK_SUBTYPES as readonly string[]).includes(subtype)) return { skip: "unknown_value" };
      const type =
        subtype === "Call"
          ? "call_logged"
          : subtype === "Email" || subtype === "ListEmail"
            ? "email_sent"
            : "task_completed";
      const direction = t.CallType === "Inbound" ? "inbound" : t.CallType === "Outbound" ? "outbound" : null;
      const occurredAt =
        t.CompletedDateTime ?? (t.ActivityDate ? new Date(`${t.ActivityDate}T12:00:00Z`) : null) ?? t.CreatedDate;
      return {
        change: {
          kind: "activity",
          objectType: "Task",
          externalId: t.Id,
          modifiedAt: t.SystemModstamp,
          type,
          subject: cut(t.Subject, MAX_NAME) ?? "",
          body: cut(t.Description, MAX_TEXT),
          occurredAt,
          person: refTo(t.WhoId, ["Contact", "Lead"]),
          personEmail: null,
          account: refTo(t.AccountId, ["Account"]) ?? refTo(t.WhatId, ["Account"]),
          deal: refTo(t.WhatId, ["Opportunity"]),
          call:
            type === "call_logged"
              ? {
                  direction,
                  outcome: cut(t.CallDisposition, MAX_NAME),
                  durationSeconds: t.CallDurationInSeconds ?? null,
                }
              : null,
        },
      };
    },
  },
  {
    name: "Event",
    fields: fieldsOf(eventShape),
    map(record) {
      const r = read(record, eventShape, ["StartDateTime", "EndDateTime"]);
      if ("skip" in r) return r;
      const e = r.data;
      if (e.IsAllDayEvent) return { skip: "all_day" };
      return {
        change: {
          kind: "crm_meeting",
          objectType: "Event",
          externalId: e.Id,
          modifiedAt: e.SystemModstamp,
          title: cut(e.Subject, MAX_NAME) ?? "",
          startsAt: e.StartDateTime,
          endsAt: e.EndDateTime < e.StartDateTime ? e.StartDateTime : e.EndDateTime,
          location: cut(e.Location, MAX_NAME),
          description: cut(e.Description, MAX_TEXT),
          person: refTo(e.WhoId, ["Contact", "Lead"]),
          account: refTo(e.AccountId, ["Account"]) ?? refTo(e.WhatId, ["Account"]),
          deal: refTo(e.WhatId, ["Opportunity"]),
        },
      };
    },
  },
];

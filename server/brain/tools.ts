// Read-only tools Claude may call when the context pack is not enough. Each runs the same
// user-scoped queries as the product and answers with records in the pack's format; every record a
// tool returns joins the answer's manifest (P7), with a handle Claude can cite.
import type { Tool } from "@anthropic-ai/sdk/resources/messages";
import { z } from "zod";
import type { Db } from "../db/client";
import { opportunityStages } from "../data-rights/workspace-format";
import { OPEN_STAGES, stageLabels } from "../crm/opportunities";
import { search } from "../crm/search";
import type { Manifest } from "./manifest";
import { recordLine } from "./prompt";
import { loadRecords, type BrainRecordType } from "./records";
import { detectWindow, openPipeline, resolveEntities, type PackItem } from "./retrieval";

const recordTypes = ["account", "prospect", "opportunity", "message", "note", "activity"] as const;

const schemas = {
  search_records: z.object({
    query: z.string().trim().min(1).max(200),
    types: z.array(z.enum(recordTypes)).max(6).optional(),
    limit: z.number().int().min(1).max(20).optional(),
  }),
  get_account: z.object({ name_or_id: z.string().trim().min(1).max(200) }),
  get_deal: z.object({ name_or_id: z.string().trim().min(1).max(200) }),
  get_person: z.object({ name_or_id: z.string().trim().min(1).max(200) }),
  list_deals: z.object({
    stage: z.enum(opportunityStages).optional(),
    state: z.enum(["open", "closed", "all"]).optional(),
    closing_from: z.iso.date().optional(),
    closing_to: z.iso.date().optional(),
    account: z.string().trim().max(200).optional(),
    limit: z.number().int().min(1).max(25).optional(),
  }),
  pipeline_summary: z.object({}),
  upcoming_meetings: z.object({
    days: z.number().int().min(1).max(90).optional(),
    account: z.string().trim().max(200).optional(),
  }),
};
export type ToolName = keyof typeof schemas;

/** The tool definitions, in the Messages API's format. */
export const TOOL_DEFINITIONS: Tool[] = [
  {
    name: "search_records",
    description:
      "Full-text search over the seller's accounts, people, deals, email messages, notes and timeline. Use specific words (names, topics such as pricing or SSO).",
    input_schema: {
      type: "object",
      properties: {
        query: { type: "string", description: "Words to search for." },
        types: {
          type: "array",
          items: { type: "string", enum: [...recordTypes] },
          description: "Limit to these kinds of records.",
        },
        limit: { type: "integer", minimum: 1, maximum: 20 },
      },
      required: ["query"],
    },
  },
  {
    name: "get_account",
    description: "An account (company) with its people and their roles, its open deals and its latest timeline.",
    input_schema: {
      type: "object",
      properties: { name_or_id: { type: "string", description: "The account's name (approximate is fine) or id." } },
      required: ["name_or_id"],
    },
  },
  {
    name: "get_deal",
    description: "A deal with its stage history and latest timeline.",
    input_schema: { type: "object", properties: { name_or_id: { type: "string" } }, required: ["name_or_id"] },
  },
  {
    name: "get_person",
    description: "A person with their account, role, recent emails and meetings.",
    input_schema: { type: "object", properties: { name_or_id: { type: "string" } }, required: ["name_or_id"] },
  },
  {
    name: "list_deals",
    description:
      "Deals filtered by stage, open/closed state, close-date range (YYYY-MM-DD) and account, soonest close date first.",
    input_schema: {
      type: "object",
      properties: {
        stage: { type: "string", enum: [...opportunityStages] },
        state: { type: "string", enum: ["open", "closed", "all"] },
        closing_from: { type: "string", description: "YYYY-MM-DD, inclusive" },
        closing_to: { type: "string", description: "YYYY-MM-DD, inclusive" },
        account: { type: "string", description: "Account name or id" },
        limit: { type: "integer", minimum: 1, maximum: 25 },
      },
    },
  },
  {
    name: "pipeline_summary",
    description: "Open pipeline by stage: number of deals and totals per currency, with the largest deals.",
    input_schema: { type: "object", properties: {} },
  },
  {
    name: "upcoming_meetings",
    description: "Meetings from now on, for the next N days (default 7), optionally for one account.",
    input_schema: {
      type: "object",
      properties: { days: { type: "integer", minimum: 1, maximum: 90 }, account: { type: "string" } },
    },
  },
] as const;

type Refs = { type: BrainRecordType; id: string }[];

async function accountIdFor(db: Db, userId: string, nameOrId: string): Promise<string | null> {
  const byId = await db.account.findFirst({ where: { userId, id: nameOrId }, select: { id: true } });
  if (byId) return byId.id;
  return (await resolveEntities(db, userId, nameOrId)).accounts[0] ?? null;
}

/** Runs one tool call for `userId`; the answer lists records with their (new or existing) handles. */
export async function runTool(
  db: Db,
  userId: string,
  name: string,
  rawInput: unknown,
  manifest: Manifest,
  now: Date,
): Promise<{ text: string; added: PackItem[] }> {
  if (!(name in schemas)) return { text: `There is no tool called ${name}.`, added: [] };
  const parsed = schemas[name as ToolName].safeParse(rawInput ?? {});
  if (!parsed.success)
    return {
      text: `The input was not valid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "input"} ${i.message}`).join("; ")}.`,
      added: [],
    };
  const input = parsed.data as Record<string, unknown>;
  let refs: Refs = [];
  const facts: string[] = [];
  switch (name as ToolName) {
    case "search_records": {
      const results = await search(db, userId, {
        q: String(input.query),
        limit: Number(input.limit ?? 10),
        types: (input.types as (typeof recordTypes)[number][] | undefined) ?? null,
      });
      refs = results.map((r) => ({ type: r.type, id: r.id }));
      break;
    }
    case "get_account": {
      const id = await accountIdFor(db, userId, String(input.name_or_id));
      if (!id) return { text: `No account matches “${String(input.name_or_id)}”.`, added: [] };
      const [people, deals, timeline] = await Promise.all([
        db.prospect.findMany({ where: { userId, accountId: id }, select: { id: true }, take: 15 }),
        db.opportunity.findMany({
          where: { userId, accountId: id },
          orderBy: [{ updatedAt: "desc" }],
          select: { id: true },
          take: 8,
        }),
        db.activity.findMany({
          where: { userId, accountId: id },
          orderBy: [{ at: "desc" }, { id: "asc" }],
          select: { id: true },
          take: 8,
        }),
      ]);
      refs = [
        { type: "account", id },
        ...people.map((p) => ({ type: "prospect" as const, id: p.id })),
        ...deals.map((d) => ({ type: "opportunity" as const, id: d.id })),
        ...timeline.map((a) => ({ type: "activity" as const, id: a.id })),
      ];
      break;
    }
    case "get_deal": {
      const key = String(input.name_or_id);
      const deal =
        (await db.opportunity.findFirst({ where: { userId, id: key }, select: { id: true } })) ??
        (await db.opportunity.findFirst({
          where: { userId, name: { contains: key, mode: "insensitive" } },
          orderBy: { updatedAt: "desc" },
          select: { id: true },
        }));
      if (!deal) return { text: `No deal matches “${key}”.`, added: [] };
      const [history, timeline] = await Promise.all([
        db.opportunityStageChange.findMany({
          where: { userId, opportunityId: deal.id },
          orderBy: { at: "asc" },
          select: { stage: true, at: true },
        }),
        db.activity.findMany({
          where: { userId, opportunityId: deal.id },
          orderBy: [{ at: "desc" }, { id: "asc" }],
          select: { id: true },
          take: 8,
        }),
      ]);
      if (history.length)
        facts.push(
          `Stage history: ${history.map((h) => `${stageLabels[h.stage]} on ${h.at.toISOString().slice(0, 10)}`).join(", ")}.`,
        );
      refs = [{ type: "opportunity", id: deal.id }, ...timeline.map((a) => ({ type: "activity" as const, id: a.id }))];
      break;
    }
    case "get_person": {
      const key = String(input.name_or_id);
      const person =
        (await db.prospect.findFirst({ where: { userId, id: key }, select: { id: true } })) ??
        (await resolveEntities(db, userId, key).then((r) => (r.prospects[0] ? { id: r.prospects[0] } : null)));
      if (!person) return { text: `No person matches “${key}”.`, added: [] };
      const [messages, meetings] = await Promise.all([
        db.message.findMany({
          where: { userId, conversation: { participants: { some: { prospectId: person.id } } } },
          orderBy: [{ sentAt: "desc" }],
          select: { id: true },
          take: 5,
        }),
        db.meeting.findMany({
          where: { userId, attendees: { some: { prospectId: person.id } } },
          orderBy: [{ startsAt: "desc" }],
          select: { id: true },
          take: 5,
        }),
      ]);
      refs = [
        { type: "prospect", id: person.id },
        ...messages.map((m) => ({ type: "message" as const, id: m.id })),
        ...meetings.map((m) => ({ type: "meeting" as const, id: m.id })),
      ];
      break;
    }
    case "list_deals": {
      const accountId = input.account ? await accountIdFor(db, userId, String(input.account)) : null;
      if (input.account && !accountId) return { text: `No account matches “${String(input.account)}”.`, added: [] };
      const state = input.state ?? "open";
      const deals = await db.opportunity.findMany({
        where: {
          userId,
          ...(accountId ? { accountId } : {}),
          ...(input.stage
            ? { stage: input.stage as (typeof opportunityStages)[number] }
            : state === "open"
              ? { stage: { in: OPEN_STAGES } }
              : state === "closed"
                ? { stage: { in: ["closed_won", "closed_lost"] } }
                : {}),
          ...(input.closing_from || input.closing_to
            ? {
                closeDate: {
                  ...(input.closing_from ? { gte: new Date(`${String(input.closing_from)}T00:00:00Z`) } : {}),
                  ...(input.closing_to ? { lte: new Date(`${String(input.closing_to)}T00:00:00Z`) } : {}),
                },
              }
            : {}),
        },
        orderBy: [{ closeDate: { sort: "asc", nulls: "last" } }, { id: "asc" }],
        select: { id: true },
        take: Number(input.limit ?? 15),
      });
      refs = deals.map((d) => ({ type: "opportunity" as const, id: d.id }));
      break;
    }
    case "pipeline_summary": {
      const pipeline = await openPipeline(db, userId);
      facts.push(...pipeline.byStage);
      refs = pipeline.largest.map((id) => ({ type: "opportunity" as const, id }));
      break;
    }
    case "upcoming_meetings": {
      const accountId = input.account ? await accountIdFor(db, userId, String(input.account)) : null;
      const window = detectWindow(`next ${Number(input.days ?? 7)} days`, now, "calendar");
      const meetings = await db.meeting.findMany({
        where: { userId, ...(accountId ? { accountId } : {}), startsAt: { gte: window.from, lt: window.to } },
        orderBy: [{ startsAt: "asc" }, { id: "asc" }],
        select: { id: true },
        take: 25,
      });
      facts.push(
        `Meetings from ${window.from.toISOString().slice(0, 16)} UTC to ${window.to.toISOString().slice(0, 10)}: ${meetings.length}.`,
      );
      refs = meetings.map((m) => ({ type: "meeting" as const, id: m.id }));
      break;
    }
  }
  const added = manifest.add(await loadRecords(db, userId, refs), `found by the ${name} tool`);
  const lines = added.map(recordLine);
  const text = [...(lines.length ? lines : ["Nothing found."]), ...facts.map((f) => `- ${f}`)].join("\n");
  return { text, added };
}

// Read-only tools Claude may call when the context pack is not enough. Each runs the same
// user-scoped queries as the product and answers with records in the pack's format; every record a
// tool returns joins the answer's manifest (P7), with a handle Claude can cite.
// One table holds each tool's description, input schema and handler: the schema validates what
// Claude sends and is also what Claude is shown, so the two cannot drift apart.
import type { Tool } from "@anthropic-ai/sdk/resources/messages";
import { z } from "zod";
import type { Db } from "../db/client";
import { opportunityStages } from "../data-rights/workspace-format";
import { DATE_RANGE_MESSAGE, isOutOfDateRange } from "../crm/limits";
import { isUnmappedChange, OPEN_STAGES, stageLabels } from "../crm/opportunities";
import { search } from "../crm/search";
import type { Manifest } from "./manifest";
import { recordLine } from "./prompt";
import { loadRecords, type BrainRecordType } from "./records";
import { detectWindow, openPipeline, resolveEntities, type PackItem } from "./retrieval";

type Refs = { type: BrainRecordType; id: string }[];
/** What a tool found: records, with figures about them, or a sentence saying why there are none. */
type Found = { refs: Refs; facts?: string[] } | { answer: string };
type ToolContext = { db: Db; userId: string; now: Date };

type ToolSpec<Input extends z.ZodObject> = {
  description: string;
  input: Input;
  run(input: z.output<Input>, context: ToolContext): Promise<Found>;
};

/** A tool's input as the Messages API wants it: a JSON Schema whose top level is an object. */
function inputSchema(input: z.ZodObject): Tool.InputSchema {
  const {
    $schema: _dialect,
    type: _object,
    ...schema
  } = z.toJSONSchema(input, {
    // What Claude may send: keys the schema does not name are ignored, not refused.
    io: "input",
    // A date's format says what its long validation pattern would, without the tokens on every request.
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === "date") delete jsonSchema.pattern;
    },
  });
  return { type: "object", ...schema };
}

/** One tool: its handler gets the input its own schema parsed, typed; callers see only raw input in. */
function tool<Input extends z.ZodObject>(spec: ToolSpec<Input>) {
  return {
    description: spec.description,
    inputSchema: inputSchema(spec.input),
    async run(rawInput: unknown, context: ToolContext): Promise<Found> {
      const parsed = spec.input.safeParse(rawInput ?? {});
      if (!parsed.success)
        return {
          answer: `The input was not valid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "input"} ${i.message}`).join("; ")}.`,
        };
      return spec.run(parsed.data, context);
    },
  };
}

/** A close-date bound Claude may send: the product's date range, so the query never meets year 0000. */
const dealDate = z.iso
  .date()
  .refine((value) => !isOutOfDateRange(Date.parse(`${value}T00:00:00Z`)), DATE_RANGE_MESSAGE);

const searchableTypes = ["account", "prospect", "opportunity", "message", "note", "activity"] as const;
const nameOrId = z.string().trim().min(1).max(200);

async function accountIdFor(db: Db, userId: string, nameOrId: string): Promise<string | null> {
  const byId = await db.account.findFirst({ where: { userId, id: nameOrId }, select: { id: true } });
  if (byId) return byId.id;
  return (await resolveEntities(db, userId, nameOrId)).accounts[0] ?? null;
}

const tools = {
  search_records: tool({
    description:
      "Full-text search over the seller's accounts, people, deals, email messages, notes and timeline. Use specific words (names, topics such as pricing or SSO).",
    input: z.object({
      query: z.string().trim().min(1).max(200).describe("Words to search for."),
      types: z.array(z.enum(searchableTypes)).max(6).optional().describe("Limit to these kinds of records."),
      limit: z.number().int().min(1).max(20).optional(),
    }),
    async run(input, { db, userId }) {
      const results = await search(db, userId, {
        q: input.query,
        limit: input.limit ?? 10,
        types: input.types ?? null,
      });
      return { refs: results.map((r) => ({ type: r.type, id: r.id })) };
    },
  }),

  get_account: tool({
    description: "An account (company) with its people and their roles, its open deals and its latest timeline.",
    input: z.object({ name_or_id: nameOrId.describe("The account's name (approximate is fine) or id.") }),
    async run(input, { db, userId }) {
      const id = await accountIdFor(db, userId, input.name_or_id);
      if (!id) return { answer: `No account matches “${input.name_or_id}”.` };
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
      return {
        refs: [
          { type: "account", id },
          ...people.map((p) => ({ type: "prospect" as const, id: p.id })),
          ...deals.map((d) => ({ type: "opportunity" as const, id: d.id })),
          ...timeline.map((a) => ({ type: "activity" as const, id: a.id })),
        ],
      };
    },
  }),

  get_deal: tool({
    description:
      "A deal with the people on it and their roles, its stage history (with the CRM's stage names) and latest timeline.",
    input: z.object({ name_or_id: nameOrId }),
    async run(input, { db, userId }) {
      const key = input.name_or_id;
      const deal =
        (await db.opportunity.findFirst({
          where: { userId, id: key },
          select: { id: true, crmStage: true, crmStageUnmapped: true },
        })) ??
        (await db.opportunity.findFirst({
          where: { userId, name: { contains: key, mode: "insensitive" } },
          orderBy: { updatedAt: "desc" },
          select: { id: true, crmStage: true, crmStageUnmapped: true },
        }));
      if (!deal) return { answer: `No deal matches “${key}”.` };
      const [history, timeline, people] = await Promise.all([
        db.opportunityStageChange.findMany({
          where: { userId, opportunityId: deal.id },
          orderBy: [{ at: "asc" }, { id: "asc" }],
          select: { fromStage: true, stage: true, at: true, crmStage: true },
        }),
        db.activity.findMany({
          where: { userId, opportunityId: deal.id },
          orderBy: [{ at: "desc" }, { id: "asc" }],
          select: { id: true },
          take: 8,
        }),
        // The people on the deal: their lines carry their role on it and their sequences.
        db.opportunityContact.findMany({
          where: { userId, opportunityId: deal.id, prospect: { userId } },
          orderBy: [{ isPrimary: "desc" }, { id: "asc" }],
          select: { prospectId: true },
          take: 8,
        }),
      ]);
      // Each entry as the CRM named it too, when it did in other words than ours.
      const entry = (h: (typeof history)[number]) =>
        h.crmStage === null || h.crmStage.trim().toLowerCase() === stageLabels[h.stage].toLowerCase()
          ? stageLabels[h.stage]
          : isUnmappedChange(h, deal)
            ? `"${h.crmStage}" (a CRM stage not mapped here)`
            : `${stageLabels[h.stage]} ("${h.crmStage}" in the CRM)`;
      return {
        refs: [
          { type: "opportunity", id: deal.id },
          ...people.map((p) => ({ type: "prospect" as const, id: p.prospectId })),
          ...timeline.map((a) => ({ type: "activity" as const, id: a.id })),
        ],
        facts: history.length
          ? [`Stage history: ${history.map((h) => `${entry(h)} on ${h.at.toISOString().slice(0, 10)}`).join(", ")}.`]
          : [],
      };
    },
  }),

  get_person: tool({
    description:
      "A person with their account, role, sequences (step and state), the deals they are on, recent emails and meetings.",
    input: z.object({ name_or_id: nameOrId }),
    async run(input, { db, userId }) {
      const key = input.name_or_id;
      const person =
        (await db.prospect.findFirst({ where: { userId, id: key }, select: { id: true } })) ??
        (await resolveEntities(db, userId, key).then((r) => (r.prospects[0] ? { id: r.prospects[0] } : null)));
      if (!person) return { answer: `No person matches “${key}”.` };
      const [messages, meetings, deals] = await Promise.all([
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
        db.opportunityContact.findMany({
          where: { userId, prospectId: person.id, opportunity: { userId } },
          orderBy: [{ isPrimary: "desc" }, { id: "asc" }],
          select: { opportunityId: true },
          take: 5,
        }),
      ]);
      return {
        refs: [
          { type: "prospect", id: person.id },
          ...deals.map((d) => ({ type: "opportunity" as const, id: d.opportunityId })),
          ...messages.map((m) => ({ type: "message" as const, id: m.id })),
          ...meetings.map((m) => ({ type: "meeting" as const, id: m.id })),
        ],
      };
    },
  }),

  list_deals: tool({
    description:
      "Deals filtered by stage, open/closed state, close-date range (YYYY-MM-DD) and account, soonest close date first.",
    input: z.object({
      stage: z.enum(opportunityStages).optional(),
      state: z.enum(["open", "closed", "all"]).optional(),
      closing_from: dealDate.optional().describe("YYYY-MM-DD, inclusive"),
      closing_to: dealDate.optional().describe("YYYY-MM-DD, inclusive"),
      account: z.string().trim().max(200).optional().describe("Account name or id"),
      limit: z.number().int().min(1).max(25).optional(),
    }),
    async run(input, { db, userId }) {
      const accountId = input.account ? await accountIdFor(db, userId, input.account) : null;
      if (input.account && !accountId) return { answer: `No account matches “${input.account}”.` };
      const state = input.state ?? "open";
      const deals = await db.opportunity.findMany({
        where: {
          userId,
          ...(accountId ? { accountId } : {}),
          ...(input.stage
            ? // A deal in a CRM stage mapped to none of ours is in no stage of ours (its line says which).
              { stage: input.stage, crmStageUnmapped: false }
            : state === "open"
              ? { stage: { in: OPEN_STAGES } }
              : state === "closed"
                ? { stage: { in: ["closed_won", "closed_lost"] } }
                : {}),
          ...(input.closing_from || input.closing_to
            ? {
                closeDate: {
                  ...(input.closing_from ? { gte: new Date(`${input.closing_from}T00:00:00Z`) } : {}),
                  ...(input.closing_to ? { lte: new Date(`${input.closing_to}T00:00:00Z`) } : {}),
                },
              }
            : {}),
        },
        orderBy: [{ closeDate: { sort: "asc", nulls: "last" } }, { id: "asc" }],
        select: { id: true },
        take: input.limit ?? 15,
      });
      return { refs: deals.map((d) => ({ type: "opportunity" as const, id: d.id })) };
    },
  }),

  pipeline_summary: tool({
    description: "Open pipeline by stage: number of deals and totals per currency, with the largest deals.",
    input: z.object({}),
    async run(_input, { db, userId }) {
      const pipeline = await openPipeline(db, userId);
      return {
        refs: pipeline.largest.map((id) => ({ type: "opportunity" as const, id })),
        facts: pipeline.byStage,
      };
    },
  }),

  upcoming_meetings: tool({
    description: "Meetings from now on, for the next N days (default 7), optionally for one account.",
    input: z.object({
      days: z.number().int().min(1).max(90).optional(),
      account: z.string().trim().max(200).optional(),
    }),
    async run(input, { db, userId, now }) {
      const accountId = input.account ? await accountIdFor(db, userId, input.account) : null;
      const window = detectWindow(`next ${input.days ?? 7} days`, now, "calendar");
      const meetings = await db.meeting.findMany({
        where: { userId, ...(accountId ? { accountId } : {}), startsAt: { gte: window.from, lt: window.to } },
        orderBy: [{ startsAt: "asc" }, { id: "asc" }],
        select: { id: true },
        take: 25,
      });
      return {
        refs: meetings.map((m) => ({ type: "meeting" as const, id: m.id })),
        facts: [
          `Meetings from ${window.from.toISOString().slice(0, 16)} UTC to ${window.to.toISOString().slice(0, 10)}: ${meetings.length}.`,
        ],
      };
    },
  }),
};
export type ToolName = keyof typeof tools;

function isToolName(name: string): name is ToolName {
  // Own keys only: "toString", "constructor" and "__proto__" are not tools (server/utils/own.ts).
  return Object.hasOwn(tools, name);
}

/** The tool definitions, in the Messages API's format. */
export const TOOL_DEFINITIONS: Tool[] = Object.entries(tools).map(([name, spec]) => ({
  name,
  description: spec.description,
  input_schema: spec.inputSchema,
}));

/** Runs one tool call for `userId`; the answer lists records with their (new or existing) handles. */
export async function runTool(
  db: Db,
  userId: string,
  name: string,
  rawInput: unknown,
  manifest: Manifest,
  now: Date,
): Promise<{ text: string; added: PackItem[] }> {
  if (!isToolName(name)) return { text: `There is no tool called ${name}.`, added: [] };
  const found = await tools[name].run(rawInput, { db, userId, now });
  if ("answer" in found) return { text: found.answer, added: [] };
  const added = manifest.add(await loadRecords(db, userId, found.refs), `found by the ${name} tool`);
  const lines = added.map(recordLine);
  const facts = found.facts ?? [];
  const text = [...(lines.length ? lines : ["Nothing found."]), ...facts.map((f) => `- ${f}`)].join("\n");
  return { text, added };
}

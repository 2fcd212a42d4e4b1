// The Outreach SyncProvider: reads accounts, prospects, opportunities, sequence states, mailings and
// calls from Outreach's JSON:API (https://api.outreach.io/api/v2) and turns each page into
// provider-neutral changes.
//
// - A round visits the resources in dependency order (accounts → prospects → opportunities →
//   sequenceStates → mailings → calls), one page per step. Each listing asks for what changed since
//   the resource's watermark: `filter[updatedAt]=<watermark>..inf&sort=updatedAt&count=false`, with
//   sparse fieldsets and `include=` for what a change needs (a stage's name, a sequence's name and
//   step count, a prospect's address). It follows `links.next` to the end; the in-flight link and
//   the watermark (the newest updatedAt read) are the cursor, saved with the page they cover.
// - updatedAt has second precision and the range is inclusive, so a round re-reads the records of
//   the watermark's second: ingest upserts them again (idempotent), and nothing updated in that same
//   second after the previous read is ever skipped.
// - Outreach has no deletion feed: at most once a day per resource (after a round's listing of it),
//   an id reconciliation lists every id (`fields[type]=updatedAt`, `sort=id`, pages of 1000) as
//   "present" pages, then "sweep_end".
// - Rate limits: every answer's X-RateLimit-* headers are read; when the hour's allowance is nearly
//   spent, the cursor remembers the reset and the next step waits for it (rate_limited, not a
//   failure); a 429 waits until the reset or Retry-After.
// - Every resource is validated with zod; one that does not parse, lacks a required attribute or
//   has a value outside Outreach's documented set is skipped with its reason, and the page goes on.
import { compile } from "html-to-text";
import { z } from "zod";
import {
  AccessTokenRejectedError,
  CursorExpiredError,
  ProviderAuthError,
  TemporaryProviderError,
  retryAfterMs,
} from "../errors";
import { splitQuotedHistory } from "../google/mime";
import type { OpportunityStage as OpportunityStageName } from "../../db/generated/client";
import type {
  ConnectedAccount,
  ExternalRef,
  SkippedItem,
  SkipReason,
  SyncChange,
  SyncCursor,
  SyncProvider,
  SyncStep,
  SyncStepInput,
} from "../types";

export const OUTREACH_API_BASE_URL = "https://api.outreach.io/api/v2";
const JSON_API = "application/vnd.api+json";
/** Outreach's maximum page size. Reconciliation reads ids only, so it uses the largest pages. */
const MAX_PAGE_SIZE = 1000;
/** How often each resource's ids are reconciled (Outreach reports no deletions). */
export const RECONCILE_EVERY_MS = 24 * 3_600_000;
/** An answer larger than this is not read; the page is asked again smaller (30-MB pages exist). */
export const MAX_PAGE_BYTES = 16 * 1024 * 1024;
const MAX_BODY_CHARS = 50_000;

export type OutreachProviderOptions = {
  /** Where the API is: …/api/v2 (the fake in tests and the demo). Outreach's own by default. */
  baseUrl?: string | null;
  /** Records per page; Outreach's default is 50, its maximum 1000. */
  pageSize?: number;
  timeoutMs?: number;
  /** Requests left in the hour at or below which the sync waits for the reset. */
  minRemaining?: number;
  reconcileEveryMs?: number;
  maxPageBytes?: number;
};

// ---------------------------------------------------------------------------------------------
// What Outreach answers (validated; unknown members pass through unread).

const resourceObject = z.object({
  type: z.string().min(1),
  id: z.number().int().positive(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  relationships: z.record(z.string(), z.unknown()).optional(),
});
type ResourceObject = z.infer<typeof resourceObject>;

const collection = z.object({
  data: z.array(z.unknown()),
  included: z.array(z.unknown()).optional(),
  links: z.object({ next: z.string().nullish() }).optional(),
});

const toOne = z.object({
  data: z.object({ type: z.string().min(1), id: z.number().int().positive() }).nullish(),
});

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const isoTime = z.string().refine((value) => ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)));
const text = z.string().nullish();
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

const accountAttributes = z.object({
  name: text,
  domain: text,
  websiteUrl: text,
  industry: text,
  numberOfEmployees: z.number().int().nonnegative().nullish(),
  description: text,
  updatedAt: isoTime.nullish(),
});

const prospectAttributes = z.object({
  firstName: text,
  lastName: text,
  emails: z.array(z.string()).nullish(),
  title: text,
  workPhones: z.array(z.string()).nullish(),
  mobilePhones: z.array(z.string()).nullish(),
  linkedInUrl: text,
  updatedAt: isoTime.nullish(),
});

const opportunityAttributes = z.object({
  name: text,
  amount: z.number().nullish(),
  currencyType: text,
  closeDate: isoTime.nullish(),
  probability: z.number().min(0).max(100).nullish(),
  nextStep: text,
  customId: text,
  updatedAt: isoTime.nullish(),
});

const SEQUENCE_STATES = ["pending", "active", "paused", "finished", "failed", "bounced", "disabled", "opted_out"];
const sequenceStateAttributes = z.object({ state: text, updatedAt: isoTime.nullish() });

/** Mailing states (Outreach documents these ten); only the sent ones are correspondence. */
const MAILING_STATES = [
  "bounced",
  "delivered",
  "delivering",
  "drafted",
  "failed",
  "opened",
  "placeholder",
  "queued",
  "replied",
  "scheduled",
];
const SENT_MAILING_STATES = new Set(["delivered", "opened", "replied"]);
const mailingAttributes = z.object({
  subject: text,
  bodyText: text,
  bodyHtml: text,
  messageId: text,
  state: text,
  deliveredAt: isoTime.nullish(),
  mailboxAddress: text,
  updatedAt: isoTime.nullish(),
});

const callAttributes = z.object({
  direction: text,
  outcome: text,
  note: text,
  dialedAt: isoTime.nullish(),
  answeredAt: isoTime.nullish(),
  completedAt: isoTime.nullish(),
  createdAt: isoTime.nullish(),
  updatedAt: isoTime.nullish(),
});

const includedStage = z.object({ name: z.string().min(1), isClosed: z.boolean().nullish() });
const includedSequence = z.object({
  name: z.string().min(1),
  sequenceStepCount: z.number().int().nonnegative().nullish(),
});
const includedStep = z.object({ order: z.number().int().positive().nullish() });
// What a mailing or call needs of its prospect is the address; an unreadable name is left out.
const includedProspect = z.object({
  emails: z.array(z.string()).nullish(),
  firstName: text.catch(null),
  lastName: text.catch(null),
});

const rootAnswer = z.object({
  meta: z.object({
    user: z.object({
      id: z.union([z.number(), z.string()]),
      email: z.string().regex(EMAIL),
      firstName: text,
      lastName: text,
    }),
  }),
});

const errorBody = z.object({
  errors: z.array(z.object({ id: z.string().nullish(), detail: z.string().nullish() }).passthrough()),
});

// ---------------------------------------------------------------------------------------------
// The cursor.

const resourcePosition = z.object({
  /** The newest updatedAt read (ISO); the next listing starts at this second, inclusive. */
  watermark: z.string().nullable(),
  /** When this resource's ids were last reconciled (ISO). */
  reconciledAt: z.string().nullable(),
});
const cursorSchema = z.object({
  version: z.literal(1),
  /** "full" until the first round over every resource has ended. */
  phase: z.enum(["full", "incremental"]),
  /** The resource the round is at (an index into RESOURCES). */
  index: z.number().int().nonnegative(),
  stage: z.enum(["list", "sweep"]),
  /** The in-flight `links.next` of the listing or sweep in progress. */
  next: z.string().nullable(),
  /** A smaller page size in effect for the listing in progress, after a page too large to read. */
  pageSize: z.number().int().positive().nullable(),
  sweepStartedAt: z.string().nullable(),
  fullStartedAt: z.string(),
  /** Outreach said the hour's allowance is (nearly) spent: wait until then (ISO). */
  pausedUntil: z.string().nullable(),
  resources: z.record(z.string(), resourcePosition),
  /** Records read by the full sync so far. */
  done: z.number().int().nonnegative(),
});
export type OutreachCursor = z.infer<typeof cursorSchema>;

// ---------------------------------------------------------------------------------------------
// The resources, in dependency order.

type Included = Map<string, ResourceObject>;
type Converted = SyncChange | { reason: SkipReason };

type ResourceSpec = {
  /** The collection's path and the scope's name ("prospects" → prospects.read). */
  path: string;
  /** The JSON:API type, also the changes' objectType. */
  type: string;
  include: string[];
  fields: Record<string, string[]>;
  convert: (resource: ResourceObject, included: Included) => Converted;
};

class Skip extends Error {
  constructor(readonly reason: SkipReason) {
    super(reason);
  }
}

const RESOURCES: ResourceSpec[] = [
  {
    path: "accounts",
    type: "account",
    include: [],
    fields: { account: ["name", "domain", "websiteUrl", "industry", "numberOfEmployees", "description", "updatedAt"] },
    convert: (resource) => {
      const attributes = parse(accountAttributes, resource.attributes);
      const name = required(clean(attributes.name, 255));
      return {
        kind: "account",
        objectType: "account",
        externalId: String(resource.id),
        modifiedAt: requiredTime(attributes.updatedAt),
        fields: {
          name,
          domain: clean(attributes.domain, 255) ?? clean(attributes.websiteUrl, 255),
          industry: clean(attributes.industry, 255),
          employeeCount: attributes.numberOfEmployees ?? null,
          hqCity: null,
          tier: null,
          description: clean(attributes.description, 10_000),
        },
      };
    },
  },
  {
    path: "prospects",
    type: "prospect",
    include: [],
    fields: {
      prospect: [
        "firstName",
        "lastName",
        "emails",
        "title",
        "workPhones",
        "mobilePhones",
        "linkedInUrl",
        "updatedAt",
        "account",
      ],
    },
    convert: (resource) => {
      const attributes = parse(prospectAttributes, resource.attributes);
      const email = firstEmail(attributes.emails);
      let firstName = clean(attributes.firstName, 255) ?? "";
      const lastName = clean(attributes.lastName, 255) ?? "";
      if (!firstName && !lastName) {
        // Outreach requires neither; a person with no name and no address is nobody we can show.
        if (!email) throw new Skip("missing_field");
        firstName = email.split("@")[0]!;
      }
      return {
        kind: "prospect",
        objectType: "prospect",
        externalId: String(resource.id),
        modifiedAt: requiredTime(attributes.updatedAt),
        account: relation(resource, "account"),
        fields: {
          firstName,
          lastName,
          email,
          title: clean(attributes.title, 255),
          phone: clean(attributes.workPhones?.[0], 64) ?? clean(attributes.mobilePhones?.[0], 64),
          linkedinUrl: clean(attributes.linkedInUrl, 1000),
        },
      };
    },
  },
  {
    path: "opportunities",
    type: "opportunity",
    include: ["opportunityStage"],
    fields: {
      opportunity: [
        "name",
        "amount",
        "currencyType",
        "closeDate",
        "probability",
        "nextStep",
        "customId",
        "updatedAt",
        "account",
        "opportunityStage",
      ],
      opportunityStage: ["name", "isClosed"],
    },
    convert: (resource, included) => {
      const attributes = parse(opportunityAttributes, resource.attributes);
      const name = required(clean(attributes.name, 255));
      const stageRef = relation(resource, "opportunityStage");
      if (!stageRef) throw new Skip("missing_field");
      const stage = parse(includedStage, includedOf(included, stageRef)?.attributes, "missing_field");
      const currency = (clean(attributes.currencyType, 8) ?? "USD").toUpperCase();
      if (!/^[A-Z]{3}$/.test(currency)) throw new Skip("unknown_value");
      return {
        kind: "deal",
        objectType: "opportunity",
        externalId: String(resource.id),
        modifiedAt: requiredTime(attributes.updatedAt),
        account: relation(resource, "account"),
        stage: { label: stage.name, mapped: mapStage(stage.name) },
        crmId: salesforceOpportunityId(attributes.customId),
        fields: {
          name,
          // Outreach's amount is in whole units of the currency; ours in minor units.
          amount:
            attributes.amount === null || attributes.amount === undefined ? null : Math.round(attributes.amount * 100),
          currency,
          closeDate: attributes.closeDate ? new Date(attributes.closeDate).toISOString().slice(0, 10) : null,
          probability: attributes.probability ?? null,
          nextStep: clean(attributes.nextStep, 1000),
        },
      };
    },
  },
  {
    path: "sequenceStates",
    type: "sequenceState",
    include: ["sequence", "sequenceStep"],
    fields: {
      sequenceState: ["state", "updatedAt", "prospect", "sequence", "sequenceStep"],
      sequence: ["name", "sequenceStepCount"],
      sequenceStep: ["order"],
    },
    convert: (resource, included) => {
      const attributes = parse(sequenceStateAttributes, resource.attributes);
      const state = required(attributes.state);
      if (!SEQUENCE_STATES.includes(state)) throw new Skip("unknown_value");
      const person = relation(resource, "prospect");
      const sequenceRef = relation(resource, "sequence");
      if (!person || !sequenceRef) throw new Skip("missing_field");
      const sequence = parse(includedSequence, includedOf(included, sequenceRef)?.attributes, "missing_field");
      const stepRef = relation(resource, "sequenceStep");
      const step = stepRef ? includedOf(included, stepRef) : undefined;
      return {
        kind: "sequence_state",
        objectType: "sequenceState",
        externalId: String(resource.id),
        modifiedAt: requiredTime(attributes.updatedAt),
        person,
        sequenceName: sequence.name.slice(0, 255),
        step: step ? (parse(includedStep, step.attributes).order ?? null) : null,
        totalSteps: sequence.sequenceStepCount ?? null,
        state,
      };
    },
  },
  {
    path: "mailings",
    type: "mailing",
    include: ["prospect"],
    fields: {
      mailing: [
        "subject",
        "bodyText",
        "bodyHtml",
        "messageId",
        "state",
        "deliveredAt",
        "mailboxAddress",
        "updatedAt",
        "prospect",
        "sequence",
      ],
      prospect: ["emails", "firstName", "lastName"],
    },
    convert: (resource, included) => {
      const attributes = parse(mailingAttributes, resource.attributes);
      const state = required(attributes.state);
      if (!MAILING_STATES.includes(state)) throw new Skip("unknown_value");
      // Drafts, scheduled and queued mailings were never sent; bounced and failed ones never arrived.
      if (!SENT_MAILING_STATES.has(state)) throw new Skip("not_correspondence");
      const sentAt = requiredTime(attributes.deliveredAt);
      const from = clean(attributes.mailboxAddress, 320);
      if (!from || !EMAIL.test(from)) throw new Skip("missing_field");
      const prospectRef = relation(resource, "prospect");
      if (!prospectRef) throw new Skip("missing_field");
      const prospect = parse(includedProspect, includedOf(included, prospectRef)?.attributes, "missing_field");
      const to = firstEmail(prospect.emails);
      if (!to) throw new Skip("missing_field");
      const sequenceRef = relation(resource, "sequence");
      const plain =
        attributes.bodyText ?? (attributes.bodyHtml ? htmlToText(attributes.bodyHtml.slice(0, MAX_PAGE_BYTES)) : "");
      const { body, quoted } = splitQuotedHistory(plain.replace(/\r\n/g, "\n").trim());
      const name = [prospect.firstName, prospect.lastName].filter(Boolean).join(" ").trim();
      return {
        kind: "email",
        externalId: String(resource.id),
        // One conversation per prospect and sequence; a one-off mailing is its own.
        threadId: sequenceRef
          ? `prospect:${prospectRef.externalId}:sequence:${sequenceRef.externalId}`
          : `prospect:${prospectRef.externalId}:mailing:${resource.id}`,
        rfcMessageId: attributes.messageId?.trim().replace(/^<|>$/g, "") || null,
        subject: clean(attributes.subject, 998) ?? "(no subject)",
        from: { email: from, name: null },
        to: [{ email: to, name: name || null }],
        cc: [],
        sentAt,
        body: body.slice(0, MAX_BODY_CHARS),
        quotedText: quoted ? quoted.slice(0, MAX_BODY_CHARS) : null,
        attachmentNames: [],
      };
    },
  },
  {
    path: "calls",
    type: "call",
    include: ["prospect"],
    fields: {
      call: [
        "direction",
        "outcome",
        "note",
        "dialedAt",
        "answeredAt",
        "completedAt",
        "createdAt",
        "updatedAt",
        "prospect",
        "opportunity",
      ],
      prospect: ["emails"],
    },
    convert: (resource, included) => {
      const attributes = parse(callAttributes, resource.attributes);
      const direction = attributes.direction ?? null;
      if (direction !== null && direction !== "inbound" && direction !== "outbound") throw new Skip("unknown_value");
      const modifiedAt = requiredTime(attributes.updatedAt);
      const occurred = attributes.completedAt ?? attributes.answeredAt ?? attributes.dialedAt ?? attributes.createdAt;
      const person = relation(resource, "prospect");
      const prospect = person ? includedProspect.safeParse(includedOf(included, person)?.attributes) : null;
      const outcome = clean(attributes.outcome, 255);
      const duration =
        attributes.answeredAt && attributes.completedAt
          ? Math.max(0, Math.round((Date.parse(attributes.completedAt) - Date.parse(attributes.answeredAt)) / 1000))
          : null;
      return {
        kind: "activity",
        objectType: "call",
        externalId: String(resource.id),
        modifiedAt,
        type: "call_logged",
        subject: `${direction === "inbound" ? "Inbound" : "Outbound"} call${outcome ? `: ${outcome}` : ""}`,
        body: clean(attributes.note, MAX_BODY_CHARS),
        occurredAt: occurred ? new Date(occurred) : modifiedAt,
        person,
        personEmail: prospect?.success ? firstEmail(prospect.data.emails) : null,
        account: null,
        deal: relation(resource, "opportunity"),
        call: { direction, outcome, durationSeconds: duration },
      };
    },
  },
];

export const OUTREACH_RESOURCE_ORDER = RESOURCES.map((spec) => spec.path);

// ---------------------------------------------------------------------------------------------

export function createOutreachProvider(options: OutreachProviderOptions = {}): SyncProvider {
  const baseUrl = (options.baseUrl ?? OUTREACH_API_BASE_URL).replace(/\/+$/, "");
  const origin = new URL(baseUrl).origin;
  const pageSize = Math.min(options.pageSize ?? 100, MAX_PAGE_SIZE);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const reconcileEveryMs = options.reconcileEveryMs ?? RECONCILE_EVERY_MS;
  const maxPageBytes = options.maxPageBytes ?? MAX_PAGE_BYTES;

  type Answer = { body: unknown; tooLarge: false } | { body: null; tooLarge: true };
  type Limits = { remaining: number | null; limit: number | null; resetAt: number | null };

  async function get(
    url: string,
    accessToken: string,
    signal: AbortSignal,
    now: Date,
  ): Promise<Answer & { limits: Limits }> {
    signal.throwIfAborted();
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": JSON_API, Accept: JSON_API },
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        redirect: "error",
      });
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      throw new TemporaryProviderError(`Outreach could not be reached: ${(error as Error).message}`, "network");
    }
    const limits = readLimits(response.headers);
    if (!response.ok) {
      const body: unknown = await response.json().catch(() => null);
      throw classify(response.status, body, response.headers, limits, now);
    }
    let textBody: string | null;
    try {
      textBody = await readBounded(response, maxPageBytes);
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      throw new TemporaryProviderError(`Outreach's answer broke off: ${(error as Error).message}`, "network");
    }
    if (textBody === null) return { body: null, tooLarge: true, limits };
    try {
      return { body: JSON.parse(textBody) as unknown, tooLarge: false, limits };
    } catch {
      throw new TemporaryProviderError("Outreach answered with something that is not JSON", "unavailable");
    }
  }

  /** A `links.next` is followed only to the API we were given (the token never goes elsewhere). */
  function ownLink(link: string | null | undefined): string | null {
    if (!link) return null;
    let url: URL;
    try {
      url = new URL(link, baseUrl);
    } catch {
      throw new TemporaryProviderError("Outreach answered a next link that is not a URL", "unavailable");
    }
    if (url.origin !== origin)
      throw new TemporaryProviderError("Outreach answered a next link to another host", "unavailable");
    return url.toString();
  }

  function listUrl(spec: ResourceSpec, watermark: string | null, size: number): string {
    const params = new URLSearchParams();
    if (watermark) params.set("filter[updatedAt]", `${watermark}..inf`);
    params.set("sort", "updatedAt");
    params.set("page[size]", String(size));
    params.set("count", "false");
    if (spec.include.length) params.set("include", spec.include.join(","));
    for (const [type, fields] of Object.entries(spec.fields)) params.set(`fields[${type}]`, fields.join(","));
    return `${baseUrl}/${spec.path}?${params.toString()}`;
  }

  function sweepUrl(spec: ResourceSpec): string {
    const params = new URLSearchParams({
      sort: "id",
      "page[size]": String(MAX_PAGE_SIZE),
      count: "false",
      [`fields[${spec.type}]`]: "updatedAt",
    });
    return `${baseUrl}/${spec.path}?${params.toString()}`;
  }

  /** The same request with another page size (a link from Outreach carries its own). */
  function withPageSize(link: string, size: number): string {
    const url = new URL(link);
    url.searchParams.set("page[size]", String(size));
    return url.toString();
  }

  /** The listing `url` continued at the page a `next` link points to (its page[after]), at the normal page size. */
  function continueAfter(url: string, next: string): string {
    const continued = new URL(url);
    const after = new URL(next).searchParams.get("page[after]");
    if (after === null)
      throw new TemporaryProviderError("Outreach answered a next link without a cursor", "unavailable");
    continued.searchParams.set("page[after]", after);
    continued.searchParams.set("page[size]", String(pageSize));
    return continued.toString();
  }

  /** The same request for updatedAt only: to learn the id and the way on past a record too large to read. */
  function idsOnly(link: string, spec: ResourceSpec): string {
    const url = new URL(link);
    url.searchParams.delete("include");
    for (const key of [...url.searchParams.keys()]) if (key.startsWith("fields[")) url.searchParams.delete(key);
    url.searchParams.set(`fields[${spec.type}]`, "updatedAt");
    return url.toString();
  }

  return {
    id: "outreach",

    async connectedAccount(accessToken: string, signal: AbortSignal): Promise<ConnectedAccount> {
      const answer = await get(baseUrl, accessToken, signal, new Date());
      const root = rootAnswer.safeParse(answer.body);
      if (!root.success) throw new TemporaryProviderError("Outreach did not say whose token this is", "unavailable");
      const { email, firstName, lastName } = root.data.meta.user;
      const name = [firstName, lastName].filter(Boolean).join(" ").trim();
      return { id: email.toLowerCase(), name: name ? `${name} (${email})` : email };
    },

    async step(input: SyncStepInput): Promise<SyncStep> {
      const { accessToken, signal, now } = input;
      const cursor = input.cursor === null ? initialCursor(now) : readCursor(input.cursor);
      if (cursor.pausedUntil) {
        const wait = Date.parse(cursor.pausedUntil) - now.getTime();
        if (wait > 0) {
          throw new TemporaryProviderError(
            "Outreach's hourly request allowance is nearly spent; waiting for it to reset",
            "rate_limited",
            wait,
          );
        }
        cursor.pausedUntil = null;
      }
      const spec = RESOURCES[cursor.index];
      if (!spec) throw new CursorExpiredError("The stored Outreach sync position names no resource");
      const position = (cursor.resources[spec.path] ??= { watermark: null, reconciledAt: null });
      const mode = cursor.phase;
      const changes: SyncChange[] = [];
      const skipped: SkippedItem[] = [];
      let requests = 0;

      const pauseIfLow = (limits: Limits) => {
        const floor = options.minRemaining ?? Math.max(10, Math.ceil((limits.limit ?? 10_000) * 0.01));
        if (
          limits.remaining !== null &&
          limits.remaining <= floor &&
          limits.resetAt !== null &&
          limits.resetAt > now.getTime()
        ) {
          cursor.pausedUntil = new Date(limits.resetAt).toISOString();
        }
      };

      /** The resource is done for this round: on to its reconciliation when due, or the next resource. */
      const finishListing = () => {
        cursor.next = null;
        cursor.pageSize = null;
        const due = !position.reconciledAt || now.getTime() - Date.parse(position.reconciledAt) >= reconcileEveryMs;
        if (cursor.phase === "incremental" && due) {
          cursor.stage = "sweep";
          cursor.sweepStartedAt = now.toISOString();
          return false;
        }
        return advance();
      };
      /** On to the next resource; true when the round ended with this step. */
      const advance = () => {
        cursor.stage = "list";
        cursor.next = null;
        cursor.sweepStartedAt = null;
        cursor.index += 1;
        if (cursor.index < RESOURCES.length) return false;
        cursor.index = 0;
        if (cursor.phase === "full") {
          // The full listing saw every record there is: nothing to reconcile until a day from its start.
          cursor.phase = "incremental";
          for (const resource of RESOURCES) {
            (cursor.resources[resource.path] ??= { watermark: null, reconciledAt: null }).reconciledAt =
              cursor.fullStartedAt;
          }
        }
        return true;
      };
      const result = (caughtUp: boolean): SyncStep => ({
        changes,
        skipped,
        cursor,
        mode,
        caughtUp,
        ...(mode === "full" ? { progress: { done: cursor.done, total: caughtUp ? cursor.done : null } } : {}),
        requests,
      });

      if (cursor.stage === "sweep") {
        const sweepStartedAt = new Date(cursor.sweepStartedAt ?? now.toISOString());
        let answer: Awaited<ReturnType<typeof get>>;
        try {
          answer = await get(cursor.next ?? sweepUrl(spec), accessToken, signal, now);
        } catch (error) {
          // Outreach no longer honours the saved page link: the sweep starts over (pages are idempotent).
          if (error instanceof BadRequest && cursor.next) {
            cursor.next = null;
            return result(false);
          }
          throw error;
        } finally {
          requests += 1;
        }
        pauseIfLow(answer.limits);
        const page = collection.safeParse(answer.body);
        if (answer.tooLarge || !page.success)
          throw new TemporaryProviderError("Outreach answered an id page in an unexpected shape", "unavailable");
        const ids: string[] = [];
        for (const item of page.data.data) {
          const id = z.object({ id: z.number().int().positive() }).safeParse(item);
          if (id.success) ids.push(String(id.data.id));
        }
        changes.push({ kind: "present", objectType: spec.type, externalIds: ids, sweepStartedAt });
        const next = ownLink(page.data.links?.next);
        if (next) {
          cursor.next = next;
          return result(false);
        }
        changes.push({ kind: "sweep_end", objectType: spec.type, sweepStartedAt });
        position.reconciledAt = sweepStartedAt.toISOString();
        return result(advance());
      }

      const size = cursor.pageSize ?? pageSize;
      const url = cursor.next
        ? cursor.pageSize
          ? withPageSize(cursor.next, size)
          : cursor.next
        : listUrl(spec, position.watermark, size);
      let answer: Awaited<ReturnType<typeof get>>;
      try {
        answer = await get(url, accessToken, signal, now);
      } catch (error) {
        // A saved page link Outreach no longer honours: list again from the watermark, which only
        // moved past pages already read (sorted by updatedAt), so nothing is skipped.
        if (error instanceof BadRequest && cursor.next) {
          cursor.next = null;
          cursor.pageSize = null;
          return result(false);
        }
        throw error;
      } finally {
        requests += 1;
      }
      pauseIfLow(answer.limits);

      if (answer.tooLarge) {
        if (size > 1) {
          // Ask for the same page in halves until it can be read.
          cursor.pageSize = Math.max(1, Math.floor(size / 2));
          return result(false);
        }
        // One record alone is too large: learn its id and the way on past it, and skip it.
        const probe = await get(idsOnly(url, spec), accessToken, signal, now);
        requests += 1;
        pauseIfLow(probe.limits);
        const page = collection.safeParse(probe.body);
        if (probe.tooLarge || !page.success)
          throw new TemporaryProviderError("Outreach answered a page in an unexpected shape", "unavailable");
        for (const item of page.data.data) {
          const head = z
            .object({
              id: z.number().int().positive(),
              attributes: z.object({ updatedAt: isoTime }).partial().optional(),
            })
            .safeParse(item);
          if (!head.success) continue;
          skipped.push({ externalId: `${spec.type}:${head.data.id}`, reason: "too_large" });
          raiseWatermark(position, head.data.attributes?.updatedAt);
        }
        const probeNext = ownLink(page.data.links?.next);
        // On past it with the listing's own fields and includes (the probe's link asks for ids only),
        // and at the normal page size again.
        cursor.pageSize = null;
        if (probeNext) {
          cursor.next = continueAfter(url, probeNext);
          return result(false);
        }
        return result(finishListing());
      }

      const page = collection.safeParse(answer.body);
      if (!page.success)
        throw new TemporaryProviderError(`Outreach answered a ${spec.type} page in an unexpected shape`, "unavailable");
      const included: Included = new Map();
      for (const item of page.data.included ?? []) {
        const parsed = resourceObject.safeParse(item);
        if (parsed.success) included.set(`${parsed.data.type}:${parsed.data.id}`, parsed.data);
      }
      page.data.data.forEach((item, index) => {
        const parsed = resourceObject.safeParse(item);
        const rawId = typeof (item as { id?: unknown } | null)?.id === "number" ? (item as { id: number }).id : null;
        // Even a record that is skipped moves the watermark, so it is not asked for again and again.
        raiseWatermark(position, updatedAtOf(item));
        if (!parsed.success || parsed.data.type !== spec.type) {
          skipped.push({ externalId: `${spec.type}:${rawId ?? `#${index}`}`, reason: "malformed" });
          return;
        }
        let converted: Converted;
        try {
          converted = spec.convert(parsed.data, included);
        } catch (error) {
          if (!(error instanceof Skip)) throw error;
          converted = { reason: error.reason };
        }
        if ("reason" in converted)
          skipped.push({ externalId: `${spec.type}:${parsed.data.id}`, reason: converted.reason });
        else changes.push(converted);
      });
      if (mode === "full") cursor.done += page.data.data.length;
      const next = ownLink(page.data.links?.next);
      if (next && page.data.data.length > 0) {
        cursor.next = next;
        return result(false);
      }
      return result(finishListing());
    },
  };
}

// ---------------------------------------------------------------------------------------------

function initialCursor(now: Date): OutreachCursor {
  return {
    version: 1,
    phase: "full",
    index: 0,
    stage: "list",
    next: null,
    pageSize: null,
    sweepStartedAt: null,
    fullStartedAt: now.toISOString(),
    pausedUntil: null,
    resources: Object.fromEntries(RESOURCES.map((spec) => [spec.path, { watermark: null, reconciledAt: null }])),
    done: 0,
  };
}

/** A stored cursor that does not parse cannot be resumed: re-sync in full (merging). */
function readCursor(raw: SyncCursor): OutreachCursor {
  const parsed = cursorSchema.safeParse(raw);
  if (!parsed.success || parsed.data.index >= RESOURCES.length) {
    throw new CursorExpiredError("The stored Outreach sync position is unreadable");
  }
  return structuredClone(parsed.data);
}

function raiseWatermark(position: { watermark: string | null }, updatedAt: string | null | undefined): void {
  if (!updatedAt || !ISO_TIME.test(updatedAt)) return;
  const at = Date.parse(updatedAt);
  if (Number.isNaN(at)) return;
  if (!position.watermark || at > Date.parse(position.watermark)) position.watermark = new Date(at).toISOString();
}

function updatedAtOf(item: unknown): string | null {
  const value = (item as { attributes?: { updatedAt?: unknown } } | null)?.attributes?.updatedAt;
  return typeof value === "string" ? value : null;
}

/** Outreach's 400 (a request it will not answer): the caller decides whether to start over. */
class BadRequest extends TemporaryProviderError {}

function classify(
  status: number,
  body: unknown,
  headers: Headers,
  limits: { resetAt: number | null },
  now: Date,
): Error {
  const parsed = errorBody.safeParse(body);
  const ids = parsed.success ? parsed.data.errors.flatMap((e) => (e.id ? [e.id] : [])) : [];
  const detail = parsed.success
    ? parsed.data.errors
        .map((e) => e.detail)
        .filter(Boolean)
        .join("; ")
    : "";
  const words = `Outreach answered ${status}${ids.length ? ` (${ids.join(", ")})` : ""}${detail ? `: ${detail.slice(0, 300)}` : ""}`;
  const retryAfter = retryAfterMs(headers.get("retry-after"), now.getTime());
  if (status === 401) return new AccessTokenRejectedError(words);
  if (status === 403) {
    // A scope the token lacks (unauthorizedOauthScope) or a permission the user lost: only a new
    // authorization can fix either.
    return new ProviderAuthError(
      ids.includes("unauthorizedOauthScope")
        ? `${words}. Reconnect Outreach and grant the read access it asks for.`
        : `${words}. Your Outreach user may not read this any more; reconnect with a user who can.`,
    );
  }
  if (status === 429) {
    const untilReset = limits.resetAt !== null ? Math.max(0, limits.resetAt - now.getTime()) : null;
    const wait = Math.max(retryAfter ?? 0, untilReset ?? 0);
    return new TemporaryProviderError(words, "rate_limited", wait > 0 ? wait : null);
  }
  if (status === 400) return new BadRequest(words, "unavailable");
  return new TemporaryProviderError(words, "unavailable", retryAfter);
}

function readLimits(headers: Headers) {
  const number = (name: string) => {
    const value = headers.get(name);
    return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : null;
  };
  const reset = number("x-ratelimit-reset");
  return {
    limit: number("x-ratelimit-limit"),
    remaining: number("x-ratelimit-remaining"),
    // Epoch seconds (a small number would be seconds from now; read it so too, defensively).
    resetAt: reset === null ? null : reset > 1_000_000_000 ? reset * 1000 : Date.now() + reset * 1000,
  };
}

/** The body as text, or null when it is larger than `limit` bytes (reading stops there). */
async function readBounded(response: Response, limit: number): Promise<string | null> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException("Outreach request aborted", "AbortError");
}

function parse<T>(schema: z.ZodType<T>, value: unknown, reason: SkipReason = "malformed"): T {
  const parsed = schema.safeParse(value ?? (reason === "malformed" ? {} : undefined));
  if (!parsed.success) throw new Skip(reason);
  return parsed.data;
}

function required<T>(value: T | null | undefined): T {
  if (value === null || value === undefined || value === "") throw new Skip("missing_field");
  return value;
}

function requiredTime(value: string | null | undefined): Date {
  return new Date(required(value));
}

function clean(value: string | null | undefined, max: number): string | null {
  const trimmed = value?.replaceAll(String.fromCharCode(0), "").trim();
  return trimmed ? trimmed.slice(0, max) : null;
}

function firstEmail(emails: readonly string[] | null | undefined): string | null {
  for (const email of emails ?? []) {
    const trimmed = email.trim();
    if (EMAIL.test(trimmed) && trimmed.length <= 320) return trimmed;
  }
  return null;
}

function relation(resource: ResourceObject, name: string): ExternalRef | null {
  const raw = resource.relationships?.[name];
  if (raw === undefined || raw === null) return null;
  const parsed = toOne.safeParse(raw);
  if (!parsed.success) throw new Skip("malformed");
  const data = parsed.data.data;
  return data ? { objectType: data.type, externalId: String(data.id) } : null;
}

function includedOf(included: Included, ref: ExternalRef): ResourceObject | undefined {
  return included.get(`${ref.objectType}:${ref.externalId}`);
}

const STAGE_MAP: Record<string, OpportunityStageName> = {
  // Salesforce's standard stage names, which a Salesforce-synced Outreach org carries.
  prospecting: "prospecting",
  qualification: "discovery",
  "needs analysis": "discovery",
  "value proposition": "demo",
  "id. decision makers": "evaluation",
  "perception analysis": "evaluation",
  "proposal/price quote": "proposal",
  "negotiation/review": "negotiation",
  "closed won": "closed_won",
  "closed lost": "closed_lost",
  // Our own stage names.
  discovery: "discovery",
  demo: "demo",
  evaluation: "evaluation",
  proposal: "proposal",
  negotiation: "negotiation",
};

/** Our stage for an Outreach stage name when it is obvious; null (shown as named) otherwise. */
export function mapStage(name: string): OpportunityStageName | null {
  return STAGE_MAP[name.trim().toLowerCase().replace(/\s+/g, " ")] ?? null;
}

/**
 * The Salesforce Opportunity id an Outreach opportunity names in its `customId` (Outreach's field for
 * "an ID in an external system"; its Salesforce plugin's own mapping is not in the public API). Only
 * a value shaped like an Opportunity id (key prefix 006, 15 or 18 characters) counts; a 15-character
 * id is given its 18-character form, which is what Salesforce's REST API answers.
 */
export function salesforceOpportunityId(customId: string | null | undefined): string | null {
  const value = customId?.trim();
  if (!value || !/^006[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/.test(value)) return null;
  const id15 = value.slice(0, 15);
  const suffix = caseSafeSuffix(id15);
  if (value.length === 18 && value.slice(15).toUpperCase() !== suffix) return null;
  return id15 + suffix;
}

function caseSafeSuffix(id15: string): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  let suffix = "";
  for (let block = 0; block < 3; block += 1) {
    let flags = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15[block * 5 + i]!;
      if (c >= "A" && c <= "Z") flags |= 1 << i;
    }
    suffix += chars[flags]!;
  }
  return suffix;
}

const htmlToText = compile({
  wordwrap: false,
  selectors: [
    { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
    { selector: "img", format: "skip" },
  ],
  limits: { maxInputLength: 2 * 1024 * 1024, maxDepth: 200 },
});

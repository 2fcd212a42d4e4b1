// A fake of Outreach's REST API (https://api.outreach.io/api/v2): a real HTTP router that speaks
// its wire format, so the product's real connector is pointed at it in tests, the benchmark and the
// demo. What it implements, as Outreach documents it (developers.outreach.io/api/making-requests):
// - JSON:API 1.0: requests must send `Content-Type: application/vnd.api+json` (415 otherwise);
//   answers are `{ data, included?, links, meta }` with integer ids; errors are `{ errors: [{ id,
//   title, detail }] }`.
// - Collections: `filter[attr]=value`, lists `1,2,3`, ranges `a..b` with `neginf`/`inf`,
//   relationship ids `filter[prospect][id]=…`; `sort=a,-b`; `page[size]` (1…1000, 50 by default);
//   cursor paging with an opaque `page[after]` in `links.next`; `count=false` leaves out
//   `meta.count`; sparse fieldsets `fields[type]=a,b`; `include=rel,…` into `included`. An unknown
//   filter, sort or include field is a 400, as Outreach answers.
// - OAuth: 401 `unauthorizedRequest` for an unknown/expired token; 403 `unauthorizedOauthScope` for
//   a token without the resource's `<resource>.read` (or `.all`) scope.
// - Rate limits per user: `X-RateLimit-Limit` (10,000 an hour), `X-RateLimit-Remaining`,
//   `X-RateLimit-Reset` (epoch seconds) on every answer, and 429 `rateLimitExceeded` with
//   `Retry-After` once the hour's allowance is spent.
// - The API root (`GET /api/v2`) names the token's user in `meta.user`.
// The filters and sorts are parsed and applied to the data; nothing matches on request strings.
import express, { type Request, type Response, type Router } from "express";
import type { ApiTokenVerifier, FakeApiCaller } from "../provider/api-tokens";
import { OUTREACH_TYPES, type OutreachData, type OutreachType, type StoredResource } from "./data";

export const JSON_API = "application/vnd.api+json";
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export type OutreachFault = {
  /** Which requests it hits: a path prefix relative to /api/v2, e.g. "/prospects"; all by default. */
  pathPrefix?: string;
  status: number;
  /** The JSON:API error id, e.g. "rateLimitExceeded", "scheduledServerMaintenance". */
  id?: string;
  retryAfterSeconds?: number;
  /** How many requests it answers; 1 by default. */
  times?: number;
};

export type OutreachRequestRecord = {
  at: number;
  method: string;
  /** Relative to /api/v2, without the query ("/prospects", "" for the root). */
  path: string;
  /** The query as sent (URL-decoded pairs). */
  query: [string, string][];
  status: number;
  userId: string | null;
};

export type FakeOutreachApiOptions = {
  verifyToken: ApiTokenVerifier;
  data: OutreachData;
  /** Requests per user per window; Outreach's is 10,000 an hour. */
  rateLimit?: number;
  rateWindowMs?: number;
  /** The clock for rate-limit windows (ms); Date.now by default. */
  now?: () => number;
};

type JsonApiError = { id: string; title: string; detail: string };

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: JsonApiError,
    readonly headers: Record<string, string> = {},
  ) {
    super(error.detail);
  }
}

const badRequest = (detail: string, id = "badRequest") => new ApiError(400, { id, title: "Bad Request", detail });

/** Relationship names each type has (to-one), what `include`, `fields` and `filter[rel][id]` may name. */
const RELATIONSHIPS: Record<OutreachType, string[]> = {
  account: ["owner"],
  prospect: ["account", "owner"],
  opportunity: ["account", "opportunityStage", "owner"],
  opportunityStage: [],
  sequence: ["owner"],
  sequenceStep: ["sequence"],
  sequenceState: ["prospect", "sequence", "sequenceStep", "mailbox", "account"],
  mailing: ["prospect", "sequence", "sequenceState", "sequenceStep", "user", "mailbox", "opportunity"],
  call: ["prospect", "user", "opportunity", "sequence", "sequenceState"],
  user: [],
};

/** Attributes each type may be filtered by besides id, createdAt and updatedAt. */
const EXTRA_FILTERS: Partial<Record<OutreachType, string[]>> = {
  user: ["email"],
  mailing: ["state", "messageId"],
  prospect: ["emails"],
  sequenceState: ["state"],
};

const SORTABLE = new Set(["id", "createdAt", "updatedAt"]);
const TYPE_BY_PATH = new Map<string, OutreachType>(
  Object.entries(OUTREACH_TYPES).map(([type, path]) => [path, type as OutreachType]),
);

export class FakeOutreachApi {
  readonly requests: OutreachRequestRecord[] = [];
  readonly data: OutreachData;
  private faults: OutreachFault[] = [];
  private readonly usage = new Map<string, { windowStart: number; used: number }>();
  private readonly verifyToken: ApiTokenVerifier;
  private readonly rateLimit: number;
  private readonly rateWindowMs: number;
  private readonly now: () => number;

  constructor(options: FakeOutreachApiOptions) {
    this.verifyToken = options.verifyToken;
    this.data = options.data;
    this.rateLimit = options.rateLimit ?? 10_000;
    this.rateWindowMs = options.rateWindowMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
  }

  /** The next matching requests answer with this fault, `times` times. */
  injectFault(fault: OutreachFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Spends a user's allowance, as if other apps of theirs had called (for rate-limit tests). */
  spendAllowance(userId: string, requests: number): void {
    const usage = this.windowOf(userId);
    usage.used += requests;
  }

  private windowOf(userId: string) {
    const now = this.now();
    let usage = this.usage.get(userId);
    if (!usage || now >= usage.windowStart + this.rateWindowMs) {
      usage = { windowStart: now, used: 0 };
      this.usage.set(userId, usage);
    }
    return usage;
  }

  private takeFault(path: string): OutreachFault | null {
    const fault = this.faults.find((f) => !f.pathPrefix || path.startsWith(f.pathPrefix));
    if (!fault) return null;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  router(): Router {
    const router = express.Router();
    router.use("/api/v2", (req: Request, res: Response) => {
      const path = req.path === "/" ? "" : req.path.replace(/\/$/, "");
      const query = rawQuery(req.originalUrl);
      let caller: FakeApiCaller | null = null;
      res.on("finish", () =>
        this.requests.push({
          at: Date.now(),
          method: req.method,
          path,
          query,
          status: res.statusCode,
          userId: caller?.userId ?? null,
        }),
      );
      try {
        const token = req.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
        caller = token ? this.verifyToken(token) : null;
        if (!caller) {
          throw new ApiError(401, {
            id: "unauthorizedRequest",
            title: "Unauthorized Request",
            detail: "You are not authorized to perform that request.",
          });
        }
        this.chargeAndLimit(caller, res);
        const fault = this.takeFault(path);
        if (fault) {
          throw new ApiError(
            fault.status,
            { id: fault.id ?? "injectedFault", title: "Injected fault", detail: `Injected fault ${fault.status}` },
            fault.retryAfterSeconds !== undefined ? { "Retry-After": String(fault.retryAfterSeconds) } : {},
          );
        }
        if (req.method !== "GET")
          throw new ApiError(405, {
            id: "methodNotAllowed",
            title: "Method Not Allowed",
            detail: "This fake only reads.",
          });
        const contentType = req.get("content-type") ?? "";
        if (contentType.split(";")[0]!.trim().toLowerCase() !== JSON_API) {
          throw new ApiError(415, {
            id: "unsupportedMediaType",
            title: "Unsupported Media Type",
            detail: `Expected Content-Type header to be '${JSON_API}'.`,
          });
        }
        send(res, 200, this.answer(caller, path, query, apiRoot(req)));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        res.set(error.headers);
        send(res, error.status, { errors: [error.error] });
      }
    });
    return router;
  }

  /** Counts the request against the caller's hour; 429 once it is spent. Headers go on every answer. */
  private chargeAndLimit(caller: FakeApiCaller, res: Response): void {
    const usage = this.windowOf(caller.userId);
    const resetAt = usage.windowStart + this.rateWindowMs;
    const resetSeconds = Math.ceil(resetAt / 1000);
    const exhausted = usage.used >= this.rateLimit;
    if (!exhausted) usage.used += 1;
    res.set({
      "X-RateLimit-Limit": String(this.rateLimit),
      "X-RateLimit-Remaining": String(Math.max(0, this.rateLimit - usage.used)),
      "X-RateLimit-Reset": String(resetSeconds),
    });
    if (exhausted) {
      throw new ApiError(
        429,
        {
          id: "rateLimitExceeded",
          title: "Rate Limit Exceeded",
          detail: `You have exceeded your permitted rate limit of ${this.rateLimit}; please try again at ${new Date(resetAt).toISOString()}.`,
        },
        { "Retry-After": String(Math.max(1, Math.ceil((resetAt - this.now()) / 1000))) },
      );
    }
  }

  private answer(caller: FakeApiCaller, path: string, query: [string, string][], root: string): unknown {
    if (path === "") {
      const user = this.data.userByEmail(caller.email);
      if (!user)
        throw new ApiError(404, {
          id: "resourceNotFound",
          title: "Resource Not Found",
          detail: "No user for this token.",
        });
      return {
        meta: {
          user: {
            id: user.id,
            email: user.attributes.email,
            firstName: user.attributes.firstName,
            lastName: user.attributes.lastName,
          },
        },
      };
    }
    const [, plural, idText, ...rest] = path.split("/");
    const type = plural ? TYPE_BY_PATH.get(plural) : undefined;
    if (!type || rest.length > 0)
      throw new ApiError(404, { id: "resourceNotFound", title: "Resource Not Found", detail: `No route ${path}` });
    if (!caller.scopes.includes(`${plural}.read`) && !caller.scopes.includes(`${plural}.all`)) {
      throw new ApiError(403, {
        id: "unauthorizedOauthScope",
        title: "Unauthorized OAuth Scope",
        detail: `Your authorization does not include the required scope '${plural}.read'.`,
      });
    }
    const params = new Map<string, string>();
    for (const [key, value] of query) params.set(key, value);
    const fields = sparseFields(params);
    const include = (params.get("include") ?? "").split(",").filter(Boolean);
    for (const name of include) {
      if (!RELATIONSHIPS[type].includes(name))
        throw badRequest(`Unknown include '${name}' for ${type}.`, "invalidInclude");
    }
    if (idText !== undefined) {
      const resource = /^\d+$/.test(idText) ? this.data.get(type, Number(idText)) : undefined;
      if (!resource) {
        throw new ApiError(404, {
          id: "resourceNotFound",
          title: "Resource Not Found",
          detail: `Could not find '${type}' with ID '${idText}'.`,
        });
      }
      return { data: this.serialize(resource, fields, root), ...this.included([resource], include, fields, root) };
    }
    return this.list(type, params, fields, include, root, query);
  }

  private list(
    type: OutreachType,
    params: Map<string, string>,
    fields: Map<string, Set<string>>,
    include: string[],
    root: string,
    query: [string, string][],
  ): unknown {
    const base = `${root}/${OUTREACH_TYPES[type]}`;
    const filters: ((resource: StoredResource) => boolean)[] = [];
    for (const [key, value] of params) {
      const name = /^filter\[([^\]]+)\](?:\[([^\]]+)\])?$/.exec(key);
      if (!name) continue;
      filters.push(this.filterFor(type, name[1]!, name[2], value));
    }
    const sort = (params.get("sort") ?? "id")
      .split(",")
      .filter(Boolean)
      .map((field) => {
        const descending = field.startsWith("-");
        const name = descending ? field.slice(1) : field;
        if (!SORTABLE.has(name)) throw badRequest(`Unknown sort field '${name}' for ${type}.`, "invalidSort");
        return { name, descending };
      });
    if (!sort.some((key) => key.name === "id")) sort.push({ name: "id", descending: false });
    const sizeText = params.get("page[size]") ?? params.get("page[limit]");
    const size = sizeText === undefined ? DEFAULT_PAGE_SIZE : Number(sizeText);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw badRequest(`page[size] must be an integer from 1 to ${MAX_PAGE_SIZE}.`, "invalidPageSize");
    }
    const keyOf = (resource: StoredResource) =>
      sort.map((key) => (key.name === "id" ? resource.id : resource[key.name as "createdAt" | "updatedAt"].getTime()));
    const compare = (a: number[], b: number[]) => {
      for (let i = 0; i < sort.length; i += 1) {
        if (a[i]! !== b[i]!) return (a[i]! < b[i]! ? -1 : 1) * (sort[i]!.descending ? -1 : 1);
      }
      return 0;
    };
    const matching = this.data
      .all(type)
      .filter((resource) => filters.every((filter) => filter(resource)))
      .map((resource) => ({ resource, key: keyOf(resource) }))
      .sort((a, b) => compare(a.key, b.key));
    let from = 0;
    const after = params.get("page[after]");
    if (after !== undefined) {
      const position = readCursor(after, sort.length);
      from = matching.findIndex((entry) => compare(entry.key, position) > 0);
      if (from < 0) from = matching.length;
    }
    const page = matching.slice(from, from + size);
    const withoutAfter = query.filter(([key]) => key !== "page[after]");
    const links: Record<string, string> = { first: `${base}?${encodeQuery(withoutAfter)}` };
    if (from + size < matching.length && page.length > 0) {
      const token = Buffer.from(JSON.stringify(page[page.length - 1]!.key)).toString("base64url");
      links.next = `${base}?${encodeQuery([...withoutAfter, ["page[after]", token]])}`;
    }
    const meta = params.get("count") === "false" ? {} : { count: matching.length, count_truncated: false };
    return {
      data: page.map((entry) => this.serialize(entry.resource, fields, root)),
      ...this.included(
        page.map((entry) => entry.resource),
        include,
        fields,
        root,
      ),
      links,
      meta,
    };
  }

  private filterFor(type: OutreachType, name: string, sub: string | undefined, value: string) {
    if (sub !== undefined) {
      if (sub !== "id" || !RELATIONSHIPS[type].includes(name)) {
        throw badRequest(`Unknown filter '${name}][${sub}' for ${type}.`, "invalidFilter");
      }
      const ids = parseIdValue(value);
      return (resource: StoredResource) => {
        const related = resource.relationships[name];
        return related !== null && related !== undefined && ids(related.id);
      };
    }
    if (name === "id") {
      const ids = parseIdValue(value);
      return (resource: StoredResource) => ids(resource.id);
    }
    if (name === "updatedAt" || name === "createdAt") {
      const matches = parseTimeValue(value);
      return (resource: StoredResource) => matches(resource[name].getTime());
    }
    if (EXTRA_FILTERS[type]?.includes(name)) {
      const wanted = value.split(",").map((v) => v.toLowerCase());
      return (resource: StoredResource) => {
        const attribute = resource.attributes[name];
        const values = Array.isArray(attribute) ? attribute : [attribute];
        return values.some((v) => typeof v === "string" && wanted.includes(v.toLowerCase()));
      };
    }
    throw badRequest(`Unknown filter field '${name}' for ${type}.`, "invalidFilter");
  }

  private serialize(resource: StoredResource, fields: Map<string, Set<string>>, root: string): unknown {
    if (resource.raw !== undefined) return resource.raw;
    const wanted = fields.get(resource.type);
    const keep = (name: string) => !wanted || wanted.has(name);
    const attributes: Record<string, unknown> = {};
    for (const [name, value] of Object.entries({
      ...resource.attributes,
      createdAt: resource.createdAt.toISOString().replace(".000Z", "Z"),
      updatedAt: resource.updatedAt.toISOString().replace(".000Z", "Z"),
    })) {
      if (keep(name)) attributes[name] = value;
    }
    const relationships: Record<string, unknown> = {};
    for (const name of RELATIONSHIPS[resource.type]) {
      if (!keep(name)) continue;
      const related = resource.relationships[name] ?? null;
      relationships[name] = { data: related ? { type: related.type, id: related.id } : null };
    }
    const self = `${root}/${OUTREACH_TYPES[resource.type]}/${resource.id}`;
    return { type: resource.type, id: resource.id, attributes, relationships, links: { self } };
  }

  private included(
    resources: StoredResource[],
    include: string[],
    fields: Map<string, Set<string>>,
    root: string,
  ): { included?: unknown[] } {
    if (include.length === 0) return {};
    const seen = new Map<string, StoredResource>();
    for (const resource of resources) {
      for (const name of include) {
        const related = resource.relationships[name];
        if (!related) continue;
        const target = this.data.get(related.type, related.id);
        if (target) seen.set(`${target.type}:${target.id}`, target);
      }
    }
    return { included: [...seen.values()].map((resource) => this.serialize(resource, fields, root)) };
  }
}

function send(res: Response, status: number, body: unknown): void {
  res.status(status).set("Content-Type", `${JSON_API}; charset=utf-8`).send(JSON.stringify(body));
}

/** The API's root URL as this request reached it (…/api/v2), absolute, as Outreach writes `links`. */
function apiRoot(req: Request): string {
  return `${req.protocol}://${req.get("host")}${req.baseUrl}`;
}

function rawQuery(url: string): [string, string][] {
  const at = url.indexOf("?");
  return at < 0 ? [] : [...new URLSearchParams(url.slice(at + 1))];
}

function encodeQuery(pairs: [string, string][]): string {
  return pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&");
}

function sparseFields(params: Map<string, string>): Map<string, Set<string>> {
  const fields = new Map<string, Set<string>>();
  for (const [key, value] of params) {
    const match = /^fields\[([^\]]+)\]$/.exec(key);
    if (match) fields.set(match[1]!, new Set(value.split(",").filter(Boolean)));
  }
  return fields;
}

function readCursor(token: string, length: number): number[] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === length && parsed.every((v) => typeof v === "number")) {
      return parsed;
    }
  } catch {
    // answered below
  }
  throw badRequest("The page[after] cursor is not valid for this request.", "invalidCursor");
}

/** `1,2,3`, `5..10`, `5..inf`, `neginf..10`, or one id. */
function parseIdValue(value: string): (id: number) => boolean {
  const range = /^(neginf|\d+)\.\.(inf|\d+)$/.exec(value);
  if (range) {
    const low = range[1] === "neginf" ? -Infinity : Number(range[1]);
    const high = range[2] === "inf" ? Infinity : Number(range[2]);
    return (id) => id >= low && id <= high;
  }
  const ids = value.split(",");
  if (!ids.every((id) => /^\d+$/.test(id))) throw badRequest(`Invalid id filter '${value}'.`, "invalidFilter");
  const set = new Set(ids.map(Number));
  return (id) => set.has(id);
}

/** `<iso>..<iso>` with `neginf`/`inf` for an open end (both ends inclusive), or one instant. */
function parseTimeValue(value: string): (at: number) => boolean {
  const read = (text: string, open: number) => {
    if (text === "inf" || text === "neginf") return open;
    const at = Date.parse(text);
    if (Number.isNaN(at)) throw badRequest(`Invalid date-time '${text}' in filter.`, "invalidFilter");
    return at;
  };
  const parts = value.split("..");
  if (parts.length === 2) {
    const low = read(parts[0]!, -Infinity);
    const high = read(parts[1]!, Infinity);
    return (at) => at >= low && at <= high;
  }
  if (parts.length === 1) {
    const exact = read(value, NaN);
    return (at) => at === exact;
  }
  throw badRequest(`Invalid range '${value}' in filter.`, "invalidFilter");
}

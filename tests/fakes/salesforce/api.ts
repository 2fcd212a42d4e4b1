// A fake of Salesforce's REST API (the part the connector uses), speaking its wire format:
//   GET /services/data/vNN.N/query?q=…         records not in the recycle bin
//   GET /services/data/vNN.N/queryAll?q=…      records in the recycle bin too (IsDeleted = true)
//   GET /services/data/vNN.N/query/<locator>-<offset>   the next batch (nextRecordsUrl)
//   GET /services/data/vNN.N/limits            DailyApiRequests
//   GET /services/data/vNN.N/sobjects/<Object>/describe   the object's fields
// Answers: `{ totalSize, done, nextRecordsUrl?, records: [{ attributes: { type, url }, …fields }] }`;
// errors as a JSON array `[{ message, errorCode }]` with Salesforce's statuses. Every answer carries
// `Sforce-Limit-Info: api-usage=N/M`, every call counts one request, and past the daily allowance
// every call is refused with REQUEST_LIMIT_EXCEEDED. `Sforce-Query-Options: batchSize=N` (200–2000)
// sets a query's batch size. Query locators are snapshots of the result, at most 10 open per user (the
// oldest is closed, as Salesforce does), and can be expired by a test.
import express, { type Request, type Response, type Router } from "express";
import type { ApiTokenVerifier, FakeApiCaller } from "../provider/api-tokens";
import type { FakeOrg, FieldType, FieldValue, SObjectRecord } from "./org";
import { parseSoql, runSoql, SoqlError } from "./soql";

export type SalesforceFault = {
  status: number;
  errorCode: string;
  message?: string;
  /** Which calls it hits: "query" (query, queryAll and locators), "limits", "describe"; all by default. */
  on?: "query" | "limits" | "describe";
  times?: number;
};

export type SalesforceRequestRecord = {
  method: string;
  path: string;
  /** The SOQL of a query or queryAll call. */
  soql: string | null;
  status: number;
  batchSize: number | null;
};

type Locator = {
  id: string;
  userId: string;
  object: string;
  fields: { field: string; type: FieldType }[];
  records: SObjectRecord[];
  batchSize: number;
};

const MAX_OPEN_LOCATORS = 10;
const DEFAULT_BATCH = 2000;

/** Salesforce's datetime format: 2026-06-01T12:00:00.000+0000. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

export class FakeSalesforceApi {
  readonly requests: SalesforceRequestRecord[] = [];
  readonly org: FakeOrg;
  apiUsage = { used: 0, max: 100_000 };
  private readonly verifyToken: ApiTokenVerifier;
  private faults: SalesforceFault[] = [];
  private locators = new Map<string, Locator>();
  private locatorCounter = 0;

  constructor(opts: { verifyToken: ApiTokenVerifier; org: FakeOrg; apiVersion?: string }) {
    this.verifyToken = opts.verifyToken;
    this.org = opts.org;
  }

  setApiUsage(used: number, max: number): void {
    this.apiUsage = { used, max };
  }

  injectFault(fault: SalesforceFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** Closes every open query locator: their next batch answers INVALID_QUERY_LOCATOR. */
  expireLocators(): void {
    this.locators.clear();
  }

  private takeFault(on: SalesforceFault["on"]): SalesforceFault | null {
    const fault = this.faults.find((f) => !f.on || f.on === on);
    if (!fault) return null;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  router(): Router {
    const router = express.Router();
    router.use((req: Request, res: Response, next) => {
      const record: SalesforceRequestRecord = {
        method: req.method,
        path: `${req.baseUrl}${req.path}`,
        soql: typeof req.query.q === "string" ? req.query.q : null,
        status: 0,
        batchSize: null,
      };
      res.on("finish", () => {
        record.status = res.statusCode;
        this.requests.push(record);
      });
      res.locals.record = record;
      next();
    });
    const base = "/services/data/:version";
    router.use(base, (req: Request, res: Response, next) => {
      if (!/^v\d{2}\.0$/.test(String(req.params.version)))
        return this.error(res, 404, "NOT_FOUND", "The requested resource does not exist");
      const authorization = req.get("authorization");
      const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : null;
      const caller = token ? this.verifyToken(token) : null;
      // Salesforce counts calls that reach the API, refused ones too.
      this.apiUsage.used += 1;
      if (!caller) return this.error(res, 401, "INVALID_SESSION_ID", "Session expired or invalid");
      if (!caller.scopes.includes("api"))
        return this.error(res, 403, "INSUFFICIENT_ACCESS", "This session is not valid for use with the REST API");
      if (this.apiUsage.used > this.apiUsage.max)
        return this.error(res, 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
      res.locals.caller = caller;
      next();
    });
    router.get(`${base}/query`, (req, res) => this.query(req, res, false));
    router.get(`${base}/queryAll`, (req, res) => this.query(req, res, true));
    router.get(`${base}/query/:locator`, (req, res) => this.more(req, res));
    router.get(`${base}/queryAll/:locator`, (req, res) => this.more(req, res));
    router.get(`${base}/limits`, (_req, res) => {
      const fault = this.takeFault("limits");
      if (fault) return this.error(res, fault.status, fault.errorCode, fault.message ?? "Injected fault");
      this.send(res, 200, {
        DailyApiRequests: { Max: this.apiUsage.max, Remaining: Math.max(0, this.apiUsage.max - this.apiUsage.used) },
      });
    });
    router.get(`${base}/sobjects/:object/describe`, (req, res) => {
      const fault = this.takeFault("describe");
      if (fault) return this.error(res, fault.status, fault.errorCode, fault.message ?? "Injected fault");
      const name = [...this.org.tables.keys()].find((n) => n.toLowerCase() === String(req.params.object).toLowerCase());
      if (!name) return this.error(res, 404, "NOT_FOUND", "The requested resource does not exist");
      const schema = this.org.table(name).schema;
      this.send(res, 200, {
        name,
        keyPrefix: schema.keyPrefix,
        queryable: true,
        fields: Object.entries(schema.fields).map(([field, type]) => ({ name: field, type, nillable: field !== "Id" })),
      });
    });
    router.use((_req: Request, res: Response) =>
      this.error(res, 404, "NOT_FOUND", "The requested resource does not exist"),
    );
    return router;
  }

  private send(res: Response, status: number, body: unknown): void {
    res.set("Sforce-Limit-Info", `api-usage=${this.apiUsage.used}/${this.apiUsage.max}`);
    res.status(status).json(body);
  }

  private error(res: Response, status: number, errorCode: string, message: string): void {
    this.send(res, status, [{ message, errorCode }]);
  }

  private batchSize(req: Request): number {
    const header = req.get("sforce-query-options") ?? "";
    const match = /batchSize\s*=\s*(\d+)/i.exec(header);
    if (!match) return DEFAULT_BATCH;
    return Math.min(2000, Math.max(200, Number(match[1])));
  }

  private query(req: Request, res: Response, includeDeleted: boolean): void {
    const fault = this.takeFault("query");
    if (fault) return this.error(res, fault.status, fault.errorCode, fault.message ?? "Injected fault");
    const q = req.query.q;
    if (typeof q !== "string" || q.trim() === "")
      return this.error(res, 400, "MALFORMED_QUERY", "A query string has to be specified");
    let result;
    try {
      result = runSoql(this.org, parseSoql(q), includeDeleted);
    } catch (error) {
      if (error instanceof SoqlError) return this.error(res, 400, error.errorCode, error.message);
      throw error;
    }
    const caller = res.locals.caller as FakeApiCaller;
    const batchSize = this.batchSize(req);
    (res.locals.record as SalesforceRequestRecord).batchSize = batchSize;
    const locator: Locator = {
      id: `01g${String(++this.locatorCounter).padStart(12, "0")}AAA`,
      userId: caller.userId,
      object: result.object,
      fields: result.fields,
      records: result.records,
      batchSize,
    };
    this.answerBatch(req, res, locator, 0);
  }

  private more(req: Request, res: Response): void {
    const fault = this.takeFault("query");
    if (fault) return this.error(res, fault.status, fault.errorCode, fault.message ?? "Injected fault");
    const match = /^(01g[0-9A-Za-z]+)-(\d+)$/.exec(String(req.params.locator));
    const locator = match ? this.locators.get(match[1]!) : undefined;
    const caller = res.locals.caller as FakeApiCaller;
    if (!match || !locator || locator.userId !== caller.userId)
      return this.error(res, 400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    const offset = Number(match[2]);
    if (offset > locator.records.length) return this.error(res, 400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    if (req.get("sforce-query-options")) locator.batchSize = this.batchSize(req);
    (res.locals.record as SalesforceRequestRecord).batchSize = locator.batchSize;
    this.answerBatch(req, res, locator, offset);
  }

  private answerBatch(req: Request, res: Response, locator: Locator, offset: number): void {
    const end = Math.min(locator.records.length, offset + locator.batchSize);
    const version = String(req.params.version);
    const records = locator.records.slice(offset, end).map((record) => this.render(version, locator, record));
    const done = end >= locator.records.length;
    if (done) this.locators.delete(locator.id);
    else if (!this.locators.has(locator.id)) {
      const open = [...this.locators.values()].filter((l) => l.userId === locator.userId);
      if (open.length >= MAX_OPEN_LOCATORS) this.locators.delete(open[0]!.id);
      this.locators.set(locator.id, locator);
    }
    this.send(res, 200, {
      totalSize: locator.records.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/${version}/query/${locator.id}-${end}` }),
      records,
    });
  }

  private render(version: string, locator: Locator, record: SObjectRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {
      attributes: { type: locator.object, url: `/services/data/${version}/sobjects/${locator.object}/${record.Id}` },
    };
    for (const { field, type } of locator.fields) {
      const value: FieldValue | undefined = record[field];
      out[field] =
        value === undefined || value === null
          ? null
          : type === "datetime" && typeof value === "number"
            ? formatDateTime(value)
            : value;
    }
    return out;
  }
}

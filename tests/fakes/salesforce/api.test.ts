// The fake Salesforce API on its own: the SOQL parser and evaluator, paging by nextRecordsUrl with
// Sforce-Query-Options, queryAll, Sforce-Limit-Info and the errors in Salesforce's wire format.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaticApiTokens } from "../provider/api-tokens";
import { FakeOrg, salesforceId, startFakeSalesforceApi } from "./index";
import { parseSoql, runSoql, type SoqlError } from "./soql";

const TOKEN = "fake-sf-token";
const tokens = new StaticApiTokens().add(TOKEN, { userId: "005A", email: "sam@fakeorg.example", scopes: ["api"] });
const org = new FakeOrg({ seed: 3, sizes: { accounts: 30, contactsPerAccount: 2, tasks: 2500 } });
let fake: Awaited<ReturnType<typeof startFakeSalesforceApi>>;
beforeAll(async () => {
  fake = await startFakeSalesforceApi({ verifyToken: tokens.verify, org });
});
afterAll(() => fake.close());

/** A query answer (or, for an error, Salesforce's array; the tests match it as an object). */
type Body = {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: { Id: string; attributes: unknown; [field: string]: unknown }[];
  DailyApiRequests?: unknown;
};

async function get(path: string, headers: Record<string, string> = {}, token = TOKEN) {
  const response = await fetch(`${fake.instanceUrl}${path}`, {
    headers: { Authorization: `Bearer ${token}`, ...headers },
  });
  return {
    status: response.status,
    limit: response.headers.get("sforce-limit-info"),
    body: (await response.json()) as Body,
  };
}
const q = (soql: string, all = false) =>
  `/services/data/v62.0/${all ? "queryAll" : "query"}?q=${encodeURIComponent(soql)}`;

describe("SOQL", () => {
  it("parses precedence, NOT, IN, LIKE, escapes, datetimes and ORDER BY with several fields", () => {
    const parsed = parseSoql(
      "select Id, Name from Account where not (Name = 'O\\'Brien \\\\ Co' or Industry IN ('Retail', null)) and SystemModstamp >= 2026-01-01T00:00:00.000+0000 AND Name LIKE 'Acme%' order by Name desc nulls last, Id limit 5",
    );
    expect(parsed.fields).toEqual(["Id", "Name"]);
    expect(parsed.limit).toBe(5);
    expect(parsed.orderBy).toEqual([
      { field: "Name", descending: true, nullsLast: true },
      { field: "Id", descending: false, nullsLast: false },
    ]);
    expect(parsed.where).toMatchObject({
      kind: "and",
      items: [
        {
          kind: "not",
          item: { kind: "or", items: [{ value: { type: "string", value: "O'Brien \\ Co" } }, { kind: "in" }] },
        },
        { kind: "compare", op: ">=", value: { type: "datetime", value: Date.UTC(2026, 0, 1) } },
        { kind: "like", pattern: "Acme%" },
      ],
    });
  });

  it("refuses bad syntax, unknown objects and fields, and values of the wrong type like Salesforce", () => {
    const code = (soql: string) => {
      try {
        runSoql(org, parseSoql(soql), false);
        return "ok";
      } catch (error) {
        return (error as SoqlError).errorCode;
      }
    };
    expect(code("SELECT Id FROM Account WHERE")).toBe("MALFORMED_QUERY");
    expect(code("SELECT Id FROM Account WHERE Name = 'unterminated")).toBe("MALFORMED_QUERY");
    expect(code("SELECT Id Name FROM Account")).toBe("MALFORMED_QUERY");
    expect(code("SELECT Id FROM Widget__c")).toBe("INVALID_TYPE");
    expect(code("SELECT Colour FROM Account")).toBe("INVALID_FIELD");
    expect(code("SELECT Id FROM Account WHERE SystemModstamp > '2026-01-01'")).toBe("INVALID_FIELD");
    expect(code("SELECT Id FROM Account WHERE Name = 'a' OR (Industry = 'b' AND NumberOfEmployees > 10)")).toBe("ok");
  });

  it("evaluates keyset conditions against the org in (SystemModstamp, Id) order", () => {
    const all = org.live("Task");
    const pivot = all[1000]!;
    const iso = new Date(pivot.SystemModstamp).toISOString();
    const { records } = runSoql(
      org,
      parseSoql(
        `SELECT Id FROM Task WHERE SystemModstamp > ${iso} OR (SystemModstamp = ${iso} AND Id > '${pivot.Id}') ORDER BY SystemModstamp, Id`,
      ),
      false,
    );
    expect(records.map((r) => r.Id)).toEqual(all.slice(1001).map((r) => r.Id));
    const names = runSoql(org, parseSoql("SELECT Id, Name FROM Account ORDER BY Name DESC LIMIT 3"), false).records;
    const sorted = org
      .live("Account")
      .map((a) => String(a.Name).toLowerCase())
      .sort()
      .reverse();
    expect(names.map((r) => String(r.Name).toLowerCase())).toEqual(sorted.slice(0, 3));
  });

  it("makes 18-character ids with the object's key prefix and the case checksum", () => {
    expect(salesforceId("001", 1)).toMatch(/^001[0-9A-Za-z]{12}[A-Z0-5]{3}$/);
    expect(org.live("Contact")[0]!.Id.startsWith("003")).toBe(true);
    expect(org.live("OpportunityContactRole")[0]!.Id.startsWith("00K")).toBe(true);
  });
});

describe("REST API", () => {
  it("pages by nextRecordsUrl in the batch size asked for, with Sforce-Limit-Info on every answer", async () => {
    fake.api.setApiUsage(10, 15_000);
    const first = await get(q("SELECT Id, Subject FROM Task ORDER BY SystemModstamp, Id"), {
      "Sforce-Query-Options": "batchSize=1000",
    });
    expect(first.status).toBe(200);
    expect(first.limit).toBe("api-usage=11/15000");
    expect(first.body).toMatchObject({ totalSize: 2500, done: false });
    expect(first.body.records).toHaveLength(1000);
    expect(first.body.records[0]!.attributes).toEqual({
      type: "Task",
      url: `/services/data/v62.0/sobjects/Task/${first.body.records[0]!.Id}`,
    });
    const ids = first.body.records.map((r) => r.Id);
    let next = first.body.nextRecordsUrl;
    while (next) {
      const page = await get(next);
      expect(page.limit).toMatch(/^api-usage=\d+\/15000$/);
      ids.push(...page.body.records.map((r) => r.Id));
      next = page.body.nextRecordsUrl;
    }
    expect(ids).toEqual(org.live("Task").map((r) => r.Id));
    const tiny = await get(q("SELECT Id FROM Task"), { "Sforce-Query-Options": "batchSize=5" });
    expect(tiny.body.records).toHaveLength(200);
  });

  it("shows deleted records to queryAll only, and purged ones to nothing", async () => {
    const [a, b] = org.live("Account");
    org.delete(a!.Id);
    org.delete(b!.Id);
    org.purge(b!.Id);
    const live = await get(q(`SELECT Id FROM Account WHERE Id IN ('${a!.Id}', '${b!.Id}')`));
    expect(live.body.records).toEqual([]);
    const all = await get(q(`SELECT Id, IsDeleted, SystemModstamp FROM Account WHERE IsDeleted = true`, true));
    expect(all.body.records.map((r) => r.Id)).toEqual([a!.Id]);
    expect(all.body.records[0]!.SystemModstamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
  });

  it("answers errors as Salesforce does: 401, 400 for bad queries and locators, 403 past the limit", async () => {
    expect(await get(q("SELECT Id FROM Account"), {}, "bad")).toMatchObject({
      status: 401,
      body: [{ errorCode: "INVALID_SESSION_ID" }],
    });
    expect(await get(q("SELECT Nope FROM Account"))).toMatchObject({
      status: 400,
      body: [{ errorCode: "INVALID_FIELD" }],
    });
    expect(await get(q("SELECT FROM Account"))).toMatchObject({
      status: 400,
      body: [{ errorCode: "MALFORMED_QUERY" }],
    });
    const paged = await get(q("SELECT Id FROM Task"));
    fake.api.expireLocators();
    expect(await get(paged.body.nextRecordsUrl!)).toMatchObject({
      status: 400,
      body: [{ errorCode: "INVALID_QUERY_LOCATOR" }],
    });
    fake.api.setApiUsage(15_000, 15_000);
    expect(await get(q("SELECT Id FROM Account"))).toMatchObject({
      status: 403,
      limit: "api-usage=15001/15000",
      body: [{ errorCode: "REQUEST_LIMIT_EXCEEDED" }],
    });
    fake.api.setApiUsage(0, 15_000);
    expect((await get("/services/data/v62.0/limits")).body.DailyApiRequests).toEqual({
      Max: 15_000,
      Remaining: 14_999,
    });
  });
});

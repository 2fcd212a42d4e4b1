// The fake Outreach API's wire format, read with plain fetch the way Outreach documents it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDERS } from "../../../server/integrations/providers";
import { StaticApiTokens } from "../provider/api-tokens";
import { OutreachData } from "./data";
import { startFakeOutreachApi } from "./index";

const SCOPES = PROVIDERS.find((p) => p.id === "outreach")!.scopes;
const tokens = new StaticApiTokens()
  .add("good", { userId: "u1", email: "seller@example.com", scopes: SCOPES })
  .add("no-mailings", {
    userId: "u2",
    email: "seller@example.com",
    scopes: SCOPES.filter((s) => s !== "mailings.read"),
  })
  .add("limited", { userId: "u3", email: "seller@example.com", scopes: SCOPES });
let clock = Date.parse("2026-03-01T10:00:00Z");
const data = new OutreachData({ seed: 7, accounts: 6, prospectsPerAccount: 4 });
let api: Awaited<ReturnType<typeof startFakeOutreachApi>>;

beforeAll(async () => {
  api = await startFakeOutreachApi({ verifyToken: tokens.verify, data, rateLimit: 10_000, now: () => clock });
});
afterAll(() => api.close());

type Doc = {
  data?: {
    type: string;
    id: number;
    attributes: Record<string, unknown>;
    relationships: Record<string, { data: unknown }>;
  }[];
  included?: { type: string; id: number; attributes: Record<string, unknown> }[];
  links?: { first?: string; next?: string };
  meta?: Record<string, unknown>;
  errors?: { id: string; title: string; detail: string }[];
};

async function get(pathAndQuery: string, token = "good", contentType = "application/vnd.api+json") {
  const url = pathAndQuery.startsWith("http") ? pathAndQuery : `${api.baseUrl}${pathAndQuery}`;
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, ...(contentType ? { "content-type": contentType } : {}) },
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Doc };
}

describe("fake Outreach API", () => {
  it("answers a JSON:API collection with integer ids, relationships and rate-limit headers", async () => {
    const answer = await get("/prospects?page[size]=5");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/vnd\.api\+json/);
    expect(answer.headers.get("x-ratelimit-limit")).toBe("10000");
    expect(Number(answer.headers.get("x-ratelimit-remaining"))).toBeLessThan(10_000);
    expect(Number(answer.headers.get("x-ratelimit-reset"))).toBe(Math.ceil((clock + 3_600_000) / 1000));
    expect(answer.body.data).toHaveLength(5);
    const first = answer.body.data![0]!;
    expect(first.type).toBe("prospect");
    expect(typeof first.id).toBe("number");
    expect(first.attributes.emails).toEqual(expect.arrayContaining([expect.stringContaining("@")]));
    expect(first.relationships.account!.data).toEqual({ type: "account", id: expect.any(Number) });
    expect(answer.body.meta!.count).toBe(24);
  });

  it("pages with an opaque page[after] cursor in links.next until every record was read once", async () => {
    const seen: number[] = [];
    let url: string | undefined = "/prospects?page[size]=7&sort=updatedAt&count=false";
    let pages = 0;
    while (url) {
      const answer = await get(url);
      expect(answer.status).toBe(200);
      expect(answer.body.meta).not.toHaveProperty("count");
      seen.push(...answer.body.data!.map((d) => d.id));
      url = answer.body.links?.next;
      if (url) expect(new URL(url).searchParams.get("page[after]")).toMatch(/^[A-Za-z0-9_-]+$/);
      pages += 1;
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(24);
    expect(seen).toHaveLength(24);
  });

  it("filters updatedAt by an inclusive range with inf, and sorts descending", async () => {
    const all = data.all("account").sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime());
    const from = all[3]!.updatedAt;
    const expected = all.filter((a) => a.updatedAt >= from).map((a) => a.id);
    const answer = await get(`/accounts?filter[updatedAt]=${from.toISOString()}..inf&sort=-updatedAt`);
    expect(answer.body.data!.map((d) => d.id).sort()).toEqual(expected.sort());
    const times = answer.body.data!.map((d) => Date.parse(String(d.attributes.updatedAt)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const before = await get(`/accounts?filter[updatedAt]=neginf..${from.toISOString()}`);
    expect(before.body.data!.map((d) => d.id).sort()).toEqual(
      all
        .filter((a) => a.updatedAt <= from)
        .map((a) => a.id)
        .sort(),
    );
  });

  it("filters by id lists and ranges and by a relationship's id", async () => {
    expect((await get("/accounts?filter[id]=2,4")).body.data!.map((d) => d.id)).toEqual([2, 4]);
    expect((await get("/accounts?filter[id]=2..4")).body.data!.map((d) => d.id)).toEqual([2, 3, 4]);
    const ofAccount = await get("/prospects?filter[account][id]=1");
    expect(ofAccount.body.data!.length).toBe(4);
    expect(ofAccount.body.data!.every((p) => (p.relationships.account!.data as { id: number }).id === 1)).toBe(true);
  });

  it("answers only the asked-for fields, and the included related resources", async () => {
    const answer = await get(
      "/opportunities?include=opportunityStage&fields[opportunity]=name,opportunityStage&fields[opportunityStage]=name",
    );
    const opportunity = answer.body.data![0]!;
    expect(Object.keys(opportunity.attributes)).toEqual(["name"]);
    expect(Object.keys(opportunity.relationships)).toEqual(["opportunityStage"]);
    const stageId = (opportunity.relationships.opportunityStage!.data as { id: number }).id;
    const stage = answer.body.included!.find((i) => i.type === "opportunityStage" && i.id === stageId)!;
    expect(Object.keys(stage.attributes)).toEqual(["name"]);
  });

  it("refuses an unknown filter, sort or include field and a page size over 1000 with a JSON:API 400", async () => {
    for (const query of [
      "filter[colour]=red",
      "sort=colour",
      "include=colour",
      "page[size]=1001",
      "page[after]=bogus",
    ]) {
      const answer = await get(`/prospects?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.errors![0]).toEqual({
        id: expect.any(String),
        title: "Bad Request",
        detail: expect.any(String),
      });
    }
  });

  it("wants the JSON:API media type (415), a valid token (401 unauthorizedRequest) and the resource's scope (403)", async () => {
    expect((await get("/accounts", "good", "")).status).toBe(415);
    const unauthorized = await get("/accounts", "nobody");
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body.errors![0]!.id).toBe("unauthorizedRequest");
    const scope = await get("/mailings", "no-mailings");
    expect(scope.status).toBe(403);
    expect(scope.body.errors![0]!.id).toBe("unauthorizedOauthScope");
    expect((await get("/accounts", "no-mailings")).status).toBe(200);
  });

  it("names the token's user at the API root", async () => {
    const answer = await get("");
    expect(answer.status).toBe(200);
    expect(answer.body.meta).toEqual({
      user: { id: data.userId, email: "seller@example.com", firstName: "Sam", lastName: "Seller" },
    });
  });

  it("answers 429 with Retry-After once the hour's allowance is spent, and again after the reset", async () => {
    api.fake.spendAllowance("u3", 10_000);
    const limited = await get("/accounts", "limited");
    expect(limited.status).toBe(429);
    expect(limited.body.errors![0]!.id).toBe("rateLimitExceeded");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const reset = Number(limited.headers.get("x-ratelimit-reset")) * 1000;
    clock = reset;
    const after = await get("/accounts", "limited");
    expect(after.status).toBe(200);
    expect(after.headers.get("x-ratelimit-remaining")).toBe("9999");
  });

  it("changes what it lists when records are updated, created and deleted", async () => {
    const before = (await get("/accounts?page[size]=100")).body.data!.map((d) => d.id);
    data.advance(5_000);
    const updated = data.update("account", 2, { name: "Renamed" });
    const created = data.create("account", { name: "Newco", domain: "newco.example" });
    data.delete("account", 3);
    const changed = await get(`/accounts?filter[updatedAt]=${updated.updatedAt.toISOString()}..inf`);
    expect(changed.body.data!.map((d) => d.id).sort()).toEqual([2, created.id].sort());
    const after = (await get("/accounts?page[size]=100")).body.data!.map((d) => d.id);
    expect(after).not.toContain(3);
    expect(after.length).toBe(before.length);
  });

  it("serves a corrupted record as it was corrupted, in its place", async () => {
    data.corrupt("prospect", 5, { type: "prospect", id: "five" });
    const answer = await get("/prospects?filter[id]=5");
    expect(answer.body.data).toEqual([{ type: "prospect", id: "five" }]);
  });

  it("answers an injected fault the given number of times", async () => {
    api.fake.injectFault({
      pathPrefix: "/calls",
      status: 503,
      id: "scheduledServerMaintenance",
      retryAfterSeconds: 30,
      times: 1,
    });
    const fault = await get("/calls");
    expect(fault.status).toBe(503);
    expect(fault.headers.get("retry-after")).toBe("30");
    expect((await get("/calls")).status).toBe(200);
  });
});

// What a seller sees of Salesforce and Outreach data: the rows a sync would write are inserted here
// directly through Prisma (the ingest is tested on its own), then the pages' loaders and actions are
// called as the browser would. Another user's rows, even ones pointing at this user's records, never show.
import type { AppLoadContext } from "@remix-run/node";
import type { ComponentType } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import type { Db } from "../../server/db/client";
import type { RecordSource } from "../../server/db/generated/client";
import { get, post, seller, thrownBy } from "../../tests/helpers/routes";
import { formatDateTime } from "../utils/format";
import { ApiProvider } from "../utils/trpc";
import AccountLayout, { loader as accountLoader } from "./accounts.$accountId";
import Opportunities, { action as boardAction, loader as boardLoader } from "./opportunities._index";
import Opportunity, { action as dealAction, loader as dealLoader } from "./opportunities.$opportunityId";
import ProspectPage, { loader as personLoader } from "./prospects.$prospectId";

type PageLoader = (args: { request: Request; context: AppLoadContext; params: Record<string, string> }) => unknown;

/**
 * A page as a browser without JavaScript gets it: the route's real loader and component rendered to
 * HTML, then read as text (tags out, entities decoded) the way a person reads it.
 */
async function page(
  context: AppLoadContext,
  route: { path: string; loader: PageLoader; Component: ComponentType },
  url: string,
): Promise<{ html: string; text: string }> {
  const handler = createStaticHandler([
    {
      id: "page",
      path: route.path,
      loader: ({ request, params }) =>
        route.loader({ request, context, params: params as Record<string, string> }) as Promise<unknown>,
      Component: route.Component,
    },
  ]);
  const routed = await handler.query(new Request(`http://localhost${url}`));
  if (routed instanceof Response) throw new Error(`the page answered ${routed.status}`);
  const router = createStaticRouter(handler.dataRoutes, routed);
  const html = renderToStaticMarkup(
    <ApiProvider>
      <StaticRouterProvider router={router} context={routed} hydrate={false} />
    </ApiProvider>,
  );
  const text = html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
  return { html, text };
}

const dealPage = { path: "/opportunities/:opportunityId", loader: dealLoader as PageLoader, Component: Opportunity };
const personPage = { path: "/prospects/:prospectId", loader: personLoader as PageLoader, Component: ProspectPage };
const accountPage = { path: "/accounts/:accountId", loader: accountLoader as PageLoader, Component: AccountLayout };
const boardPage = { path: "/opportunities", loader: boardLoader as PageLoader, Component: Opportunities };

/** The part of a page's HTML from the element marked `data-testid="<testId>"` on (roughly its extent). */
function section(html: string, testId: string, length = 4000): string {
  return from(html, `data-testid="${testId}"`, length);
}

function from(html: string, marker: string, length: number): string {
  const start = html.indexOf(marker);
  expect(start, `no ${marker} on the page`).toBeGreaterThan(-1);
  return html.slice(start, start + length);
}

async function link(
  db: Db,
  userId: string,
  source: RecordSource,
  objectType: string,
  externalId: string,
  recordType: "account" | "prospect" | "opportunity",
  recordId: string,
  deletedAt: Date | null = null,
) {
  await db.syncedRecord.create({
    data: { userId, source, objectType, externalId, recordType, recordId, remote: {}, deletedAt },
  });
}

/** A Salesforce org's worth of one deal: an account, two people on the deal, an unmapped stage, history. */
async function syncedDeal(db: Db, userId: string) {
  const account = await db.account.create({
    data: { userId, name: "Northwind", domain: "northwind.example", source: "salesforce", externalId: "001A" },
  });
  await link(db, userId, "salesforce", "Account", "001A", "account", account.id);
  const dana = await db.prospect.create({
    data: {
      userId,
      accountId: account.id,
      firstName: "Dana",
      lastName: "Okafor",
      title: "CFO",
      email: "dana@northwind.example",
      source: "salesforce",
      externalId: "003D",
    },
  });
  const sam = await db.prospect.create({
    data: { userId, accountId: account.id, firstName: "Sam", lastName: "Abbott", source: "manual" },
  });
  await link(db, userId, "salesforce", "Contact", "003D", "prospect", dana.id);
  await link(db, userId, "outreach", "prospect", "77", "prospect", dana.id);
  await link(db, userId, "salesforce", "Contact", "003S", "prospect", sam.id);
  const deal = await db.opportunity.create({
    data: {
      userId,
      accountId: account.id,
      name: "Northwind – Fleet",
      stage: "evaluation",
      crmStage: "Legal Review",
      crmStageUnmapped: true,
      amount: 12_000_000n,
      currency: "USD",
      source: "salesforce",
      externalId: "006N",
    },
  });
  await link(db, userId, "salesforce", "Opportunity", "006N", "opportunity", deal.id);
  await link(db, userId, "outreach", "opportunity", "31", "opportunity", deal.id);
  // Sam first by name, Dana first as the primary contact.
  await db.opportunityContact.create({
    data: { userId, opportunityId: deal.id, prospectId: sam.id, role: "Technical Buyer", source: "salesforce" },
  });
  await db.opportunityContact.create({
    data: {
      userId,
      opportunityId: deal.id,
      prospectId: dana.id,
      role: "Decision Maker",
      isPrimary: true,
      source: "salesforce",
      externalId: "00K1",
    },
  });
  const at = (day: string) => new Date(`2026-11-${day}T09:00:00Z`);
  await db.opportunityStageChange.createMany({
    data: [
      {
        userId,
        opportunityId: deal.id,
        fromStage: null,
        stage: "discovery",
        crmStage: "Needs Analysis",
        source: "salesforce",
        externalId: "h1",
        at: at("02"),
      },
      {
        userId,
        opportunityId: deal.id,
        fromStage: "discovery",
        stage: "evaluation",
        crmStage: "Evaluation",
        source: "salesforce",
        externalId: "h2",
        at: at("09"),
      },
      // The CRM moved on to a stage with none of ours: our stage stayed where it was.
      {
        userId,
        opportunityId: deal.id,
        fromStage: "evaluation",
        stage: "evaluation",
        crmStage: "Legal Review",
        source: "salesforce",
        externalId: "h3",
        at: at("16"),
      },
    ],
  });
  return { account, dana, sam, deal };
}

describe("a deal synced from Salesforce", () => {
  it("shows its people with roles (primary first), its unmapped CRM stage, its stage history and its links", async () => {
    const { db, user, context } = await seller();
    const { dana, sam, deal } = await syncedDeal(db, user.id);

    const loaded = await dealLoader({
      request: get(`/opportunities/${deal.id}`),
      context,
      params: { opportunityId: deal.id },
    });
    expect(loaded.deal).toMatchObject({
      crmStage: "Legal Review",
      crmStageUnmapped: true,
      crmSource: "salesforce",
      source: "salesforce",
    });
    expect(loaded.deal.contacts.map((c) => [c.prospect.id, c.role, c.isPrimary])).toEqual([
      [dana.id, "Decision Maker", true],
      [sam.id, "Technical Buyer", false],
    ]);
    expect(loaded.deal.links.map((l) => [l.source, l.objectType, l.removed])).toEqual([
      ["salesforce", "Opportunity", false],
      ["outreach", "opportunity", false],
    ]);
    expect(loaded.deal.stageHistory.map((h) => [h.crmStage, h.crmStageUnmapped])).toEqual([
      ["Needs Analysis", false],
      ["Evaluation", false],
      ["Legal Review", true],
    ]);

    // As the page shows it: the CRM's label, never the stage of ours it was last known in.
    const { html, text } = await page(context, dealPage, `/opportunities/${deal.id}`);
    const stage = section(html, "deal-stage", 600);
    expect(stage).toContain("Legal Review");
    expect(stage).toContain("Salesforce stage, not mapped here");
    expect(stage).not.toContain("Evaluation");
    const people = section(html, "deal-contacts");
    expect(people.indexOf("Dana Okafor")).toBeLessThan(people.indexOf("Sam Abbott"));
    expect(people).toContain(`href="/prospects/${dana.id}"`);
    expect(people).toContain(`href="/prospects/${sam.id}"`);
    expect(people.match(/Primary contact/g)).toHaveLength(1);
    expect(people).toContain("Decision Maker");
    expect(people).toContain("Technical Buyer");
    const history = section(html, "stage-history");
    expect(history).toContain("Salesforce: Needs Analysis");
    expect(history).not.toContain("Salesforce: Evaluation"); // the same words as ours: said once
    expect(history).toContain("Legal Review");
    expect(history).toContain("Salesforce stage, not mapped here");
    expect(text).toContain("linked to Salesforce and Outreach");
    // Placing it in a stage of ours asks for a choice; it does not preselect the guess.
    expect(text).toContain("Salesforce has this deal in “Legal Review”, which matches none of the stages here.");
    expect(html).toMatch(/<option value="" selected="">Choose a stage…<\/option>/);
  });

  it("a mapped CRM stage shows beside ours when the words differ, and not when they match", async () => {
    const { db, user, context } = await seller();
    const deal = await db.opportunity.create({
      data: { userId: user.id, name: "Mapped", stage: "discovery", crmStage: "Needs Analysis", source: "salesforce" },
    });
    const same = await db.opportunity.create({
      data: { userId: user.id, name: "Same words", stage: "proposal", crmStage: "proposal", source: "outreach" },
    });
    const shown = section((await page(context, dealPage, `/opportunities/${deal.id}`)).html, "deal-stage", 600);
    expect(shown).toContain("Discovery");
    expect(shown).toContain("Salesforce: Needs Analysis");
    const plain = await dealLoader({
      request: get(`/opportunities/${same.id}`),
      context,
      params: { opportunityId: same.id },
    });
    expect(plain.deal.crmSource).toBe("outreach");
    const words = section((await page(context, dealPage, `/opportunities/${same.id}`)).html, "deal-stage", 600);
    expect(words).toContain("Proposal");
    expect(words).not.toContain("Outreach:");
  });

  it("a deal typed here shows no CRM stage, no source badge and an empty people list that says so", async () => {
    const { db, user, context } = await seller();
    const deal = await db.opportunity.create({ data: { userId: user.id, name: "Typed", stage: "demo" } });
    const { html, text } = await page(context, dealPage, `/opportunities/${deal.id}`);
    expect(html).not.toContain('data-testid="source-badge"');
    expect(html).not.toContain("crm-stage");
    expect(text).toContain("No people on this deal yet.");
  });

  it("choosing a stage for an unmapped deal places it there, with the CRM's label beside it", async () => {
    const { db, user, context } = await seller();
    const { deal } = await syncedDeal(db, user.id);
    // Its last known stage is evaluation: choosing that very stage still places it.
    const response = (await dealAction({
      request: post(`/opportunities/${deal.id}`, { intent: "move", stage: "evaluation" }),
      context,
      params: { opportunityId: deal.id },
    })) as Response;
    expect(response.status).toBe(302);
    const after = await db.opportunity.findUniqueOrThrow({ where: { id: deal.id } });
    expect(after).toMatchObject({ stage: "evaluation", crmStage: "Legal Review", crmStageUnmapped: false });
    const shown = section((await page(context, dealPage, `/opportunities/${deal.id}`)).html, "deal-stage", 600);
    expect(shown).toContain("Evaluation");
    expect(shown).toContain("Salesforce: Legal Review");
    // The empty choice is refused, not taken as a stage.
    const refused = (await dealAction({
      request: post(`/opportunities/${deal.id}`, { intent: "move", stage: "" }),
      context,
      params: { opportunityId: deal.id },
    })) as unknown as { init: { status: number } };
    expect(refused.init.status).toBe(400);
  });

  it("another user's rows never show: not their links, contacts or history pointing at this deal, and their records are a 404", async () => {
    const { db, user, context } = await seller();
    const other = await seller();
    const mine = await syncedDeal(db, user.id);
    const theirs = await syncedDeal(db, other.user.id);
    // Rows of the other user that point at this user's records (what a bad sync could write).
    const stranger = await db.prospect.create({
      data: { userId: other.user.id, firstName: "Mallory", lastName: "Stranger" },
    });
    await db.opportunityContact.create({
      data: { userId: other.user.id, opportunityId: mine.deal.id, prospectId: stranger.id, role: "Spy" },
    });
    await db.opportunityStageChange.create({
      data: {
        userId: other.user.id,
        opportunityId: mine.deal.id,
        stage: "closed_lost",
        crmStage: "Sabotaged",
        at: new Date(),
      },
    });
    await db.sequenceEnrollment.create({
      data: {
        userId: other.user.id,
        prospectId: mine.dana.id,
        sequenceName: "Their secret sequence",
        state: "active",
        source: "outreach",
        externalId: "x1",
      },
    });
    await link(db, other.user.id, "outreach", "opportunity", "999", "opportunity", mine.deal.id);

    const deal = await page(context, dealPage, `/opportunities/${mine.deal.id}`);
    for (const secret of ["Mallory", "Spy", "Sabotaged", theirs.deal.id, theirs.dana.id, stranger.id])
      expect(deal.html).not.toContain(secret);
    const loaded = await dealLoader({
      request: get(`/opportunities/${mine.deal.id}`),
      context,
      params: { opportunityId: mine.deal.id },
    });
    expect(loaded.deal.links).toHaveLength(2);
    expect(loaded.deal.stageHistory).toHaveLength(3);
    const person = await page(context, personPage, `/prospects/${mine.dana.id}`);
    expect(person.text).not.toContain("Their secret sequence");

    for (const run of [
      () =>
        dealLoader({
          request: get(`/opportunities/${theirs.deal.id}`),
          context,
          params: { opportunityId: theirs.deal.id },
        }),
      () =>
        personLoader({ request: get(`/prospects/${theirs.dana.id}`), context, params: { prospectId: theirs.dana.id } }),
      () =>
        accountLoader({
          request: get(`/accounts/${theirs.account.id}`),
          context,
          params: { accountId: theirs.account.id },
        }),
    ])
      expect((await thrownBy(run)).status).toBe(404);
  });
});

describe("a person in Outreach sequences", () => {
  it("shows each enrollment with its step, state and when it changed (running first, then paused), the deals they are on, and their links", async () => {
    const { db, user, context } = await seller();
    const { dana, deal } = await syncedDeal(db, user.id);
    const changed = new Date("2026-11-18T08:00:00Z");
    await db.sequenceEnrollment.createMany({
      data: [
        {
          userId: user.id,
          prospectId: dana.id,
          sequenceName: "Renewal nurture",
          step: 5,
          totalSteps: 5,
          state: "finished",
          stateChangedAt: new Date("2026-11-20T08:00:00Z"),
          source: "outreach",
          externalId: "s1",
        },
        {
          userId: user.id,
          prospectId: dana.id,
          sequenceName: "Q4 Outbound",
          step: 3,
          totalSteps: 5,
          state: "paused",
          stateChangedAt: changed,
          source: "outreach",
          externalId: "s2",
        },
        {
          userId: user.id,
          prospectId: dana.id,
          sequenceName: "Exec intro",
          step: 2,
          totalSteps: 4,
          state: "active",
          stateChangedAt: new Date("2026-11-10T08:00:00Z"),
          source: "outreach",
          externalId: "s3",
        },
      ],
    });
    const loaded = await personLoader({
      request: get(`/prospects/${dana.id}`),
      context,
      params: { prospectId: dana.id },
    });
    expect(loaded.person.sequences.map((e) => [e.sequenceName, e.step, e.totalSteps, e.state])).toEqual([
      ["Exec intro", 2, 4, "active"],
      ["Q4 Outbound", 3, 5, "paused"],
      ["Renewal nurture", 5, 5, "finished"],
    ]);
    expect(loaded.person.deals.map((d) => [d.opportunity.id, d.role, d.isPrimary, d.opportunity.crmStage])).toEqual([
      [deal.id, "Decision Maker", true, "Legal Review"],
    ]);
    expect(loaded.person.deals[0]!.opportunity).toMatchObject({ crmSource: "salesforce", amount: 12_000_000 });
    expect(loaded.person.links.map((l) => l.source)).toEqual(["salesforce", "outreach"]);

    const { html, text } = await page(context, personPage, `/prospects/${dana.id}`);
    expect(text).toContain("In Q4 Outbound , step 3 of 5 paused");
    expect(text).toContain("In Exec intro , step 2 of 4 active");
    expect(text).toContain(`Changed ${formatDateTime(changed)}`);
    const enrollments = section(html, "sequence-enrollments");
    expect(enrollments.indexOf('data-state="active"')).toBeLessThan(enrollments.indexOf('data-state="paused"'));
    expect(enrollments.indexOf('data-state="paused"')).toBeLessThan(enrollments.indexOf('data-state="finished"'));
    const deals = section(html, "person-deals");
    expect(deals).toContain(`href="/opportunities/${deal.id}"`);
    expect(deals).toContain("Decision Maker");
    expect(deals).toContain("Legal Review");
    expect(deals).toContain("Primary contact");
    expect(text).toContain("linked to Salesforce and Outreach");
  });

  it("a person in no sequence and on no deal says so", async () => {
    const { db, user, context } = await seller();
    const lee = await db.prospect.create({ data: { userId: user.id, firstName: "Lee", lastName: "Park" } });
    const { html, text } = await page(context, personPage, `/prospects/${lee.id}`);
    expect(text).toContain("Lee is in no sequence.");
    expect(text).toContain("Lee is on no deal yet.");
    expect(html).not.toContain('data-testid="source-badge"');
  });
});

describe("an account linked to Salesforce", () => {
  it("shows its links: from Salesforce, and deleted in Salesforce once the CRM reports it gone", async () => {
    const { db, user, context } = await seller();
    const { account } = await syncedDeal(db, user.id);
    const manual = await db.account.create({ data: { userId: user.id, name: "Typed here" } });
    await link(db, user.id, "salesforce", "Account", "001M", "account", manual.id, new Date());
    const loaded = await accountLoader({
      request: get(`/accounts/${account.id}`),
      context,
      params: { accountId: account.id },
    });
    expect(loaded.account.links).toEqual([{ source: "salesforce", objectType: "Account", removed: false }]);
    const header = section((await page(context, accountPage, `/accounts/${account.id}`)).html, "account-header");
    expect(header).toContain("from Salesforce");
    const gone = section((await page(context, accountPage, `/accounts/${manual.id}`)).html, "account-header");
    expect(gone).toContain("deleted in Salesforce");
    expect(gone).not.toContain("from Salesforce");
  });
});

describe("the pipeline with unmapped CRM stages", () => {
  it("puts an unmapped deal in its own group under the CRM's label, counted apart from every column", async () => {
    const { db, user, context } = await seller();
    const { deal } = await syncedDeal(db, user.id);
    const mapped = await db.opportunity.create({
      data: {
        userId: user.id,
        name: "Mapped",
        stage: "evaluation",
        crmStage: "Solution Review",
        amount: 5_000_00n,
        source: "salesforce",
      },
    });
    const loaded = await boardLoader({ request: get("/opportunities"), context, params: {} });
    if (loaded.view !== "board") throw new Error("expected the board");
    const evaluation = loaded.board.find((c) => c.stage === "evaluation")!;
    // The unmapped deal's last known stage is evaluation: it is not counted there.
    expect(evaluation.deals.map((d) => d.id)).toEqual([mapped.id]);
    expect(evaluation.count).toBe(1);
    expect(evaluation.totals).toEqual([{ currency: "USD", amount: 5_000_00 }]);
    expect(loaded.unmapped.count).toBe(1);
    expect(loaded.unmapped.totals).toEqual([{ currency: "USD", amount: 12_000_000 }]);
    expect(loaded.unmapped.deals.map((d) => [d.id, d.crmStage, d.crmSource])).toEqual([
      [deal.id, "Legal Review", "salesforce"],
    ]);
    expect(loaded.board.flatMap((c) => c.deals).map((d) => d.id)).not.toContain(deal.id);

    const { html, text } = await page(context, boardPage, "/opportunities");
    expect(text).toContain("and 1 in a CRM stage not mapped here");
    const group = section(html, "board-column-unmapped");
    expect(group).toContain("Stages not mapped here");
    expect(group).toContain("Legal Review");
    expect(group).toContain(`data-deal-id="${deal.id}"`);
    const column = section(html, "board-column-evaluation");
    expect(column.slice(0, column.indexOf("board-column-", 30))).not.toContain(deal.id);
    expect(column).toContain("Salesforce: Solution Review");
    // The card works without JavaScript: its form asks for a stage, preselecting none.
    expect(from(html, `id="deal-${deal.id}"`, 3000)).toMatch(/<option value="" disabled="" selected="">/);

    // Moved from its card, it joins the column chosen and leaves the group.
    await boardAction({
      request: post("/opportunities", { intent: "move", id: deal.id, stage: "negotiation" }),
      context,
      params: {},
    });
    const after = await boardLoader({ request: get("/opportunities"), context, params: {} });
    if (after.view !== "board") throw new Error("expected the board");
    expect(after.unmapped.count).toBe(0);
    expect(after.board.find((c) => c.stage === "negotiation")!.deals.map((d) => d.id)).toEqual([deal.id]);
    expect((await page(context, boardPage, "/opportunities")).html).not.toContain("board-column-unmapped");
  });

  it("the list shows an unmapped deal's CRM label in its stage column", async () => {
    const { db, user, context } = await seller();
    const { deal } = await syncedDeal(db, user.id);
    const loaded = await boardLoader({ request: get("/opportunities?view=list&state=all"), context, params: {} });
    if (loaded.view !== "list") throw new Error("expected the list");
    expect(loaded.page.items.find((d) => d.id === deal.id)).toMatchObject({
      crmStage: "Legal Review",
      crmStageUnmapped: true,
      crmSource: "salesforce",
    });
    const { html } = await page(context, boardPage, "/opportunities?view=list&state=all");
    const row = section(html, "deal-row", 3000);
    expect(row).toContain("Legal Review");
    expect(row).toContain("not mapped");
    expect(row).not.toContain("Evaluation");
  });
});

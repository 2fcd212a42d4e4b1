// The Salesforce SyncProvider: reads an org over the REST API at the connection's instance_url and
// turns its records into CRM changes (../types.ts), one page of one object per step.
//
// A round reads, in dependency order: the org's setup (Organization's currency, whether Opportunity
// has CurrencyIsoCode, the OpportunityStage picklist — at the start of every full sync and at least
// daily), then per object Account, Contact, Lead, Opportunity, OpportunityContactRole,
// OpportunityHistory, Task, Event:
//   live     `query` of `WHERE <after watermark> ORDER BY SystemModstamp, Id`, paged by nextRecordsUrl.
//            The watermark is a keyset (SystemModstamp, Id) of the last record handed over, so records
//            sharing a SystemModstamp are neither lost nor read twice across a crash; an expired
//            locator re-queries from the watermark.
//   deleted  `queryAll` of `IsDeleted = true AND <after delete watermark>` → "removed".
//   sweep    at most daily per object: every Id (`SELECT Id`), paged → "present", then "sweep_end",
//            for what fell out of the recycle bin. A full sync's live pages are themselves the sweep
//            (each page's ids are "present"), so a re-sync after a cursor reset finds purged records
//            without a second pass.
// The cursor (JSON, stored by the engine with the page it covers) holds all of it.
//
// Limits: every answer's Sforce-Limit-Info is read; when the org's daily allowance is used past
// (1 - reserve), the step still hands over the page it read, and the next step throws
// QuotaPausedError until the next UTC midnight (at least an hour away). Salesforce's allowance is a
// rolling 24 h, so midnight is a guess that errs early: the first request after it reads the header
// again and pauses once more if the allowance has not come back.
import { z } from "zod";
import { CursorExpiredError, ProviderAuthError, QuotaPausedError, TemporaryProviderError } from "../errors";
import type {
  ConnectedAccount,
  GrantDetails,
  SkippedItem,
  SyncChange,
  SyncProvider,
  SyncStep,
  SyncStepInput,
} from "../types";
import {
  createSalesforceClient,
  OversizedPageError,
  QueryLocatorExpiredError,
  type QueryPage,
  type SalesforceClient,
} from "./client";
import { OBJECTS, parseDateTime, SALESFORCE_ID, type ObjectSpec } from "./objects";
import { afterPosition, selectQuery, soqlString } from "./soql";
import { buildStageMap, stageRecord } from "./stages";

export type SalesforceProviderOptions = {
  /** Records per page asked for (Sforce-Query-Options batchSize, 200–2000). */
  batchSize?: number;
  /** The largest answer read, in bytes; a larger page is asked for again in smaller batches. */
  maxPageBytes?: number;
  /** The share of the daily API allowance left alone (for the org's other integrations). */
  quotaReserve?: number;
  timeoutMs?: number;
};

const DAY_MS = 24 * 60 * 60 * 1000;
const MIN_BATCH = 200;

const position = z.object({ ts: z.string(), id: z.string().nullable() });
const objectState = z.object({
  live: position.nullable(),
  deleted: position.nullable(),
  lastSweepAt: z.string().nullable(),
});
const cursorSchema = z.object({
  version: z.literal(1),
  mode: z.enum(["full", "incremental"]),
  fullStartedAt: z.string(),
  setup: z
    .object({
      readAt: z.string(),
      currency: z.string(),
      multiCurrency: z.boolean(),
      stages: z.record(
        z.string(),
        z.object({
          label: z.string(),
          mapped: z
            .enum([
              "prospecting",
              "discovery",
              "demo",
              "evaluation",
              "proposal",
              "negotiation",
              "closed_won",
              "closed_lost",
            ])
            .nullable(),
        }),
      ),
    })
    .nullable(),
  objectIndex: z.number().int().nonnegative(),
  phase: z.enum(["live", "deleted", "sweep"]),
  locator: z.string().nullable(),
  batchSize: z.number().int().positive(),
  /** While looking for a record too large to read: the LIMIT of the live query (no paging). */
  limit: z.number().int().positive().nullable(),
  sweepStartedAt: z.string().nullable(),
  objects: z.record(z.string(), objectState),
  full: z.object({
    done: z.number().int().nonnegative(),
    totals: z.record(z.string(), z.number().int().nonnegative()),
  }),
  pausedUntil: z.string().nullable(),
});
export type SalesforceCursor = z.infer<typeof cursorSchema>;

function freshCursor(now: Date, batchSize: number): SalesforceCursor {
  return {
    version: 1,
    mode: "full",
    fullStartedAt: now.toISOString(),
    setup: null,
    objectIndex: 0,
    phase: "live",
    locator: null,
    batchSize,
    limit: null,
    sweepStartedAt: null,
    objects: Object.fromEntries(OBJECTS.map((o) => [o.name, { live: null, deleted: null, lastSweepAt: null }])),
    full: { done: 0, totals: {} },
    pausedUntil: null,
  };
}

/** The next UTC midnight, at least an hour from now. */
export function quotaResumeAt(now: Date): Date {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return new Date(Math.max(midnight, now.getTime() + 60 * 60 * 1000));
}

const idOnly = z.object({ Id: z.string().regex(SALESFORCE_ID) }).passthrough();
const idAndStamp = z.object({ Id: z.string().regex(SALESFORCE_ID), SystemModstamp: z.string() }).passthrough();
const organization = z.object({ DefaultCurrencyIsoCode: z.string().regex(/^[A-Za-z]{3}$/) }).passthrough();
const describe = z.object({ fields: z.array(z.object({ name: z.string() }).passthrough()) }).passthrough();
const user = z
  .object({
    Id: z.string(),
    Name: z.string().nullable().optional(),
    Email: z.string().nullable().optional(),
    Username: z.string(),
  })
  .passthrough();

export function createSalesforceProvider(options: SalesforceProviderOptions = {}): SyncProvider {
  const batchSize = Math.min(2000, Math.max(MIN_BATCH, options.batchSize ?? 2000));
  const maxPageBytes = options.maxPageBytes ?? 16 * 1024 * 1024;
  const reserve = options.quotaReserve ?? 0.1;

  const clientFor = (baseUrl: string | null | undefined, accessToken: string, signal: AbortSignal) => {
    if (!baseUrl) throw new ProviderAuthError("This Salesforce connection has no instance URL; reconnect it.");
    return createSalesforceClient({
      baseUrl,
      accessToken,
      signal,
      maxBodyBytes: maxPageBytes,
      timeoutMs: options.timeoutMs,
    });
  };

  return {
    id: "salesforce",

    async connectedAccount(accessToken: string, signal: AbortSignal, grant?: GrantDetails): Promise<ConnectedAccount> {
      const client = clientFor(grant?.apiBaseUrl, accessToken, signal);
      // The identity URL is https://login…/id/<orgId>/<userId>.
      const userId = /\/id\/[A-Za-z0-9]{15,18}\/([A-Za-z0-9]{15,18})\/?$/.exec(grant?.identityUrl ?? "")?.[1];
      if (!userId) throw new ProviderAuthError("Salesforce's token answer did not name the user (no identity URL).");
      const page = await client.query({
        soql: selectQuery({
          fields: ["Id", "Name", "Email", "Username"],
          object: "User",
          where: [`Id = ${soqlString(userId)}`],
        }),
        all: false,
      });
      const found = user.safeParse(page.records[0]);
      if (!found.success) throw new ProviderAuthError("Salesforce does not show the connected user.");
      const email = found.data.Email ?? found.data.Username;
      // The User Id is the identity (a username or email can change); the name says who and which login.
      return { id: userId, name: found.data.Name ? `${found.data.Name} (${email})` : email };
    },

    async step(input: SyncStepInput): Promise<SyncStep> {
      const client = clientFor(input.apiBaseUrl, input.accessToken, input.signal);
      let cursor: SalesforceCursor;
      if (input.cursor === null) cursor = freshCursor(input.now, batchSize);
      else {
        const parsed = cursorSchema.safeParse(input.cursor);
        if (!parsed.success) throw new CursorExpiredError("The stored Salesforce sync position is unreadable");
        cursor = structuredClone(parsed.data);
      }
      if (cursor.pausedUntil && input.now < new Date(cursor.pausedUntil)) {
        throw new QuotaPausedError(
          "Salesforce's daily API allowance is nearly used up; the sync waits for it to come back.",
          new Date(cursor.pausedUntil),
        );
      }
      cursor.pausedUntil = null;
      const mode = cursor.mode;
      const result = await runStep(client, cursor, input.now);
      const usage = client.usage;
      if (usage && usage.max > 0 && usage.used >= usage.max * (1 - reserve)) {
        result.cursor.pausedUntil = quotaResumeAt(input.now).toISOString();
      }
      return {
        ...result,
        cursor: result.cursor,
        mode,
        requests: client.requests,
        ...(mode === "full"
          ? {
              progress: {
                done: result.cursor.full.done,
                total: Object.keys(result.cursor.full.totals).length > 0 ? sumTotals(result.cursor) : null,
              },
            }
          : {}),
      };
    },
  };

  async function runStep(
    client: SalesforceClient,
    cursor: SalesforceCursor,
    now: Date,
  ): Promise<{ changes: SyncChange[]; skipped: SkippedItem[]; cursor: SalesforceCursor; caughtUp: boolean }> {
    const atRoundStart = cursor.objectIndex === 0 && cursor.phase === "live" && cursor.locator === null;
    if (!cursor.setup || (atRoundStart && now.getTime() - Date.parse(cursor.setup.readAt) >= DAY_MS)) {
      cursor.setup = await readSetup(client, now);
      return { changes: [], skipped: [], cursor, caughtUp: false };
    }
    const spec = OBJECTS[cursor.objectIndex];
    if (!spec) throw new CursorExpiredError("The stored Salesforce sync position names no object");
    const state = cursor.objects[spec.name] ?? { live: null, deleted: null, lastSweepAt: null };
    cursor.objects[spec.name] = state;

    const changes: SyncChange[] = [];
    const skipped: SkippedItem[] = [];
    let phaseDone: boolean;

    if (cursor.phase === "live") {
      const read = await readLivePage(client, cursor, spec, state);
      const ids: string[] = [];
      for (const record of read.records) {
        const keyed = idAndStamp.safeParse(record);
        if (!keyed.success || !parseDateTime(keyed.data.SystemModstamp)) {
          // Without an id and a stamp it cannot be named or placed; counted, and the page goes on.
          skipped.push({ externalId: "", reason: "malformed" });
          continue;
        }
        ids.push(keyed.data.Id);
        state.live = { ts: parseDateTime(keyed.data.SystemModstamp)!.toISOString(), id: keyed.data.Id };
        const mapped = spec.map(record as Record<string, unknown>, {
          stages: cursor.setup.stages,
          currency: cursor.setup.currency,
          multiCurrency: cursor.setup.multiCurrency,
        });
        if ("skip" in mapped) skipped.push({ externalId: keyed.data.Id, reason: mapped.skip });
        else changes.push(mapped.change);
      }
      if (read.tooLarge) {
        ids.push(read.tooLarge.id);
        state.live = { ts: read.tooLarge.ts, id: read.tooLarge.id };
        skipped.push({ externalId: read.tooLarge.id, reason: "too_large" });
      }
      if (cursor.mode === "full") {
        cursor.full.done += read.records.length + (read.tooLarge ? 1 : 0);
        if (ids.length > 0)
          changes.push({
            kind: "present",
            objectType: spec.name,
            externalIds: ids,
            sweepStartedAt: new Date(cursor.fullStartedAt),
          });
      }
      phaseDone = read.done;
      if (phaseDone) {
        cursor.batchSize = batchSize;
        cursor.limit = null;
        if (cursor.mode === "full") {
          changes.push({ kind: "sweep_end", objectType: spec.name, sweepStartedAt: new Date(cursor.fullStartedAt) });
          state.lastSweepAt = cursor.fullStartedAt;
          // Deletions from here on: anything deleted after the newest record read (>=: ties are harmless).
          state.deleted ??= state.live ? { ts: state.live.ts, id: null } : { ts: cursor.fullStartedAt, id: null };
        }
      }
    } else if (cursor.phase === "deleted") {
      const where = ["IsDeleted = true", ...(state.deleted ? [afterPosition(state.deleted)] : [])];
      const page = await pageOf(
        client,
        cursor,
        () =>
          selectQuery({ fields: ["Id", "SystemModstamp"], object: spec.name, where, orderBy: "SystemModstamp, Id" }),
        true,
        () => undefined,
      );
      for (const record of page.records) {
        const keyed = idAndStamp.safeParse(record);
        const stamp = keyed.success ? parseDateTime(keyed.data.SystemModstamp) : null;
        if (!keyed.success || !stamp) {
          skipped.push({ externalId: "", reason: "malformed" });
          continue;
        }
        state.deleted = { ts: stamp.toISOString(), id: keyed.data.Id };
        changes.push({ kind: "removed", objectType: spec.name, externalId: keyed.data.Id });
      }
      phaseDone = page.done;
    } else {
      cursor.sweepStartedAt ??= now.toISOString();
      const sweepStartedAt = new Date(cursor.sweepStartedAt);
      const page = await pageOf(
        client,
        cursor,
        () => selectQuery({ fields: ["Id"], object: spec.name, where: [] }),
        false,
        // A sweep whose locator expired starts over: pages read twice mark the same links.
        () => undefined,
      );
      const ids: string[] = [];
      for (const record of page.records) {
        const keyed = idOnly.safeParse(record);
        if (keyed.success) ids.push(keyed.data.Id);
      }
      if (ids.length > 0) changes.push({ kind: "present", objectType: spec.name, externalIds: ids, sweepStartedAt });
      phaseDone = page.done;
      if (phaseDone) {
        changes.push({ kind: "sweep_end", objectType: spec.name, sweepStartedAt });
        state.lastSweepAt = cursor.sweepStartedAt;
        cursor.sweepStartedAt = null;
      }
    }

    let caughtUp = false;
    if (phaseDone) {
      cursor.locator = null;
      if (cursor.phase === "live") cursor.phase = "deleted";
      else if (
        cursor.phase === "deleted" &&
        cursor.mode === "incremental" &&
        (!state.lastSweepAt || now.getTime() - Date.parse(state.lastSweepAt) >= DAY_MS)
      )
        cursor.phase = "sweep";
      else {
        cursor.phase = "live";
        cursor.objectIndex += 1;
        if (cursor.objectIndex >= OBJECTS.length) {
          cursor.objectIndex = 0;
          cursor.mode = "incremental";
          caughtUp = true;
        }
      }
    }
    return { changes: changes, skipped, cursor, caughtUp };
  }

  /**
   * One page of a paged query: the in-flight locator when there is one, else the query afresh. An
   * expired locator is dropped and the query asked again from the cursor's watermark (`onRestart`
   * resets what depends on the old listing).
   */
  async function pageOf(
    client: SalesforceClient,
    cursor: SalesforceCursor,
    soql: () => string,
    all: boolean,
    onRestart: () => void,
    size = cursor.batchSize,
  ): Promise<QueryPage> {
    let page: QueryPage;
    if (cursor.locator) {
      try {
        page = await client.query({ nextRecordsUrl: cursor.locator }, { batchSize: size });
      } catch (error) {
        if (!(error instanceof QueryLocatorExpiredError)) throw error;
        cursor.locator = null;
        onRestart();
        page = await client.query({ soql: soql(), all }, { batchSize: size });
      }
    } else page = await client.query({ soql: soql(), all }, { batchSize: size });
    cursor.locator = page.done ? null : (page.nextRecordsUrl ?? null);
    if (!page.done && !page.nextRecordsUrl)
      throw new TemporaryProviderError("Salesforce answered an unfinished query without nextRecordsUrl", "unavailable");
    return page;
  }

  /**
   * A page of the live listing. A page over the byte cap is asked for again from the watermark in
   * smaller batches (down to Salesforce's 200), then with a shrinking LIMIT; a record too large even
   * alone is named by an Id-only query and skipped as too_large.
   */
  async function readLivePage(
    client: SalesforceClient,
    cursor: SalesforceCursor,
    spec: ObjectSpec,
    state: SalesforceCursor["objects"][string],
  ): Promise<{ records: unknown[]; done: boolean; tooLarge?: { id: string; ts: string } }> {
    const fields = spec.fields({ multiCurrency: cursor.setup!.multiCurrency });
    const where = () => (state.live ? [afterPosition(state.live)] : []);
    const liveSoql = (limit: number | null) =>
      selectQuery({ fields, object: spec.name, where: where(), orderBy: "SystemModstamp, Id", limit });
    // The object's first query (no watermark yet) tells its total for a full sync's progress.
    const first = !cursor.locator && state.live === null;
    for (;;) {
      try {
        if (cursor.limit !== null) {
          const limit = cursor.limit;
          const page = await client.query({ soql: liveSoql(limit), all: false });
          cursor.locator = null;
          // Room again: the next read asks for twice as many, back to paging at the batch size.
          cursor.limit = limit * 2 >= MIN_BATCH ? null : limit * 2;
          return { records: page.records, done: page.records.length < limit };
        }
        const page = await pageOf(
          client,
          cursor,
          () => liveSoql(null),
          false,
          () => undefined,
        );
        if (cursor.mode === "full" && first) cursor.full.totals[spec.name] = page.totalSize;
        return { records: page.records, done: page.done };
      } catch (error) {
        if (!(error instanceof OversizedPageError)) throw error;
        cursor.locator = null;
        if (cursor.limit === null && cursor.batchSize > MIN_BATCH) {
          cursor.batchSize = Math.max(MIN_BATCH, Math.floor(cursor.batchSize / 2));
        } else if (cursor.limit === null) {
          cursor.limit = MIN_BATCH / 2;
        } else if (cursor.limit > 1) {
          cursor.limit = Math.floor(cursor.limit / 2);
        } else {
          const page = await client.query({
            soql: selectQuery({
              fields: ["Id", "SystemModstamp"],
              object: spec.name,
              where: where(),
              orderBy: "SystemModstamp, Id",
              limit: 1,
            }),
            all: false,
          });
          const keyed = idAndStamp.safeParse(page.records[0]);
          const stamp = keyed.success ? parseDateTime(keyed.data.SystemModstamp) : null;
          if (!keyed.success || !stamp)
            throw new TemporaryProviderError("Salesforce could not name a record too large to read", "unavailable");
          cursor.limit = 2;
          return { records: [], done: false, tooLarge: { id: keyed.data.Id, ts: stamp.toISOString() } };
        }
      }
    }
  }
}

function sumTotals(cursor: SalesforceCursor): number {
  return Object.values(cursor.full.totals).reduce((a, b) => a + b, 0);
}

/** Organization's currency, whether Opportunity is multi-currency, and the stage picklist. */
async function readSetup(client: SalesforceClient, now: Date): Promise<NonNullable<SalesforceCursor["setup"]>> {
  const org = await client.query({
    soql: selectQuery({ fields: ["Id", "DefaultCurrencyIsoCode"], object: "Organization", where: [] }),
    all: false,
  });
  const orgRecord = organization.safeParse(org.records[0]);
  if (!orgRecord.success)
    throw new TemporaryProviderError("Salesforce answered Organization in an unexpected shape", "unavailable");
  const described = describe.safeParse(await client.getJson("/sobjects/Opportunity/describe"));
  if (!described.success)
    throw new TemporaryProviderError("Salesforce described Opportunity in an unexpected shape", "unavailable");
  const stagesPage = await client.query({
    soql: selectQuery({
      fields: ["Id", "ApiName", "MasterLabel", "IsActive", "IsClosed", "IsWon", "DefaultProbability", "SortOrder"],
      object: "OpportunityStage",
      where: [],
      orderBy: "SortOrder",
    }),
    all: false,
  });
  const stages = stagesPage.records.flatMap((record) => {
    const parsed = stageRecord.safeParse(record);
    return parsed.success ? [parsed.data] : [];
  });
  return {
    readAt: now.toISOString(),
    currency: orgRecord.data.DefaultCurrencyIsoCode.toUpperCase(),
    multiCurrency: described.data.fields.some((f) => f.name === "CurrencyIsoCode"),
    stages: buildStageMap(stages),
  };
}

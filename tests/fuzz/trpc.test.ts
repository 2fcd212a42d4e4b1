// Every tRPC procedure, fuzzed over real HTTP (issue #11): the app router is walked as
// tests/authorization.test.ts walks it, so a procedure added tomorrow is fuzzed without anyone
// listing it. Each procedure gets (1) every top-level field of a plausible input replaced in turn by
// each hostile value, (2) hostile whole inputs and raw bodies, and (3) generated inputs derived from
// its zod schema (tests/fuzz/arbitraries.ts), with A's and B's record ids to choose from.
// The properties: no answer is a server error (status ≥ 500, or an internal error inside a
// stream), and none of user B's rows change.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../server/crm/pagination";
import { appRouter } from "../../server/trpc/root";
import { snapshotOf } from "../helpers/snapshot";
import { smallWorkspace } from "../helpers/workspace";
import { arbitraryFor, FUZZ_TEST_TIMEOUT, fuzzParameters, type Pools } from "./arbitraries";
import { brokenPages, startAppServer, type AppServer } from "./app-server";
import { callProcedure, serverError, type ProcedureType } from "./http";
import { fuzzWorld, type FuzzWorld, type RecordIds } from "./world";

/** Generated runs per procedure in `npm test` (besides the fixed hostile examples). */
const CI_RUNS = 6;

type Procedure = { _def: { type: ProcedureType; inputs: unknown[] } };
const procedures = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures,
)
  .map(([path, procedure]) => ({ path, type: procedure._def.type, inputs: procedure._def.inputs }))
  .sort((x, y) => x.path.localeCompare(y.path));

/** Values put in place of one field at a time: each broke some procedure in the fuzzer's run, or could. */
const SUBSTITUTES: readonly unknown[] = [
  "a\u0000b",
  "\uD800",
  encodeCursor({ v: "abc", id: "x" }),
  "constructor",
  "__proto__",
  "x".repeat(5_000),
  3_000_000_000,
  2 ** 63,
  Number.NaN,
  -1,
  new Date("+010000-01-01T00:00:00Z"),
  new Date("0000-01-01T00:00:00Z"),
  new Date(-8.64e15),
  "+010000-01-01",
  null,
  [],
  {},
  true,
];

/** Whole inputs no client would send. */
const WHOLE_INPUTS: readonly unknown[] = [null, "\u0000", 0, [], [{}], { constructor: "x" }, "x".repeat(5_000)];

/** Raw encodings superjson would never write (what a hand-made request sends). */
const RAW_INPUTS: readonly string[] = [
  "not json",
  '{"json":',
  '{"json":{"id":"x"},"meta":{"values":{"id":["Date"]}}}',
  '{"json":{"startsAt":"not a date"},"meta":{"values":{"startsAt":["Date"]}}}',
  '{"json":{"a":"1"},"meta":{"values":{"__proto__.polluted":["bigint"]}}}',
  '{"json":"12345678901234567890x","meta":{"values":["bigint"]}}',
  '{"json":{"limit":"Infinity"},"meta":{"values":{"limit":["number"]}}}',
];

type Def = {
  type: string;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
  element?: unknown;
  options?: unknown[];
  shape?: Record<string, unknown>;
  entries?: Record<string, unknown>;
  values?: unknown[];
  format?: string;
};
const defOf = (schema: unknown) => (schema as { _zod?: { def?: Def } })?._zod?.def;

/** The id field names of each router's own records. */
const ENTITY: Record<string, keyof RecordIds> = {
  accounts: "account",
  prospects: "prospect",
  opportunities: "opportunity",
  conversations: "conversation",
  meetings: "meeting",
  notes: "note",
};

/** A plausible input for a schema: A's own records where ids go, so the substituted field is what fails. */
function plainFor(schema: unknown, world: FuzzWorld, path: string, key = ""): unknown {
  const router = path.split(".")[0]!;
  const def = defOf(schema);
  if (!def) return undefined;
  const idFor = (name: string): string | undefined => {
    const a = world.a;
    if (name === "id") return ENTITY[router] ? a[ENTITY[router]] : a.account;
    if (name === "sessionId") return world.b.sessionId;
    if (name === "threadId") return a.thread;
    // The browser-key steps act on an answer the browser writes; the others on the server's.
    if (name === "assistantMessageId") return /^brain\.(prepare|runTool|complete)$/.test(path) ? a.keyAnswer : a.answer;
    const entity = name.replace(/Ids?$/, "") as keyof RecordIds;
    if (entity in a && /Ids?$/.test(name)) return a[entity];
    if (/^(attendee|prospect)Ids$/.test(name)) return a.prospect;
    return undefined;
  };
  switch (def.type) {
    case "string": {
      if (def.format === "date") return "2026-05-01";
      if (def.format === "email") return world.aEmail;
      return idFor(key) ?? (key === "q" || key === "question" ? "Acme" : "fuzz");
    }
    case "number":
      return 10;
    case "boolean":
      return false;
    case "date":
      return new Date("2026-05-01T10:00:00Z");
    case "enum":
      return Object.values(def.entries ?? {})[0];
    case "literal":
      return def.values?.[0];
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
      return plainFor(def.innerType, world, path, key);
    case "pipe":
      return defOf(def.in)?.type === "transform"
        ? plainFor(def.out, world, path, key)
        : plainFor(def.in, world, path, key);
    case "union":
      return plainFor(def.options?.[0], world, path, key);
    case "array": {
      const id = idFor(key);
      return id ? [id] : [plainFor(def.element, world, path, key)];
    }
    case "object":
      return Object.fromEntries(
        Object.entries(def.shape ?? {}).map(([name, child]) => [name, plainFor(child, world, path, name)]),
      );
    case "record":
      return {};
    case "unknown":
      return key === "document" ? smallWorkspace() : {};
    default:
      return undefined;
  }
}

/** The fixed examples for one procedure: each top-level field replaced by each substitute, and hostile whole inputs. */
function hostileExamples(input: unknown, plain: unknown): unknown[] {
  if (input === undefined) return [...WHOLE_INPUTS];
  const examples: unknown[] = [...WHOLE_INPUTS];
  if (plain && typeof plain === "object" && !Array.isArray(plain)) {
    // Each substitute in every field at once; then, field by field, the substitutes of the field's
    // own type (a cursor gets the forged cursor, a date the years no calendar keeps) and a wrong type.
    const keys = Object.keys(plain);
    const withValue = (base: object, key: string, value: unknown) => {
      const example = { ...base } as Record<string, unknown>;
      // defineProperty: "__proto__" must be a key of the input, not a change of its prototype.
      Object.defineProperty(example, key, { value, enumerable: true, writable: true, configurable: true });
      return example;
    };
    for (const value of SUBSTITUTES)
      examples.push(keys.reduce<object>((example, key) => withValue(example, key, value), plain));
    const kind = (value: unknown) => (value instanceof Date ? "date" : Array.isArray(value) ? "array" : typeof value);
    for (const key of keys) {
      const own = (plain as Record<string, unknown>)[key];
      for (const value of SUBSTITUTES.filter(
        (v) => kind(v) === kind(own) || (kind(own) === "array" && typeof v === "string"),
      ))
        examples.push(withValue(plain, key, kind(own) === "array" ? [value] : value));
      examples.push(withValue(plain, key, kind(own) === "string" ? 1 : "1"));
    }
    examples.push(withValue(plain, "__proto__", { polluted: true }));
  }
  return examples;
}

let server: AppServer;
let world: FuzzWorld;
let cookie: string;
let victimBefore: string;

beforeAll(async () => {
  server = await startAppServer();
  world = await fuzzWorld();
  cookie = await world.cookieForA();
  victimBefore = await snapshotOf(world.b.userId);
});
afterAll(async () => {
  await server.close();
});

async function call(path: string, type: ProcedureType, input: unknown, raw?: string) {
  let reply = await callProcedure({ baseUrl: server.url, cookie }, path, type, input, raw);
  if (reply.status === 401) {
    // The previous call signed A out (sessions, password): sign in again and repeat this one.
    cookie = await world.cookieForA();
    reply = await callProcedure({ baseUrl: server.url, cookie }, path, type, input, raw);
  }
  return reply;
}

async function fuzzProcedure({ path, type, inputs }: (typeof procedures)[number]) {
  const schema = inputs[0];
  const plain = schema === undefined ? undefined : plainFor(schema, world, path);
  const pools: Pools = { ids: world.ids, emails: [world.aEmail, world.bEmail] };
  const failures: string[] = [];
  const check = async (input: unknown, raw?: string) => {
    const problem = serverError(await call(path, type, input, raw));
    if (problem) failures.push(`${path}(${raw ?? describeInput(input)}) ${problem}`);
    return problem;
  };

  // (1), (2): every fixed example, each failure recorded (a list is more useful than the first one).
  for (const example of hostileExamples(schema, plain)) await check(example);
  for (const raw of RAW_INPUTS) await check(undefined, raw);
  const fixed = [...failures];

  // (3): generated inputs, shrunk to the smallest that fails (fast-check's report has the seed and path to replay it).
  const arbitrary = schema === undefined ? fc.constant(undefined) : arbitraryFor(schema, pools);
  const generated = await fc
    .assert(
      fc.asyncProperty(arbitrary, async (input) => {
        const problem = serverError(await call(path, type, input));
        if (problem) throw new Error(problem);
      }),
      fuzzParameters(CI_RUNS),
    )
    .then(
      () => [],
      (error: unknown) => [error instanceof Error ? error.message : String(error)],
    );
  expect([...fixed, ...generated], `server errors from ${path}`).toEqual([]);

  expect(await snapshotOf(world.b.userId), `${path} changed user B's rows`).toBe(victimBefore);
}

function describeInput(input: unknown): string {
  const text = JSON.stringify(input, (_key, v: unknown) =>
    typeof v === "bigint" ? `${v}n` : typeof v === "number" && !Number.isFinite(v) ? String(v) : v,
  );
  return text === undefined ? "undefined" : text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

describe("fuzz: every tRPC procedure, over HTTP, as user A with user B's ids in reach", () => {
  it("walks the whole router", () => {
    expect(procedures.length).toBeGreaterThan(40);
  });
  for (const procedure of procedures) {
    it(`trpc ${procedure.path}: no server error, B unchanged`, () => fuzzProcedure(procedure), FUZZ_TEST_TIMEOUT);
  }
  it("every page of A still renders after the fuzz", async () => {
    expect(await brokenPages(server, world.a, await world.cookieForA())).toEqual([]);
  });
});

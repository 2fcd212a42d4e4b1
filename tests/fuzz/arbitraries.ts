// What the fuzz tests throw at the app: values shaped by each input's own zod schema (so most runs
// get past validation and reach the code behind it), mixed with the hostile values the attacker and
// the fuzzer of issue #11 used (NUL bytes, lone surrogates, dates outside any calendar the database
// keeps, forged cursors, prototype keys, numbers beyond int4/int8, wrong types, deep nesting).
// docs/decisions/015-property-based-fuzzing.md says what is fuzzed and how to replay a failure.
import fc from "fast-check";
import type { z } from "zod";
import { encodeCursor } from "../../server/crm/pagination";

// ---------------------------------------------------------------------------------------------
// Run size and replay: small and fixed for `npm test`, larger under `npm run fuzz`.

function positiveInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${raw}`);
  return value;
}

/**
 * fast-check's parameters for one property: `ciRuns` runs in `npm test`; FUZZ_RUNS runs per property
 * under `npm run fuzz`. FUZZ_SEED (and FUZZ_PATH, both printed with any counterexample) replay one
 * failure exactly: `FUZZ_SEED=… FUZZ_PATH=… npm run fuzz -- -t "accounts.get"`.
 */
export function fuzzParameters<T>(ciRuns: number): fc.Parameters<T> {
  const runs = positiveInt("FUZZ_RUNS");
  const seed = process.env.FUZZ_SEED;
  const path = process.env.FUZZ_PATH;
  return {
    numRuns: runs ?? ciRuns,
    ...(seed !== undefined && seed !== "" ? { seed: Number(seed) } : {}),
    ...(path ? { path } : {}),
  };
}

/** A fuzz test's time limit: Vitest's usual bound in `npm test`, more for a larger `npm run fuzz`. */
export const FUZZ_TEST_TIMEOUT = 120_000 + (positiveInt("FUZZ_RUNS") ?? 0) * 2_000;

// ---------------------------------------------------------------------------------------------
// Hostile building blocks.

/** A forged but well-formed cursor: base64url JSON that decodes, carrying a value of the wrong kind. */
const forgedCursors = [
  encodeCursor({ v: "abc", id: "x" }),
  encodeCursor({ v: "not-a-number", id: "\u0000" }),
  encodeCursor({ v: 8.64e15 + 1, id: "x" }),
  encodeCursor({ v: -1e308, id: "x" }),
  encodeCursor({ v: "99999999999999999999999999999", id: "x" }),
  encodeCursor({ v: null, id: "x".repeat(200) }),
  encodeCursor({ v: "\uD800", id: "\uDC00" }),
];

/** Strings that broke something, or could. */
export const hostileStrings: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uDC00y",
  "🎉",
  `${"w".repeat(66)}🎉 after`,
  "👩🏽‍💻".repeat(40),
  "\u202Egnp.exe",
  "\u200B",
  "\r\nSet-Cookie: x=1",
  "/\t/evil.example",
  "//evil.example",
  "/%09/evil.example",
  "javascript:alert(1)",
  "<script>alert(1)</script>",
  "[Verify login](https://evil.example/login) [A1]",
  "' OR 1=1 --",
  "%00",
  "%ZZ",
  "../../etc/passwd",
  "constructor",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "NaN",
  "Infinity",
  "-1",
  "1e309",
  "9".repeat(30),
  "+010000-01-01T00:00:00Z",
  "0000-01-01",
  "0000-01-01T00:00:00Z",
  "-271821-04-20T00:00:00Z",
  "2026-02-30",
  "9999-12-31T23:59:59.999Z",
  "1899-12-31",
  "abc",
  ...forgedCursors,
  "x".repeat(5_000),
  "é".repeat(3_000),
];

/** Numbers beyond what columns keep (int4, int8, safe integers) and what JSON can say. */
export const hostileNumbers: readonly number[] = [
  0,
  -0,
  -1,
  0.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  3_000_000_000,
  2 ** 53,
  2 ** 63,
  -(2 ** 63),
  1e308,
  -1e308,
  Number.MIN_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  8.64e15,
  -8.64e15,
];

/** Dates at and beyond the edges: year 0000, 10000, JavaScript's first and last day. */
export const hostileDates: readonly Date[] = [
  new Date("0000-01-01T00:00:00Z"),
  new Date("0001-01-01T00:00:00Z"),
  new Date("+010000-01-01T00:00:00Z"),
  new Date(-8.64e15),
  new Date(8.64e15),
  new Date("1899-12-31T23:59:59Z"),
  new Date("2201-01-01T00:00:00Z"),
];

/** Objects with keys that are properties of every object, and nesting deep enough to hurt recursion. */
function deeplyNested(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
}

const hostileStructures: readonly unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [null],
  { constructor: "x", toString: "y", hasOwnProperty: 1 },
  JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  deeplyNested(64),
  deeplyNested(2_000),
  Array.from({ length: 2_000 }, (_, i) => i),
  2n ** 64n,
];

/** Any hostile value of any type. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 2, arbitrary: fc.constantFrom(...hostileNumbers) },
  { weight: 1, arbitrary: fc.constantFrom(...hostileDates) },
  { weight: 2, arbitrary: fc.constantFrom(...hostileStructures) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** Text as users and generators write it: any Unicode (lone surrogates included), usually short. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 3, arbitrary: fc.constantFrom(...hostileStrings) },
);

const isoDateTime = fc
  .date({ min: new Date("1800-01-01T00:00:00Z"), max: new Date("2300-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

// ---------------------------------------------------------------------------------------------
// Values shaped by a zod schema (zod 4's definitions, walked).

/** What a generated value may use besides what the schema says: record ids to try (the caller's and another user's). */
export type Pools = { ids: readonly string[]; emails?: readonly string[] };

/** Stands for "leave this key out" in a generated object. */
const MISSING = Symbol("missing");

type Def = {
  type: string;
  format?: string;
  checks?: { _zod: { def: { check: string; maximum?: number; minimum?: number; value?: number } } }[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
};

function defOf(schema: unknown): Def | null {
  return (schema as { _zod?: { def?: Def } })?._zod?.def ?? null;
}

function maxLengthOf(def: Def): number | undefined {
  for (const check of def.checks ?? []) if (check._zod.def.check === "max_length") return check._zod.def.maximum;
  return undefined;
}

function stringFor(def: Def, pools: Pools): fc.Arbitrary<string> {
  const max = maxLengthOf(def);
  const fitting = fc.string({ minLength: 1, maxLength: Math.min(max ?? 40, 40) });
  if (def.format === "date") {
    return fc.oneof(
      { weight: 4, arbitrary: isoDateTime.map((s) => s.slice(0, 10)) },
      { weight: 1, arbitrary: fc.constantFrom("0000-01-01", "9999-12-31", "2026-02-29", "1900-01-01", "2200-12-31") },
      { weight: 1, arbitrary: anyText },
    );
  }
  if (def.format === "email") {
    return fc.oneof(
      { weight: 3, arbitrary: fc.emailAddress() },
      ...(pools.emails?.length ? [{ weight: 2, arbitrary: fc.constantFrom(...pools.emails) }] : []),
      { weight: 1, arbitrary: anyText },
    );
  }
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...pools.ids) },
    { weight: 3, arbitrary: fitting },
    { weight: 1, arbitrary: isoDateTime },
    { weight: 3, arbitrary: anyText },
  );
}

function numberFor(def: Def): fc.Arbitrary<number> {
  let min = -1e6;
  let max = 1e6;
  let integer = false;
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === "greater_than" && typeof c.value === "number") min = Math.max(min, c.value);
    if (c.check === "less_than" && typeof c.value === "number") max = Math.min(max, c.value);
    if (c.check === "number_format") integer = true;
  }
  const fitting = integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true });
  return fc.oneof({ weight: 4, arbitrary: fitting }, { weight: 1, arbitrary: fc.constantFrom(...hostileNumbers) });
}

/**
 * Values for a zod schema: usually what it describes (so the call reaches the code behind the
 * validation), sometimes a hostile value in its place, keys left out or added.
 */
export function arbitraryFor(schema: unknown, pools: Pools, depth = 0): fc.Arbitrary<unknown> {
  const shaped = shapedFor(schema, pools, depth);
  if (depth > 6) return shaped;
  return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 1, arbitrary: hostileValue });
}

function shapedFor(schema: unknown, pools: Pools, depth: number): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  if (!def) return hostileValue;
  const inner = (child: z.ZodType | undefined) => (child ? arbitraryFor(child, pools, depth + 1) : hostileValue);
  switch (def.type) {
    case "string":
      return stringFor(def, pools);
    case "number":
      return numberFor(def);
    case "boolean":
      return fc.boolean();
    case "date":
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc.date({ min: new Date("1900-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }),
        },
        { weight: 2, arbitrary: fc.constantFrom(...hostileDates) },
        { weight: 1, arbitrary: isoDateTime },
      );
    case "enum":
      return fc.constantFrom(...Object.values(def.entries ?? { x: "x" }));
    case "literal":
      return fc.constantFrom(...(def.values ?? [null]));
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return fc.oneof(
        { weight: 4, arbitrary: inner(def.innerType) },
        { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null) },
      );
    case "pipe":
      // The input side says what the caller sends; a transform's output is not an input.
      return defOf(def.in)?.type === "transform" ? inner(def.out) : inner(def.in);
    case "union":
      return fc.oneof(...(def.options ?? []).map((option) => inner(option)));
    case "array":
      return fc.array(inner(def.element), { maxLength: 4 });
    case "record":
      return fc.dictionary(stringFor({ type: "string" }, pools), inner(def.valueType), { maxKeys: 4 });
    case "object": {
      const shape = def.shape ?? {};
      const keys = Object.keys(shape);
      const fields = keys.map((key) =>
        fc.oneof({ weight: 8, arbitrary: inner(shape[key]) }, { weight: 1, arbitrary: fc.constant<unknown>(MISSING) }),
      );
      const extra = fc.option(
        fc.dictionary(fc.constantFrom("extra", "__proto__", "constructor", "userId", "id"), hostileValue, {
          maxKeys: 2,
        }),
        { freq: 6 },
      );
      return fc.tuple(fc.tuple(...fields), extra).map(([values, more]) => {
        const object: Record<string, unknown> = {};
        keys.forEach((key, i) => {
          if (values[i] !== MISSING) object[key] = values[i];
        });
        // defineProperty: a generated "__proto__" key must be a key, not a prototype change.
        for (const [key, value] of Object.entries(more ?? {}))
          Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
        return object;
      });
    }
    case "unknown":
    case "any":
      return fc.oneof(hostileValue, fc.jsonValue({ maxDepth: 3 }));
    default:
      return hostileValue;
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations of a JSON document (the importer's fuzzing).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside a JSON document. */
export function jsonPaths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => jsonPaths(item, [...prefix, i], out));
  else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) jsonPaths(item, [...prefix, key], out);
  return out;
}

export type Mutation =
  | { kind: "replace"; path: (string | number)[]; value: unknown }
  | { kind: "drop"; path: (string | number)[] }
  | { kind: "duplicate"; path: (string | number)[] }
  | { kind: "copy"; from: (string | number)[]; to: (string | number)[] };

/** Values an importer must refuse or keep safely, in place of any field. */
const replacementValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileValue.filter((v) => typeof v !== "bigint" && !(v instanceof Date)) },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: fc.constantFrom(...hostileDates.map((d) => d.toISOString())) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Up to `max` mutations of a document: fields dropped, replaced (retyped, hostile), records duplicated or copied onto others. */
export function mutationsOf(document: unknown, max = 4): fc.Arbitrary<Mutation[]> {
  const paths = jsonPaths(document).filter((p) => p.length > 0);
  const path = fc.constantFrom(...paths);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("replace" as const), path, value: replacementValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("drop" as const), path }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), path }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("copy" as const), from: path, to: path }) },
  );
  return fc.array(mutation, { minLength: 1, maxLength: max });
}

function at(root: Json, path: (string | number)[]): Json | undefined {
  let node: Json | undefined = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, Json>)[key];
  }
  return node;
}

/** A mutated deep copy of the document (the original is untouched). */
export function applyMutations(document: unknown, mutations: Mutation[]): unknown {
  const root = structuredClone(document) as Json;
  for (const m of mutations) {
    const path = m.kind === "copy" ? m.to : m.path;
    const parent = at(root, path.slice(0, -1));
    const key = path.at(-1)!;
    if (parent === null || typeof parent !== "object" || parent === undefined) continue;
    const container = parent as Record<string | number, Json>;
    if (!(key in container)) continue;
    if (m.kind === "replace") container[key] = m.value as Json;
    else if (m.kind === "copy") container[key] = structuredClone(at(root, m.from) ?? null);
    else if (Array.isArray(parent) && typeof key === "number") {
      if (m.kind === "drop") parent.splice(key, 1);
      else parent.splice(key, 0, structuredClone(parent[key]!));
    } else if (m.kind === "drop") delete container[key];
    else container[`${String(key)}Copy`] = structuredClone(container[key]!);
  }
  return root;
}

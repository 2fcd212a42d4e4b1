// Every form action and every page's loader, fuzzed over real HTTP (issue #11). The routes come from
// app/routes themselves (tests/helpers/remix-build.ts), so a route added tomorrow is fuzzed without
// anyone listing it; each action's fields are read from its own page's forms.
// The properties: no answer is a server error (≥ 500), none of user B's rows change, and after all
// of it every page of A still renders (what a fuzzed post stored must not break a page for good).
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER } from "../../server/auth/demo";
import { getDb } from "../../server/db/client";
import { projectRoot } from "../../server/utils/project-root";
import { snapshotOf } from "../helpers/snapshot";
import { anyText, FUZZ_TEST_TIMEOUT, fuzzParameters, hostileStrings } from "./arbitraries";
import {
  actionRoutes,
  brokenPages,
  fillPattern,
  formFieldsIn,
  pageRoutes,
  startAppServer,
  type AppServer,
} from "./app-server";
import { sameOriginHeaders } from "./http";
import { fuzzWorld, type FuzzWorld } from "./world";

/** Generated posts per action, and generated query strings per page, in `npm test`. */
const CI_RUNS = 6;
const CI_LOADER_RUNS = 3;

/** Field values put in place of one field at a time. */
const SUBSTITUTES: readonly string[] = [
  "a\u0000b",
  "\uD800",
  "/\t/evil.example",
  "/%E3%80%82",
  "\r\nx",
  "x".repeat(5_000),
  "+010000-01-01T00:00",
  "0000-01-01",
  "3000000000",
  "constructor",
  "",
];

/** Query values put in the parameters every loader might read (redirectTo, cursor). */
const QUERY_SUBSTITUTES: readonly string[] = ["a\u0000b", "/\t/evil.example", "/\u3002", "\r\nx", "abc"];

/** Query parameters the app's loaders read, and names a hand-made URL may add. */
const QUERY_NAMES = [
  "redirectTo",
  "cursor",
  "q",
  "view",
  "when",
  "accountId",
  "activity",
  "token",
  "sort",
  "stage",
  "index",
];

type Body = { contentType?: string; body?: string | FormData; label: string };

/** Bodies that are not the form the page sends. */
function oddBodies(fields: string[]): Body[] {
  const multipart = new FormData();
  for (const name of fields) multipart.append(name, new File(["\u0000 not text"], "x.bin"));
  const repeated = new URLSearchParams();
  for (const name of fields) for (let i = 0; i < 3; i += 1) repeated.append(name, `v${i}`);
  return [
    { label: "no body" },
    { label: "empty form", contentType: "application/x-www-form-urlencoded", body: "" },
    { label: "JSON", contentType: "application/json", body: '{"email":"a@b.c"}' },
    { label: "text/plain", contentType: "text/plain", body: "hello" },
    { label: "multipart without boundary", contentType: "multipart/form-data", body: "--x--" },
    { label: "broken multipart", contentType: "multipart/form-data; boundary=x", body: "--x\r\nbroken" },
    { label: "files in every field", body: multipart },
    { label: "broken percent-encoding", contentType: "application/x-www-form-urlencoded", body: "%ZZ=%&a=%E0%A4%A" },
    { label: "every field three times", contentType: "application/x-www-form-urlencoded", body: repeated.toString() },
  ];
}

let server: AppServer;
let world: FuzzWorld;
let victimBefore: string;
/** Each action's fields (from its page's forms) with the values the page gave them. */
const fieldsOf = new Map<string, Map<string, Set<string>>>();

const actions = await (async () => {
  // The route table is known before any test runs, so each action is its own test (and skippable).
  const { inProcessServerBuild } = await import("../helpers/remix-build");
  const { routes } = await inProcessServerBuild();
  return { actions: actionRoutes(routes), pages: pageRoutes(routes) };
})();

beforeAll(async () => {
  server = await startAppServer();
  world = await fuzzWorld();
  // "Try the demo" signs in as the demo user: it must exist (its workspace is not needed here).
  await (await getDb()).user.create({ data: { email: DEMO_USER.email, name: DEMO_USER.name } });
  victimBefore = await snapshotOf(world.b.userId);
  const cookie = await world.cookieForA();
  const everyField = new Map<string, Set<string>>();
  for (const route of actions.actions) {
    const fields = new Map<string, Set<string>>();
    if (route.page) {
      const page = await fetch(new URL(fillPattern(route.pattern, world.a), server.url), { headers: { cookie } });
      for (const [name, values] of formFieldsIn(await page.text())) fields.set(name, values);
    }
    fieldsOf.set(route.id, fields);
    for (const [name, values] of fields) everyField.set(name, new Set([...(everyField.get(name) ?? []), ...values]));
  }
  // An action without a page of its own (/logout, /demo) is posted to from other pages: the fields
  // of theirs that its module names.
  for (const route of actions.actions) {
    if (route.page) continue;
    const source = readFileSync(path.join(projectRoot(), "app", server.routes[route.id]!.file), "utf8");
    fieldsOf.set(route.id, new Map([...everyField].filter(([name]) => source.includes(`"${name}"`))));
  }
});
afterAll(async () => {
  await server?.close();
});

async function send(path: string, init: { method: "GET" | "POST"; signedIn: boolean; body?: Body }) {
  const cookie = init.signedIn ? await world.cookieForA() : "";
  const headers: Record<string, string> = sameOriginHeaders({ baseUrl: server.url, cookie });
  if (!init.signedIn) delete headers.cookie;
  if (init.body?.contentType) headers["content-type"] = init.body.contentType;
  server.logged.length = 0;
  const response = await fetch(new URL(path, server.url), {
    method: init.method,
    redirect: "manual",
    headers,
    ...(init.body?.body !== undefined ? { body: init.body.body } : {}),
  });
  await response.arrayBuffer();
  return response.status >= 500
    ? `${init.method} ${path} (${init.body?.label ?? "no body"}, ${init.signedIn ? "signed in" : "signed out"}) answered ${response.status}: ${server.logged[0]?.slice(0, 300) ?? "(nothing logged)"}`
    : null;
}

function urlencoded(fields: Record<string, string | string[]>, label: string): Body {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(name, one);
  return { label, contentType: "application/x-www-form-urlencoded", body: body.toString() };
}

async function fuzzAction(route: (typeof actions.actions)[number]) {
  const fields = fieldsOf.get(route.id)!;
  const names = [...fields.keys()];
  const plain = Object.fromEntries(names.map((name) => [name, [...fields.get(name)!][0] ?? "fuzz"]));
  const path = fillPattern(route.pattern, world.a);
  const failures: string[] = [];
  const record = (problem: string | null) => void (problem && failures.push(problem));

  // The page's own form; each substitute in every field at once, and one in each field alone (in
  // turn, so every field meets a different one); bodies that are not that form; B's records in the URL.
  record(await send(path, { method: "POST", signedIn: true, body: urlencoded(plain, "the page's form") }));
  for (const value of SUBSTITUTES) {
    const everywhere = Object.fromEntries(names.map((name) => [name, value]));
    record(
      await send(path, {
        method: "POST",
        signedIn: true,
        body: urlencoded(everywhere, `every field ${JSON.stringify(value).slice(0, 40)}`),
      }),
    );
  }
  for (const [i, name] of names.entries()) {
    const value = SUBSTITUTES[i % SUBSTITUTES.length]!;
    record(
      await send(path, {
        method: "POST",
        signedIn: true,
        body: urlencoded({ ...plain, [name]: value }, `${name}=${JSON.stringify(value).slice(0, 40)}`),
      }),
    );
  }
  for (const body of oddBodies(names)) record(await send(path, { method: "POST", signedIn: true, body }));
  record(await send(path, { method: "POST", signedIn: false, body: urlencoded(plain, "the page's form") }));
  if (route.pattern.includes(":")) {
    for (const other of [fillPattern(route.pattern, world.b), fillPattern(route.pattern, world.a, () => "a\u0000b")])
      record(await send(other, { method: "POST", signedIn: true, body: urlencoded(plain, "the page's form") }));
  }
  const fixed = [...failures];

  // Generated posts: any subset of the fields, with the page's values, ids of A and B, or any text.
  const value = fc.oneof(
    ...names.flatMap((name) => [...fields.get(name)!].map((v) => fc.constant(v))),
    fc.constantFrom(...world.ids),
    anyText,
  );
  const body = fc.dictionary(
    names.length ? fc.constantFrom(...names) : fc.string(),
    fc.oneof(value, fc.array(value, { maxLength: 3 })),
    { maxKeys: names.length + 1 },
  );
  const generated = await fc
    .assert(
      fc.asyncProperty(body, fc.boolean(), async (generatedFields, signedIn) => {
        const problem = await send(path, { method: "POST", signedIn, body: urlencoded(generatedFields, "generated") });
        if (problem) throw new Error(problem);
      }),
      fuzzParameters(CI_RUNS),
    )
    .then(
      () => [],
      (error: unknown) => [error instanceof Error ? error.message : String(error)],
    );
  expect([...fixed, ...generated], `server errors from POST ${route.pattern}`).toEqual([]);
  expect(await snapshotOf(world.b.userId), `POST ${route.pattern} changed user B's rows`).toBe(victimBefore);
}

async function fuzzLoader(route: (typeof actions.pages)[number]) {
  const failures: string[] = [];
  const record = (problem: string | null) => void (problem && failures.push(problem));
  const path = fillPattern(route.pattern, world.a);
  for (const name of ["redirectTo", "cursor", "q"])
    for (const value of QUERY_SUBSTITUTES)
      for (const signedIn of name === "redirectTo" ? [true, false] : [true])
        record(await send(`${path}?${new URLSearchParams({ [name]: value }).toString()}`, { method: "GET", signedIn }));
  if (route.pattern.includes(":")) {
    for (const other of [
      fillPattern(route.pattern, world.b),
      fillPattern(route.pattern, world.a, () => "a\u0000b"),
      fillPattern(route.pattern, world.a, () => "%"),
    ])
      record(await send(other, { method: "GET", signedIn: true }));
  }
  const fixed = [...failures];
  const query = fc.dictionary(
    fc.constantFrom(...QUERY_NAMES),
    fc.oneof(anyText, fc.constantFrom(...hostileStrings, ...world.ids)),
    { maxKeys: 3 },
  );
  const generated = await fc
    .assert(
      fc.asyncProperty(query, fc.boolean(), async (params, signedIn) => {
        const problem = await send(`${path}?${new URLSearchParams(params).toString()}`, { method: "GET", signedIn });
        if (problem) throw new Error(problem);
      }),
      fuzzParameters(CI_LOADER_RUNS),
    )
    .then(
      () => [],
      (error: unknown) => [error instanceof Error ? error.message : String(error)],
    );
  expect([...fixed, ...generated], `server errors from GET ${route.pattern}`).toEqual([]);
}

describe("fuzz: every form action and page loader, over HTTP, as user A with user B's ids in reach", () => {
  it("finds the app's actions and pages in app/routes", () => {
    expect(actions.actions.length).toBeGreaterThan(20);
    expect(actions.pages.length).toBeGreaterThan(30);
  });
  for (const route of actions.actions)
    it(`POST ${route.pattern}: no server error, B unchanged`, () => fuzzAction(route), FUZZ_TEST_TIMEOUT);
  for (const route of actions.pages)
    it(`GET ${route.pattern} with hostile query strings: no server error`, () => fuzzLoader(route), FUZZ_TEST_TIMEOUT);
  it("every page of A still renders after the fuzz", async () => {
    expect(await brokenPages(server, world.a, await world.cookieForA())).toEqual([]);
  });
});

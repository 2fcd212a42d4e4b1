// The importer, fuzzed through its real door (a multipart upload to Settings → Data, issue #11):
// generated workspace documents, and mutations of real ones — the small test workspace, the demo
// seed's generated workspace, and ../shared/fixtures/demo-workspace.json when it is there — with
// fields dropped, duplicated, copied onto others, retyped or replaced by hostile values.
// The properties: the import answers 2xx or 4xx, never 5xx; a refused import wrote nothing (every
// row count of the user is as it was); B's rows never change; and afterwards the user's export is
// complete JSON that imports again without duplicating anything.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoWorkspace } from "../../prisma/seed/demo-workspace";
import { workspaceDocumentSchema, type WorkspaceDocumentInput } from "../../server/data-rights/workspace-format";
import { projectRoot } from "../../server/utils/project-root";
import { rowCountsOf, snapshotOf } from "../helpers/snapshot";
import { smallWorkspace } from "../helpers/workspace";
import { applyMutations, arbitraryFor, fuzzParameters, mutationsOf } from "./arbitraries";
import { brokenPages, startAppServer, type AppServer } from "./app-server";
import { sameOriginHeaders } from "./http";
import { fuzzWorld, type FuzzWorld } from "./world";

const FIXTURE = path.resolve(projectRoot(), "../shared/fixtures/demo-workspace.json");

let server: AppServer;
let world: FuzzWorld;
let victimBefore: string;

beforeAll(async () => {
  server = await startAppServer();
  world = await fuzzWorld();
  victimBefore = await snapshotOf(world.b.userId);
});
afterAll(async () => {
  await server?.close();
});

type Upload = { status: number; body: string };

/** Uploads a document (or raw text) as Settings → Data's form does. */
async function upload(
  document: unknown,
  options: { raw?: string; shiftToToday?: boolean; cookie?: string } = {},
): Promise<Upload> {
  const form = new FormData();
  form.append(
    "file",
    new File([options.raw ?? JSON.stringify(document)], "workspace.json", { type: "application/json" }),
  );
  if (options.shiftToToday) form.append("shiftToToday", "on");
  server.logged.length = 0;
  const response = await fetch(new URL("/settings/data", server.url), {
    method: "POST",
    redirect: "manual",
    headers: sameOriginHeaders({ baseUrl: server.url, cookie: options.cookie ?? (await world.cookieForA()) }),
    body: form,
  });
  return { status: response.status, body: await response.text() };
}

/** Imports and checks the properties; returns what is wrong, or null. */
async function importChecked(document: unknown, options: { raw?: string; shiftToToday?: boolean } = {}) {
  // Signed in first: the new session is the request's row, not the import's.
  const cookie = await world.cookieForA();
  const before = await rowCountsOf(world.a.userId);
  const answer = await upload(document, { ...options, cookie });
  if (answer.status >= 500)
    return `the import answered ${answer.status}: ${server.logged[0]?.slice(0, 300) ?? "(nothing logged)"}`;
  if (answer.status >= 400) {
    const after = await rowCountsOf(world.a.userId);
    if (JSON.stringify(after) !== JSON.stringify(before))
      return `the import answered ${answer.status} but wrote rows: ${JSON.stringify(before)} → ${JSON.stringify(after)}`;
  }
  return null;
}

async function holds(problem: Promise<string | null>) {
  const found = await problem;
  if (found) throw new Error(found);
}

/** The documents to mutate, and how many mutated imports of each (big files cost more to import). */
function sources(): { name: string; document: () => unknown; runs: number }[] {
  const list: { name: string; document: () => unknown; runs: number }[] = [
    { name: "the small test workspace", document: () => smallWorkspace(), runs: 12 },
    { name: "the demo seed's workspace", document: () => generateDemoWorkspace(), runs: 1 },
  ];
  if (existsSync(FIXTURE))
    list.push({
      name: "../shared/fixtures/demo-workspace.json",
      document: () => JSON.parse(readFileSync(FIXTURE, "utf8")) as unknown,
      runs: 1,
    });
  return list;
}

/** The issue's own reproductions, and the cases around them: each is a sequence of documents imported in turn. */
function fixedCases(): { name: string; documents: unknown[] }[] {
  const small = smallWorkspace();
  const edit = (change: (doc: Required<WorkspaceDocumentInput>) => void) => {
    const doc = smallWorkspace() as Required<WorkspaceDocumentInput>;
    change(doc);
    return doc;
  };
  return [
    { name: "a NUL byte in a name", documents: [edit((d) => void (d.accounts[0]!.name = "Acme\u0000"))] },
    {
      name: "employeeCount beyond int4",
      documents: [edit((d) => void (d.accounts[0]!.employeeCount = 3_000_000_000))],
    },
    { name: "year 0000", documents: [edit((d) => void (d.activities[0]!.at = "0000-01-01T00:00:00Z"))] },
    { name: "year 10000", documents: [edit((d) => void (d.meetings[0]!.startsAt = "+010000-01-01T00:00:00Z"))] },
    {
      name: "two messages with the same externalId",
      documents: [
        edit((d) => {
          const messages = d.conversations[0]!.messages as Record<string, unknown>[];
          messages[0]!.externalId = "m-1";
          messages[1]!.externalId = "m-1";
        }),
      ],
    },
    {
      name: "a 300 kB name (beyond an index row)",
      documents: [edit((d) => void (d.accounts[0]!.name = "n".repeat(300_000)))],
    },
    {
      name: "a re-import whose externalId now matches another row",
      documents: [
        small,
        edit((d) => {
          d.accounts[1]!.externalId = "001A";
          d.accounts[1]!.source = "salesforce";
        }),
      ],
    },
    {
      name: "a new note for a meeting that already has one",
      documents: [
        small,
        edit((d) => {
          d.notes.push({ ...d.notes[0]!, id: "note_second", source: "manual" });
          d.meetings[0]!.notesId = "note_second";
        }),
      ],
    },
    { name: "a document that is an array", documents: [[small] as unknown] },
  ];
}

describe("fuzz: the importer, through the upload form", () => {
  for (const { name, documents } of fixedCases()) {
    const property = `import ${name}`;
    it(`${property}: 2xx or 4xx, nothing written on 4xx`, async () => {
      for (const document of documents) expect(await importChecked(document)).toBeNull();
    });
  }

  it("not JSON, JSON that is not a workspace, and a byte-order mark: 4xx, nothing written", async () => {
    for (const raw of ["", "{", "null", "\uFEFF{}", '{"format":"salesascode.workspace","version":1}', "\u0000"])
      expect(await importChecked(undefined, { raw }), JSON.stringify(raw)).toBeNull();
  });

  for (const source of sources()) {
    const property = `import mutations of ${source.name}`;
    it(`${property}: 2xx or 4xx, nothing written on 4xx`, async () => {
      const base = source.document();
      await fc.assert(
        fc.asyncProperty(mutationsOf(base), fc.boolean(), (mutations, shiftToToday) =>
          holds(importChecked(applyMutations(base, mutations), { shiftToToday })),
        ),
        fuzzParameters(source.runs),
      );
    });
  }

  const generatedProperty = "import generated documents";
  it(`${generatedProperty}: 2xx or 4xx, nothing written on 4xx`, async () => {
    const pools = { ids: ["acc_1", "pro_1", "opp_1", "cnv_1", "msg_1", "mtg_1", "note_1", "act_1", ...world.ids] };
    await fc.assert(
      fc.asyncProperty(arbitraryFor(workspaceDocumentSchema, pools), (document) =>
        holds(
          importChecked(
            JSON.parse(
              // A hostile top-level `undefined` has no JSON form: it is sent as `null`.
              JSON.stringify(document ?? null, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)),
            ) as unknown,
          ),
        ),
      ),
      fuzzParameters(6),
    );
  });

  it("afterwards: every page of A still renders", async () => {
    expect(await brokenPages(server, world.a, await world.cookieForA())).toEqual([]);
  });

  it("afterwards: B's rows are unchanged", async () => {
    expect(await snapshotOf(world.b.userId)).toBe(victimBefore);
  });

  it("afterwards: A's export is whole JSON, and importing it again duplicates nothing", async () => {
    const exported = await fetch(new URL("/settings/data/export", server.url), {
      headers: { cookie: await world.cookieForA() },
    });
    expect(exported.status).toBe(200);
    const document = JSON.parse(await exported.text()) as unknown;
    const cookie = await world.cookieForA();
    const before = await rowCountsOf(world.a.userId);
    const again = await upload(document, { cookie });
    expect(again.status, server.logged[0]).toBeLessThan(500);
    expect(await rowCountsOf(world.a.userId)).toEqual(before);
  });
});

// Every promise the privacy page makes has at least one test whose title names it ("P7: …") — in
// the unit and integration tests or in the browser journeys. A promise whose feature does not exist
// yet is listed below with the reason; once a test names it, it must leave the list.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

/** Promises made on the privacy page whose feature is not built yet, and why. */
const AWAITING: Record<string, string> = {};

function promisesOnThePrivacyPage(): string[] {
  const page = readFileSync(join(ROOT, "app/routes/privacy.tsx"), "utf8");
  return [...page.matchAll(/<Promise_ id="(P\d+)"/g)].map((m) => m[1]!);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (["node_modules", "build", ".git", "data"].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return /\.(test|e2e)\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/**
 * Which promises a test file names at the start of a describe/it/test title. A skipped or to-do
 * test proves nothing, so `.skip`, `.skipIf`, `.todo` and the like do not count.
 */
export function promisesNamedByTests(source: string): Set<string> {
  const named = new Set<string>();
  for (const m of source.matchAll(/\b(?:describe|it|test)(?:\.(?!skip|todo)\w+)*\(\s*["'`](P\d+):/g)) named.add(m[1]!);
  return named;
}

describe("the promise tests", () => {
  it("finds the promises named in test titles, and only there", () => {
    expect([
      ...promisesNamedByTests(
        `describe("P3: scopes", () => { it.concurrent('P12: x', f); test(\`P4: y\`); // P5: a comment`,
      ),
    ]).toEqual(["P3", "P12", "P4"]);
    expect([...promisesNamedByTests(`it("keeps P7 in mind"); const title = "P9: not a test";`)]).toEqual([]);
    // Built from parts so that no line here reads as a skipped test.
    const notRun = ["skip", "skipIf(true)", "todo"].map((modifier) => `it.${modifier}("P10: not run", f);`).join(" ");
    expect([...promisesNamedByTests(notRun)]).toEqual([]);
  });

  it("every promise on the privacy page has a test named after it, except those awaiting their feature", () => {
    const promises = promisesOnThePrivacyPage();
    expect(promises.length).toBeGreaterThanOrEqual(17);
    const where = new Map<string, string[]>();
    for (const file of testFiles(ROOT)) {
      for (const promise of promisesNamedByTests(readFileSync(file, "utf8")))
        where.set(promise, [...(where.get(promise) ?? []), relative(ROOT, file)]);
    }
    const untested = promises.filter((p) => !where.has(p) && !(p in AWAITING));
    expect(untested, "promises with no test titled after them").toEqual([]);
    const testedButListedAsAwaiting = Object.keys(AWAITING).filter((p) => where.has(p));
    expect(testedButListedAsAwaiting, "these have tests now: take them off AWAITING").toEqual([]);
    expect(
      Object.keys(AWAITING).filter((p) => !promises.includes(p)),
      "AWAITING names promises the page does not make",
    ).toEqual([]);
  });
});

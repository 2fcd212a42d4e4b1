// The retrieval eval on the demo workspace (what `npm run eval:brain` runs by default), in-process:
// the question set must keep citing records the demo holds, and recall@8 must not fall below a floor.
// The floor is a regression guard, not the target: see the figures `npm run eval:brain` prints.
import { describe, expect, it } from "vitest";
import { generateDemoWorkspace } from "../../../prisma/seed/demo-workspace";
import { getDb } from "../../db/client";
import { validateWorkspace } from "../../data-rights/import/validate";
import demoQuestions from "./demo-questions.json";
import { formatTable, parseQuestions, runEvaluation, scoreQuestion, unknownCitations } from "./run-eval";

const RECALL_FLOOR = 0.8;

describe("the brain's retrieval eval (demo workspace)", () => {
  it("asks questions whose citations the demo workspace holds", () => {
    const validation = validateWorkspace(generateDemoWorkspace());
    if (!validation.ok)
      throw new Error(`the demo workspace is invalid: ${JSON.stringify(validation.problems.slice(0, 3))}`);
    const questions = parseQuestions(demoQuestions);
    expect(questions.length).toBeGreaterThanOrEqual(30);
    expect(unknownCitations(questions, validation.document)).toEqual([]);
  });

  it(`keeps mean recall@8 at or above ${RECALL_FLOOR}`, async () => {
    const run = await runEvaluation({ document: generateDemoWorkspace(), questions: demoQuestions, db: await getDb() });
    console.info(`demo retrieval eval: ${formatTable(run).at(-1)}`);
    expect(run.summary.questions).toBe(demoQuestions.length);
    expect(run.summary.meanRecallAt8, formatTable(run).join("\n")).toBeGreaterThanOrEqual(RECALL_FLOOR);
  });

  it("scores recall on the first max(8, |mustCite|) records and precision on the whole pack", () => {
    const question = { id: "q", question: "?", mustCite: ["a", "b"] };
    const retrieved = ["x1", "a", "x2", "x3", "x4", "x5", "x6", "x7", "b", "x8"];
    expect(scoreQuestion(question, retrieved)).toMatchObject({
      recallAt8: 0.5,
      precision: 0.2,
      misses: [{ id: "b", position: 9 }],
    });
    expect(
      scoreQuestion(
        { ...question, mustCite: Array.from({ length: 10 }, (_, i) => `m${i}`) },
        Array.from({ length: 12 }, (_, i) => `m${i}`),
      ).recallAt8,
    ).toBe(1);
    expect(scoreQuestion(question, [])).toMatchObject({ recallAt8: 0, precision: 0 });
  });
});

// Retrieval quality of the grounding layer (buildContextPack), measured without a model: a workspace
// document is imported into a fresh user, each question of a question set is packed, and the pack is
// compared with the records a good answer must cite (`mustCite`, the document's own ids).
//   recall@8  = |mustCite ∩ first k of the pack| / |mustCite|, k = max(8, |mustCite|)
//   precision = |mustCite ∩ the whole pack| / |the whole pack|   (how much of what we send is needed)
// The command is scripts/eval-brain.ts (`npm run eval:brain`); server/brain/eval/eval.test.ts runs the
// demo set in-process as a regression floor.
import { PGlite } from "@electric-sql/pglite";
import { pgliteDatabase, type DatabaseHandle, type Db } from "../../db/client";
import { pgliteExtensions } from "../../db/embedded";
import { applyMigrations } from "../../db/migrate";
import { importValidatedWorkspace } from "../../data-rights/import/import-workspace";
import { validateWorkspace, type ImportProblem } from "../../data-rights/import/validate";
import type { WorkspaceDocument } from "../../data-rights/workspace-format";
import type { BrainRecordType } from "../records";
import { buildContextPack, DEFAULT_PACK_BUDGET } from "../retrieval";

export type EvalQuestion = { id: string; question: string; mustCite: string[] };

export type QuestionResult = {
  id: string;
  recallAt8: number;
  /** File ids of the pack's records, best first ("<type>:<db id>" for a record without one). */
  retrieved: string[];
  precision: number;
  /** mustCite ids not within the first k (recall misses), with where they were, if anywhere. */
  misses: { id: string; position: number | null }[];
};

export type EvalSummary = { summary: true; questions: number; meanRecallAt8: number; meanPrecision: number };

export type EvalRun = { results: QuestionResult[]; summary: EvalSummary };

/** A file the eval cannot use (bad workspace, bad question set): the command exits 2 on it. */
export class EvalInputError extends Error {
  override name = "EvalInputError";
  constructor(
    message: string,
    readonly problems: ImportProblem[] = [],
  ) {
    super(message);
  }
}

/** Checks the shape of a question set: a JSON array of { id, question, mustCite: [file ids] }. */
export function parseQuestions(value: unknown, source = "questions"): EvalQuestion[] {
  if (!Array.isArray(value))
    throw new EvalInputError(`${source}: must be a JSON array of { "id", "question", "mustCite" }`);
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  const questions: EvalQuestion[] = [];
  value.forEach((item: unknown, i) => {
    const q = item as Partial<Record<keyof EvalQuestion, unknown>> | null;
    const at = `$[${i}]`;
    if (!q || typeof q !== "object") return void problems.push({ path: at, message: "must be an object" });
    if (typeof q.id !== "string" || q.id === "")
      problems.push({ path: `${at}.id`, message: "must be a non-empty string" });
    else if (seen.has(q.id)) problems.push({ path: `${at}.id`, message: `duplicates the id "${q.id}"` });
    else seen.add(q.id);
    if (typeof q.question !== "string" || q.question.trim() === "")
      problems.push({ path: `${at}.question`, message: "must be a non-empty string" });
    if (
      !Array.isArray(q.mustCite) ||
      q.mustCite.length === 0 ||
      !q.mustCite.every((c) => typeof c === "string" && c !== "")
    ) {
      problems.push({ path: `${at}.mustCite`, message: "must be a non-empty array of file ids" });
    }
    if (problems.length === 0)
      questions.push({
        id: q.id as string,
        question: q.question as string,
        mustCite: [...new Set(q.mustCite as string[])],
      });
  });
  if (problems.length > 0) throw new EvalInputError(`${source}: ${problems.length} problem(s)`, problems);
  return questions;
}

/** Every id a document holds (messages included), for checking that a question set cannot rot. */
export function documentIds(document: WorkspaceDocument): Set<string> {
  const ids = new Set<string>();
  for (const section of [
    document.accounts,
    document.prospects,
    document.opportunities,
    document.meetings,
    document.notes,
    document.activities,
  ]) {
    for (const record of section) ids.add(record.id);
  }
  for (const conversation of document.conversations) {
    ids.add(conversation.id);
    for (const message of conversation.messages) ids.add(message.id);
  }
  return ids;
}

/** The mustCite ids of `questions` that `document` does not hold, per question. */
export function unknownCitations(
  questions: EvalQuestion[],
  document: WorkspaceDocument,
): { id: string; missing: string[] }[] {
  const ids = documentIds(document);
  return questions.flatMap((q) => {
    const missing = q.mustCite.filter((c) => !ids.has(c));
    return missing.length > 0 ? [{ id: q.id, missing }] : [];
  });
}

/** Validates a workspace document for the eval: well-formed, with a referenceDate (the questions' "now"). */
export function validateEvalWorkspace(
  value: unknown,
  source = "workspace",
): WorkspaceDocument & { referenceDate: string } {
  const validation = validateWorkspace(value);
  if (!validation.ok) throw new EvalInputError(`${source}: not a valid workspace document`, validation.problems);
  const document = validation.document;
  if (!document.referenceDate) {
    throw new EvalInputError(
      `${source}: has no referenceDate; the eval asks every question as of that moment ("this week", "latest")`,
    );
  }
  return document as WorkspaceDocument & { referenceDate: string };
}

/** A fresh, migrated, in-memory database (nothing on disk, nothing shared). */
export async function openEvalDatabase(): Promise<DatabaseHandle> {
  const db = pgliteDatabase(await PGlite.create({ extensions: pgliteExtensions }));
  try {
    await applyMigrations(db.sql);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Imports the document (timestamps as they are, no shift) into a new user; returns the user and
 *  the map from "<type>:<db id>" to the file's id. */
export async function importForEval(
  db: Db,
  document: WorkspaceDocument,
): Promise<{ userId: string; fileIds: Map<string, string> }> {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const user = await db.user.create({ data: { email: `eval-${suffix}@eval.invalid`, name: "Retrieval eval" } });
  const imported = await importValidatedWorkspace(db, user.id, document);
  if (!imported.ok)
    throw new Error(`The workspace did not import: ${imported.problems[0]?.path} ${imported.problems[0]?.message}`);
  const where = { where: { userId: user.id }, select: { id: true, importedId: true } } as const;
  type Imported = { id: string; importedId: string | null };
  const sections: [BrainRecordType, Promise<Imported[]>][] = [
    ["account", db.account.findMany(where)],
    ["prospect", db.prospect.findMany(where)],
    ["opportunity", db.opportunity.findMany(where)],
    ["conversation", db.conversation.findMany(where)],
    ["message", db.message.findMany(where)],
    ["meeting", db.meeting.findMany(where)],
    ["note", db.note.findMany(where)],
    ["activity", db.activity.findMany(where)],
  ];
  const fileIds = new Map<string, string>();
  for (const [type, rows] of await Promise.all(sections.map(async ([type, rows]) => [type, await rows] as const))) {
    for (const row of rows) if (row.importedId) fileIds.set(`${type}:${row.id}`, row.importedId);
  }
  return { userId: user.id, fileIds };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Scores one pack against the records a good answer must cite. */
export function scoreQuestion(question: EvalQuestion, retrieved: string[]): QuestionResult {
  const k = Math.max(8, question.mustCite.length);
  const top = new Set(retrieved.slice(0, k));
  const all = new Set(retrieved);
  const found = question.mustCite.filter((id) => top.has(id)).length;
  const cited = question.mustCite.filter((id) => all.has(id)).length;
  return {
    id: question.id,
    recallAt8: round(found / question.mustCite.length),
    retrieved,
    precision: retrieved.length === 0 ? 0 : round(cited / retrieved.length),
    misses: question.mustCite
      .filter((id) => !top.has(id))
      .map((id) => ({ id, position: retrieved.includes(id) ? retrieved.indexOf(id) + 1 : null })),
  };
}

/** Packs every question as of `now` (the app's default budget) and scores it. */
export async function evaluateQuestions(
  db: Db,
  userId: string,
  fileIds: Map<string, string>,
  questions: EvalQuestion[],
  now: Date,
  budgetTokens = DEFAULT_PACK_BUDGET,
): Promise<EvalRun> {
  const results: QuestionResult[] = [];
  for (const question of questions) {
    const pack = await buildContextPack(db, userId, question.question, { now, budgetTokens });
    const retrieved = pack.items.map((item) => fileIds.get(`${item.type}:${item.id}`) ?? `${item.type}:${item.id}`);
    results.push(scoreQuestion(question, retrieved));
  }
  const mean = (values: number[]) =>
    values.length === 0 ? 0 : round(values.reduce((a, b) => a + b, 0) / values.length);
  return {
    results,
    summary: {
      summary: true,
      questions: results.length,
      meanRecallAt8: mean(results.map((r) => r.recallAt8)),
      meanPrecision: mean(results.map((r) => r.precision)),
    },
  };
}

/**
 * The whole evaluation: validates the document and the questions (throws EvalInputError), imports
 * the document into a fresh user — on `db` when given (tests), otherwise on a fresh in-memory
 * database that is closed afterwards — and scores every question as of the document's referenceDate.
 */
export async function runEvaluation(input: {
  document: unknown;
  questions: unknown;
  db?: Db;
  budgetTokens?: number;
}): Promise<EvalRun> {
  const document = validateEvalWorkspace(input.document);
  const questions = parseQuestions(input.questions);
  const unknown = unknownCitations(questions, document);
  if (unknown.length > 0) {
    throw new EvalInputError(
      "questions: cite records the workspace does not hold",
      unknown.map((u) => ({ path: u.id, message: `unknown ids ${u.missing.join(", ")}` })),
    );
  }
  const handle = input.db ? null : await openEvalDatabase();
  const db = input.db ?? handle!.prisma;
  try {
    const { userId, fileIds } = await importForEval(db, document);
    return await evaluateQuestions(
      db,
      userId,
      fileIds,
      questions,
      new Date(document.referenceDate),
      input.budgetTokens,
    );
  } finally {
    await handle?.close();
  }
}

/** One JSON line per question, then the summary line. */
export function formatJsonLines(run: EvalRun): string[] {
  return [
    ...run.results.map((r) =>
      JSON.stringify({ id: r.id, recallAt8: r.recallAt8, retrieved: r.retrieved, precision: r.precision }),
    ),
    JSON.stringify(run.summary),
  ];
}

/** A short table for people: question, recall, precision, and what was missed (with its rank, or "—"). */
export function formatTable(run: EvalRun): string[] {
  const idWidth = Math.max(8, ...run.results.map((r) => r.id.length));
  const lines = [`${"question".padEnd(idWidth)}  recall  precision  misses (rank in pack, — = not in pack)`];
  for (const r of run.results) {
    const misses = r.misses.map((m) => `${m.id} (${m.position ?? "—"})`).join(", ");
    lines.push(
      `${r.id.padEnd(idWidth)}  ${r.recallAt8.toFixed(2).padStart(6)}  ${r.precision.toFixed(2).padStart(9)}  ${misses}`,
    );
  }
  lines.push(
    `${"mean".padEnd(idWidth)}  ${run.summary.meanRecallAt8.toFixed(2).padStart(6)}  ${run.summary.meanPrecision.toFixed(2).padStart(9)}  (${run.summary.questions} questions)`,
  );
  return lines;
}

// Retrieval quality of the brain's grounding layer (no model involved): see server/brain/eval/run-eval.ts.
//   npm run eval:brain
//       the demo workspace (generateDemoWorkspace(), dates as generated) and
//       server/brain/eval/demo-questions.json; JSON lines, then a table for people
//   npm run eval:brain -- --workspace <file> --questions <file>
//       any workspace document (docs/workspace-format.md, with a referenceDate) and a question set,
//       a JSON array of { "id", "question", "mustCite": [file ids] }; JSON lines only
// Each question is asked as of the document's referenceDate. Exit code: 0 when the eval ran (it
// reports, it does not gate), 2 for bad arguments or files.
import { readFileSync } from "node:fs";
import path from "node:path";
import { generateDemoWorkspace } from "../prisma/seed/demo-workspace";
import { EvalInputError, formatJsonLines, formatTable, runEvaluation } from "../server/brain/eval/run-eval";
import { projectRoot } from "../server/utils/project-root";

const USAGE = "usage: npm run eval:brain [-- --workspace <workspace.json> --questions <questions.json>]";

function parseArgs(argv: string[]): { workspace: string | null; questions: string | null } {
  const out = { workspace: null as string | null, questions: null as string | null };
  const args = argv.filter((a) => a !== "--");
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (flag !== "--workspace" && flag !== "--questions")
      throw new EvalInputError(`unknown argument "${arg}"\n${USAGE}`);
    const value = inline ?? args[++i];
    if (!value || value.startsWith("--")) throw new EvalInputError(`${flag} needs a file\n${USAGE}`);
    out[flag === "--workspace" ? "workspace" : "questions"] = value;
  }
  if (out.workspace && !out.questions)
    throw new EvalInputError(`--workspace needs --questions: a question set about that workspace\n${USAGE}`);
  return out;
}

function readJson(file: string, what: string): unknown {
  const resolved = path.resolve(process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(resolved, "utf8");
  } catch (error) {
    throw new EvalInputError(
      `${what} ${resolved}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EvalInputError(`${what} ${resolved}: not valid JSON (${(error as Error).message})`);
  }
}

async function main(): Promise<number> {
  try {
    const args = parseArgs(process.argv.slice(2));
    const demo = args.workspace === null;
    const document = demo ? generateDemoWorkspace() : readJson(args.workspace!, "workspace");
    const questions = readJson(
      args.questions ?? path.join(projectRoot(), "server/brain/eval/demo-questions.json"),
      "questions",
    );
    const run = await runEvaluation({ document, questions });
    for (const line of formatJsonLines(run)) process.stdout.write(`${line}\n`);
    if (demo) process.stdout.write(`\n${formatTable(run).join("\n")}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof EvalInputError)) throw error;
    process.stderr.write(`eval:brain: ${error.message}\n`);
    for (const problem of error.problems.slice(0, 50)) process.stderr.write(`  ${problem.path} ${problem.message}\n`);
    if (error.problems.length > 50) process.stderr.write(`  … and ${error.problems.length - 50} more\n`);
    return 2;
  }
}

process.exitCode = await main();

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { TRPCError, type inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/root";
import { DataExport, DeleteAccountCard } from "../components/data-export";
import { FormMessage, SubmitButton } from "../components/forms";
import { requireUser } from "../utils/auth.server";
import { formatCount } from "../utils/format";
import { serverCaller } from "../utils/trpc.server";
import {
  exportSummaryFor,
  MAX_UPLOAD_BYTES,
  parseJson,
  readWorkspaceUpload,
  type ImportProblem,
} from "./settings.data.server";

export const meta: MetaFunction = () => [{ title: "Data · Settings · Sales-as-Code" }];

type ImportResult = inferRouterOutputs<AppRouter>["workspace"]["import"];
export type ImportCounts = Extract<ImportResult, { ok: true }>["counts"];

export type ImportAnswer =
  | { outcome: "imported"; fileName: string; counts: ImportCounts; shiftedByMs: number }
  | { outcome: "invalid"; fileName: string; problems: ImportProblem[] }
  | { outcome: "refused"; formError: string };

const sections: { key: keyof ImportCounts; label: string }[] = [
  { key: "accounts", label: "Accounts" },
  { key: "prospects", label: "People" },
  { key: "opportunities", label: "Deals" },
  { key: "conversations", label: "Conversations" },
  { key: "messages", label: "Messages" },
  { key: "meetings", label: "Meetings" },
  { key: "notes", label: "Notes" },
  { key: "activities", label: "Activities" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const summary = await exportSummaryFor(user.id);
  return {
    maxUploadMb: MAX_UPLOAD_BYTES / 1024 / 1024,
    exportLines: { total: summary.totalLines, records: summary.recordLines },
  };
}

const answer = (body: ImportAnswer, status = 200) => data(body, { status });

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const upload = await readWorkspaceUpload(request);
  if (!upload.ok) return answer({ outcome: "refused", formError: upload.message }, upload.status);
  const json = parseJson(upload.text);
  if (!json.ok) return answer({ outcome: "invalid", fileName: upload.fileName, problems: json.problems }, 400);
  try {
    const result = await (
      await serverCaller(context)
    ).workspace.import({ document: json.value, shiftToToday: upload.shiftToToday });
    if (!result.ok) return answer({ outcome: "invalid", fileName: upload.fileName, problems: result.problems }, 400);
    return answer({
      outcome: "imported",
      fileName: upload.fileName,
      counts: result.counts,
      shiftedByMs: result.shiftedByMs,
    });
  } catch (error) {
    if (error instanceof TRPCError && error.code === "BAD_REQUEST")
      return answer({ outcome: "refused", formError: error.message }, 400);
    throw error;
  }
}

function shiftText(shiftedByMs: number): string | null {
  const days = Math.round(shiftedByMs / 86_400_000);
  if (shiftedByMs === 0) return null;
  if (days === 0) return "Dates were moved by less than a day to make the file's reference date today.";
  return `Dates were moved ${days > 0 ? "forward" : "back"} by ${formatCount(Math.abs(days))} ${Math.abs(days) === 1 ? "day" : "days"} so the file's reference date is today.`;
}

function Counts({ result }: { result: Extract<ImportAnswer, { outcome: "imported" }> }) {
  const created = sections.reduce((n, s) => n + result.counts[s.key].created, 0);
  const updated = sections.reduce((n, s) => n + result.counts[s.key].updated, 0);
  const shifted = shiftText(result.shiftedByMs);
  return (
    <div className="space-y-3">
      <FormMessage tone="success" testId="import-success">
        Imported {result.fileName}: {formatCount(created)} created, {formatCount(updated)} updated.
        {updated > 0 && created === 0 ? " Everything in it was already here, so nothing was duplicated." : ""}
        {shifted ? ` ${shifted}` : ""}
      </FormMessage>
      <div className="overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="import-counts">
          <caption className="sr-only">What the import wrote, by section</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-2">
                Section
              </th>
              <th scope="col" className="px-4 py-2 text-right">
                Created
              </th>
              <th scope="col" className="px-4 py-2 text-right">
                Updated
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {sections.map((section) => (
              <tr key={section.key} data-testid="import-count-row" data-section={section.key}>
                <th scope="row" className="px-4 py-2 text-left font-medium text-slate-800">
                  {section.label}
                </th>
                <td className="px-4 py-2 text-right tabular-nums" data-testid="created">
                  {formatCount(result.counts[section.key].created)}
                </td>
                <td className="px-4 py-2 text-right tabular-nums" data-testid="updated">
                  {formatCount(result.counts[section.key].updated)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot className="bg-slate-50 font-medium">
            <tr>
              <th scope="row" className="px-4 py-2 text-left text-slate-800">
                Total
              </th>
              <td className="px-4 py-2 text-right tabular-nums" data-testid="created-total">
                {formatCount(created)}
              </td>
              <td className="px-4 py-2 text-right tabular-nums" data-testid="updated-total">
                {formatCount(updated)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}

function Problems({ result }: { result: Extract<ImportAnswer, { outcome: "invalid" }> }) {
  const count = result.problems.length;
  return (
    <div className="space-y-3">
      <FormMessage tone="error" testId="import-problems-summary">
        {result.fileName || "The file"} was not imported: {formatCount(count)} {count === 1 ? "problem" : "problems"}{" "}
        (listed below). Nothing was written — fix them and upload the file again.
      </FormMessage>
      <div className="max-h-[32rem] overflow-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="import-problems">
          <caption className="sr-only">Problems in the file, with where they are</caption>
          <thead className="sticky top-0 bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-2">
                Where (JSON path)
              </th>
              <th scope="col" className="px-4 py-2">
                Problem
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {result.problems.map((problem, i) => (
              <tr key={i} data-testid="import-problem">
                <td className="px-4 py-2 align-top font-mono text-xs text-slate-800">{problem.path}</td>
                <td className="px-4 py-2 text-slate-700">{problem.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export default function SettingsData() {
  const { maxUploadMb, exportLines } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const formError = result?.outcome === "refused" ? result.formError : undefined;
  return (
    <div className="space-y-10">
      <DataExport totalLines={exportLines.total} recordLines={exportLines.records} />

      <section aria-labelledby="import-heading" className="space-y-6">
        <div>
          <h2 id="import-heading" className="text-lg font-semibold text-slate-900">
            Import a workspace
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            A workspace file (<code>.json</code>, the Sales-as-Code workspace format) carries accounts, people, deals,
            conversations, meetings, notes and activity. Importing is <strong>all or nothing</strong>: if anything in
            the file is wrong, nothing is written and every problem is listed with where it is in the file. Importing
            the same file again updates what it brought in the first time — it never creates duplicates.
          </p>
        </div>

        <Form
          method="post"
          encType="multipart/form-data"
          className="space-y-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
        >
          {formError ? (
            <FormMessage tone="error" testId="import-error">
              {formError}
            </FormMessage>
          ) : null}
          <div className="space-y-1.5">
            <label htmlFor="field-file" className="block text-sm font-medium text-slate-800">
              Workspace file
            </label>
            <input
              id="field-file"
              name="file"
              type="file"
              accept=".json,application/json"
              required
              aria-describedby="field-file-hint"
              aria-invalid={formError ? true : undefined}
              className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-200"
              data-testid="import-file"
            />
            <p id="field-file-hint" className="text-xs text-slate-500">
              A .json file of at most {maxUploadMb} MB.
            </p>
          </div>
          <div className="flex items-start gap-2">
            <input
              id="field-shiftToToday"
              name="shiftToToday"
              type="checkbox"
              aria-describedby="field-shiftToToday-hint"
              className="mt-0.5 h-4 w-4 rounded border-slate-300 text-brand-600"
            />
            <div>
              <label htmlFor="field-shiftToToday" className="text-sm font-medium text-slate-800">
                Shift dates so the file's reference date is today
              </label>
              <p id="field-shiftToToday-hint" className="text-xs text-slate-500">
                A workspace file may name a <code>referenceDate</code>: the moment its dates were written relative to.
                With this on, every date in the file moves by the time between that moment and now, so meetings that
                were upcoming then are upcoming now. Files without a reference date import unchanged.
              </p>
            </div>
          </div>
          <div className="flex justify-end">
            <SubmitButton pendingText="Importing…">Import</SubmitButton>
          </div>
        </Form>

        {result?.outcome === "imported" ? <Counts result={result} /> : null}
        {result?.outcome === "invalid" ? <Problems result={result} /> : null}
      </section>

      <DeleteAccountCard />
    </div>
  );
}

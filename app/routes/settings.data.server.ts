// Reading a workspace upload: the multipart body into memory (up to a limit), and its JSON. Every
// way a user's file can be wrong ends as a message for the page, never as a 500. And the size of the
// user's export, for the export's progress bar.
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { exportSummary, type ExportSummary } from "../../server/data-rights/export/export-workspace";
import { getDb } from "../../server/db/client";

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** After a refused upload we read (and drop) up to this much more, so the browser gets our answer
 *  instead of a reset connection; a client sending more than that is cut off. */
const DRAIN_LIMIT_BYTES = 512 * 1024 * 1024;

export type ImportProblem = { path: string; message: string };

export type WorkspaceUpload =
  | { ok: true; fileName: string; text: string; shiftToToday: boolean }
  | { ok: false; status: 400 | 413; message: string };

export const NO_FILE = "Choose a workspace file (.json) to import.";
export const TOO_LARGE = `That file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB, the most one import takes. Split the workspace into smaller files and import them one after another.`;
const UNREADABLE = "The upload could not be read. Choose the file again and press Import.";

async function discardRest(request: Request): Promise<void> {
  if (!request.body || request.body.locked) return;
  const reader = request.body.getReader();
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > DRAIN_LIMIT_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away: nothing left to answer.
  }
}

export async function readWorkspaceUpload(request: Request): Promise<WorkspaceUpload> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) return { ok: false, status: 400, message: NO_FILE };
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES }),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      await discardRest(request);
      return { ok: false, status: 413, message: TOO_LARGE };
    }
    // Anything else here is a malformed body (the parser's own errors), i.e. the request's fault.
    return { ok: false, status: 400, message: UNREADABLE };
  }
  const file = form.get("file");
  if (!(file instanceof File) || (file.size === 0 && file.name === ""))
    return { ok: false, status: 400, message: NO_FILE };
  return { ok: true, fileName: file.name, text: await file.text(), shiftToToday: form.get("shiftToToday") === "on" };
}

/** The file's JSON, or the one problem that it is not JSON (path "$", as the importer reports it). */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problems: ImportProblem[] } {
  try {
    // Editors on Windows like to start UTF-8 files with a byte-order mark; JSON.parse does not.
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, "")) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unreadable";
    return { ok: false, problems: [{ path: "$", message: `is not valid JSON: ${reason}` }] };
  }
}

/** How many lines (records and structure) the user's export has right now: the progress bar's 100%. */
export async function exportSummaryFor(userId: string): Promise<ExportSummary> {
  return exportSummary(await getDb(), userId);
}

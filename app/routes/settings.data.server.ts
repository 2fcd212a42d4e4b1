// Reading a workspace upload: the multipart body into memory (up to a limit), and its JSON. Every
// way a user's file can be wrong ends as a message for the page, never as a 500. And the size of the
// user's export, for the export's progress bar.
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
} from "@remix-run/node";
import { BodyTooLargeError, WORKSPACE_UPLOAD_BYTES } from "../../server/http/body-limit";
import { exportSummary, type ExportSummary } from "../../server/data-rights/export/export-workspace";
import { getDb } from "../../server/db/client";

/** One file of at most this much (the whole request is capped a little above, server/http/body-limit.ts). */
export const MAX_UPLOAD_BYTES = WORKSPACE_UPLOAD_BYTES;
/** After a refused upload we read (and drop) the rest, so the browser gets our answer instead of a
 *  reset connection; the body limit cuts the request off at its cap anyway. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

export type ImportProblem = { path: string; message: string };

export type WorkspaceUpload =
  | { ok: true; fileName: string; text: string; shiftToToday: boolean }
  | { ok: false; status: 400 | 413; message: string };

export const NO_FILE = "Choose a workspace file (.json) to import.";
export const TOO_LARGE = `That file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB, the most one import takes. Split the workspace into smaller files and import them one after another.`;
const UNREADABLE = "The upload could not be read. Choose the file again and press Import.";
export const ONE_FILE =
  "An import takes exactly one workspace file (the field “file”) and the “shift dates” option, nothing else. Choose one file and press Import.";

/** The fields the import form has; a part that is not one of them is not from the form. */
const TEXT_FIELDS = new Set(["shiftToToday"]);

class UnexpectedPartError extends Error {
  override name = "UnexpectedPartError";
}

/**
 * Keeps the one file part and the form's own fields in memory, and refuses anything else as it
 * arrives: without it, every part of any name was kept, so one request could hold many 45 MB files.
 */
function oneFileUploadHandler(): UploadHandler {
  const memory = unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES });
  let files = 0;
  return async (part) => {
    // An empty file input arrives without a file name: it is still the file field.
    if (part.name === "file") {
      files += 1;
      if (files > 1) throw new UnexpectedPartError(ONE_FILE);
    } else if (part.filename !== undefined || !TEXT_FIELDS.has(part.name)) {
      throw new UnexpectedPartError(ONE_FILE);
    }
    return memory(part);
  };
}

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

function isBodyTooLarge(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof BodyTooLargeError) return true;
  }
  return false;
}

export async function readWorkspaceUpload(request: Request): Promise<WorkspaceUpload> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) return { ok: false, status: 400, message: NO_FILE };
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, oneFileUploadHandler());
  } catch (error) {
    if (error instanceof UnexpectedPartError) {
      await discardRest(request);
      return { ok: false, status: 400, message: ONE_FILE };
    }
    // The whole request passed its cap (counted as it arrived) or the file passed its own.
    if (error instanceof MaxPartSizeExceededError || isBodyTooLarge(error)) {
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

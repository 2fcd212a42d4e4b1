// The browser side of Settings → Data → Export: read the download's body while counting its lines
// (the export writes one record per line, so lines are progress), then hand the bytes to the browser
// as a file. Free of React and the DOM except where it saves, so it is testable on its own.

const NEWLINE = 0x0a;
const CLOSING_BRACE = 0x7d;

export const EXPORT_URL = "/settings/data/export";

/** Newlines in a chunk. A JSON string escapes its newlines, so every 0x0A byte ends a line. */
export function countNewlines(bytes: Uint8Array): number {
  let lines = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) lines += 1;
  return lines;
}

/** The file name the server gave (`attachment; filename="…"`), or `fallback`. */
export function fileNameFrom(contentDisposition: string | null, fallback: string): string {
  const match = /filename="([^"\\/]+)"/.exec(contentDisposition ?? "");
  return match?.[1] ?? fallback;
}

/** 0–100 for the progress bar. Counts were taken when the page loaded, so until the last byte
 *  arrives it never claims 100. */
export function progressPercent(lines: number, totalLines: number, finished: boolean): number {
  if (finished) return 100;
  if (totalLines <= 0) return 0;
  return Math.min(99, Math.floor((lines / totalLines) * 100));
}

export type ReadExport = { parts: Uint8Array[]; lines: number; bytes: number; complete: boolean };

/**
 * Reads a response body to its end, reporting lines and bytes after every chunk. `complete` says
 * whether it ended the way every export ends — `}` and a newline — rather than cut short.
 */
export async function readExportBody(
  body: ReadableStream<Uint8Array>,
  onProgress: (progress: { lines: number; bytes: number }) => void,
): Promise<ReadExport> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let lines = 0;
  let bytes = 0;
  let last = -1;
  let beforeLast = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.byteLength === 0) continue;
    parts.push(value);
    lines += countNewlines(value);
    bytes += value.byteLength;
    beforeLast = value.byteLength > 1 ? value[value.byteLength - 2]! : last;
    last = value[value.byteLength - 1]!;
    onProgress({ lines, bytes });
  }
  return { parts, lines, bytes, complete: beforeLast === CLOSING_BRACE && last === NEWLINE };
}

export class ExportFailed extends Error {}

/** Fetches the export, or says in words for the user why it could not. */
export async function fetchExport(signal: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(EXPORT_URL, { credentials: "same-origin", headers: { Accept: "application/json" }, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ExportFailed("The server could not be reached. Check your connection and try again.");
  }
  const type = response.headers.get("content-type") ?? "";
  // Signed out meanwhile: the route redirects to the sign-in page, which fetch follows.
  if (response.redirected || (response.ok && !type.startsWith("application/json"))) {
    throw new ExportFailed("You are no longer signed in. Sign in again, then export.");
  }
  if (!response.ok || !response.body)
    throw new ExportFailed(`The export could not start (the server answered ${response.status}). Try again.`);
  return response;
}

/** Offers the bytes to the browser as a download, through a temporary object URL. */
export function saveFile(parts: Uint8Array[], fileName: string): void {
  const blob = new Blob(parts as BlobPart[], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers; a minute is plenty to start it.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

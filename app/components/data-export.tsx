// Settings → Data → "Export your data" (P10). The link downloads the file on its own (no JavaScript
// needed); with JavaScript the page downloads it itself to show progress: the export is one record
// per line, so lines received over the lines the loader counted is how far along it is.
import { Link } from "@remix-run/react";
import { useEffect, useRef, useState, type MouseEvent } from "react";
import { useHydrated } from "../utils/use-hydrated";
import { formatCount } from "../utils/format";
import {
  EXPORT_URL,
  ExportFailed,
  fetchExport,
  fileNameFrom,
  formatBytes,
  progressPercent,
  readExportBody,
  saveFile,
} from "../utils/data-export";
import { FormMessage } from "./forms";
import { Button } from "./ui";

type ExportState =
  | { kind: "idle" }
  | { kind: "running"; lines: number; bytes: number }
  | { kind: "done"; fileName: string; records: number; bytes: number }
  | { kind: "failed"; message: string };

const included: { title: string; detail: string }[] = [
  {
    title: "Your workspace",
    detail:
      "accounts, people, deals with their stage history, conversations with every message, meetings with attendees, notes and the activity timeline — in the workspace format, so the file can be imported again.",
  },
  {
    title: "Your profile",
    detail:
      "name, email, when the account was made, how you sign in (password, or Google with that Google account's email and id), and the privacy-policy versions you acknowledged.",
  },
  {
    title: "Sessions",
    detail:
      "every device signed in — browser, IP address and dates — and your password-reset requests (when, from which IP, whether used).",
  },
  {
    title: "Connected tools",
    detail: "each provider, the scopes you granted, its status and sync figures, and the raw events it sent us.",
  },
  {
    title: "The brain",
    detail:
      "your questions and its answers, the records each answer cited, and exactly which records were sent to Claude.",
  },
  { title: "Email we sent you", detail: "the kind, subject and date of each message (not its text)." },
  {
    title: "Billing and deletion",
    detail:
      "Stripe's customer and subscription ids, status, plan and period dates; a pending account deletion, if any.",
  },
];

const excluded: string[] = [
  "Your password, and its hash.",
  "Session tokens and their hashes — the cookie that keeps you signed in.",
  "Password-reset links and their hashes, and the text of our emails (a reset email holds a working link).",
  "Access and refresh tokens of connected tools (stored encrypted), and the ids of the keys that encrypt them.",
  "Your Anthropic API key: it never leaves your browser (Settings → API).",
  "Card details: Stripe holds them, and they never reach us.",
];

export function DataExport({ totalLines, recordLines }: { totalLines: number; recordLines: number }) {
  const [state, setState] = useState<ExportState>({ kind: "idle" });
  const running = useRef<AbortController | null>(null);
  // Until the page is hydrated the link downloads on its own; after, it downloads with progress.
  const enhanced = useHydrated();
  useEffect(() => () => running.current?.abort(), []);

  async function start() {
    if (running.current) return;
    const controller = new AbortController();
    running.current = controller;
    setState({ kind: "running", lines: 0, bytes: 0 });
    try {
      const response = await fetchExport(controller.signal);
      const fileName = fileNameFrom(response.headers.get("content-disposition"), "salesascode-export.json");
      // A big export arrives in thousands of chunks: re-render a few times a second, not per chunk.
      let shownAt = 0;
      const result = await readExportBody(response.body!, ({ lines, bytes }) => {
        const now = performance.now();
        if (now - shownAt < 100) return;
        shownAt = now;
        setState({ kind: "running", lines, bytes });
      });
      if (!result.complete) throw new ExportFailed("The download was cut short. Nothing was saved — try again.");
      saveFile(result.parts, fileName);
      setState({
        kind: "done",
        fileName,
        records: Math.max(0, result.lines - (totalLines - recordLines)),
        bytes: result.bytes,
      });
    } catch (error) {
      if (controller.signal.aborted) return;
      const message =
        error instanceof ExportFailed
          ? error.message
          : "The download stopped before the end (the connection or the server failed). Nothing was saved — try again.";
      setState({ kind: "failed", message });
    } finally {
      if (running.current === controller) running.current = null;
    }
  }

  function onClick(event: MouseEvent<HTMLAnchorElement>) {
    // Modified clicks (new tab, save link as…) keep the browser's own behaviour.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void start();
  }

  const percent =
    state.kind === "running" ? progressPercent(state.lines, totalLines, false) : state.kind === "done" ? 100 : 0;

  return (
    <section
      aria-labelledby="export-heading"
      className="space-y-4"
      data-testid="export-section"
      data-enhanced={enhanced ? "true" : undefined}
    >
      <div>
        <h2 id="export-heading" className="text-lg font-semibold text-slate-900">
          Export your data
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          One JSON file with everything we store about you — {formatCount(recordLines)}{" "}
          {recordLines === 1 ? "record" : "records"} right now. It is yours to keep, to read, or to import into another
          Sales-as-Code account.
        </p>
      </div>

      <div className="grid gap-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 md:grid-cols-2">
        <div>
          <h3 className="text-sm font-semibold text-slate-900">In the file</h3>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-700" data-testid="export-included">
            {included.map((item) => (
              <li key={item.title}>
                <span className="font-medium text-slate-800">{item.title}:</span> {item.detail}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3 className="text-sm font-semibold text-slate-900">Never in the file</h3>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-700" data-testid="export-excluded">
            {excluded.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </div>
        <div className="space-y-3 md:col-span-2">
          <div className="flex flex-wrap items-center gap-3">
            <a
              href={EXPORT_URL}
              download
              onClick={onClick}
              aria-disabled={state.kind === "running" ? true : undefined}
              className={`inline-flex items-center justify-center gap-2 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 ${state.kind === "running" ? "pointer-events-none opacity-60" : ""}`}
              data-testid="export-link"
            >
              {state.kind === "running" ? "Exporting…" : "Download my data (.json)"}
            </a>
            <span className="text-xs text-slate-500">
              The file is written as it downloads; a large workspace takes a little while.
            </span>
          </div>

          {state.kind === "running" || state.kind === "done" ? (
            <div className="space-y-1">
              <div
                role="progressbar"
                aria-label="Export progress"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={percent}
                aria-valuetext={`${percent}%`}
                data-total-lines={totalLines}
                className="h-2 w-full overflow-hidden rounded-full bg-slate-100"
                data-testid="export-progress"
              >
                <div
                  className={`h-full rounded-full ${state.kind === "done" ? "bg-emerald-500" : "bg-brand-600"}`}
                  style={{ width: `${percent}%` }}
                />
              </div>
              {state.kind === "running" ? (
                <p className="text-xs text-slate-500 tabular-nums" data-testid="export-status">
                  {percent}% — {formatBytes(state.bytes)} received
                </p>
              ) : null}
            </div>
          ) : null}

          {state.kind === "done" ? (
            <FormMessage tone="success" testId="export-done">
              Saved {state.fileName}: {formatCount(state.records)} {state.records === 1 ? "record" : "records"},{" "}
              {formatBytes(state.bytes)}.
            </FormMessage>
          ) : null}

          {state.kind === "failed" ? (
            <div className="space-y-2">
              <FormMessage tone="error" testId="export-error">
                {state.message}
              </FormMessage>
              <Button type="button" variant="secondary" onClick={() => void start()} data-testid="export-retry">
                Try again
              </Button>
            </div>
          ) : null}
        </div>
      </div>
    </section>
  );
}

/** The last card of Settings → Data: where deleting the account starts (P11). */
export function DeleteAccountCard() {
  return (
    <section
      aria-labelledby="delete-heading"
      className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-red-200"
      data-testid="delete-account-card"
    >
      <h2 id="delete-heading" className="text-lg font-semibold text-slate-900">
        Delete account
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Signs you out everywhere at once and permanently deletes your account and everything in it within 7 days —
        download your data above first if you want a copy.
      </p>
      <Link
        to="/settings/data/delete"
        className="mt-3 inline-block rounded-md text-sm font-medium text-red-700 underline-offset-2 hover:text-red-800 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600"
        data-testid="delete-account-link"
      >
        Delete my account…
      </Link>
    </section>
  );
}

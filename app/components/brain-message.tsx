// One exchange with the brain: the seller's question, and the answer with its citation chips, how
// it was written (server key, the user's key, or retrieval only), what happened to it (failed,
// stopped: the partial text stays, with Retry), and exactly which records it used (P7).
import { Form, Link } from "@remix-run/react";
import { memo, useState, type FormEvent } from "react";
import type { StoredManifest } from "../../server/brain/answer";
import type { LiveAnswer } from "../utils/brain-streams";
import { formatCount, formatDateTime } from "../utils/format";
import { BrainMarkdown, citationTargets, recordKind, RecordTypeIcon, type LinkRenderer } from "./brain-markdown";
import { Badge, Button } from "./ui";

export type BrainMode = "server_key" | "user_key" | "retrieval_only";
export type BrainStatus = "streaming" | "complete" | "stopped" | "failed";

export type ThreadMessage = {
  id: string;
  role: "user" | "assistant";
  content: string;
  status: BrainStatus;
  mode: BrainMode | null;
  model: string | null;
  errorMessage: string | null;
  manifest: StoredManifest | null;
  createdAt: Date | string;
};

/** Same-site links in answers navigate inside the app. */
export const AppLink: LinkRenderer = ({ href, children, ...rest }) => (
  <Link to={href} {...rest}>
    {children}
  </Link>
);

const modeLabels: Record<BrainMode, { label: string; tone: "blue" | "green" | "slate" }> = {
  server_key: { label: "Claude (server key)", tone: "blue" },
  user_key: { label: "Claude (your key)", tone: "green" },
  retrieval_only: { label: "Retrieval only", tone: "slate" },
};

export function ModeLabel({ mode, model }: { mode: BrainMode | null; model: string | null }) {
  if (!mode) return null;
  const { label, tone } = modeLabels[mode];
  return (
    <span data-testid="brain-mode" title={model ? `Model: ${model}` : undefined}>
      <Badge tone={tone}>{label}</Badge>
    </span>
  );
}

export function UserQuestion({ content, createdAt }: { content: string; createdAt?: Date | string }) {
  return (
    <div className="flex justify-end" data-testid="brain-question">
      <div className="max-w-[85%] rounded-lg bg-brand-600 px-4 py-2.5 text-sm text-white shadow-sm">
        <p className="whitespace-pre-wrap break-words">{content}</p>
        {createdAt ? <p className="mt-1 text-right text-[11px] text-brand-100">{formatDateTime(createdAt)}</p> : null}
      </div>
    </div>
  );
}

/** P7: the records this answer used, and whether any of them went to Claude. */
export function ContextManifest({ manifest, mode }: { manifest: StoredManifest | null; mode: BrainMode | null }) {
  const items = manifest?.items ?? [];
  const retrievalOnly = mode === "retrieval_only";
  const summary = retrievalOnly
    ? "Nothing was sent to Claude: retrieval-only answer"
    : `Sent to Claude: ${formatCount(items.length)} ${items.length === 1 ? "record" : "records"}, ~${formatCount(manifest?.tokens ?? 0)} tokens`;
  return (
    <details className="group mt-3 rounded-md bg-slate-50 text-xs ring-1 ring-slate-200" data-testid="brain-manifest">
      <summary className="cursor-pointer list-none rounded-md px-3 py-2 font-medium text-slate-700 hover:bg-slate-100 [&::-webkit-details-marker]:hidden">
        <span aria-hidden className="mr-1 inline-block transition-transform group-open:rotate-90">
          ▸
        </span>
        {summary}
      </summary>
      <div className="space-y-2 border-t border-slate-200 px-3 py-2 text-slate-700">
        <p>
          {retrievalOnly
            ? `No Claude key was used, so nothing left this server. The answer lists ${items.length === 1 ? "the record" : `these ${formatCount(items.length)} records`} from your workspace:`
            : "Exactly these records from your workspace went to Claude with your question (with their approximate size), and nothing else:"}
        </p>
        {items.length === 0 ? (
          <p className="text-slate-500">No records matched the question.</p>
        ) : (
          <ul className="divide-y divide-slate-200" data-testid="manifest-items">
            {items.map((item) => (
              <li
                key={item.handle}
                className="flex flex-wrap items-center gap-x-2 gap-y-0.5 py-1.5"
                data-testid="manifest-item"
              >
                <code className="rounded bg-white px-1 font-mono text-[11px] text-slate-600 ring-1 ring-slate-200">
                  {item.handle}
                </code>
                <RecordTypeIcon type={item.type} />
                <span className="text-slate-500">{recordKind(item.type).name}</span>
                <Link to={item.href} className="font-medium text-brand-600 hover:underline">
                  {item.label}
                </Link>
                <span className="text-slate-500">~{formatCount(item.tokens)} tokens</span>
                <span className="text-slate-500">· {item.reason}</span>
                {item.via === "tool" ? <Badge tone="amber">via tool</Badge> : null}
              </li>
            ))}
          </ul>
        )}
        {manifest && manifest.facts.length > 0 ? (
          <div>
            <p className="font-medium text-slate-700">
              Figures we computed from these records{retrievalOnly ? "" : " (sent too)"}:
            </p>
            <ul className="list-disc pl-5">
              {manifest.facts.map((fact) => (
                <li key={fact}>{fact}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </details>
  );
}

/** What to show for an answer: the stored message once it is stored, else what is arriving. */
export function answerView(message: ThreadMessage, live: LiveAnswer | undefined) {
  if (message.status !== "streaming" || !live) {
    return {
      status: message.status,
      content: message.content,
      errorMessage: message.errorMessage,
      manifest: message.manifest,
      progress: null,
      stopping: false,
    };
  }
  if (live.finished) {
    return {
      status: live.finished.status,
      content: live.finished.content,
      errorMessage: live.finished.errorMessage,
      manifest: live.manifest ?? message.manifest,
      progress: null,
      stopping: false,
    };
  }
  return {
    status: "streaming" as const,
    content: live.text || message.content,
    errorMessage: null,
    manifest: live.manifest ?? message.manifest,
    progress: live.progress,
    stopping: live.stopping,
  };
}

/**
 * One answer. Memoised: while an answer streams, only it re-renders (its Markdown is parsed again
 * for each piece), not every earlier answer in the conversation.
 */
export const AssistantAnswer = memo(function AssistantAnswer({
  message,
  live,
  onRetry,
  needsKey = false,
}: {
  message: ThreadMessage;
  live: LiveAnswer | undefined;
  /** With JavaScript: retry through the API (the Retry form posts without it). */
  onRetry?: ((assistantMessageId: string) => Promise<string | null>) | undefined;
  /** Still being written with a personal key this browser does not have. */
  needsKey?: boolean;
}) {
  const view = answerView(message, live);
  const citations = citationTargets(view.manifest?.items);
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string | null>(null);
  const retry = async (event: FormEvent<HTMLFormElement>) => {
    if (!onRetry) return;
    event.preventDefault();
    setRetrying(true);
    setRetryError(await onRetry(message.id));
    setRetrying(false);
  };
  const streaming = view.status === "streaming";
  return (
    <article
      className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      data-testid="brain-answer"
      data-status={view.status}
      data-stored-status={message.status}
      data-message-id={message.id}
      aria-busy={streaming || undefined}
      aria-label="Answer"
    >
      <header className="mb-2 flex flex-wrap items-center gap-2 text-xs text-slate-500">
        <ModeLabel mode={message.mode} model={message.model} />
        {view.status === "failed" ? <Badge tone="red">Failed</Badge> : null}
        {view.status === "stopped" ? <Badge tone="amber">Stopped</Badge> : null}
        {streaming ? <Badge tone="blue">Writing…</Badge> : null}
        <span className="ml-auto">{formatDateTime(message.createdAt)}</span>
      </header>
      {view.content ? (
        <div data-testid="brain-answer-text">
          <BrainMarkdown
            text={view.content}
            citations={citations}
            InternalLink={AppLink}
            retrievalOnly={message.mode === "retrieval_only"}
          />
        </div>
      ) : streaming ? null : (
        <p className="text-sm italic text-slate-500" data-testid="brain-answer-text">
          Nothing was written before the answer ended.
        </p>
      )}
      {streaming ? (
        <p role="status" className="mt-2 flex items-center gap-2 text-xs text-slate-500" data-testid="brain-progress">
          <span aria-hidden className="inline-block h-2 w-2 animate-pulse rounded-full bg-brand-500" />
          {view.progress ?? (view.content ? "Writing…" : "Thinking…")}
        </p>
      ) : null}
      {streaming && needsKey && !live ? (
        <p className="mt-2 text-xs text-slate-600">
          This answer is being written with a personal Claude key in another browser or tab. To continue it here, save
          your key in{" "}
          <Link to="/settings/api" className="font-medium text-brand-600 hover:underline">
            Settings → API
          </Link>
          .
        </p>
      ) : null}
      {view.status === "failed" || view.status === "stopped" ? (
        <div
          role="alert"
          className={`mt-3 flex flex-wrap items-center justify-between gap-3 rounded-md px-3 py-2 text-sm ring-1 ${view.status === "failed" ? "bg-red-50 text-red-800 ring-red-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`}
          data-testid="brain-error"
        >
          <p>
            {view.errorMessage ??
              (view.status === "failed"
                ? "The answer failed before it was finished."
                : "Stopped before the answer was finished.")}
            {view.content ? " The part that arrived is kept above." : ""}
          </p>
          {/* Retry only once the stopped or failed answer is stored (the server refuses before that). */}
          {message.status !== "streaming" ? (
            <Form method="post" onSubmit={(event) => void retry(event)}>
              <input type="hidden" name="intent" value="retry" />
              <input type="hidden" name="assistantMessageId" value={message.id} />
              <Button type="submit" variant="secondary" disabled={retrying} data-testid="brain-retry">
                {retrying ? "Retrying…" : "Retry"}
              </Button>
            </Form>
          ) : null}
          {retryError ? <p className="w-full text-sm text-red-700">{retryError}</p> : null}
        </div>
      ) : null}
      {view.manifest || !streaming ? <ContextManifest manifest={view.manifest} mode={message.mode} /> : null}
    </article>
  );
});

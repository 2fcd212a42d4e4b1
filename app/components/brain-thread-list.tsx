// The conversations with the brain, newest first: open one, rename it in place, or delete it.
// Rename and delete are plain forms (they work without JavaScript) posting to /brain.
import { Form, NavLink } from "@remix-run/react";
import { formatRelative } from "../utils/format";
import type { BrainFormAnswer } from "./brain-composer";
import { TextField } from "./forms";
import { Button, ConfirmDelete } from "./ui";

export type ThreadSummary = {
  id: string;
  title: string;
  updatedAt: Date | string;
  account: { id: string; name: string } | null;
  opportunity: { id: string; name: string } | null;
};

export function BrainThreadList({
  threads,
  now,
  answer,
  currentPath,
}: {
  threads: ThreadSummary[];
  now: string;
  answer?: BrainFormAnswer | undefined;
  currentPath: string;
}) {
  if (threads.length === 0) {
    return (
      <div
        className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-600"
        data-testid="brain-threads-empty"
      >
        <p className="font-medium text-slate-900">No conversations yet</p>
        <p className="mt-1">Ask a question to start one. Each conversation is kept here, on every device you use.</p>
      </div>
    );
  }
  return (
    <ul className="space-y-1" data-testid="brain-threads">
      {threads.map((thread) => {
        const about = thread.account?.name ?? thread.opportunity?.name ?? null;
        const renaming = answer?.intent === "rename" && answer.threadId === thread.id;
        return (
          <li key={thread.id} className="rounded-md" data-testid="brain-thread-row">
            <NavLink
              to={`/brain/${thread.id}`}
              className={({ isActive }) =>
                `block rounded-md px-3 py-2 text-sm ${isActive ? "bg-white font-medium text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-700 hover:bg-white hover:text-slate-900"}`
              }
            >
              <span className="line-clamp-2 break-words">{thread.title}</span>
              <span className="mt-0.5 block text-xs font-normal text-slate-500">
                {about ? <>About {about} · </> : null}
                {formatRelative(thread.updatedAt, now)}
              </span>
            </NavLink>
            <div className="flex items-start gap-1 px-1 pb-1">
              <details className="group min-w-0 flex-1" open={renaming || undefined}>
                <summary className="w-fit cursor-pointer list-none rounded-md px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 [&::-webkit-details-marker]:hidden">
                  Rename
                </summary>
                <Form
                  method="post"
                  action="/brain"
                  className="mt-1 space-y-2 rounded-md bg-white p-2 ring-1 ring-slate-200"
                >
                  <input type="hidden" name="intent" value="rename" />
                  <input type="hidden" name="threadId" value={thread.id} />
                  <input type="hidden" name="redirectTo" value={currentPath} />
                  <TextField
                    id={`thread-title-${thread.id}`}
                    label="Title"
                    name="title"
                    maxLength={120}
                    required
                    defaultValue={renaming ? (answer?.fields?.title ?? thread.title) : thread.title}
                    error={renaming ? (answer?.fieldErrors?.title ?? answer?.formError) : undefined}
                  />
                  <Button type="submit" variant="secondary" className="px-2.5 py-1 text-xs">
                    Save title
                  </Button>
                </Form>
              </details>
              <ConfirmDelete
                label="Delete"
                action="/brain"
                fields={{ threadId: thread.id, redirectTo: currentPath }}
                consequences={
                  <>
                    Delete <strong>{thread.title}</strong> and every answer in it? This cannot be undone.
                  </>
                }
              />
            </div>
          </li>
        );
      })}
    </ul>
  );
}

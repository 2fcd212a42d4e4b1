// Notes on an account or a person: an add-note form and the notes, newest first, each with a
// delete that asks first. Both forms post to the page's own action (intents "add-note" and
// "delete" with a noteId), so they work without JavaScript.
import { Form, Link } from "@remix-run/react";
import { formatDateTime, personName } from "../utils/format";
import { FormMessage, SubmitButton, TextAreaField } from "./forms";
import { PagerFooter } from "./pager";
import { Card, ConfirmDelete, EmptyState } from "./ui";

export type NoteEntry = {
  id: string;
  body: string;
  createdAt: Date | string;
  updatedAt: Date | string;
  opportunity: { id: string; name: string } | null;
  prospect: { id: string; firstName: string; lastName: string } | null;
  meeting: { id: string; title: string; startsAt: Date | string } | null;
};

export function NotesPanel({
  notes,
  action,
  answer,
  olderHref,
  newestHref,
  subject,
  showProspect,
}: {
  notes: NoteEntry[];
  /** The route the forms post to (the page itself). */
  action: string;
  answer?: { fieldErrors?: Record<string, string>; formError?: string; fields?: Record<string, string> } | undefined;
  olderHref: string | null;
  newestHref: string | null;
  /** Whose notes, for the empty state: "this account". */
  subject: string;
  showProspect: boolean;
}) {
  return (
    <div className="space-y-4">
      <Card title="Add a note">
        {/* Keyed on the newest note: after a note is added the form starts empty again. */}
        <Form
          method="post"
          action={action}
          className="space-y-3"
          key={notes[0]?.id ?? "none"}
          data-testid="add-note-form"
        >
          <input type="hidden" name="intent" value="add-note" />
          {answer?.formError ? <FormMessage tone="error">{answer.formError}</FormMessage> : null}
          <TextAreaField
            label="Note"
            name="body"
            rows={3}
            required
            maxLength={20_000}
            defaultValue={answer?.fields?.body ?? ""}
            error={answer?.fieldErrors?.body}
          />
          <div className="flex justify-end">
            <SubmitButton pendingText="Adding…">Add note</SubmitButton>
          </div>
        </Form>
      </Card>
      {notes.length === 0 && !newestHref ? (
        <EmptyState title="No notes yet">
          <p>Write down what you learn about {subject} — it stays here, next to everything else.</p>
        </EmptyState>
      ) : (
        <div className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          <ul className="divide-y divide-slate-100" data-testid="notes">
            {notes.map((note) => (
              <li key={note.id} className="flex items-start justify-between gap-4 px-4 py-3" data-testid="note">
                <div className="min-w-0">
                  <p className="whitespace-pre-wrap break-words text-sm text-slate-900" data-testid="note-body">
                    {note.body}
                  </p>
                  <p className="mt-1 text-xs text-slate-500">
                    <time dateTime={new Date(note.createdAt).toISOString()}>{formatDateTime(note.createdAt)}</time>
                    {note.meeting ? (
                      <>
                        {" · notes of "}
                        <Link
                          to={`/meetings/${note.meeting.id}`}
                          className="font-medium text-brand-600 hover:underline"
                        >
                          {note.meeting.title}
                        </Link>
                      </>
                    ) : null}
                    {showProspect && note.prospect ? (
                      <>
                        {" · about "}
                        <Link
                          to={`/prospects/${note.prospect.id}`}
                          className="font-medium text-brand-600 hover:underline"
                        >
                          {personName(note.prospect)}
                        </Link>
                      </>
                    ) : null}
                    {note.opportunity ? (
                      <>
                        {" · "}
                        <Link
                          to={`/opportunities/${note.opportunity.id}`}
                          className="font-medium text-brand-600 hover:underline"
                        >
                          {note.opportunity.name}
                        </Link>
                      </>
                    ) : null}
                  </p>
                </div>
                <ConfirmDelete
                  label="Delete note"
                  action={action}
                  fields={{ noteId: note.id }}
                  consequences="Delete this note? This cannot be undone."
                />
              </li>
            ))}
          </ul>
          <PagerFooter
            frame="card"
            first={newestHref ? { to: newestHref, label: "Newest" } : null}
            next={olderHref ? { to: olderHref, label: "Older notes" } : null}
          />
        </div>
      )}
    </div>
  );
}

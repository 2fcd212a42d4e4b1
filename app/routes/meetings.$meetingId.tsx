import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormMessage, SubmitButton, TextAreaField } from "../components/forms";
import { formatMeetingTime } from "../components/meeting-list";
import { CancelledBadge, SourceBadge } from "../components/source-badge";
import { BackLink, ButtonLink, Card, ConfirmDelete, PageHeader } from "../components/ui";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { formatDateTime, personName } from "../utils/format";
import { formErrorsFrom, formText } from "../utils/forms.server";
import { readNoteForm } from "../utils/record-forms.server";
import { withToast } from "../utils/toasts";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: `${loaded?.meeting.title ?? "Meeting"} · Sales-as-Code` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  return { meeting: await orNotFound(api.meetings.get({ id: params.meetingId ?? "" })) };
}

type Answer = {
  intent: string;
  fieldErrors?: Record<string, string>;
  formError?: string;
  fields?: Record<string, string>;
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const id = params.meetingId ?? "";
  const form = await request.formData();
  const intent = formText(form, "intent");
  const api = await serverCaller(context);
  // Someone else's meeting is a 404 whatever the form says.
  const meeting = await orNotFound(api.meetings.get({ id }));
  const note = readNoteForm(form, { meetingId: id });
  const body = note.fields.body;
  try {
    switch (intent) {
      case "add-notes":
        if (!note.ok) return data<Answer>({ intent, fieldErrors: note.fieldErrors, fields: { body } }, { status: 400 });
        await api.notes.create(note.input);
        return redirect(withToast(`/meetings/${id}#notes`, "note-added"));
      case "save-notes": {
        // The meeting's own note, whatever the page was showing: this form edits nothing else.
        if (!meeting.notes)
          return data<Answer>(
            { intent, formError: "This meeting has no notes any more: add them again.", fields: { body } },
            { status: 400 },
          );
        if (!note.ok) return data<Answer>({ intent, fieldErrors: note.fieldErrors, fields: { body } }, { status: 400 });
        await api.notes.update({ id: meeting.notes.id, body });
        return redirect(withToast(`/meetings/${id}#notes`, "note-updated"));
      }
      case "delete":
        await api.meetings.delete({ id });
        return redirect(withToast("/meetings", "meeting-deleted"));
      default:
        return data<Answer>({ intent, formError: "That action is not available here." }, { status: 400 });
    }
  } catch (error) {
    const { fieldErrors, formError } = formErrorsFrom(error);
    // "Already has notes" is about the meeting, not the text: say it above the form.
    const { meetingId: aboutMeeting, ...rest } = fieldErrors;
    return data<Answer>(
      { intent, fieldErrors: rest, formError: formError ?? aboutMeeting, fields: { body } },
      { status: 400 },
    );
  }
}

export default function Meeting() {
  const { meeting } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const notesAnswer = answer?.intent === "add-notes" || answer?.intent === "save-notes" ? answer : undefined;
  const isLink = meeting.location !== null && /^https?:\/\//i.test(meeting.location);
  return (
    <>
      <BackLink to="/meetings">Meetings</BackLink>
      <PageHeader
        title={meeting.title}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <span data-testid="meeting-time">{formatMeetingTime(meeting.startsAt, meeting.endsAt)}</span>
            {meeting.cancelledAt ? <CancelledBadge /> : null}
            <SourceBadge source={meeting.source} />
          </span>
        }
        actions={
          <>
            <ButtonLink to={`/meetings/${meeting.id}/edit`} variant="secondary">
              Edit
            </ButtonLink>
            <ConfirmDelete
              label="Delete meeting"
              consequences={
                <>
                  Deletes <strong>{meeting.title}</strong>
                  {meeting.notes ? " and its notes" : ""}. This cannot be undone.
                </>
              }
            />
          </>
        }
      />
      {meeting.cancelledAt ? (
        <div className="mb-4">
          <FormMessage tone="info" testId="meeting-cancelled">
            The calendar cancelled this meeting on {formatDateTime(meeting.cancelledAt)}. Its notes stay here.
          </FormMessage>
        </div>
      ) : null}
      {answer?.formError && !notesAnswer ? (
        <div className="mb-4">
          <FormMessage tone="error">{answer.formError}</FormMessage>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <div id="notes">
            <Card title="Notes">
              {notesAnswer?.formError ? (
                <div className="mb-3">
                  <FormMessage tone="error">{notesAnswer.formError}</FormMessage>
                </div>
              ) : null}
              {meeting.notes ? (
                <>
                  <p className="whitespace-pre-wrap text-sm text-slate-800" data-testid="meeting-notes">
                    {meeting.notes.body}
                  </p>
                  <p className="mt-2 text-xs text-slate-500">Last edited {formatDateTime(meeting.notes.updatedAt)}</p>
                  <details className="mt-4" open={notesAnswer?.intent === "save-notes"}>
                    <summary className="cursor-pointer text-sm font-medium text-brand-600 hover:underline">
                      Edit notes
                    </summary>
                    <Form method="post" className="mt-3 space-y-3" noValidate>
                      <input type="hidden" name="intent" value="save-notes" />
                      <TextAreaField
                        label="Notes"
                        name="body"
                        rows={10}
                        required
                        defaultValue={
                          notesAnswer?.intent === "save-notes" ? notesAnswer.fields?.body : meeting.notes.body
                        }
                        error={notesAnswer?.intent === "save-notes" ? notesAnswer.fieldErrors?.body : undefined}
                      />
                      <div className="flex justify-end">
                        <SubmitButton pendingText="Saving…">Save notes</SubmitButton>
                      </div>
                    </Form>
                  </details>
                </>
              ) : (
                <Form method="post" className="space-y-3" noValidate>
                  <input type="hidden" name="intent" value="add-notes" />
                  <TextAreaField
                    label="Add notes"
                    name="body"
                    rows={8}
                    required
                    defaultValue={notesAnswer?.fields?.body}
                    error={notesAnswer?.fieldErrors?.body}
                    hint="What was discussed, who said what, and what happens next."
                  />
                  <div className="flex justify-end">
                    <SubmitButton pendingText="Saving…">Add notes</SubmitButton>
                  </div>
                </Form>
              )}
            </Card>
          </div>
        </div>
        <div className="space-y-6">
          <Card title="Details">
            <dl className="space-y-3 text-sm">
              <div>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Where</dt>
                <dd className="mt-0.5 break-words text-slate-800">
                  {meeting.location ? (
                    isLink ? (
                      <a
                        href={meeting.location}
                        className="font-medium text-brand-600 hover:underline"
                        rel="noopener noreferrer"
                        target="_blank"
                      >
                        {meeting.location}
                      </a>
                    ) : (
                      meeting.location
                    )
                  ) : (
                    "—"
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Account</dt>
                <dd className="mt-0.5">
                  {meeting.account ? (
                    <Link to={`/accounts/${meeting.account.id}`} className="font-medium text-brand-600 hover:underline">
                      {meeting.account.name}
                    </Link>
                  ) : (
                    "—"
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Deal</dt>
                <dd className="mt-0.5">
                  {meeting.opportunity ? (
                    <Link
                      to={`/opportunities/${meeting.opportunity.id}`}
                      className="font-medium text-brand-600 hover:underline"
                    >
                      {meeting.opportunity.name}
                    </Link>
                  ) : (
                    "—"
                  )}
                </dd>
              </div>
            </dl>
          </Card>
          <Card title="Attendees">
            {meeting.attendees.length === 0 ? (
              <p className="text-sm text-slate-500">
                Nobody from the customer’s side yet.{" "}
                <Link to={`/meetings/${meeting.id}/edit`} className="font-medium text-brand-600 hover:underline">
                  Add attendees
                </Link>
                .
              </p>
            ) : (
              <ul className="space-y-2 text-sm" data-testid="meeting-attendees">
                {meeting.attendees.map((attendee, i) =>
                  attendee.prospect ? (
                    <li key={attendee.prospect.id}>
                      <Link
                        to={`/prospects/${attendee.prospect.id}`}
                        className="font-medium text-brand-600 hover:underline"
                      >
                        {personName(attendee.prospect)}
                      </Link>
                      <div className="text-xs text-slate-500">
                        {[attendee.prospect.title, attendee.prospect.account?.name].filter(Boolean).join(" · ")}
                      </div>
                    </li>
                  ) : (
                    <li key={`${attendee.email ?? "guest"}-${i}`} className="text-slate-700">
                      {attendee.email ?? "A guest"}
                    </li>
                  ),
                )}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { MeetingForm } from "../components/meeting-form";
import { Card, PageHeader } from "../components/ui";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { dateTimeInputValue } from "../utils/form-text";
import { invalidForm, mutateOrAnswer } from "../utils/forms.server";
import { accountChoices, dealChoices, peopleChoices } from "../utils/record-choices.server";
import { readMeetingForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: `Edit ${loaded?.meeting.title ?? "meeting"} · Sales-as-Code` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const meeting = await orNotFound(api.meetings.get({ id: params.meetingId ?? "" }));
  const attendees = meeting.attendees.flatMap((a) => (a.prospect ? [a.prospect] : []));
  const [{ accounts }, deals, people] = await Promise.all([
    accountChoices(api, meeting.account?.id),
    dealChoices(api, meeting.opportunity?.id),
    // Everyone already invited stays on the list, so saving never drops an attendee beyond the first 100.
    peopleChoices(api, attendees),
  ]);
  return {
    meeting: { id: meeting.id, title: meeting.title },
    values: {
      title: meeting.title,
      startsAt: dateTimeInputValue(meeting.startsAt),
      endsAt: dateTimeInputValue(meeting.endsAt),
      location: meeting.location ?? "",
      accountId: meeting.account?.id ?? "",
      opportunityId: meeting.opportunity?.id ?? "",
    },
    attendeeIds: attendees.map((p) => p.id),
    accounts,
    deals,
    people,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const id = params.meetingId ?? "";
  const read = readMeetingForm(await request.formData());
  if (!read.ok) return invalidForm(read);
  const api = await serverCaller(context);
  const before = await orNotFound(api.meetings.get({ id }));
  const invited = before.attendees.flatMap((a) => (a.prospect ? [a.prospect.id] : []));
  const { attendeeIds: _all, ...rest } = read.input;
  const { attendeeIds } = read.fields;
  // Replacing attendees also drops guests known only by email (from a calendar sync), so the list is
  // sent only when the user changed it.
  const changed = invited.length !== attendeeIds.length || invited.some((personId) => !attendeeIds.includes(personId));
  return mutateOrAnswer(() => api.meetings.update({ id, ...rest, ...(changed ? { attendeeIds } : {}) }), {
    fields: read.fields,
    success: () => ({ path: `/meetings/${id}`, toast: "meeting-updated" }),
  });
}

export default function EditMeeting() {
  const { meeting, values, attendeeIds, accounts, deals, people } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={`Edit ${meeting.title}`} />
      <Card>
        <MeetingForm
          values={answer?.fields ?? values}
          attendeeIds={answer?.fields?.attendeeIds ?? attendeeIds}
          fieldErrors={answer?.fieldErrors}
          formError={answer?.formError}
          accounts={accounts}
          deals={deals}
          people={people}
          submitLabel="Save meeting"
          pendingText="Saving…"
          cancelTo={`/meetings/${meeting.id}`}
        />
      </Card>
    </div>
  );
}

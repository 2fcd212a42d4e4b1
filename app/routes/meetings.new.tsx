import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { MeetingForm } from "../components/meeting-form";
import { Card, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { dateTimeInputValue } from "../utils/form-text";
import { invalidForm, mutateOrAnswer } from "../utils/forms.server";
import { accountChoices, dealChoices, peopleChoices } from "../utils/record-choices.server";
import { readMeetingForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "New meeting · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const api = await serverCaller(context);
  const opportunityId = params.get("opportunityId");
  const deals = await dealChoices(api, opportunityId);
  // A link from a deal preselects its account too (the deal's choice carries it).
  const accountId = params.get("accountId") ?? deals.find((d) => d.id === opportunityId)?.accountId ?? null;
  const [{ accounts, selected }, people] = await Promise.all([accountChoices(api, accountId), peopleChoices(api)]);
  // A sensible default: the next full hour, for half an hour.
  const start = new Date();
  start.setUTCHours(start.getUTCHours() + 1, 0, 0, 0);
  return {
    values: {
      startsAt: dateTimeInputValue(start),
      endsAt: dateTimeInputValue(new Date(start.getTime() + 30 * 60_000)),
      accountId: selected,
      opportunityId: deals.some((d) => d.id === opportunityId) ? (opportunityId ?? "") : "",
    },
    accounts,
    deals,
    people,
    cancelTo: opportunityId ? `/opportunities/${opportunityId}` : "/meetings",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const read = readMeetingForm(await request.formData());
  if (!read.ok) return invalidForm(read);
  const api = await serverCaller(context);
  return mutateOrAnswer(() => api.meetings.create(read.input), {
    fields: read.fields,
    success: (meeting) => ({ path: `/meetings/${meeting.id}`, toast: "meeting-created" }),
  });
}

export default function NewMeeting() {
  const { values, accounts, deals, people, cancelTo } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader
        title="New meeting"
        description="Put a meeting on the calendar, with who comes and what it is about."
      />
      <Card>
        <MeetingForm
          values={answer?.fields ?? values}
          attendeeIds={answer?.fields?.attendeeIds ?? []}
          fieldErrors={answer?.fieldErrors}
          formError={answer?.formError}
          accounts={accounts}
          deals={deals}
          people={people}
          submitLabel="Schedule meeting"
          pendingText="Scheduling…"
          cancelTo={cancelTo}
        />
      </Card>
    </div>
  );
}

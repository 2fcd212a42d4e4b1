import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { channelLabels } from "../components/conversation-channel";
import { FormMessage, SelectField, SubmitButton, TextAreaField, TextField } from "../components/forms";
import { AccountSelect, DealSelect, PeopleCheckboxes } from "../components/record-pickers";
import { Card, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { invalidForm, mutateOrAnswer } from "../utils/forms.server";
import { accountChoices, dealChoices, peopleChoices } from "../utils/record-choices.server";
import { readConversationForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "Log a conversation · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const api = await serverCaller(context);
  const opportunityId = params.get("opportunityId");
  const prospectId = params.get("prospectId");
  const deals = await dealChoices(api, opportunityId);
  // A link from a deal preselects its account too (the deal's choice carries it).
  const accountId = params.get("accountId") ?? deals.find((d) => d.id === opportunityId)?.accountId ?? null;
  const [{ accounts, selected }, people] = await Promise.all([accountChoices(api, accountId), peopleChoices(api)]);
  return {
    values: {
      channel: "email",
      accountId: selected,
      opportunityId: deals.some((d) => d.id === opportunityId) ? (opportunityId ?? "") : "",
    },
    prospectIds: people.some((p) => p.id === prospectId) && prospectId ? [prospectId] : [],
    accounts,
    deals,
    people,
    cancelTo: opportunityId ? `/opportunities/${opportunityId}` : "/conversations",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const read = readConversationForm(await request.formData());
  if (!read.ok) return invalidForm(read);
  const api = await serverCaller(context);
  return mutateOrAnswer(() => api.conversations.create(read.input), {
    fields: read.fields,
    success: (conversation) => ({ path: `/conversations/${conversation.id}`, toast: "conversation-created" }),
  });
}

export default function NewConversation() {
  const { values, prospectIds, accounts, deals, people, cancelTo } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const shown: Partial<Record<"channel" | "subject" | "accountId" | "opportunityId" | "body", string>> =
    answer?.fields ?? values;
  const errors = answer?.fieldErrors ?? {};
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader
        title="Log a conversation"
        description="An email you sent, a call you had, or a LinkedIn exchange — kept with the account and the deal."
      />
      <Card>
        <Form method="post" noValidate className="space-y-5">
          {answer?.formError ? <FormMessage tone="error">{answer.formError}</FormMessage> : null}
          <div className="grid gap-5 sm:grid-cols-3">
            <SelectField
              label="Channel"
              name="channel"
              options={Object.entries(channelLabels).map(([value, label]) => ({ value, label }))}
              defaultValue={shown.channel ?? "email"}
              error={errors.channel}
            />
            <div className="sm:col-span-2">
              <TextField
                label="Subject"
                name="subject"
                required
                maxLength={300}
                defaultValue={shown.subject}
                error={errors.subject}
                placeholder="Pricing follow-up"
              />
            </div>
          </div>
          <div className="grid gap-5 sm:grid-cols-2">
            <AccountSelect accounts={accounts} defaultValue={shown.accountId} error={errors.accountId} />
            <DealSelect deals={deals} defaultValue={shown.opportunityId} error={errors.opportunityId} />
          </div>
          <PeopleCheckboxes
            legend="With"
            name="prospectIds"
            people={people}
            checked={answer?.fields?.prospectIds ?? prospectIds}
            error={errors.prospectIds}
            purpose="to keep conversations with them"
          />
          <TextAreaField
            label="Message"
            name="body"
            rows={8}
            required
            defaultValue={shown.body}
            error={errors.body}
            hint="For a call, what was said. This records the conversation; it does not send an email."
          />
          <div className="flex items-center justify-end gap-3">
            <Link to={cancelTo} className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
              Cancel
            </Link>
            <SubmitButton pendingText="Saving…">Log conversation</SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  );
}

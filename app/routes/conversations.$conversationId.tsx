import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ChannelBadge } from "../components/conversation-channel";
import { ConversationThread, type KnownPerson } from "../components/conversation-thread";
import { FormMessage, SubmitButton, TextAreaField } from "../components/forms";
import { SourceBadge } from "../components/source-badge";
import { BackLink, Card, ConfirmDelete, PageHeader } from "../components/ui";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { personName } from "../utils/format";
import { formErrorsFrom, formText } from "../utils/forms.server";
import { withToast } from "../utils/toasts";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: `${loaded?.conversation.subject ?? "Conversation"} · Sales-as-Code` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const api = await serverCaller(context);
  const conversation = await orNotFound(api.conversations.get({ id: params.conversationId ?? "" }));
  return { conversation, me: user.email };
}

type Answer = {
  intent: string;
  fieldErrors?: Record<string, string>;
  formError?: string;
  fields?: Record<string, string>;
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const id = params.conversationId ?? "";
  const form = await request.formData();
  const intent = formText(form, "intent");
  const body = formText(form, "body");
  const received = formText(form, "direction") === "received";
  const api = await serverCaller(context);
  try {
    if (intent === "reply") {
      const message = await api.conversations.addMessage({
        conversationId: id,
        body,
        direction: received ? "received" : "sent",
      });
      return redirect(withToast(`/conversations/${id}#message-${message.id}`, "message-added"));
    }
    if (intent === "delete") {
      await api.conversations.delete({ id });
      return redirect(withToast("/conversations", "conversation-deleted"));
    }
    return data<Answer>({ intent, formError: "That action is not available here." }, { status: 400 });
  } catch (error) {
    return data<Answer>(
      { intent, ...formErrorsFrom(error), fields: { body, direction: received ? "received" : "sent" } },
      { status: 400 },
    );
  }
}

export default function Conversation() {
  const { conversation, me } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const people: Record<string, KnownPerson> = {};
  for (const participant of conversation.participants) {
    if (participant.prospect?.email)
      people[participant.prospect.email.toLowerCase()] = {
        id: participant.prospect.id,
        name: personName(participant.prospect),
      };
  }
  const isCall = conversation.channel === "call";
  return (
    <>
      <BackLink to="/conversations">Conversations</BackLink>
      <PageHeader
        title={conversation.subject}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <ChannelBadge channel={conversation.channel} />
            <SourceBadge source={conversation.source} />
            {conversation.account ? (
              <Link to={`/accounts/${conversation.account.id}`} className="font-medium text-brand-600 hover:underline">
                {conversation.account.name}
              </Link>
            ) : null}
            {conversation.opportunity ? (
              <>
                <span aria-hidden>·</span>
                <Link
                  to={`/opportunities/${conversation.opportunity.id}`}
                  className="font-medium text-brand-600 hover:underline"
                >
                  {conversation.opportunity.name}
                </Link>
              </>
            ) : null}
          </span>
        }
        actions={
          <ConfirmDelete
            label="Delete conversation"
            consequences={
              <>
                Deletes <strong>{conversation.subject}</strong> and its{" "}
                {conversation.messages.length === 1 ? "message" : `${conversation.messages.length} messages`}. This
                cannot be undone.
              </>
            }
          />
        }
      />
      {answer?.formError && answer.intent !== "reply" ? (
        <div className="mb-4">
          <FormMessage tone="error">{answer.formError}</FormMessage>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <ConversationThread messages={conversation.messages} people={people} me={me} />
          <Card title={isCall ? "Add to this conversation" : "Reply"}>
            <Form method="post" className="space-y-3" noValidate>
              <input type="hidden" name="intent" value="reply" />
              {answer?.intent === "reply" && answer.formError ? (
                <FormMessage tone="error">{answer.formError}</FormMessage>
              ) : null}
              <TextAreaField
                label="Message"
                name="body"
                rows={5}
                required
                defaultValue={answer?.intent === "reply" ? answer.fields?.body : undefined}
                error={answer?.intent === "reply" ? answer.fieldErrors?.body : undefined}
                hint="This records the message here; it does not send an email."
              />
              <label className="flex items-center gap-2 text-sm text-slate-800">
                <input
                  type="checkbox"
                  name="direction"
                  value="received"
                  defaultChecked={answer?.intent === "reply" && answer.fields?.direction === "received"}
                  className="h-4 w-4 rounded border-slate-300"
                />
                Log a reply I received
              </label>
              <div className="flex justify-end">
                <SubmitButton pendingText="Adding…">Add message</SubmitButton>
              </div>
            </Form>
          </Card>
        </div>
        <Card title="Participants">
          {conversation.participants.length === 0 ? (
            <p className="text-sm text-slate-500">No participants recorded.</p>
          ) : (
            <ul className="space-y-2 text-sm" data-testid="participants">
              {conversation.participants.map((participant) =>
                participant.prospect ? (
                  <li key={participant.id}>
                    <Link
                      to={`/prospects/${participant.prospect.id}`}
                      className="font-medium text-brand-600 hover:underline"
                    >
                      {personName(participant.prospect)}
                    </Link>
                    <div className="text-xs text-slate-500">
                      {[participant.prospect.title, participant.prospect.email].filter(Boolean).join(" · ")}
                    </div>
                  </li>
                ) : (
                  <li key={participant.id} className="text-slate-700">
                    {participant.email && participant.email.toLowerCase() === me.toLowerCase()
                      ? `You (${participant.email})`
                      : (participant.email ?? "Unknown")}
                  </li>
                ),
              )}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { BrainAskPanel } from "../components/brain-ask-panel";
import { channelLabels } from "../components/conversation-channel";
import { DealContacts } from "../components/deal-contacts";
import { DealStage } from "../components/deal-stage";
import { DealStageHistory } from "../components/deal-stage-history";
import { SourceBadges } from "../components/source-badge";
import { DealTimeline } from "../components/deal-timeline";
import { FormMessage, SelectField, TextAreaField } from "../components/forms";
import { BackLink, Button, ButtonLink, Card, ConfirmDelete, PageHeader } from "../components/ui";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { isStage, stageOptions } from "../utils/deal-stages.server";
import { dateInputValue, formatDate, formatDateTime, formatMoney } from "../utils/format";
import { formErrorsFrom, formText } from "../utils/forms.server";
import { sourceLabel } from "../utils/source-labels";
import { pageOrFirst } from "../utils/list-params.server";
import { readNoteForm } from "../utils/record-forms.server";
import { withToast } from "../utils/toasts";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: `${loaded?.deal.name ?? "Deal"} · Sales-as-Code` },
];

const TIMELINE_PAGE = 20;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const id = params.opportunityId ?? "";
  const api = await serverCaller(context);
  const deal = await orNotFound(api.opportunities.get({ id }));
  const { page: timeline, cursor } = await pageOrFirst(new URL(request.url).searchParams.get("activity"), (cursor) =>
    api.activity.timeline({ of: "opportunity", id, limit: TIMELINE_PAGE, cursor }),
  );
  const notes = await api.notes.list({ opportunityId: id, limit: 50 });
  const stages = stageOptions();
  return {
    deal,
    timeline,
    timelineIsFirstPage: !cursor,
    notes: notes.items,
    stages,
    stageLabels: Object.fromEntries(stages.map((s) => [s.value, s.label])),
    now: new Date().toISOString(),
  };
}

type Answer = {
  intent: string;
  fieldErrors?: Record<string, string>;
  formError?: string;
  fields?: Record<string, string>;
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const id = params.opportunityId ?? "";
  const form = await request.formData();
  const intent = formText(form, "intent");
  const api = await serverCaller(context);
  const refuse = (answer: Answer) => data(answer, { status: 400 });
  // Someone else's deal is a 404 whatever the form says.
  const deal = await orNotFound(api.opportunities.get({ id }));
  try {
    switch (intent) {
      case "move": {
        const stage = formText(form, "stage");
        if (!isStage(stage)) return refuse({ intent, fieldErrors: { stage: "Choose a stage." } });
        await api.opportunities.moveStage({ id, stage });
        return redirect(withToast(`/opportunities/${id}`, "deal-moved"));
      }
      case "add-note": {
        // The deal's account gets the note too, so it shows on the account as well.
        const note = readNoteForm(form, { opportunityId: id, accountId: deal.account?.id ?? null });
        if (!note.ok) return refuse({ intent, fieldErrors: note.fieldErrors, fields: note.fields });
        await api.notes.create(note.input);
        return redirect(withToast(`/opportunities/${id}#notes`, "note-added"));
      }
      case "delete": {
        if (formText(form, "target") === "note") {
          await api.notes.delete({ id: formText(form, "noteId") });
          return redirect(withToast(`/opportunities/${id}#notes`, "note-deleted"));
        }
        await api.opportunities.delete({ id });
        return redirect(withToast("/opportunities", "deal-deleted"));
      }
      default:
        return refuse({ intent, formError: "That action is not available here." });
    }
  } catch (error) {
    return refuse({ intent, ...formErrorsFrom(error), fields: { body: formText(form, "body") } });
  }
}

export default function Opportunity() {
  const { deal, timeline, timelineIsFirstPage, notes, stages, stageLabels, now } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const closed = deal.stage === "closed_won" || deal.stage === "closed_lost";
  const pastDue = deal.closeDate !== null && dateInputValue(deal.closeDate) < now.slice(0, 10) && !closed;
  const newMeeting = `/meetings/new?${new URLSearchParams({ opportunityId: deal.id, ...(deal.account ? { accountId: deal.account.id } : {}) })}`;
  const newConversation = `/conversations/new?${new URLSearchParams({ opportunityId: deal.id, ...(deal.account ? { accountId: deal.account.id } : {}) })}`;
  return (
    <>
      <BackLink to="/opportunities">Deals</BackLink>
      <PageHeader
        title={deal.name}
        description={
          <>
            {deal.account ? (
              <>
                Deal with{" "}
                <Link
                  to={`/accounts/${deal.account.id}`}
                  className="font-medium text-brand-600 hover:underline"
                  data-testid="deal-account"
                >
                  {deal.account.name}
                </Link>
              </>
            ) : (
              "Not linked to an account."
            )}{" "}
            <SourceBadges source={deal.source} links={deal.links} />
          </>
        }
        actions={
          <>
            <ButtonLink to={`/opportunities/${deal.id}/edit`} variant="secondary">
              Edit
            </ButtonLink>
            <ConfirmDelete
              label="Delete deal"
              consequences={
                <>
                  Deletes <strong>{deal.name}</strong>, its stage history and its timeline entries. Its notes,
                  conversations and meetings stay on the account. This cannot be undone.
                </>
              }
            />
          </>
        }
      />
      {answer?.formError && answer.intent !== "add-note" ? (
        <div className="mb-4">
          <FormMessage tone="error">{answer.formError}</FormMessage>
        </div>
      ) : null}

      <Card className="mb-6">
        <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4" data-testid="deal-summary">
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Stage</dt>
            <dd className="mt-1" data-testid="deal-stage">
              <DealStage deal={deal} labels={stageLabels} />
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Amount</dt>
            <dd className="mt-1 font-medium tabular-nums text-slate-900" data-testid="deal-amount">
              {formatMoney(deal.amount, deal.currency)}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Close date</dt>
            <dd className={`mt-1 ${pastDue ? "font-medium text-red-700" : "text-slate-900"}`}>
              {deal.closeDate ? `${formatDate(deal.closeDate)}${pastDue ? " · past due" : ""}` : "—"}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Probability</dt>
            <dd className="mt-1 tabular-nums text-slate-900">
              {deal.probability === null ? "—" : `${deal.probability}%`}
            </dd>
          </div>
        </dl>
        {deal.stage === "closed_lost" && deal.lossReason ? (
          <p className="mt-4 text-sm text-slate-700">
            <span className="font-medium text-slate-900">Lost because:</span> {deal.lossReason}
          </p>
        ) : null}
      </Card>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card title="Next step">
            {deal.nextStep ? (
              <p className="text-sm text-slate-800" data-testid="deal-next-step">
                {deal.nextStep}
              </p>
            ) : (
              <p className="text-sm text-slate-500">
                No next step yet.{" "}
                <Link to={`/opportunities/${deal.id}/edit`} className="font-medium text-brand-600 hover:underline">
                  Add one
                </Link>{" "}
                so you know what moves this deal forward.
              </p>
            )}
          </Card>

          <div id="people">
            <Card title="People on this deal">
              <DealContacts contacts={deal.contacts} />
            </Card>
          </div>

          <div id="notes">
            <Card title="Notes">
              <Form method="post" className="space-y-3" noValidate>
                <input type="hidden" name="intent" value="add-note" />
                {answer?.intent === "add-note" && answer.formError ? (
                  <FormMessage tone="error">{answer.formError}</FormMessage>
                ) : null}
                <TextAreaField
                  label="Add a note"
                  name="body"
                  rows={3}
                  required
                  defaultValue={answer?.intent === "add-note" ? answer.fields?.body : undefined}
                  error={answer?.intent === "add-note" ? answer.fieldErrors?.body : undefined}
                  placeholder="What you learned, what was agreed…"
                />
                <div className="flex justify-end">
                  <Button type="submit" variant="secondary">
                    Add note
                  </Button>
                </div>
              </Form>
              {notes.length === 0 ? (
                <p className="mt-4 text-sm text-slate-500">
                  No notes on this deal yet. Write down what you learn on calls so it is here next time.
                </p>
              ) : (
                <ul className="mt-4 divide-y divide-slate-100" data-testid="deal-notes">
                  {notes.map((note) => (
                    <li key={note.id} className="py-3" data-testid="deal-note">
                      <p className="whitespace-pre-wrap text-sm text-slate-800">{note.body}</p>
                      <div className="mt-1 flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500">
                        <span>
                          {formatDateTime(note.updatedAt)}
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
                        </span>
                        {note.meeting ? null : (
                          <ConfirmDelete
                            label="Delete note"
                            consequences="Deletes this note. This cannot be undone."
                            fields={{ target: "note", noteId: note.id }}
                          />
                        )}
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>

          <Card title="Timeline">
            <DealTimeline
              page={timeline}
              olderHref={timeline.nextCursor ? `?${new URLSearchParams({ activity: timeline.nextCursor })}` : null}
              newestHref={timelineIsFirstPage ? null : `/opportunities/${deal.id}`}
            />
          </Card>
        </div>

        <div className="space-y-6">
          <BrainAskPanel name={deal.name} about={{ opportunityId: deal.id }} />
          <Card title={deal.crmStageUnmapped ? "Place it in a stage" : "Move to another stage"}>
            <Form method="post" className="space-y-3">
              <input type="hidden" name="intent" value="move" />
              {deal.crmStageUnmapped ? (
                <p className="text-sm text-slate-600" data-testid="deal-unmapped-help">
                  {deal.crmSource ? sourceLabel(deal.crmSource) : "Your CRM"} has this deal in “{deal.crmStage}”, which
                  matches none of the stages here. Choose the one it belongs to;{" "}
                  {deal.crmSource ? sourceLabel(deal.crmSource) : "the CRM"} is not changed.
                </p>
              ) : null}
              <SelectField
                label="Stage"
                name="stage"
                options={stages}
                emptyLabel={deal.crmStageUnmapped ? "Choose a stage…" : undefined}
                defaultValue={deal.crmStageUnmapped ? "" : deal.stage}
                key={`${deal.stage}:${deal.crmStageUnmapped}`}
                error={answer?.intent === "move" ? answer.fieldErrors?.stage : undefined}
              />
              <div className="flex justify-end">
                <Button type="submit" variant="secondary" data-testid="deal-move">
                  Move
                </Button>
              </div>
            </Form>
          </Card>

          <Card title="Stage history">
            <DealStageHistory history={deal.stageHistory} labels={stageLabels} now={now} />
          </Card>

          <Card
            title="Conversations"
            actions={
              <Link to={newConversation} className="font-medium text-brand-600 hover:underline">
                Log one
              </Link>
            }
          >
            {deal.conversations.length === 0 ? (
              <p className="text-sm text-slate-500">No emails or calls linked to this deal yet.</p>
            ) : (
              <ul className="space-y-2 text-sm" data-testid="deal-conversations">
                {deal.conversations.map((conversation) => (
                  <li key={conversation.id}>
                    <Link
                      to={`/conversations/${conversation.id}`}
                      className="font-medium text-brand-600 hover:underline"
                    >
                      {conversation.subject}
                    </Link>
                    <div className="text-xs text-slate-500">
                      {channelLabels[conversation.channel] ?? conversation.channel}
                      {conversation.lastMessageAt ? ` · ${formatDateTime(conversation.lastMessageAt)}` : ""}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>

          <Card
            title="Meetings"
            actions={
              <Link to={newMeeting} className="font-medium text-brand-600 hover:underline">
                Schedule
              </Link>
            }
          >
            {deal.meetings.length === 0 ? (
              <p className="text-sm text-slate-500">No meetings linked to this deal yet.</p>
            ) : (
              <ul className="space-y-2 text-sm" data-testid="deal-meetings">
                {deal.meetings.map((meeting) => (
                  <li key={meeting.id}>
                    <Link to={`/meetings/${meeting.id}`} className="font-medium text-brand-600 hover:underline">
                      {meeting.title}
                    </Link>
                    <div className="text-xs text-slate-500">{formatDateTime(meeting.startsAt)}</div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { ActivityList } from "../components/account-activity";
import { NotesPanel } from "../components/account-notes";
import { PersonDeals } from "../components/person-deals";
import { SequenceEnrollments } from "../components/sequence-enrollments";
import { SourceBadges } from "../components/source-badge";
import { BackLink, Badge, ButtonLink, Card, ConfirmDelete } from "../components/ui";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { formatDateTime, personName } from "../utils/format";
import { badRequest, formText, mutateOrAnswer } from "../utils/forms.server";
import { pageOrFirst } from "../utils/list-params.server";
import { roleLabel, roleTone, statusLabel } from "../utils/person-labels";
import { answerNoteForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";
import { stageLabels } from "../../server/crm/stage-labels";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${personName(data.person)} · People · Sales-as-Code` : "Person not found · Sales-as-Code" },
];

export const PERSON_TIMELINE_SIZE = 15;
export const PERSON_NOTES_SIZE = 20;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const id = params.prospectId ?? "";
  const search = new URL(request.url).searchParams;
  const api = await serverCaller(context);
  const person = await orNotFound(api.prospects.get({ id }));
  // Two independent lists page on this page: ?activity= for the timeline, ?notes= for the notes.
  const [timeline, notes] = await Promise.all([
    pageOrFirst(search.get("activity"), (cursor) =>
      api.activity.timeline({ of: "prospect", id, limit: PERSON_TIMELINE_SIZE, cursor }),
    ),
    pageOrFirst(search.get("notes"), (cursor) => api.notes.list({ prospectId: id, limit: PERSON_NOTES_SIZE, cursor })),
  ]);
  return {
    person,
    timeline: { ...timeline.page, isFirstPage: !timeline.cursor },
    notes: { ...notes.page, isFirstPage: !notes.cursor },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const id = params.prospectId ?? "";
  const form = await request.formData();
  const api = await serverCaller(context);
  const path = `/prospects/${id}`;
  const noteAnswer = await answerNoteForm(form, api, { prospectId: id }, path);
  if (noteAnswer) return noteAnswer;
  if (formText(form, "intent") !== "delete") throw badRequest();
  return mutateOrAnswer(() => api.prospects.delete({ id }), {
    fields: {},
    success: () => ({ path: "/prospects", toast: "prospect-deleted" }),
  });
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-4 py-2 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words text-right text-slate-900">{children}</dd>
    </div>
  );
}

const channelLabels: Record<string, string> = { email: "Email", call: "Call", linkedin: "LinkedIn" };

export default function ProspectPage() {
  const { person, timeline, notes } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const path = `/prospects/${person.id}`;
  const name = personName(person);
  const conversations = person.conversations.map((c) => c.conversation);
  const meetings = person.meetings.map((m) => m.meeting);
  return (
    <>
      <BackLink to="/prospects">People</BackLink>
      <header
        className="mb-6 flex flex-wrap items-start justify-between gap-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
        data-testid="prospect-header"
      >
        <div>
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight text-slate-900" data-testid="prospect-name">
              {name}
            </h1>
            <Badge tone={roleTone(person.role)}>{roleLabel(person.role)}</Badge>
            {person.status !== "active" ? <Badge tone="amber">{statusLabel(person.status)}</Badge> : null}
            <SourceBadges source={person.source} links={person.links} />
          </div>
          <p className="mt-1 text-sm text-slate-600">
            {person.title ?? "No title"}
            {person.account ? (
              <>
                {" at "}
                <Link
                  to={`/accounts/${person.account.id}`}
                  className="font-medium text-brand-600 hover:underline"
                  data-testid="prospect-account"
                >
                  {person.account.name}
                </Link>
              </>
            ) : null}
          </p>
        </div>
        <div className="flex items-center gap-2">
          <ButtonLink to={`${path}/edit`} variant="secondary">
            Edit
          </ButtonLink>
          <ConfirmDelete
            label="Delete person"
            action={path}
            consequences={
              <>
                Delete <strong>{name}</strong>? Conversations and meetings they were part of stay, without them among
                the people.
              </>
            }
          />
        </div>
      </header>
      <div className="grid gap-6 lg:grid-cols-[1fr_2fr]">
        <div className="space-y-6">
          <Card title="Contact">
            <dl className="divide-y divide-slate-100">
              <Detail label="Email">
                {person.email ? (
                  <a href={`mailto:${person.email}`} className="text-brand-600 hover:underline">
                    {person.email}
                  </a>
                ) : (
                  "—"
                )}
              </Detail>
              <Detail label="Phone">
                {person.phone ? (
                  <a href={`tel:${person.phone.replace(/[^\d+]/g, "")}`} className="text-brand-600 hover:underline">
                    {person.phone}
                  </a>
                ) : (
                  "—"
                )}
              </Detail>
              <Detail label="LinkedIn">
                {/* Only web links become links (imported data could hold anything). */}
                {person.linkedinUrl && /^https?:\/\//i.test(person.linkedinUrl) ? (
                  <a
                    href={person.linkedinUrl}
                    className="text-brand-600 hover:underline"
                    rel="noopener noreferrer"
                    target="_blank"
                  >
                    Profile
                  </a>
                ) : (
                  (person.linkedinUrl ?? "—")
                )}
              </Detail>
              <Detail label="Account">
                {person.account ? (
                  <Link to={`/accounts/${person.account.id}`} className="text-brand-600 hover:underline">
                    {person.account.name}
                  </Link>
                ) : (
                  "—"
                )}
              </Detail>
              <Detail label="Role">{roleLabel(person.role)}</Detail>
              <Detail label="Status">{statusLabel(person.status)}</Detail>
            </dl>
          </Card>
          <div id="sequences">
            <Card title="Sequences">
              <SequenceEnrollments enrollments={person.sequences} firstName={person.firstName} />
            </Card>
          </div>
          <div id="deals">
            <Card title="Deals">
              <PersonDeals deals={person.deals} firstName={person.firstName} stageLabels={stageLabels} />
            </Card>
          </div>
          <Card title="Conversations">
            {conversations.length === 0 ? (
              <p className="text-sm text-slate-600">
                No emails, calls or messages with {person.firstName} yet. They appear here when you log one or connect
                your mailbox.
              </p>
            ) : (
              <ul className="divide-y divide-slate-100 text-sm" data-testid="prospect-conversations">
                {conversations.map((c) => (
                  <li key={c.id} className="py-2">
                    <Link
                      to={`/conversations/${c.id}`}
                      className="font-medium text-slate-900 hover:text-brand-600 hover:underline"
                    >
                      {c.subject}
                    </Link>
                    <div className="text-xs text-slate-500">
                      {channelLabels[c.channel] ?? c.channel}
                      {c.lastMessageAt ? ` · ${formatDateTime(c.lastMessageAt)}` : ""}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title="Meetings">
            {meetings.length === 0 ? (
              <p className="text-sm text-slate-600">
                No meetings with {person.firstName} yet. Add them as an attendee when you schedule one.
              </p>
            ) : (
              <ul className="divide-y divide-slate-100 text-sm" data-testid="prospect-meetings">
                {meetings.map((m) => (
                  <li key={m.id} className="py-2">
                    <Link
                      to={`/meetings/${m.id}`}
                      className="font-medium text-slate-900 hover:text-brand-600 hover:underline"
                    >
                      {m.title}
                    </Link>
                    <div className="text-xs text-slate-500">{formatDateTime(m.startsAt)}</div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        <div className="space-y-8">
          <section aria-labelledby="person-timeline" className="space-y-3">
            <h2 id="person-timeline" className="text-lg font-semibold text-slate-900">
              Timeline
            </h2>
            <ActivityList
              items={timeline.items}
              olderHref={timeline.nextCursor ? `?${new URLSearchParams({ activity: timeline.nextCursor })}` : null}
              newestHref={timeline.isFirstPage ? null : path}
              show={{ account: true, prospect: false }}
              empty={{
                title: "Nothing on the timeline yet",
                text: `Emails, meetings and notes involving ${person.firstName} appear here as they happen.`,
              }}
            />
          </section>
          <section aria-labelledby="person-notes" className="space-y-3">
            <h2 id="person-notes" className="text-lg font-semibold text-slate-900">
              Notes
            </h2>
            <NotesPanel
              notes={notes.items}
              action={path}
              answer={answer}
              olderHref={notes.nextCursor ? `?${new URLSearchParams({ notes: notes.nextCursor })}` : null}
              newestHref={notes.isFirstPage ? null : path}
              subject={person.firstName}
              showProspect={false}
            />
          </section>
        </div>
      </div>
    </>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { BrainComposer, apiErrorMessage, type Asked } from "../components/brain-composer";
import { AssistantAnswer, UserQuestion, type ThreadMessage } from "../components/brain-message";
import { EmptyState } from "../components/ui";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { useBrainData } from "../utils/brain-route";
import { isAnswerLive, startAnswer, stopAnswer, useLiveAnswers } from "../utils/brain-streams";
import { readUserKey, useUserKey } from "../utils/brain-user-key";
import { badRequest, formText } from "../utils/forms.server";
import { useTRPCClient } from "../utils/trpc";
import { serverCaller } from "../utils/trpc.server";
import { askFromForm, retryFromForm } from "./brain.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.thread.title} · Brain · Sales-as-Code` : "Conversation not found · Sales-as-Code" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  return { thread: await orNotFound(api.brain.thread({ threadId: params.threadId ?? "" })) };
}

/** A follow-up question, or Retry, without JavaScript: answered in full before the page comes back. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const api = await serverCaller(context);
  const threadId = params.threadId ?? "";
  switch (formText(form, "intent")) {
    case "ask":
      return askFromForm(api, form, threadId);
    case "retry":
      return retryFromForm(api, form);
    default:
      throw badRequest();
  }
}

/** A question this page asked whose messages the loader has not returned yet. */
type Pending = { threadId: string; question: string; assistantMessageId: string; mode: ThreadMessage["mode"] };

export default function BrainThread() {
  const { thread } = useLoaderData<typeof loader>();
  const messages = thread.messages as ThreadMessage[];
  const { claudeBrowserBaseUrl, status } = useBrainData();
  const answer = useActionData<typeof action>();
  const location = useLocation();
  const client = useTRPCClient();
  const userKey = useUserKey();
  const live = useLiveAnswers();
  const { revalidate, state: revalidationState } = useRevalidator();
  const [pending, setPending] = useState<Pending | null>(null);
  const attempts = useRef(new Map<string, number>());
  const bottom = useRef<HTMLDivElement>(null);
  // The page stays mounted when another conversation is opened: a pending question belongs to its own.
  const pendingShown =
    pending && pending.threadId === thread.id && !messages.some((m) => m.id === pending.assistantMessageId)
      ? pending
      : null;

  // Answers still being written when this page arrived (asked from another page, or a reload mid-answer).
  useEffect(() => {
    for (const message of messages) {
      if (message.role === "assistant" && message.status === "streaming" && !isAnswerLive(message.id)) {
        startAnswer(client, message.id, message.mode, { apiKey: readUserKey(), baseURL: claudeBrowserBaseUrl });
      }
    }
  }, [messages, client, claudeBrowserBaseUrl, userKey]);

  // When an answer is over (or a new question is not in the page yet), load what was stored. A
  // stopped answer is stored a moment after the stream closes, so look again a few times.
  const revalidating = revalidationState !== "idle";
  const waitingFor =
    messages.find((m) => m.status === "streaming" && live.get(m.id)?.finished)?.id ??
    pendingShown?.assistantMessageId ??
    null;
  useEffect(() => {
    if (!waitingFor || revalidating) return;
    const tries = attempts.current.get(waitingFor) ?? 0;
    if (tries >= 20) return;
    attempts.current.set(waitingFor, tries + 1);
    const timer = setTimeout(() => void revalidate(), tries === 0 ? 0 : 300);
    return () => clearTimeout(timer);
  }, [waitingFor, revalidating, revalidate]);

  const count = messages.length + (pendingShown ? 2 : 0);
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "nearest" });
  }, [count]);

  const liveAnswerId =
    [
      ...messages.filter((m) => m.role === "assistant").map((m) => m.id),
      ...(pendingShown ? [pendingShown.assistantMessageId] : []),
    ].find((id) => {
      const entry = live.get(id);
      return entry && !entry.finished;
    }) ?? null;

  const begin = (asked: Asked, question: string) => {
    const apiKey = readUserKey();
    const mode = apiKey ? ("user_key" as const) : status.mode;
    startAnswer(client, asked.assistantMessageId, mode, { apiKey, baseURL: claudeBrowserBaseUrl });
    setPending({ threadId: asked.threadId, question, assistantMessageId: asked.assistantMessageId, mode });
  };

  // Stable, so answers that did not change are not rendered again (AssistantAnswer is memoised).
  const latest = useRef({ messages, begin });
  useEffect(() => {
    latest.current = { messages, begin };
  });
  const retry = useCallback(
    async (assistantMessageId: string): Promise<string | null> => {
      const { messages: current, begin: start } = latest.current;
      const index = current.findIndex((m) => m.id === assistantMessageId);
      const question =
        current
          .slice(0, index)
          .reverse()
          .find((m) => m.role === "user")?.content ?? "";
      try {
        const next = await client.brain.retry.mutate({ assistantMessageId, userKey: Boolean(readUserKey()) });
        start(next, question);
        return null;
      } catch (error) {
        return apiErrorMessage(error);
      }
    },
    [client],
  );

  const about = thread.account
    ? { to: `/accounts/${thread.account.id}`, name: thread.account.name }
    : thread.opportunity
      ? { to: `/opportunities/${thread.opportunity.id}`, name: thread.opportunity.name }
      : null;
  const focusComposer = (location.state as { focusComposer?: boolean } | null)?.focusComposer === true;

  return (
    <div className="flex flex-col gap-4">
      <header>
        <h2 className="break-words text-lg font-semibold text-slate-900" data-testid="brain-thread-title">
          {thread.title}
        </h2>
        {about ? (
          <p className="text-sm text-slate-600">
            About{" "}
            <Link to={about.to} className="font-medium text-brand-600 hover:underline" data-testid="brain-thread-about">
              {about.name}
            </Link>
          </p>
        ) : null}
      </header>
      {messages.length === 0 && !pendingShown ? (
        <EmptyState title="No questions in this conversation yet">Ask one below.</EmptyState>
      ) : (
        <ol className="space-y-4" data-testid="brain-messages">
          {messages.map((message) => (
            <li key={message.id}>
              {message.role === "user" ? (
                <UserQuestion content={message.content} createdAt={message.createdAt} />
              ) : (
                <AssistantAnswer
                  message={message}
                  live={live.get(message.id)}
                  onRetry={retry}
                  needsKey={message.mode === "user_key" && !userKey}
                />
              )}
            </li>
          ))}
          {pendingShown ? (
            <>
              <li>
                <UserQuestion content={pendingShown.question} />
              </li>
              <li>
                <AssistantAnswer
                  message={{
                    id: pendingShown.assistantMessageId,
                    role: "assistant",
                    content: "",
                    status: "streaming",
                    mode: pendingShown.mode,
                    model: null,
                    errorMessage: null,
                    manifest: null,
                    createdAt: new Date(),
                  }}
                  live={live.get(pendingShown.assistantMessageId)}
                />
              </li>
            </>
          ) : null}
        </ol>
      )}
      <div
        ref={bottom}
        className="sticky bottom-0 rounded-lg bg-white/95 p-4 shadow-sm ring-1 ring-slate-200 backdrop-blur"
      >
        <BrainComposer
          key={thread.id}
          action={`/brain/${thread.id}`}
          threadId={thread.id}
          answer={answer?.intent === "ask" ? answer : undefined}
          liveAnswerId={liveAnswerId}
          onAsked={begin}
          onStop={liveAnswerId ? () => stopAnswer(liveAnswerId) : undefined}
          autoFocus={focusComposer}
          label="Ask a follow-up"
          placeholder="Ask a follow-up question…"
        />
        {answer?.intent === "retry" && answer.formError ? (
          <p className="mt-2 text-sm text-red-700" role="alert">
            {answer.formError}
          </p>
        ) : null}
      </div>
    </div>
  );
}

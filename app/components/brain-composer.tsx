// The question box. Without JavaScript it is a plain form: the action asks, waits for the whole
// answer on the server and shows the conversation. With JavaScript the question goes through the
// typed API and the answer streams into the page. Enter sends, Shift+Enter starts a new line.
import { Form } from "@remix-run/react";
import { TRPCClientError } from "@trpc/client";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useUserKey } from "../utils/brain-user-key";
import { useTRPCClient } from "../utils/trpc";
import { FormMessage } from "./forms";
import { Button } from "./ui";

export type Asked = { threadId: string; assistantMessageId: string };

const STILL_ANSWERING = "The brain is still answering. Wait for it, or stop it, before asking the next question.";

/** What a form action answers when it does not redirect. */
export type BrainFormAnswer = {
  intent?: string;
  threadId?: string;
  formError?: string;
  fieldErrors?: Record<string, string>;
  fields?: Record<string, string>;
};

/** The message of an API refusal, for the form (a field's message when there is one). */
export function apiErrorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as { zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null } | undefined;
    const first = Object.values(data?.zodError?.fieldErrors ?? {}).find((messages) => messages?.[0])?.[0];
    return first ?? error.message;
  }
  return "Could not reach the server. Check your connection and try again.";
}

export function BrainComposer({
  action,
  threadId,
  scope,
  examples = [],
  answer,
  liveAnswerId,
  onAsked,
  onStop,
  autoFocus = false,
  label = "Ask the brain",
  placeholder = "Ask about an account, a person, a deal, your calendar…",
}: {
  /** Where the form posts without JavaScript. */
  action: string;
  threadId?: string;
  /** A new thread about this record. */
  scope?: { accountId?: string; opportunityId?: string };
  examples?: string[];
  answer?: BrainFormAnswer | undefined;
  /** The answer being written in this thread: the composer offers Stop instead of Ask. */
  liveAnswerId?: string | null;
  onAsked: (asked: Asked, question: string) => void;
  onStop?: () => void;
  autoFocus?: boolean;
  label?: string;
  placeholder?: string;
}) {
  const client = useTRPCClient();
  const userKey = useUserKey();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [pending, setPending] = useState(false);
  const [storedError, setError] = useState<string | null>(null);
  // "Still answering" holds only while an answer is live; it goes away by itself when the answer ends.
  const error = storedError === STILL_ANSWERING && !liveAnswerId ? null : storedError;
  const fieldError =
    error ??
    answer?.fieldErrors?.question ??
    answer?.fieldErrors?.accountId ??
    answer?.fieldErrors?.opportunityId ??
    null;

  useEffect(() => {
    if (autoFocus) textarea.current?.focus();
  }, [autoFocus]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    if (liveAnswerId) {
      setError(STILL_ANSWERING);
      return;
    }
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const example = submitter instanceof HTMLButtonElement && submitter.name === "example" ? submitter.value : null;
    const question = (example ?? textarea.current?.value ?? "").trim();
    if (!question) {
      setError("Ask a question.");
      textarea.current?.focus();
      return;
    }
    setError(null);
    setPending(true);
    try {
      const asked = await client.brain.ask.mutate({
        question,
        threadId: threadId ?? null,
        accountId: scope?.accountId ?? null,
        opportunityId: scope?.opportunityId ?? null,
        userKey: Boolean(userKey),
      });
      if (textarea.current) textarea.current.value = "";
      onAsked(asked, question);
    } catch (caught) {
      setError(apiErrorMessage(caught));
    } finally {
      setPending(false);
      textarea.current?.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      event.currentTarget.form?.requestSubmit();
    }
  };

  return (
    <Form
      method="post"
      action={action}
      onSubmit={(event) => void submit(event)}
      className="space-y-2"
      data-testid="brain-composer"
      noValidate
    >
      <input type="hidden" name="intent" value="ask" />
      {scope?.accountId ? <input type="hidden" name="accountId" value={scope.accountId} /> : null}
      {scope?.opportunityId ? <input type="hidden" name="opportunityId" value={scope.opportunityId} /> : null}
      {answer?.formError ? <FormMessage tone="error">{answer.formError}</FormMessage> : null}
      <label htmlFor="brain-question" className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="flex items-end gap-2">
        <textarea
          ref={textarea}
          id="brain-question"
          name="question"
          rows={2}
          maxLength={2_000}
          required
          placeholder={placeholder}
          defaultValue={answer?.fields?.question}
          onKeyDown={onKeyDown}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={`brain-question-hint${fieldError ? " brain-question-error" : ""}`}
          className={`block min-h-[2.75rem] w-full resize-y rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600 ${fieldError ? "border-red-500" : "border-slate-300"}`}
          data-testid="brain-input"
        />
        {liveAnswerId && onStop ? (
          <Button type="button" variant="secondary" onClick={onStop} className="shrink-0" data-testid="brain-stop">
            Stop
          </Button>
        ) : (
          <Button type="submit" disabled={pending} className="shrink-0 whitespace-nowrap" data-testid="brain-send">
            {pending ? "Asking…" : "Ask"}
          </Button>
        )}
      </div>
      <p id="brain-question-hint" className="text-xs text-slate-500">
        Enter sends, Shift+Enter starts a new line. Answers cite the records they rest on.
      </p>
      {fieldError ? (
        <p id="brain-question-error" className="text-sm text-red-700" data-testid="question-error">
          {fieldError}
        </p>
      ) : null}
      {examples.length > 0 ? (
        <div className="pt-2">
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Try asking</p>
          <ul className="mt-2 flex flex-col gap-2">
            {examples.map((example) => (
              <li key={example}>
                {/* A submit button of its own: without JavaScript it posts this question. */}
                <button
                  type="submit"
                  name="example"
                  value={example}
                  disabled={pending}
                  className="w-full rounded-md bg-white px-3 py-2 text-left text-sm text-slate-800 shadow-sm ring-1 ring-slate-200 hover:bg-brand-50 hover:ring-brand-500"
                  data-testid="brain-example"
                >
                  {example}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Form>
  );
}

// "Ask the brain about <record>" on an account's or a deal's page: starts a conversation about
// that record (its answers are grounded in it first) and opens it. Without JavaScript the form
// posts to /brain, which answers in full before showing the conversation.
import { Form, useNavigate } from "@remix-run/react";
import { useRef, useState, type FormEvent } from "react";
import { useUserKey } from "../utils/brain-user-key";
import { useTRPCClient } from "../utils/trpc";
import { apiErrorMessage } from "./brain-composer";
import { Button, Card } from "./ui";

export function BrainAskPanel({
  name,
  about,
}: {
  name: string;
  about: { accountId: string } | { opportunityId: string };
}) {
  const client = useTRPCClient();
  const userKey = useUserKey();
  const navigate = useNavigate();
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = "accountId" in about ? `ask-about-${about.accountId}` : `ask-about-${about.opportunityId}`;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const question = input.current?.value.trim() ?? "";
    if (!question) {
      setError("Ask a question.");
      input.current?.focus();
      return;
    }
    setPending(true);
    setError(null);
    try {
      const asked = await client.brain.ask.mutate({ question, ...about, userKey: Boolean(userKey) });
      // The conversation page streams the answer (it sees it is still being written).
      navigate(`/brain/${asked.threadId}`, { state: { focusComposer: true } });
    } catch (caught) {
      setError(apiErrorMessage(caught));
      setPending(false);
    }
  };

  return (
    <Card title={`Ask the brain about ${name}`}>
      <Form
        method="post"
        action="/brain"
        onSubmit={(event) => void submit(event)}
        className="space-y-2"
        data-testid="brain-ask-panel"
        noValidate
      >
        <input type="hidden" name="intent" value="ask" />
        {"accountId" in about ? (
          <input type="hidden" name="accountId" value={about.accountId} />
        ) : (
          <input type="hidden" name="opportunityId" value={about.opportunityId} />
        )}
        <label htmlFor={id} className="sr-only">
          Question about {name}
        </label>
        <div className="flex gap-2">
          <input
            ref={input}
            id={id}
            name="question"
            type="text"
            required
            maxLength={2_000}
            placeholder="What's the latest, and what should I do next?"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            className={`block w-full min-w-0 rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600 ${error ? "border-red-500" : "border-slate-300"}`}
            data-testid="brain-ask-input"
          />
          <Button
            type="submit"
            disabled={pending}
            className="shrink-0 whitespace-nowrap"
            data-testid="brain-ask-submit"
          >
            {pending ? "Asking…" : "Ask"}
          </Button>
        </div>
        {error ? (
          <p id={`${id}-error`} className="text-sm text-red-700" role="alert">
            {error}
          </p>
        ) : (
          <p className="text-xs text-slate-500">Answers cite the records they rest on, starting with this one.</p>
        )}
      </Form>
    </Card>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useRef, useState, type FormEvent } from "react";
import { FormMessage } from "../components/forms";
import { Button } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { maskKey, removeUserKey, saveUserKey, userKeyProblem, useUserKey } from "../utils/brain-user-key";
import { useHydrated } from "../utils/use-hydrated";
import { serverCaller } from "../utils/trpc.server";
import { browserClaudeBaseUrl } from "./brain.server";

export const meta: MetaFunction = () => [{ title: "API · Settings · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const status = await (await serverCaller(context)).brain.status();
  return {
    serverMode: status.mode,
    retrievalOnlyReason: status.retrievalOnlyReason,
    model: status.userKeyModel,
    claudeOrigin: new URL(browserClaudeBaseUrl()).origin,
  };
}

/**
 * The key form exists only once React runs in the browser: a form rendered by the server could be
 * submitted (to our server) before hydration, and the key must never reach our server.
 */
function UserKeyForm() {
  const key = useUserKey();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = input.current?.value ?? "";
    const problem = userKeyProblem(value);
    if (problem) {
      setError(problem);
      setNotice(null);
      input.current?.focus();
      return;
    }
    try {
      saveUserKey(value);
    } catch {
      setError("This browser refused to store the key (storage may be turned off for this site).");
      return;
    }
    if (input.current) input.current.value = "";
    setError(null);
    setNotice("Key saved in this browser. Questions you ask here are now answered by Claude with your key.");
  };

  const remove = () => {
    removeUserKey();
    setError(null);
    setNotice("Key removed from this browser.");
  };

  return (
    <div className="space-y-4" data-testid="user-key-form">
      {notice ? (
        <FormMessage tone="success" testId="user-key-notice">
          {notice}
        </FormMessage>
      ) : null}
      {key ? (
        <div className="flex flex-wrap items-center justify-between gap-3 rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
          <p className="text-sm text-slate-700">
            Saved key:{" "}
            <code className="font-mono text-slate-900" data-testid="user-key-masked">
              {maskKey(key)}
            </code>
          </p>
          <Button type="button" variant="secondary" onClick={remove} data-testid="user-key-remove">
            Remove key
          </Button>
        </div>
      ) : (
        <p className="text-sm text-slate-600" data-testid="user-key-none">
          No key is saved in this browser.
        </p>
      )}
      <form onSubmit={save} className="space-y-2" noValidate autoComplete="off">
        <label htmlFor="anthropic-key" className="block text-sm font-medium text-slate-800">
          {key ? "Replace it with another key" : "Your Anthropic API key"}
        </label>
        <div className="flex gap-2">
          <input
            ref={input}
            id="anthropic-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="sk-ant-…"
            aria-invalid={error ? true : undefined}
            aria-describedby={`anthropic-key-hint${error ? " anthropic-key-error" : ""}`}
            className={`block w-full min-w-0 rounded-md border bg-white px-3 py-2 font-mono text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-brand-600 ${error ? "border-red-500" : "border-slate-300"}`}
            data-testid="user-key-input"
          />
          <Button type="submit" className="shrink-0 whitespace-nowrap" data-testid="user-key-save">
            Save key
          </Button>
        </div>
        <p id="anthropic-key-hint" className="text-xs text-slate-500">
          Create one in the Anthropic Console. It is stored in this browser only.
        </p>
        {error ? (
          <p id="anthropic-key-error" className="text-sm text-red-700" data-testid="user-key-error">
            {error}
          </p>
        ) : null}
      </form>
    </div>
  );
}

export default function ApiSettings() {
  const { serverMode, retrievalOnlyReason, model, claudeOrigin } = useLoaderData<typeof loader>();
  const hydrated = useHydrated();
  return (
    <div className="space-y-4">
      <div>
        <h2 className="text-lg font-semibold text-slate-900">Your own Claude key</h2>
        <p className="text-sm text-slate-600">
          {serverMode === "server_key"
            ? "This server answers with its own Claude key. With a key of your own, answers in this browser are written with yours instead (and billed to you)."
            : retrievalOnlyReason === "plan"
              ? "Answers written with this server's Claude key are part of the Pro plan (Settings → Billing), so on your plan the brain's answers are retrieval-only: it lists the records that match. With your own Anthropic key, Claude writes the answers."
              : retrievalOnlyReason === "allowance"
                ? "This month's answers written with this server's Claude key are used up, so until the month turns the brain's answers are retrieval-only: it lists the records that match. With your own Anthropic key, Claude writes the answers."
                : "This server has no Claude key, so the brain's answers are retrieval-only: it lists the records that match. With your own Anthropic key, Claude writes the answers."}
        </p>
      </div>
      <section
        className="space-y-2 rounded-lg bg-white p-4 text-sm text-slate-700 shadow-sm ring-1 ring-slate-200"
        aria-label="How your key is used"
      >
        <p>
          <strong className="text-slate-900">Your key stays in this browser.</strong> It is kept in this browser&apos;s
          local storage and is never sent to our server — not with your questions, not in any request, not in any log.
          Other browsers and devices do not have it.
        </p>
        <p>
          With it, this browser calls Claude directly at <code className="font-mono">{claudeOrigin}</code> (model{" "}
          {model}). Our server still picks the records Claude sees, runs its searches, and checks and keeps the answer
          and its citations, exactly as with the server&apos;s key.
        </p>
        <p>
          Anyone who can use this browser profile can use the key. Remove it here when you are done, and on shared
          computers do not save it at all.
        </p>
      </section>
      <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
        {hydrated ? (
          <UserKeyForm />
        ) : (
          <p className="text-sm text-slate-600" data-testid="user-key-needs-js">
            A personal key needs JavaScript: your browser stores the key and calls Claude with it itself, so there is
            nothing to send to our server. Turn JavaScript on to add one. Without it, the{" "}
            <Link to="/brain" className="font-medium text-brand-600 hover:underline">
              brain
            </Link>{" "}
            still answers
            {serverMode === "server_key" ? " with the server's key." : " retrieval-only."}
          </p>
        )}
      </div>
    </div>
  );
}

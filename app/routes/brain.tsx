import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { BrainPlanNote } from "../components/billing-notes";
import { BrainThreadList } from "../components/brain-thread-list";
import { ButtonLink, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { badRequest, formText } from "../utils/forms.server";
import { useUserKey } from "../utils/brain-user-key";
import { useHydrated } from "../utils/use-hydrated";
import { serverCaller } from "../utils/trpc.server";
import { askFromForm, browserClaudeBaseUrl, deleteFromForm, renameFromForm } from "./brain.server";

export const meta: MetaFunction = () => [{ title: "Brain · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const [threads, status] = await Promise.all([api.brain.threads(), api.brain.status()]);
  return {
    threads,
    status,
    // The server's key writes answers only on Pro within the month's allowance (the server decides).
    planNote:
      status.retrievalOnlyReason === "plan"
        ? ("free" as const)
        : status.retrievalOnlyReason === "allowance"
          ? ("allowance_used" as const)
          : null,
    claudeBrowserBaseUrl: browserClaudeBaseUrl(),
    now: new Date().toISOString(),
  };
}

/** New questions (from the composer and the panels on account and deal pages), rename and delete. */
export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const api = await serverCaller(context);
  switch (formText(form, "intent")) {
    case "ask":
      return askFromForm(api, form, null);
    case "rename":
      return renameFromForm(api, form);
    case "delete":
      return deleteFromForm(api, form);
    default:
      throw badRequest();
  }
}

/** With no server key and no key in this browser, answers list records instead of being written. */
function RetrievalOnlyBanner({ noServerKey }: { noServerKey: boolean }) {
  const hydrated = useHydrated();
  const userKey = useUserKey();
  if (!noServerKey || (hydrated && userKey)) return null;
  return (
    <div
      role="note"
      className="mb-6 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200"
      data-testid="brain-retrieval-banner"
    >
      <p className="font-medium">Answers here are retrieval-only.</p>
      <p className="mt-1">
        This server has no Claude key, so the brain shows the records that best match your question — each cited —
        instead of a written answer. To get written answers, add your own Anthropic key in{" "}
        <Link to="/settings/api" className="font-medium underline">
          Settings → API
        </Link>
        ; it stays in this browser.
      </p>
    </div>
  );
}

/** The plan's note, unless this browser has the user's own key (which writes answers on any plan). */
function PlanNote({ reason }: { reason: "free" | "allowance_used" | null }) {
  const hydrated = useHydrated();
  const userKey = useUserKey();
  return hydrated && userKey ? null : <BrainPlanNote reason={reason} />;
}

export default function BrainLayout() {
  const { threads, status, now, planNote } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const location = useLocation();
  return (
    <>
      <PageHeader
        title="Brain"
        description="Ask about your accounts, people, deals, emails and meetings. Every answer cites the records it rests on."
        actions={
          <ButtonLink to="/brain" variant="secondary" data-testid="brain-new">
            New conversation
          </ButtonLink>
        }
      />
      <RetrievalOnlyBanner noServerKey={status.retrievalOnlyReason === "no_server_key"} />
      <PlanNote reason={planNote} />
      <div className="grid gap-6 md:grid-cols-[16rem_1fr]">
        <nav aria-label="Conversations" className="order-2 md:order-1">
          <h2 className="mb-2 px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Conversations</h2>
          <BrainThreadList
            threads={threads}
            now={now}
            answer={answer}
            currentPath={`${location.pathname}${location.search}`}
          />
        </nav>
        <section className="order-1 min-w-0 md:order-2">
          <Outlet context={answer?.intent === "ask" ? answer : undefined} />
        </section>
      </div>
    </>
  );
}

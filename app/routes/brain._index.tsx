import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate, useOutletContext } from "@remix-run/react";
import { BrainComposer, type BrainFormAnswer } from "../components/brain-composer";
import { Card } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { useBrainData } from "../utils/brain-route";
import { startAnswer } from "../utils/brain-streams";
import { readUserKey } from "../utils/brain-user-key";
import { useTRPCClient } from "../utils/trpc";
import { serverCaller } from "../utils/trpc.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  // An example question about one of the seller's own accounts (the most recently updated).
  const recent = await api.accounts.list({ limit: 1, sort: "recent" });
  return { exampleAccount: recent.items[0]?.name ?? null };
}

export function exampleQuestions(accountName: string | null): string[] {
  return [
    `What's the latest with ${accountName ?? "my newest account"}, and who is the champion?`,
    "Which deals close this month and what's the total?",
    "What's on my calendar next week?",
  ];
}

export default function BrainIndex() {
  const { exampleAccount } = useLoaderData<typeof loader>();
  const { claudeBrowserBaseUrl } = useBrainData();
  // The layout's action answers a form posted without JavaScript (an empty question, say).
  const answer = useOutletContext<BrainFormAnswer | undefined>();
  const client = useTRPCClient();
  const navigate = useNavigate();
  const scope = answer?.fields?.accountId
    ? { accountId: answer.fields.accountId }
    : answer?.fields?.opportunityId
      ? { opportunityId: answer.fields.opportunityId }
      : undefined;
  return (
    <div className="space-y-6">
      <div
        className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-8 text-center"
        data-testid="brain-empty"
      >
        <h2 className="text-base font-semibold text-slate-900">Ask your book of business</h2>
        <p className="mx-auto mt-2 max-w-xl text-sm text-slate-600">
          The brain reads your accounts, people, deals, emails, meetings and notes, answers with what they say, and
          links every fact to the record it came from. Pick a conversation on the left, or start a new one.
        </p>
      </div>
      <Card>
        <BrainComposer
          action="/brain"
          examples={exampleQuestions(exampleAccount)}
          answer={answer}
          scope={scope}
          autoFocus
          onAsked={(asked) => {
            const apiKey = readUserKey();
            // Start now; the conversation page shows it as it arrives.
            startAnswer(client, asked.assistantMessageId, apiKey ? "user_key" : "server", {
              apiKey,
              baseURL: claudeBrowserBaseUrl,
            });
            navigate(`/brain/${asked.threadId}`, { state: { focusComposer: true } });
          }}
        />
      </Card>
    </div>
  );
}

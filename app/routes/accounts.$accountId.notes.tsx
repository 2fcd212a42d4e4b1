import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { NotesPanel } from "../components/account-notes";
import { accountTabTitle, useAccount } from "../utils/account-route";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { badRequest } from "../utils/forms.server";
import { pageOrFirst } from "../utils/list-params.server";
import { answerNoteForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = ({ matches }) => accountTabTitle(matches, "Notes");

export const NOTES_PAGE_SIZE = 25;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const accountId = params.accountId ?? "";
  const { page, cursor } = await pageOrFirst(new URL(request.url).searchParams.get("cursor"), (cursor) =>
    api.notes.list({ accountId, limit: NOTES_PAGE_SIZE, cursor }),
  );
  return { page, isFirstPage: !cursor };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const accountId = params.accountId ?? "";
  const api = await serverCaller(context);
  // Another user's account (or a made-up id) has no notes page to post to.
  await orNotFound(api.accounts.get({ id: accountId }));
  const answer = await answerNoteForm(await request.formData(), api, { accountId }, `/accounts/${accountId}/notes`);
  if (!answer) throw badRequest();
  return answer;
}

export default function AccountNotes() {
  const account = useAccount();
  const { page, isFirstPage } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const path = `/accounts/${account.id}/notes`;
  return (
    <div className="space-y-4">
      <h2 className="text-lg font-semibold text-slate-900">Notes</h2>
      <NotesPanel
        notes={page.items}
        action={path}
        answer={answer}
        olderHref={page.nextCursor ? `?${new URLSearchParams({ cursor: page.nextCursor })}` : null}
        newestHref={isFirstPage ? null : path}
        subject="this account"
        showProspect
      />
    </div>
  );
}

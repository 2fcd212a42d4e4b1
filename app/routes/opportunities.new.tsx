import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DealForm } from "../components/deal-form";
import { Card, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { stageOptions } from "../utils/deal-stages.server";
import { invalidForm, mutateOrAnswer } from "../utils/forms.server";
import { accountChoices } from "../utils/record-choices.server";
import { readDealForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "New deal · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const { accounts, selected } = await accountChoices(api, new URL(request.url).searchParams.get("accountId"));
  return { accounts, accountId: selected, stages: stageOptions() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const read = readDealForm(await request.formData());
  if (!read.ok) return invalidForm(read);
  const api = await serverCaller(context);
  return mutateOrAnswer(() => api.opportunities.create(read.input), {
    fields: read.fields,
    success: (deal) => ({ path: `/opportunities/${deal.id}`, toast: "deal-created" }),
  });
}

export default function NewOpportunity() {
  const { accounts, accountId, stages } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const back = accountId ? `/accounts/${accountId}` : "/opportunities";
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title="New deal" description="An opportunity you are working on, from first call to signature." />
      <Card>
        <DealForm
          values={answer?.fields ?? { accountId }}
          fieldErrors={answer?.fieldErrors}
          formError={answer?.formError}
          accounts={accounts}
          stages={stages}
          submitLabel="Create deal"
          pendingText="Creating…"
          cancelTo={back}
        />
      </Card>
    </div>
  );
}

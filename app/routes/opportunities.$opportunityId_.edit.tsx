import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DealForm } from "../components/deal-form";
import { Card, PageHeader } from "../components/ui";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { stageOptions } from "../utils/deal-stages.server";
import { moneyInputValue } from "../utils/form-text";
import { dateInputValue } from "../utils/format";
import { invalidForm, mutateOrAnswer } from "../utils/forms.server";
import { accountChoices } from "../utils/record-choices.server";
import { readDealForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: `Edit ${loaded?.deal.name ?? "deal"} · Sales-as-Code` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const deal = await orNotFound(api.opportunities.get({ id: params.opportunityId ?? "" }));
  const { accounts } = await accountChoices(api, deal.account?.id);
  return {
    deal: { id: deal.id, name: deal.name },
    values: {
      name: deal.name,
      accountId: deal.account?.id ?? "",
      stage: deal.stage,
      amount: moneyInputValue(deal.amount),
      currency: deal.currency,
      closeDate: dateInputValue(deal.closeDate),
      probability: deal.probability === null ? "" : String(deal.probability),
      nextStep: deal.nextStep ?? "",
      lossReason: deal.lossReason ?? "",
    },
    accounts,
    stages: stageOptions(),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const id = params.opportunityId ?? "";
  const api = await serverCaller(context);
  // Someone else's deal is a 404 before anything about the form is said.
  await orNotFound(api.opportunities.get({ id }));
  const read = readDealForm(await request.formData());
  if (!read.ok) return invalidForm(read);
  // A stage changed here is recorded in the stage history and on the timeline, like a move.
  return mutateOrAnswer(() => api.opportunities.update({ id, ...read.input }), {
    fields: read.fields,
    success: () => ({ path: `/opportunities/${id}`, toast: "deal-updated" }),
  });
}

export default function EditOpportunity() {
  const { deal, values, accounts, stages } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={`Edit ${deal.name}`} />
      <Card>
        <DealForm
          values={answer?.fields ?? values}
          fieldErrors={answer?.fieldErrors}
          formError={answer?.formError}
          accounts={accounts}
          stages={stages}
          submitLabel="Save deal"
          pendingText="Saving…"
          cancelTo={`/opportunities/${deal.id}`}
        />
      </Card>
    </div>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { AccountForm } from "../components/account-form";
import { BackLink, PageHeader } from "../components/ui";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { invalidForm, mutateOrAnswer } from "../utils/forms.server";
import { readAccountForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Edit ${data.account.name} · Sales-as-Code` : "Account not found · Sales-as-Code" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  return { account: await orNotFound(api.accounts.get({ id: params.accountId ?? "" })) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const current = await orNotFound(api.accounts.get({ id: params.accountId ?? "" }));
  const read = readAccountForm(await request.formData(), { currentTier: current.tier });
  if (!read.ok) return invalidForm(read);
  // Every field is sent: a cleared field clears the value.
  return mutateOrAnswer(() => api.accounts.update({ id: current.id, ...read.input }), {
    fields: read.fields,
    success: () => ({ path: `/accounts/${current.id}`, toast: "account-updated" }),
  });
}

export default function EditAccount() {
  const { account } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const saved = {
    name: account.name,
    domain: account.domain ?? "",
    industry: account.industry ?? "",
    employeeCount: account.employeeCount === null ? "" : String(account.employeeCount),
    hqCity: account.hqCity ?? "",
    tier: account.tier ?? "",
    description: account.description ?? "",
    ownerNotes: account.ownerNotes ?? "",
  };
  return (
    <div className="mx-auto max-w-3xl">
      <BackLink to={`/accounts/${account.id}`}>{account.name}</BackLink>
      <PageHeader title={`Edit ${account.name}`} />
      <AccountForm
        values={answer?.fields ? { ...saved, ...answer.fields } : saved}
        fieldErrors={answer?.fieldErrors}
        formError={answer?.formError}
        submitLabel="Save changes"
        pendingText="Saving…"
        cancelTo={`/accounts/${account.id}`}
      />
    </div>
  );
}

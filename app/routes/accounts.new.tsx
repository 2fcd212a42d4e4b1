import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { AccountForm, emptyAccountValues } from "../components/account-form";
import { PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { invalidForm, mutateOrAnswer } from "../utils/forms.server";
import { readAccountForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "New account · Sales-as-Code" }];

export function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const read = readAccountForm(await request.formData());
  if (!read.ok) return invalidForm(read);
  const api = await serverCaller(context);
  return mutateOrAnswer(() => api.accounts.create(read.input), {
    fields: read.fields,
    success: (account) => ({ path: `/accounts/${account.id}`, toast: "account-created" }),
  });
}

export default function NewAccount() {
  const answer = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader
        title="New account"
        description="A company you sell to. Only the name is required; add the rest as you learn it."
      />
      <AccountForm
        values={{ ...emptyAccountValues, ...answer?.fields }}
        fieldErrors={answer?.fieldErrors}
        formError={answer?.formError}
        submitLabel="Create account"
        pendingText="Creating…"
        cancelTo="/accounts"
      />
    </div>
  );
}

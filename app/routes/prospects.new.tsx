import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { emptyPersonValues, PersonForm } from "../components/person-form";
import { PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { invalidForm, mutateOrAnswer } from "../utils/forms.server";
import { accountChoices } from "../utils/record-choices.server";
import { readPersonForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "New person · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const { accounts, accountsCut, selected } = await accountChoices(
    api,
    new URL(request.url).searchParams.get("accountId"),
  );
  return { accounts, accountsCut, accountId: selected };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const read = readPersonForm(await request.formData());
  if (!read.ok) return invalidForm(read);
  const api = await serverCaller(context);
  return mutateOrAnswer(() => api.prospects.create(read.input), {
    fields: read.fields,
    success: (person) => ({ path: `/prospects/${person.id}`, toast: "prospect-created" }),
  });
}

export default function NewProspect() {
  const { accounts, accountsCut, accountId } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const from = accounts.find((a) => a.id === accountId);
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader
        title="New person"
        description={from ? `Someone at ${from.name}.` : "Someone you work with. Only the first name is required."}
      />
      <PersonForm
        values={{ ...emptyPersonValues, accountId, ...answer?.fields }}
        accounts={accounts}
        accountsCut={accountsCut}
        fieldErrors={answer?.fieldErrors}
        formError={answer?.formError}
        submitLabel="Add person"
        pendingText="Adding…"
        cancelTo={from ? `/accounts/${from.id}/people` : "/prospects"}
      />
    </div>
  );
}

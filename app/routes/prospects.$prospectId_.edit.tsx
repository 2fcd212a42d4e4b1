import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { PersonForm } from "../components/person-form";
import { BackLink, PageHeader } from "../components/ui";
import { orNotFound } from "../utils/api-errors.server";
import { requireUser } from "../utils/auth.server";
import { personName } from "../utils/format";
import { invalidForm, mutateOrAnswer } from "../utils/forms.server";
import { accountChoices } from "../utils/record-choices.server";
import { readPersonForm } from "../utils/record-forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Edit ${personName(data.person)} · Sales-as-Code` : "Person not found · Sales-as-Code" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const person = await orNotFound(api.prospects.get({ id: params.prospectId ?? "" }));
  const { accounts, accountsCut } = await accountChoices(api, person.account?.id);
  return { person, accounts, accountsCut };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const current = await orNotFound(api.prospects.get({ id: params.prospectId ?? "" }));
  const read = readPersonForm(await request.formData(), { keepStatus: current.status });
  if (!read.ok) return invalidForm(read);
  // Every field is sent: a cleared field clears the value.
  return mutateOrAnswer(() => api.prospects.update({ id: current.id, ...read.input }), {
    fields: read.fields,
    success: () => ({ path: `/prospects/${current.id}`, toast: "prospect-updated" }),
  });
}

export default function EditProspect() {
  const { person, accounts, accountsCut } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const name = personName(person);
  const saved = {
    firstName: person.firstName,
    lastName: person.lastName,
    title: person.title ?? "",
    email: person.email ?? "",
    phone: person.phone ?? "",
    linkedinUrl: person.linkedinUrl ?? "",
    accountId: person.account?.id ?? "",
    role: person.role,
    status: person.status,
  };
  return (
    <div className="mx-auto max-w-3xl">
      <BackLink to={`/prospects/${person.id}`}>{name}</BackLink>
      <PageHeader title={`Edit ${name}`} />
      <PersonForm
        values={answer?.fields ? { ...saved, ...answer.fields } : saved}
        accounts={accounts}
        accountsCut={accountsCut}
        fieldErrors={answer?.fieldErrors}
        formError={answer?.formError}
        submitLabel="Save changes"
        pendingText="Saving…"
        cancelTo={`/prospects/${person.id}`}
      />
    </div>
  );
}

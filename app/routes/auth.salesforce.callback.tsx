import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuthCard } from "../components/auth-card";
import { FormMessage } from "../components/forms";
import { finishToolConnect } from "../utils/tool-connect.server";

export const meta: MetaFunction = () => [{ title: "Salesforce · Sales-as-Code" }];

/** Salesforce sends the browser back here. A refusal is a page with words and a 4xx/502, never a 500. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const finished = await finishToolConnect("salesforce", request, context);
  if (finished.ok) return redirect(finished.location, { headers: finished.headers });
  return data(
    { title: finished.title, message: finished.message },
    { status: finished.status, headers: finished.headers },
  );
}

export default function SalesforceCallback() {
  const { title, message } = useLoaderData<typeof loader>();
  return (
    <AuthCard title={title}>
      <FormMessage tone="error" testId="connect-error">
        {message}
      </FormMessage>
      <Link to="/settings/connections" className="inline-block font-medium text-brand-600 hover:underline">
        Back to Connections
      </Link>
    </AuthCard>
  );
}

// /auth/salesforce/connect: Settings → Connections' "Connect Salesforce" (and "Reconnect") button posts here.
// POST only, like every form that changes something (the global same-origin check guards it); a GET
// starts nothing and points back to the page. (The loader does not redirect: Remix runs it after the
// action too, and a redirect there would swallow the refusal's words.) A refusal (not set up here, a My Domain that is not one) is a page with words.
import { data, redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { AuthCard } from "../components/auth-card";
import { FormMessage } from "../components/forms";
import { startToolConnect } from "../utils/tool-connect.server";

export const meta: MetaFunction = () => [{ title: "Connect Salesforce · Sales-as-Code" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const started = await startToolConnect("salesforce", request, context);
  if (started.ok) return redirect(started.location, { headers: started.headers });
  return data({ title: started.title, message: started.message }, { status: started.status, headers: started.headers });
}

export function loader() {
  return null;
}

export default function ConnectSalesforce() {
  const answer = useActionData<typeof action>();
  return (
    <AuthCard title={answer?.title ?? "Connect Salesforce"}>
      {answer ? (
        <FormMessage tone="error" testId="connect-error">
          {answer.message}
        </FormMessage>
      ) : (
        <p className="text-sm text-slate-600">Connections are started from Settings → Connections.</p>
      )}
      <Link to="/settings/connections" className="inline-block font-medium text-brand-600 hover:underline">
        Back to Connections
      </Link>
    </AuthCard>
  );
}

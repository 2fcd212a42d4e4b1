// The pages of connecting Salesforce or Outreach (app/routes/auth.{salesforce,outreach}.*.tsx), one
// implementation for both tools: the form post that starts the handshake and the callback that
// finishes it (app/utils/tool-connect.server.ts). Every refusal is a page with words and a link back
// to Connections, with a 4xx/502 status, never a 500; success lands on Connections.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ConnectTool } from "../../server/auth/tool-connect";
import { finishToolConnect, startToolConnect } from "../utils/tool-connect.server";
import { AuthCard } from "./auth-card";
import { FormMessage } from "./forms";

/**
 * /auth/<tool>/connect: POST only, like every form that changes something (the global same-origin
 * check guards it). A GET starts nothing and points back to Connections; its loader does not
 * redirect, because Remix runs the loader after the action too and a redirect would swallow the
 * refusal's words (not set up here, a My Domain that is not one).
 */
export function connectRoute(tool: ConnectTool, name: string) {
  async function action({ request, context }: ActionFunctionArgs) {
    const started = await startToolConnect(tool, request, context);
    if (started.ok) return redirect(started.location, { headers: started.headers });
    return data(
      { title: started.title, message: started.message },
      { status: started.status, headers: started.headers },
    );
  }
  function Page() {
    const answer = useActionData<typeof action>();
    return (
      <AuthCard title={answer?.title ?? `Connect ${name}`}>
        {answer ? (
          <FormMessage tone="error" testId="connect-error">
            {answer.message}
          </FormMessage>
        ) : (
          <p className="text-sm text-slate-600">Connections are started from Settings → Connections.</p>
        )}
        <BackToConnections />
      </AuthCard>
    );
  }
  return { action, loader: () => null, Page };
}

/** /auth/<tool>/callback: where the provider sends the browser back. */
export function callbackRoute(tool: ConnectTool) {
  async function loader({ request, context }: LoaderFunctionArgs) {
    const finished = await finishToolConnect(tool, request, context);
    if (finished.ok) return redirect(finished.location, { headers: finished.headers });
    return data(
      { title: finished.title, message: finished.message },
      { status: finished.status, headers: finished.headers },
    );
  }
  function Page() {
    const { title, message } = useLoaderData<typeof loader>();
    return (
      <AuthCard title={title}>
        <FormMessage tone="error" testId="connect-error">
          {message}
        </FormMessage>
        <BackToConnections />
      </AuthCard>
    );
  }
  return { loader, Page };
}

function BackToConnections() {
  return (
    <Link to="/settings/connections" className="inline-block font-medium text-brand-600 hover:underline">
      Back to Connections
    </Link>
  );
}

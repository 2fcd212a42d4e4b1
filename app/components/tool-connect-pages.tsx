// The pages of connecting Salesforce or Outreach (app/routes/auth.{salesforce,outreach}.*.tsx), one
// implementation for both tools. Their actions and loaders stay in the route modules (the server code
// behind them is app/utils/tool-connect.server.ts, kept out of the browser bundle by Remix). Every
// refusal is a page with words and a link back to Connections; success never renders here.
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { AuthCard } from "./auth-card";
import { FormMessage } from "./forms";

/** What a refused connect or callback answers with. */
export type ConnectRefusalPage = { title: string; message: string };

/** /auth/<tool>/connect: a GET points back to Connections; a refused POST says why. */
export function ConnectToolPage({ name }: { name: string }) {
  const answer = useActionData<ConnectRefusalPage>();
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

/** /auth/<tool>/callback: a refused handshake, in words. */
export function ToolCallbackPage() {
  const { title, message } = useLoaderData<ConnectRefusalPage>();
  return (
    <AuthCard title={title}>
      <FormMessage tone="error" testId="connect-error">
        {message}
      </FormMessage>
      <BackToConnections />
    </AuthCard>
  );
}

function BackToConnections() {
  return (
    <Link to="/settings/connections" className="inline-block font-medium text-brand-600 hover:underline">
      Back to Connections
    </Link>
  );
}

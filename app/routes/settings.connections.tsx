import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TRPCError } from "@trpc/server";
import { FormMessage } from "../components/forms";
import { Badge, Button } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { formatCount, formatDateTime } from "../utils/format";
import { formText } from "../utils/forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "Connections · Settings · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  return { providers: await (await serverCaller(context)).connections.list() };
}

const revokedText = {
  yes: "we revoked our access there",
  failed: "the tool did not confirm revoking our access (remove it there too to be sure)",
  not_available: "revoke our access in the tool itself too",
  no_tokens: "we held no access to it",
} as const;

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const api = await serverCaller(context);
  try {
    const result = await api.connections.disconnect({ connectionId: formText(form, "connectionId") });
    const entry = (await api.connections.list()).find((p) => p.connection?.id === result.id);
    const kept = entry?.connection?.eventCount ?? 0;
    return {
      success:
        `Disconnected ${entry?.provider.name ?? "the tool"}: nothing more is read from it, its tokens are deleted here, and ${revokedText[result.revoked]}. ${
          kept > 0 ? `The ${formatCount(kept)} items already synced stay until you delete your account.` : ""
        }`.trim(),
    };
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) {
      return data(
        {
          error:
            error.code === "NOT_FOUND"
              ? "That connection does not exist (it may have been removed already)."
              : error.message,
        },
        { status: error.code === "NOT_FOUND" ? 404 : 400 },
      );
    }
    throw error;
  }
}

/** P3 and P12: what each tool may read, exactly, and disconnecting one at any time. */
export default function Connections() {
  const { providers } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <div className="space-y-4">
      <div>
        <h2 className="text-lg font-semibold text-slate-900">Connected tools</h2>
        <p className="text-sm text-slate-600">
          What each tool lets us read — exactly the permissions we ask for, nothing more. Disconnect any of them at any
          time: reading stops at once.
        </p>
      </div>
      {answer && "success" in answer ? (
        <FormMessage tone="success" testId="disconnect-success">
          {answer.success}
        </FormMessage>
      ) : null}
      {answer && "error" in answer ? <FormMessage tone="error">{answer.error}</FormMessage> : null}
      <ul
        className="divide-y divide-slate-100 overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200"
        data-testid="connections"
      >
        {providers.map(({ provider, connection }) => (
          <li key={provider.id} className="space-y-2 px-4 py-4" data-testid={`connection-${provider.id}`}>
            <div className="flex flex-wrap items-start justify-between gap-3">
              <div>
                <div className="flex items-center gap-2 font-medium text-slate-900">
                  {provider.name}
                  {connection?.status === "active" ? (
                    <Badge tone="green">Connected</Badge>
                  ) : connection?.status === "error" ? (
                    <Badge tone="amber">Sync failing</Badge>
                  ) : connection?.status === "needs_reauth" ? (
                    <Badge tone="red">Reconnect needed</Badge>
                  ) : connection ? (
                    <Badge tone="slate">Disconnected</Badge>
                  ) : null}
                </div>
                <p className="text-sm text-slate-600">{provider.reads}</p>
              </div>
              {connection && connection.status !== "disconnected" ? (
                <Form method="post">
                  <input type="hidden" name="connectionId" value={connection.id} />
                  <Button type="submit" variant="secondary" disabled={busy} data-testid={`disconnect-${provider.id}`}>
                    Disconnect
                  </Button>
                </Form>
              ) : null}
            </div>
            <div className="text-xs text-slate-500">
              Permissions we ask for:{" "}
              <span data-testid={`scopes-${provider.id}`}>
                {provider.scopes.map((scope, i) => (
                  <span key={scope}>
                    {i > 0 ? ", " : ""}
                    <code className="rounded bg-slate-100 px-1 py-0.5 text-slate-700">{scope}</code>
                  </span>
                ))}
              </span>
            </div>
            {connection ? (
              <div className="text-xs text-slate-500" data-testid={`connection-state-${provider.id}`}>
                {connection.status === "disconnected" && connection.disconnectedAt
                  ? `Disconnected ${formatDateTime(connection.disconnectedAt)}. `
                  : `Connected ${formatDateTime(connection.connectedAt)}${connection.externalAccountName ? ` as ${connection.externalAccountName}` : ""}. `}
                {connection.lastSyncFinishedAt ? `Last synced ${formatDateTime(connection.lastSyncFinishedAt)}. ` : ""}
                {connection.lastSyncError && connection.status !== "disconnected"
                  ? `Last sync failed: ${connection.lastSyncError}. `
                  : ""}
                {formatCount(connection.eventCount)} synced {connection.eventCount === 1 ? "item" : "items"} kept
                {connection.status === "disconnected" ? " until you delete your account." : "."}
              </div>
            ) : (
              <p className="text-xs text-slate-500">
                Not connected. Connecting {provider.name} arrives with the integrations release.
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

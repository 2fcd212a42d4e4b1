import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TRPCError } from "@trpc/server";
import { FormMessage } from "../components/forms";
import { Button } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { formatDateTime } from "../utils/format";
import { formText } from "../utils/forms.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "Sessions · Settings · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  return { sessions: await (await serverCaller(context)).sessions.list() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const api = await serverCaller(context);
  try {
    if (form.get("intent") === "revoke-others") {
      const { revoked } = await api.sessions.revokeOthers();
      return {
        success:
          revoked === 0
            ? "No other device was signed in."
            : `Signed out ${revoked} other ${revoked === 1 ? "device" : "devices"}.`,
      };
    }
    await api.sessions.revoke({ sessionId: formText(form, "sessionId") });
    return { success: "Signed out that device." };
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) {
      return data({ error: error.message }, { status: error.code === "NOT_FOUND" ? 404 : 400 });
    }
    throw error;
  }
}

export default function Sessions() {
  const { sessions } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div className="space-y-4">
      <div>
        <h2 className="text-lg font-semibold text-slate-900">Where you are signed in</h2>
        <p className="text-sm text-slate-600">
          Every browser signed in to your account, with the address it connected from. Sign out any you do not
          recognise.
        </p>
      </div>
      {answer && "success" in answer ? <FormMessage tone="success">{answer.success}</FormMessage> : null}
      {answer && "error" in answer ? <FormMessage tone="error">{answer.error}</FormMessage> : null}
      <ul
        className="divide-y divide-slate-100 overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200"
        data-testid="sessions"
      >
        {sessions.map((session) => (
          <li
            key={session.id}
            className="flex flex-wrap items-center justify-between gap-3 px-4 py-3"
            data-testid="session-row"
          >
            <div>
              <div className="font-medium text-slate-900">
                {session.device}
                {session.current ? (
                  <span
                    className="ml-2 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200"
                    data-testid="this-device"
                  >
                    This device
                  </span>
                ) : null}
              </div>
              <div className="text-xs text-slate-500">
                {session.ip ?? "Unknown address"} · signed in {formatDateTime(session.createdAt)} · last active{" "}
                {formatDateTime(session.lastSeenAt)}
              </div>
            </div>
            {session.current ? (
              <Form method="post" action="/logout">
                <Button type="submit" variant="ghost">
                  Sign out
                </Button>
              </Form>
            ) : (
              <Form method="post">
                <input type="hidden" name="sessionId" value={session.id} />
                <Button type="submit" variant="secondary" disabled={busy}>
                  Sign out this device
                </Button>
              </Form>
            )}
          </li>
        ))}
      </ul>
      {others > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="revoke-others" />
          <Button type="submit" variant="secondary" disabled={busy} data-testid="revoke-others">
            Sign out all other devices
          </Button>
        </Form>
      ) : null}
    </div>
  );
}

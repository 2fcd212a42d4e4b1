import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormMessage, SubmitButton, TextField } from "../components/forms";
import { BackLink } from "../components/ui";
import { env } from "../../server/env";
import { DELETION_GRACE_DAYS } from "../../server/data-rights/delete-account";
import { requireUser } from "../utils/auth.server";
import { serverCaller } from "../utils/trpc.server";
import { deleteAccountFromForm } from "./settings.data_.delete.server";

export const meta: MetaFunction = () => [{ title: "Delete account · Settings · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const me = await (await serverCaller(context)).me.profile();
  return {
    email: me.email,
    hasPassword: me.hasPassword,
    // Without a password, the only way to prove it is you is the Google account you sign in with.
    confirmWithGoogle: !me.hasPassword && me.identities.some((i) => i.provider === "google") && env().google !== null,
    graceDays: DELETION_GRACE_DAYS,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  return deleteAccountFromForm(await request.formData(), context, user.id);
}

/** P11: what deleting means, said plainly, then a confirmation that cannot happen by accident. */
export default function DeleteAccount() {
  const { email, hasPassword, confirmWithGoogle, graceDays } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  return (
    <div className="max-w-xl space-y-5">
      <div>
        <BackLink to="/settings/data">Data</BackLink>
        <h2 className="text-lg font-semibold text-slate-900">Delete your account</h2>
      </div>
      <div
        className="space-y-2 rounded-lg bg-red-50 p-4 text-sm text-red-900 ring-1 ring-red-200"
        data-testid="delete-consequences"
      >
        <p className="font-medium">This cannot be undone.</p>
        <ul className="list-disc space-y-1 pl-5">
          <li>You are signed out on every device at once, and nobody can sign in to this account again.</li>
          <li>Every connected tool is disconnected and our access to it is revoked; nothing more is read from them.</li>
          <li>
            Your accounts, people, deals, conversations, meetings, notes, activity, saved answers and connections are
            permanently deleted — usually within minutes, always within {graceDays} days.
          </li>
          <li>A subscription, if you have one, is cancelled; Stripe keeps its own record of past payments.</li>
        </ul>
        <p>
          Want a copy first?{" "}
          <Link to="/settings/data" className="font-medium underline">
            Export your workspace
          </Link>{" "}
          before you delete.
        </p>
      </div>
      {answer?.formError ? <FormMessage tone="error">{answer.formError}</FormMessage> : null}
      {hasPassword || confirmWithGoogle ? (
        <Form method="post" className="space-y-4" noValidate data-testid="delete-account-form">
          <TextField
            label={`Type your email, ${email}, to confirm`}
            name="confirmEmail"
            type="text"
            autoComplete="off"
            spellCheck={false}
            required
            defaultValue={answer?.fields?.confirmEmail ?? ""}
            error={answer?.fieldErrors?.confirmEmail}
          />
          {hasPassword ? (
            <>
              <TextField
                label="Your password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                error={answer?.fieldErrors?.password}
              />
              <SubmitButton
                variant="danger"
                pendingText="Deleting…"
                name="intent"
                value="password"
                data-testid="delete-account-submit"
              >
                Delete my account
              </SubmitButton>
            </>
          ) : (
            <>
              <p className="text-sm text-slate-600">
                You sign in with Google, so Google confirms it is you before anything is deleted.
              </p>
              <SubmitButton
                variant="danger"
                pendingText="Going to Google…"
                name="intent"
                value="google"
                data-testid="delete-account-google"
              >
                Confirm with Google and delete
              </SubmitButton>
            </>
          )}
        </Form>
      ) : (
        <FormMessage tone="info">
          This account has no password and Google sign-in is not set up here, so we cannot check it is you. Set a
          password in{" "}
          <Link to="/settings/password" className="font-medium underline">
            Settings → Password
          </Link>
          , then come back.
        </FormMessage>
      )}
    </div>
  );
}

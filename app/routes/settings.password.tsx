import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormMessage, SubmitButton, TextField } from "../components/forms";
import { requireUser } from "../utils/auth.server";
import { serverCaller } from "../utils/trpc.server";
import { changePasswordFromForm } from "./settings.password.server";

export const meta: MetaFunction = () => [{ title: "Password · Settings · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const me = await (await serverCaller(context)).me.profile();
  return { hasPassword: me.hasPassword, google: me.identities.some((i) => i.provider === "google") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  return changePasswordFromForm(await request.formData(), context);
}

export default function PasswordSettings() {
  const { hasPassword, google } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  return (
    <div className="max-w-md space-y-4">
      <div>
        <h2 className="text-lg font-semibold text-slate-900">
          {hasPassword ? "Change your password" : "Set a password"}
        </h2>
        <p className="text-sm text-slate-600">
          {hasPassword
            ? "Changing it signs out every other device."
            : `You sign in with ${google ? "Google" : "a link"}. Set a password to also sign in with your email.`}
        </p>
      </div>
      {answer?.success ? <FormMessage tone="success">{answer.success}</FormMessage> : null}
      {answer?.formError ? <FormMessage tone="error">{answer.formError}</FormMessage> : null}
      <Form method="post" className="space-y-4" noValidate>
        {hasPassword ? (
          <TextField
            label="Current password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            error={answer?.fieldErrors?.currentPassword}
          />
        ) : null}
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters."
          error={answer?.fieldErrors?.newPassword}
        />
        <SubmitButton pendingText="Saving…">Save password</SubmitButton>
      </Form>
    </div>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AuthCard } from "../components/auth-card";
import { FormMessage, SubmitButton, TextField } from "../components/forms";
import { checkResetLink, resetWithLink } from "./reset-password.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Sales-as-Code" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return { token, valid: await checkResetLink(token) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await resetWithLink(await request.formData(), context);
  if (result.cookie !== undefined) return redirect("/dashboard", { headers: { "Set-Cookie": result.cookie } });
  return result.answer;
}

export default function ResetPassword() {
  const { token, valid } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const expired = !valid || answer?.formError;
  return (
    <AuthCard
      title="Choose a new password"
      footer={
        <Link to="/login" className="font-medium text-brand-600 hover:underline">
          Back to sign in
        </Link>
      }
    >
      {expired ? (
        <>
          <FormMessage tone="error" testId="reset-link-invalid">
            {answer?.formError ?? "This reset link has expired or was already used. Ask for a new one below."}
          </FormMessage>
          <Link to="/forgot-password" className="font-medium text-brand-600 hover:underline">
            Send me a new link
          </Link>
        </>
      ) : (
        <Form method="post" className="space-y-4" noValidate>
          <input type="hidden" name="token" value={token} />
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            hint="At least 10 characters. Every other device signed in to your account will be signed out."
            error={answer?.fieldErrors?.password}
          />
          <SubmitButton pendingText="Saving…" className="w-full">
            Save new password
          </SubmitButton>
        </Form>
      )}
    </AuthCard>
  );
}

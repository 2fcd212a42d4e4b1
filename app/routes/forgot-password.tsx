import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { AuthCard } from "../components/auth-card";
import { FormMessage, SubmitButton, TextField } from "../components/forms";
import { redirectIfSignedIn } from "../utils/auth.server";
import { askForPasswordReset } from "./forgot-password.server";

export const meta: MetaFunction = () => [{ title: "Reset your password · Sales-as-Code" }];

export function loader({ request, context }: LoaderFunctionArgs) {
  redirectIfSignedIn(context, request);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  return askForPasswordReset(await request.formData(), context);
}

export default function ForgotPassword() {
  const answer = useActionData<typeof action>();
  return (
    <AuthCard
      title="Reset your password"
      subtitle="Enter the email you sign in with. We will send you a link to choose a new password."
      footer={
        <Link to="/login" className="font-medium text-brand-600 hover:underline">
          Back to sign in
        </Link>
      }
    >
      {answer?.success ? (
        <FormMessage tone="success" testId="reset-requested">
          {answer.success}
        </FormMessage>
      ) : (
        <Form method="post" className="space-y-4" noValidate>
          {answer?.formError ? <FormMessage tone="error">{answer.formError}</FormMessage> : null}
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={answer?.fields?.email}
            error={answer?.fieldErrors?.email}
          />
          <SubmitButton pendingText="Sending…" className="w-full">
            Send reset link
          </SubmitButton>
        </Form>
      )}
    </AuthCard>
  );
}

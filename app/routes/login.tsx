import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { AuthCard, Divider } from "../components/auth-card";
import { DemoButton } from "../components/demo-button";
import { FormMessage, SubmitButton, TextField } from "../components/forms";
import { GoogleButton } from "../components/google-button";
import { redirectIfSignedIn, safeRedirectPath } from "../utils/auth.server";
import { signInOptions } from "../utils/auth-forms.server";
import { signInWithPassword } from "./login.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Sales-as-Code" }];

export function loader({ request, context }: LoaderFunctionArgs) {
  redirectIfSignedIn(context, request);
  return signInOptions();
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  // Where to go is decided before the session exists: a bad target must not fail after sign-in.
  const target = safeRedirectPath(form.get("redirectTo"));
  const result = await signInWithPassword(form, context);
  if (result.cookie !== undefined) {
    return redirect(target, { headers: { "Set-Cookie": result.cookie } });
  }
  return result.answer;
}

export default function Login() {
  const { demoMode, google } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const [params] = useSearchParams();
  const redirectTo = params.get("redirectTo");
  const back = redirectTo ? `?${new URLSearchParams({ redirectTo })}` : "";
  return (
    <AuthCard
      title="Sign in"
      subtitle="Welcome back to your book of business."
      footer={
        <>
          New here?{" "}
          <Link to={`/signup${back}`} className="font-medium text-brand-600 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      {demoMode ? <DemoButton redirectTo={redirectTo} /> : null}
      {google ? <GoogleButton redirectTo={redirectTo} fake={google.fake} /> : null}
      {demoMode || google ? <Divider label="or with email" /> : null}
      <Form method="post" className="space-y-4" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo ?? ""} />
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
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={answer?.fieldErrors?.password}
        />
        <div className="flex items-center justify-between">
          <Link to="/forgot-password" className="text-sm font-medium text-brand-600 hover:underline">
            Forgot your password?
          </Link>
          <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
        </div>
      </Form>
    </AuthCard>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { AuthCard, Divider } from "../components/auth-card";
import { FormMessage, SubmitButton, TextField } from "../components/forms";
import { GoogleButton } from "../components/google-button";
import { redirectIfSignedIn, safeRedirectPath } from "../utils/auth.server";
import { signInOptions } from "../utils/auth-forms.server";
import { signUp } from "./signup.server";

export const meta: MetaFunction = () => [{ title: "Create your account · Sales-as-Code" }];

export function loader({ request, context }: LoaderFunctionArgs) {
  redirectIfSignedIn(context, request);
  return signInOptions();
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  // Where to go is decided before the account exists: a bad target must not fail after sign-up.
  const target = safeRedirectPath(form.get("redirectTo"));
  const result = await signUp(form, context);
  if (result.cookie !== undefined) {
    return redirect(target, { headers: { "Set-Cookie": result.cookie } });
  }
  return result.answer;
}

export default function Signup() {
  const { google } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const [params] = useSearchParams();
  const redirectTo = params.get("redirectTo");
  return (
    <AuthCard
      title="Create your account"
      subtitle="One place for every account, person, deal, email and meeting."
      footer={
        <>
          Already have an account?{" "}
          <Link to="/login" className="font-medium text-brand-600 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      {google ? (
        <>
          <GoogleButton redirectTo={redirectTo} fake={google.fake} />
          <Divider label="or with email" />
        </>
      ) : null}
      <Form method="post" className="space-y-4" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo ?? ""} />
        {answer?.formError ? <FormMessage tone="error">{answer.formError}</FormMessage> : null}
        <TextField
          label="Your name"
          name="name"
          autoComplete="name"
          required
          defaultValue={answer?.fields?.name}
          error={answer?.fieldErrors?.name}
        />
        <TextField
          label="Work email"
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
          autoComplete="new-password"
          required
          minLength={10}
          hint="At least 10 characters."
          error={answer?.fieldErrors?.password}
        />
        <p className="text-xs text-slate-500">
          By creating an account you agree to how we handle your data, as our{" "}
          <Link to="/privacy" className="underline">
            privacy policy
          </Link>{" "}
          describes.
        </p>
        <SubmitButton pendingText="Creating your account…" className="w-full">
          Create account
        </SubmitButton>
      </Form>
    </AuthCard>
  );
}

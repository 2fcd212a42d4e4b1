import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuthCard } from "../components/auth-card";
import { FormMessage } from "../components/forms";
import { finishGoogleSignIn } from "./auth.google.callback.server";

export const meta: MetaFunction = () => [{ title: "Google · Sales-as-Code" }];

/** Google sends the browser back here. A problem with the state is a clear 400 page and no session. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const result = await finishGoogleSignIn(request, context);
  if (result.ok) return redirect(result.location, { headers: result.headers });
  return data(
    { title: result.title, message: result.message, back: result.back },
    { status: result.status, headers: result.headers },
  );
}

export default function GoogleCallback() {
  const { title, message, back } = useLoaderData<typeof loader>();
  return (
    <AuthCard title={title}>
      <FormMessage tone="error" testId="google-error">
        {message}
      </FormMessage>
      <Link to={back.to} className="inline-block font-medium text-brand-600 hover:underline">
        {back.label}
      </Link>
    </AuthCard>
  );
}

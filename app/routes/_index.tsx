import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { DemoButton } from "../components/demo-button";
import { ButtonLink } from "../components/ui";
import { demoModeEnabled } from "../utils/demo.server";

export const meta: MetaFunction = () => [{ title: "Sales-as-Code — your sales brain" }];

export function loader({ context }: LoaderFunctionArgs) {
  if (context.auth.user) throw redirect("/dashboard");
  return { demoMode: demoModeEnabled() };
}

export default function Home() {
  const { demoMode } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="mx-auto max-w-2xl py-10 text-center">
      <h1 className="text-4xl font-semibold tracking-tight text-slate-900">
        Your whole book of business, in one place.
      </h1>
      <p className="mt-4 text-lg text-slate-600">
        Every account, person, deal, email and meeting — and a brain that answers “what’s going on with Acme, and what
        should I do next?” with the facts and their sources.
      </p>
      <div className="mt-8 flex flex-col items-center gap-4">
        {demoMode ? <DemoButton redirectTo={params.get("redirectTo")} large /> : null}
        <div className="flex items-center gap-3">
          <ButtonLink to="/signup" variant={demoMode ? "secondary" : "primary"}>
            Create an account
          </ButtonLink>
          <Link to="/login" className="text-sm font-medium text-brand-600 hover:underline" data-testid="home-sign-in">
            Sign in
          </Link>
        </div>
      </div>
    </div>
  );
}

import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { Button } from "../components/ui";
import { demoModeEnabled } from "../utils/demo.server";

export const meta: MetaFunction = () => [{ title: "Sales-as-Code — your sales brain" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.auth.user) throw redirect("/accounts");
  return { demoMode: demoModeEnabled() };
}

export default function Home() {
  const { demoMode } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="mx-auto max-w-2xl py-10 text-center">
      <h1 className="text-4xl font-semibold tracking-tight text-slate-900">Your whole book of business, in one place.</h1>
      <p className="mt-4 text-lg text-slate-600">
        Every account, person, deal, email and meeting — and a brain that answers “what’s going on with Acme, and what
        should I do next?” with the facts and their sources.
      </p>
      {demoMode ? (
        <Form method="post" action="/demo" className="mt-8 flex flex-col items-center gap-3">
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
          <Button type="submit" className="px-6 py-3 text-base" data-testid="try-demo">
            Try the demo
          </Button>
          <p className="text-sm text-slate-500">Signs you in to a sample workspace on this machine. No account needed.</p>
        </Form>
      ) : (
        <p className="mt-8 rounded-md bg-white px-4 py-3 text-sm text-slate-600 ring-1 ring-slate-200" data-testid="no-sign-in">
          This instance has no demo workspace, and sign-in with Google or email is not available yet.
        </p>
      )}
    </div>
  );
}
